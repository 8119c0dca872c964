#include "auth/throttle.hpp"

#include <algorithm>

namespace sangam {

int64_t LoginThrottle::blocked_for(std::deque<int64_t>& fails, int limit, int64_t now) {
  while (!fails.empty() && fails.front() <= now - limits_.window_ms) fails.pop_front();
  if (static_cast<int>(fails.size()) < limit) return 0;
  int64_t until = fails[fails.size() - limit] + limits_.window_ms;
  return std::max<int64_t>(1, (until - now + 999) / 1000);
}

int64_t LoginThrottle::retry_after_s(const std::string& email, const std::string& ip) {
  std::lock_guard g(mu_);
  int64_t now = clock_.now_ms();
  return std::max(blocked_for(fails_["e:" + email], limits_.per_email, now),
                  blocked_for(fails_["i:" + ip], limits_.per_ip, now));
}

void LoginThrottle::record_failure(const std::string& email, const std::string& ip) {
  std::lock_guard g(mu_);
  int64_t now = clock_.now_ms();
  fails_["e:" + email].push_back(now);
  fails_["i:" + ip].push_back(now);
  // Bound memory under a spray of random emails: forget keys with no failure left in the window.
  if (fails_.size() > 100000)
    std::erase_if(fails_, [&](auto& kv) { return kv.second.empty() || kv.second.back() <= now - limits_.window_ms; });
}

void LoginThrottle::record_success(const std::string& email) {
  std::lock_guard g(mu_);
  fails_.erase("e:" + email);
}

}  // namespace sangam
