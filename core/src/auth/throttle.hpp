#pragma once
// Login throttling: too many failures for one email, or from one client address, within a window
// blocks further attempts (even with the right password) until the oldest failure leaves the window.
#include "util/clock.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sangam {

struct ThrottleLimits {
  int per_email = 5;   // a person mistyping gets 5 tries; a guesser gets 5 guesses per 15 minutes
  int per_ip = 20;     // an office behind one NAT gets 20 failures across all its people
  int64_t window_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, ThrottleLimits limits = {}) : clock_(clock), limits_(limits) {}
  // Seconds until a new attempt is allowed for this email / ip, 0 when allowed now.
  int64_t retry_after_s(const std::string& email, const std::string& ip);
  void record_failure(const std::string& email, const std::string& ip);
  void record_success(const std::string& email);

 private:
  int64_t blocked_for(std::deque<int64_t>& fails, int limit, int64_t now);
  const Clock& clock_;
  ThrottleLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> fails_;
};

}  // namespace sangam
