#pragma once
// Start-up shared by `serve`, `demo` and `migrate`: configuration, data directory, lock, logging,
// database and migrations.
#include "config/config.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <memory>

namespace sangam {

class DataDirLock {
 public:
  explicit DataDirLock(const std::string& data_dir);  // throws ConfigError when another process holds it
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

void prepare_data_dir(const std::string& data_dir);
void setup_logging(const std::string& level);
std::unique_ptr<store::Database> open_and_migrate(const Config& cfg, const Clock& clock, unsigned threads);
// Throws ConfigError (one line: what to set) when the database's secrets were sealed with another key.
// key_from_env: SANGAM_SECRET_KEY was set (otherwise the key is <data dir>/secret.key).
void verify_secret_key(store::Database& db, const Config& cfg, bool key_from_env, const Clock& clock);

}  // namespace sangam
