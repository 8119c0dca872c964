#pragma once
// Every time read in the core goes through a Clock, so policy and scheduling logic can be tested to the
// second (ManualClock) and the demo can run a day in minutes (AcceleratedClock).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace sangam {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Milliseconds since the Unix epoch, UTC: the storage format of every timestamp.
  int64_t now_ms() const;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Test clock: time moves only when the test says so.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(to_ms(start)) {}
  TimePoint now() const override;
  void set(TimePoint t) { ms_ = to_ms(t); }
  void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  static int64_t to_ms(TimePoint t);
  std::atomic<int64_t> ms_;
};

// Demo clock: starts at the real time and runs `speed` times faster (speed 60 = one hour per minute).
class AcceleratedClock final : public Clock {
 public:
  AcceleratedClock(const Clock& base, double speed);
  TimePoint now() const override;
  double speed() const { return speed_; }

 private:
  const Clock& base_;
  double speed_;
  TimePoint origin_;
};

std::string format_iso8601(int64_t epoch_ms);

}  // namespace sangam
