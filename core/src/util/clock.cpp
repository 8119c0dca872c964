#include "util/clock.hpp"

#include <date/date.h>

namespace sangam {
using namespace std::chrono;

int64_t Clock::now_ms() const { return duration_cast<milliseconds>(now().time_since_epoch()).count(); }

int64_t ManualClock::to_ms(TimePoint t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }

TimePoint ManualClock::now() const { return TimePoint(duration_cast<system_clock::duration>(milliseconds(ms_.load()))); }

AcceleratedClock::AcceleratedClock(const Clock& base, double speed) : base_(base), speed_(speed), origin_(base.now()) {}

TimePoint AcceleratedClock::now() const {
  auto real = base_.now() - origin_;
  return origin_ + duration_cast<system_clock::duration>(duration<double>(real) * speed_);
}

std::string format_iso8601(int64_t epoch_ms) {
  sys_time<seconds> t{seconds{epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000}};
  return date::format("%FT%TZ", t);
}

}  // namespace sangam
