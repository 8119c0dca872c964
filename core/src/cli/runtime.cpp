#include "cli/runtime.hpp"

#include "store/key_check.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/log_text.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sangam {

void prepare_data_dir(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw ConfigError("SANGAM_DATA_DIR=" + data_dir + " is invalid: cannot create it (" + ec.message() + ")");
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
}

DataDirLock::DataDirLock(const std::string& data_dir) {
  std::string path = data_dir + "/sangam.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw ConfigError("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
    ::close(fd_);
    fd_ = -1;
    std::string who = n > 0 ? std::string(" (pid ") + std::string(pid, strnlen(pid, n)) + ")" : "";
    while (!who.empty() && (who[who.size() - 2] == '\n')) who.erase(who.size() - 2, 1);
    throw ConfigError("the data directory " + data_dir + " is in use by another sangam process" + who +
                      "; stop it or set SANGAM_DATA_DIR to another directory");
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {
    // the pid is only a hint for the error message above
  }
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

namespace {
// stdout, written every second and at once from warn up (setup_logging), not after every line:
// spdlog's stdout sink fflush()es each message, one write(2) per request under the sink's lock, which
// the I/O threads then queue on (strace of GET /api/v1/projects on PostgreSQL: per request 1 write
// and 0.79 futex calls before, 0.04 and 0.04 after). Whole lines only, at most 4,096 bytes (PIPE_BUF)
// per write(2), which a pipe keeps in one piece: the spawned connector shares this stdout, and its
// lines must never land inside ours. On a terminal every line is written at once. A crash loses at
// most the last second of info lines; warnings and errors are written as they are logged.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStdoutSink() : each_line_(::isatty(STDOUT_FILENO) == 1) {}
  ~BufferedStdoutSink() override { write_out(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    if (buf_.size() + line.size() > kChunk) write_out();
    buf_.append(line.data(), line.size());
    if (each_line_ || buf_.size() >= kChunk) write_out();
  }
  void flush_() override { write_out(); }

 private:
  static constexpr size_t kChunk = 4096;
  void write_out() {
    for (size_t off = 0; off < buf_.size();) {
      ssize_t n = ::write(STDOUT_FILENO, buf_.data() + off, buf_.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write the log: drop it rather than stop the server
      off += static_cast<size_t>(n);
    }
    buf_.clear();
  }
  bool each_line_;
  std::string buf_;
};
}  // namespace

void setup_logging(const std::string& level) {
  // One line per event, key=value pairs, UTC timestamps; stdout so that systemd/journald collects it.
  auto logger = std::make_shared<spdlog::logger>("sangam", std::make_shared<BufferedStdoutSink>());
  spdlog::register_logger(logger);
  spdlog::set_default_logger(logger);
  spdlog::set_formatter(make_log_formatter("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v"));
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

std::unique_ptr<store::Database> open_and_migrate(const Config& cfg, const Clock& clock, unsigned threads) {
  // Handlers run on the I/O threads and hold a connection only while a query runs, so two per
  // thread plus a few for background work is enough; PostgreSQL's default max_connections is 100.
  size_t pool = std::max(4u, threads * 2 + 2);
  auto db = store::open_database(cfg.database_url, cfg.sqlite_path(), pool);
  auto applied = store::migrate(*db, clock);
  spdlog::info("event=store.ready backend={} migrations_applied={} schema_version={}", store::backend_name(db->backend()),
               applied.size(), store::schema_version(*db));
  return db;
}

void verify_secret_key(store::Database& db, const Config& cfg, bool key_from_env, const Clock& clock) {
  auto r = store::check_secret_key(db, cfg.secret_key, clock.now_ms());
  if (r == store::KeyCheck::stored) spdlog::info("event=secret_key.check_stored");
  if (r != store::KeyCheck::mismatch) return;
  std::string mine = key_from_env ? "SANGAM_SECRET_KEY" : cfg.data_dir + "/secret.key, generated because SANGAM_SECRET_KEY is unset";
  throw ConfigError("secret key mismatch: this database's secrets are sealed with another key than this node's (" + mine +
                    "). Set SANGAM_SECRET_KEY to the key of the node that first used the database (its SANGAM_SECRET_KEY, "
                    "or the contents of its <data dir>/secret.key): every node sharing a database needs the same key");
}

}  // namespace sangam
