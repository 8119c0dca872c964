// SQLite backend: one connection per pool slot, WAL journal, prepared statements cached per query name.
#include "store/bulk_stream.hpp"
#include "store/db.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace sangam::store {
namespace {

DbError::Kind classify(int extended) {
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return DbError::Kind::unique_violation;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return DbError::Kind::foreign_key_violation;
    default: break;
  }
  int primary = extended & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return DbError::Kind::busy;
  return DbError::Kind::other;
}

// From this many rows a bulk write gets a transaction-sized page cache (SqliteConn::bulk).
constexpr size_t kBigBulkRows = 20000;

class SqliteConn final : public Conn, public BulkStreaming {
 public:
  explicit SqliteConn(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw DbError(DbError::Kind::other, fmt::format("cannot open SQLite database {}: {}", path, msg));
    }
    sqlite3_extended_result_codes(db_, 1);
    // 10 s: a writer waits this long for another process's write transaction before failing.
    sqlite3_busy_timeout(db_, 10000);
    // WAL lets readers run beside the one writer; synchronous=NORMAL is durable across process crashes
    // (only an OS crash can lose the last commits) and ~10x faster than FULL on small transactions.
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }
  ~SqliteConn() override {
    for (auto& [_, s] : stmts_) sqlite3_finalize(s);
    for (auto& [_, s] : text_stmts_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  Result run(std::string_view name, const Params& params) override { return step(statement(name), name, params); }

  Result run_text(const std::string& sql, const Params& params) override {
    auto it = text_stmts_.find(sql);
    if (it == text_stmts_.end()) {
      // Bounded: 512 filter combinations at most, but a long-running process should not grow forever.
      if (text_stmts_.size() >= 256) {
        for (auto& [_, st] : text_stmts_) sqlite3_finalize(st);
        text_stmts_.clear();
      }
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
        throw DbError(DbError::Kind::other, fmt::format("prepare: {}", sqlite3_errmsg(db_)));
      it = text_stmts_.emplace(sql, st).first;
    }
    return step(it->second, "text", params);
  }

  // A big bulk write (the planner's 1M outbox rows) gets a page cache sized to it for its
  // transaction: with the default 2 MiB the index pages are evicted and re-read between rows
  // (docs/performance.md, Campaign planner). ~256 bytes of cache per row, at most 512 MiB; pages
  // are allocated only as they are touched and given back when the size is restored.
  struct BigCache {
    SqliteConn* self;
    std::optional<int64_t> before;
    BigCache(SqliteConn* s, size_t rows) : self(s) {
      if (rows < kBigBulkRows) return;
      auto r = self->run_text("PRAGMA cache_size", {});
      before = r.empty() ? int64_t(-2000) : r[0].i64("cache_size");
      int64_t kib = std::min<int64_t>(static_cast<int64_t>(rows) / 4, 512 * 1024);
      self->exec_script(fmt::format("PRAGMA cache_size = -{}", kib));
    }
    ~BigCache() {
      if (before) try { self->exec_script(fmt::format("PRAGMA cache_size = {}", *before)); } catch (...) {}
    }
  };

  std::vector<int> bind_indexes(sqlite3_stmt* st, size_t width) {
    std::vector<int> idx(width);
    for (size_t i = 0; i < width; ++i) idx[i] = sqlite3_bind_parameter_index(st, fmt::format("${}", i + 1).c_str());
    return idx;
  }

  [[noreturn]] void bulk_failed(sqlite3_stmt* st, std::string_view name) {
    int ext = sqlite3_extended_errcode(db_);
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    throw DbError(classify(ext), fmt::format("bulk {}: {}", name, msg));
  }

  // BulkStreaming: each chunk's cells bound straight from its arena (SQLITE_STATIC: the chunk is not
  // touched until its rows are stepped), no Value or std::string per cell.
  int64_t bulk_stream(std::string_view name, size_t width, const ChunkSource& next, size_t rows_hint) override {
    sqlite3_stmt* st = statement(name);
    BigCache cache(this, rows_hint);
    std::vector<int> idx = bind_indexes(st, width);
    BulkChunk chunk(width);
    int64_t n = 0;
    for (;;) {
      chunk.clear();
      if (!next(chunk)) break;
      if (!chunk.complete()) throw std::logic_error("bulk_stream: a chunk ended inside a row");
      const char* arena = chunk.arena().data();
      for (size_t r = 0, rows = chunk.rows(); r < rows; ++r) {
        sqlite3_reset(st);
        for (size_t i = 0; i < width; ++i) {
          if (!idx[i]) continue;
          const BulkChunk::Cell& c = chunk.cell(r, i);
          if (c.kind == BulkChunk::Kind::i64) sqlite3_bind_int64(st, idx[i], c.i);
          else if (c.kind == BulkChunk::Kind::text) sqlite3_bind_text(st, idx[i], arena + c.off, static_cast<int>(c.len), SQLITE_STATIC);
          else sqlite3_bind_null(st, idx[i]);
        }
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) bulk_failed(st, name);
      }
      n += static_cast<int64_t>(chunk.rows());
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);  // the bound text pointed into the chunk
    return n;
  }

  int64_t bulk(std::string_view name, const std::vector<Params>& rows) override {
    sqlite3_stmt* st = statement(name);
    BigCache cache(this, rows.size());
    // $k's bind index, looked up once for the statement instead of once per value.
    size_t width = rows.empty() ? 0 : rows[0].size();
    std::vector<int> idx = bind_indexes(st, width);
    for (const auto& row : rows) {
      sqlite3_reset(st);
      // SQLITE_STATIC: `rows` outlives the step, so SQLite need not copy each string (the content).
      for (size_t i = 0; i < width && i < row.size(); ++i)
        if (idx[i]) bind(st, idx[i], row[i], SQLITE_STATIC);
      int rc = sqlite3_step(st);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        int ext = sqlite3_extended_errcode(db_);
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        throw DbError(classify(ext), fmt::format("bulk {}: {}", name, msg));
      }
    }
    sqlite3_reset(st);
    return static_cast<int64_t>(rows.size());
  }

 private:
  static void bind(sqlite3_stmt* st, int idx, const Value& v, sqlite3_destructor_type copy = SQLITE_TRANSIENT) {
    if (std::holds_alternative<std::nullptr_t>(v)) sqlite3_bind_null(st, idx);
    else if (auto p = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *p);
    else if (auto d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
    else if (auto b = std::get_if<Blob>(&v))
      sqlite3_bind_blob64(st, idx, b->bytes.data(), b->bytes.size(), copy);
    else {
      const auto& s = std::get<std::string>(v);
      sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), copy);
    }
  }

  Result step(sqlite3_stmt* st, std::string_view name, const Params& params) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = sqlite3_bind_parameter_index(st, fmt::format("${}", i + 1).c_str());
      if (idx == 0) continue;  // the query does not use this parameter
      bind(st, idx, params[i]);
    }
    Result r;
    int ncol = sqlite3_column_count(st);
    for (int c = 0; c < ncol; ++c) r.columns.emplace_back(sqlite3_column_name(st, c));
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        int ext = sqlite3_extended_errcode(db_);
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        throw DbError(classify(ext), fmt::format("query {}: {}", name, msg));
      }
      auto& row = r.rows.emplace_back();
      row.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_NULL: row.emplace_back(nullptr); break;
          case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(st, c)); break;
          case SQLITE_BLOB: {
            auto p = static_cast<const char*>(sqlite3_column_blob(st, c));
            row.emplace_back(Blob{p ? std::string(p, sqlite3_column_bytes(st, c)) : std::string()});
            break;
          }
          default:
            row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                                         sqlite3_column_bytes(st, c)));
        }
      }
    }
    r.affected = sqlite3_changes(db_);
    sqlite3_reset(st);
    return r;
  }

 public:
  void exec_script(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw DbError(classify(sqlite3_extended_errcode(db_)), msg);
    }
  }
  void begin(bool write) override { exec_script(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) exec_script("ROLLBACK");
  }
  bool reusable() const override { return sqlite3_get_autocommit(db_) != 0; }  // no transaction left open

  void prepare(std::string_view name) override { statement(name); }

 private:
  sqlite3_stmt* statement(std::string_view name) {
    auto key = std::string(name);
    auto it = stmts_.find(key);
    if (it != stmts_.end()) return it->second;
    const std::string& sql = queries_for(Backend::sqlite).get(name);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
      throw DbError(DbError::Kind::other, fmt::format("prepare {}: {}", name, sqlite3_errmsg(db_)));
    // SQL that is only comments prepares to no statement; stepping it would crash (a merge once left
    // a query's header without its body).
    if (!st) throw std::logic_error(fmt::format("query {} has no statement", name));
    stmts_.emplace(key, st);
    return st;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
  std::unordered_map<std::string, sqlite3_stmt*> text_stmts_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, size_t max_conns) : Database(max_conns), path_(std::move(path)) {
    acquire();  // open once now so a bad path fails at start, not at the first request
  }
  Backend backend() const override { return Backend::sqlite; }

 protected:
  std::unique_ptr<Conn> connect() override { return std::make_unique<SqliteConn>(path_); }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, size_t max_conns) {
  // No memory statistics: with them every sqlite3_malloc/free takes and releases a process-wide
  // mutex, 6 % of the planner's 1M-row insert (perf, pthread_mutex_lock + unlock). Nothing here reads
  // sqlite3_memory_used. Must come before SQLite initialises; later calls fail harmlessly (MISUSE).
  static const int memstatus_off = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }();
  (void)memstatus_off;
  return std::make_unique<SqliteDatabase>(path, max_conns);
}

}  // namespace sangam::store
