#include "auth/auth_cache.hpp"

namespace sangam {

AuthCache::AuthCache(const Clock& clock, Options opts) : clock_(clock), opts_(opts) {}

uint64_t AuthCache::ticket() const {
  std::lock_guard g(mu_);
  return generation_;
}

std::optional<AuthCache::Entry> AuthCache::find(Kind kind, const std::string& hash) {
  if (!enabled()) return std::nullopt;
  Key key = static_cast<char>(kind) + hash;
  int64_t now = clock_.now_ms();
  std::lock_guard g(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  const Slot& s = it->second;
  if (now >= s.stored_at + opts_.ttl_ms || now < s.stored_at || (s.entry.expires_at && now >= *s.entry.expires_at)) {
    erase(it);  // stale, or the clock went back: ask the database
    return std::nullopt;
  }
  return s.entry;
}

void AuthCache::put(Kind kind, const std::string& hash, Entry entry, uint64_t ticket) {
  if (!enabled()) return;
  Key key = static_cast<char>(kind) + hash;
  int64_t now = clock_.now_ms();
  std::lock_guard g(mu_);
  if (paused_ || ticket != generation_) return;
  if (auto it = map_.find(key); it != map_.end()) erase(it);  // two concurrent misses: the later one wins
  while (map_.size() >= opts_.max_entries) erase(map_.find(order_.front()));
  order_.push_back(key);
  map_.emplace(std::move(key), Slot{std::move(entry), now, std::prev(order_.end())});
}

void AuthCache::touched(Kind kind, const std::string& hash, int64_t at) {
  std::lock_guard g(mu_);
  if (auto it = map_.find(static_cast<char>(kind) + hash); it != map_.end()) it->second.entry.last_used_at = at;
}

void AuthCache::erase(std::unordered_map<Key, Slot>::iterator it) {
  order_.erase(it->second.order);
  map_.erase(it);
}

void AuthCache::forget_user(int64_t user_id) {
  std::lock_guard g(mu_);
  ++generation_;
  for (auto it = map_.begin(); it != map_.end();) {
    auto next = std::next(it);
    if (it->second.entry.principal.user.id == user_id) erase(it);
    it = next;
  }
}

void AuthCache::clear() {
  std::lock_guard g(mu_);
  ++generation_;
  map_.clear();
  order_.clear();
}

void AuthCache::pause(bool paused) {
  std::lock_guard g(mu_);
  paused_ = paused;
  ++generation_;
  map_.clear();
  order_.clear();
}

size_t AuthCache::size() const {
  std::lock_guard g(mu_);
  return map_.size();
}

}  // namespace sangam
