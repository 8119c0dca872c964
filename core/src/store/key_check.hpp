#pragma once
// One secret key per database. Every node sharing a database must seal and open its secrets with the
// same key: a node generating its own (SANGAM_SECRET_KEY unset) cannot open the session archives
// another node sealed, and a failover would end in "session corrupt" for every account. The first
// start stores the key's check value; later starts compare theirs with it.
#include "store/db.hpp"
#include "util/crypto.hpp"

namespace sangam::store {

enum class KeyCheck {
  stored,    // the database had no check value: this key's is stored now
  matches,   // the key is the one the database's secrets are sealed with
  mismatch,  // another key's check value is stored: this node must not start
};

KeyCheck check_secret_key(Database& db, const crypto::SecretKey& key, int64_t now_ms);

}  // namespace sangam::store
