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

}  // namespace sangam
