#pragma once
// In-memory cache of session and API-token look-ups, keyed by the secret's hash (what the database
// stores; the secret itself is never kept). On PostgreSQL the look-up was one of the two round trips
// of every authenticated request (8.8k vs 22.7k req/s on SQLite, docs/performance.md).
//
// Correctness rests on three rules:
// - an entry lives at most `ttl_ms` (5 s by default) and never past the credential's own expiry, so
//   whatever invalidation is missed (a lost notification from another node) is refused within 5 s;
// - every path that ends a credential or changes its user calls forget_user() after its commit
//   (AuthService::apply, the one place that does);
// - a look-up that raced with an invalidation is not stored: take ticket() before reading the
//   database and hand it to put(); put() drops the entry when any invalidation came in between.
//   Without the ticket, a read that saw a session just before its logout committed could store it
//   after forget_user() ran, and it would authenticate for another 5 s.
// Misses are not cached: a stranger trying random tokens costs what it cost before, and cannot fill
// the cache.
#include "auth/user.hpp"
#include "util/clock.hpp"

#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sangam {

class AuthCache {
 public:
  struct Options {
    // 5 s: the longest a revocation missed on another node stays usable; it also bounds a cached
    // principal's name and admin flag. At 15k req/s one look-up per credential per 5 s is nothing.
    int64_t ttl_ms = 5000;
    // 10,000 credentials of ~300 bytes each: at most ~3 MB. A team has tens of sessions and tokens;
    // past the bound the oldest entries go first (each costs one look-up to come back).
    size_t max_entries = 10000;
  };
  enum class Kind : char { session = 's', token = 't' };
  struct Entry {
    Principal principal;
    std::optional<int64_t> expires_at;    // the credential's own expiry (ms), if any
    std::optional<int64_t> last_used_at;  // tokens: when last_used_at was last written
  };

  AuthCache(const Clock& clock, Options opts);

  bool enabled() const { return opts_.ttl_ms > 0 && opts_.max_entries > 0; }
  // The invalidation count to hand to put() for a look-up that starts now.
  uint64_t ticket() const;
  std::optional<Entry> find(Kind kind, const std::string& hash);
  // Stores the look-up's answer unless an invalidation happened since `ticket` or the cache is paused.
  void put(Kind kind, const std::string& hash, Entry entry, uint64_t ticket);
  // A token's last_used_at was just written.
  void touched(Kind kind, const std::string& hash, int64_t at);

  // Invalidation. Each one also makes in-flight look-ups' put() a no-op (see ticket()).
  void forget_user(int64_t user_id);  // every session and token of the user: O(entries), rare
  void clear();
  // While paused, nothing is stored (PostgreSQL: the listener for other nodes' revocations is down,
  // so an entry could miss one). Pausing clears, resuming clears again.
  void pause(bool paused);

  size_t size() const;

 private:
  using Key = std::string;  // kind char + hash
  struct Slot {
    Entry entry;
    int64_t stored_at;
    std::list<Key>::iterator order;
  };
  void erase(std::unordered_map<Key, Slot>::iterator it);

  const Clock& clock_;
  Options opts_;
  mutable std::mutex mu_;
  std::unordered_map<Key, Slot> map_;
  std::list<Key> order_;  // oldest stored first: every entry has the same TTL, so also soonest to expire
  uint64_t generation_ = 0;
  bool paused_ = false;
};

}  // namespace sangam
