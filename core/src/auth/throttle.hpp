#pragma once
// Login throttling. Failures are counted in three windows, and an attempt is refused (even with the
// right password) while any of them is full, until its oldest failure leaves the window:
// - per (email, client): the guesser at one address is slowed down without locking the owner of the
//   email out from their own address — a stranger's 5 wrong passwords used to block the right
//   password from everywhere for 15 minutes (issue 12 item 5);
// - per email, across clients: a ceiling on guesses from many addresses;
// - per client: one address guessing many emails.
// A client is an IPv4 address, or the /64 prefix of an IPv6 address (one host usually owns a whole
// /64, which would otherwise give it 2^64 fresh addresses).
#include "util/clock.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sangam {

struct ThrottleLimits {
  int per_pair = 5;  // a person mistyping gets 5 tries; a guesser gets 5 guesses per 15 minutes per address
  // Across addresses: 100 per 15 minutes bounds a botnet to ~9,600 guesses a day on one email (a
  // 10-character password still holds), and locking the owner out now needs 20 addresses (100 / 5),
  // each also counted by per_ip. Lower would hand lock-outs back to small botnets; higher, or none,
  // would let a large one guess without bound.
  int per_email = 100;
  int per_ip = 20;  // an office behind one NAT gets 20 failures across all its people
  int64_t window_ms = 15 * 60 * 1000;
};

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, ThrottleLimits limits = {}) : clock_(clock), limits_(limits) {}
  // Seconds until a new attempt is allowed for this email from this ip, 0 when allowed now.
  int64_t retry_after_s(const std::string& email, const std::string& ip);
  void record_failure(const std::string& email, const std::string& ip);
  // Forgets the pair's failures. The per-email count stays: otherwise every sign-in of the owner
  // would hand a distributed guesser another 100 guesses.
  void record_success(const std::string& email, const std::string& ip);

  // "10.0.0.1" → "10.0.0.1"; "2001:db8:1:2::7" → "2001:db8:1:2::/64"; "::ffff:10.0.0.1" → "10.0.0.1".
  static std::string client_key(const std::string& ip);

 private:
  int64_t blocked_for(std::deque<int64_t>& fails, int limit, int64_t now);
  const Clock& clock_;
  ThrottleLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> fails_;
};

}  // namespace sangam
