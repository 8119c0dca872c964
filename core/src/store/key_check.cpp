#include "store/key_check.hpp"

#include <sodium.h>

namespace sangam::store {

KeyCheck check_secret_key(Database& db, const crypto::SecretKey& key, int64_t now_ms) {
  static const std::string kName = "secret_key_check";
  const std::string mine = crypto::key_check_value(key);
  // Insert-if-absent, then read back: of two nodes starting at once with different keys, one stores
  // its value and the other reads it and refuses.
  return db.write([&](Conn& c) {
    bool inserted = c.run("setting-insert-if-absent", {kName, mine, now_ms}).affected == 1;
    std::string stored = c.run("setting-get", {kName})[0].str("value");
    if (stored.size() != mine.size() || sodium_memcmp(stored.data(), mine.data(), mine.size()) != 0)
      return KeyCheck::mismatch;
    return inserted ? KeyCheck::stored : KeyCheck::matches;
  });
}

}  // namespace sangam::store
