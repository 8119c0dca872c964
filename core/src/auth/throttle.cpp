#include "auth/throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sangam {
namespace {
// Keys of the three windows. A NUL cannot occur in an email or an address, so no key collides.
std::string pair_key(const std::string& email, const std::string& client) { return "p:" + email + '\0' + client; }
std::string email_key(const std::string& email) { return "e:" + email; }
std::string ip_key(const std::string& client) { return "i:" + client; }
}  // namespace

std::string LoginThrottle::client_key(const std::string& ip) {
  unsigned char a[16];
  if (ip.find(':') == std::string::npos || inet_pton(AF_INET6, ip.c_str(), a) != 1) return ip;
  static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN] = {};
  if (std::memcmp(a, v4_mapped, 12) == 0) return inet_ntop(AF_INET, a + 12, text, sizeof text) ? text : ip;
  std::memset(a + 8, 0, 8);
  return inet_ntop(AF_INET6, a, text, sizeof text) ? std::string(text) + "/64" : ip;
}

int64_t LoginThrottle::blocked_for(std::deque<int64_t>& fails, int limit, int64_t now) {
  while (!fails.empty() && fails.front() <= now - limits_.window_ms) fails.pop_front();
  if (static_cast<int>(fails.size()) < limit) return 0;
  int64_t until = fails[fails.size() - limit] + limits_.window_ms;
  return std::max<int64_t>(1, (until - now + 999) / 1000);
}

int64_t LoginThrottle::retry_after_s(const std::string& email, const std::string& ip) {
  std::string client = client_key(ip);
  std::lock_guard g(mu_);
  int64_t now = clock_.now_ms();
  // find, not operator[]: a check must not create entries (a spray of emails would fill the map).
  auto wait = [&](const std::string& key, int limit) -> int64_t {
    auto it = fails_.find(key);
    return it == fails_.end() ? 0 : blocked_for(it->second, limit, now);
  };
  return std::max({wait(pair_key(email, client), limits_.per_pair), wait(email_key(email), limits_.per_email),
                   wait(ip_key(client), limits_.per_ip)});
}

void LoginThrottle::record_failure(const std::string& email, const std::string& ip) {
  std::string client = client_key(ip);
  std::lock_guard g(mu_);
  int64_t now = clock_.now_ms();
  fails_[pair_key(email, client)].push_back(now);
  fails_[email_key(email)].push_back(now);
  fails_[ip_key(client)].push_back(now);
  // Bound memory under a spray of random emails: forget keys with no failure left in the window.
  if (fails_.size() > 100000)
    std::erase_if(fails_, [&](auto& kv) { return kv.second.empty() || kv.second.back() <= now - limits_.window_ms; });
}

void LoginThrottle::record_success(const std::string& email, const std::string& ip) {
  std::string client = client_key(ip);
  std::lock_guard g(mu_);
  fails_.erase(pair_key(email, client));
}

}  // namespace sangam
