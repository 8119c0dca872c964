#pragma once
// The Store's lowest layer: a pool of connections that run *named* queries. The SQL text lives in
// .sql files (queries/*.sql for both dialects, sqlite/ and postgres/ for what differs), embedded in the
// binary at build time. Both dialects write parameters as $1, $2, … (SQLite accepts $NNN as a named
// parameter), so most queries are written once.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace sangam {
class Clock;
}

namespace sangam::store {

enum class Backend { sqlite, postgres };
const char* backend_name(Backend b);

// Bytes for a BLOB / bytea column (sealed session archives); a std::string is text. Reading a BLOB or
// bytea column gives a Blob; Row::str returns its bytes.
struct Blob {
  std::string bytes;
};
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;
using Params = std::vector<Value>;

// Database errors are classified by SQLite extended result code / PostgreSQL SQLSTATE, never by text.
class DbError : public std::runtime_error {
 public:
  enum class Kind { unique_violation, foreign_key_violation, busy, other };
  DbError(Kind k, std::string msg) : std::runtime_error(std::move(msg)), kind_(k) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Row {
 public:
  Row(const std::vector<std::string>* cols, const std::vector<Value>* vals) : cols_(cols), vals_(vals) {}
  const Value& at(std::string_view col) const;
  bool is_null(std::string_view col) const { return std::holds_alternative<std::nullptr_t>(at(col)); }
  int64_t i64(std::string_view col) const;
  double f64(std::string_view col) const;
  bool boolean(std::string_view col) const { return i64(col) != 0; }
  std::string str(std::string_view col) const;
  std::optional<int64_t> opt_i64(std::string_view col) const;
  std::optional<std::string> opt_str(std::string_view col) const;

 private:
  const std::vector<std::string>* cols_;
  const std::vector<Value>* vals_;
};

struct Result {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  int64_t affected = 0;
  size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  Row operator[](size_t i) const { return Row(&columns, &rows[i]); }
  std::optional<Row> first() const {
    if (rows.empty()) return std::nullopt;
    return (*this)[0];
  }
};

class Queries;

// Cross-process notifications (PostgreSQL LISTEN/NOTIFY). A notification sent inside a write
// transaction (the named query `notify`: channel, payload) is delivered to every listening process on
// COMMIT, and never on ROLLBACK. Destroying the Listener stops it.
class Listener {
 public:
  virtual ~Listener() = default;
};
struct ListenHandlers {
  std::function<void(const std::string& payload)> message;
  // true: LISTEN is in place (after the first connection, and after every reconnection: whatever was
  // sent while it was down is lost); false: the connection was lost. A listener starts not listening.
  std::function<void(bool listening)> state;
};

class Conn {
 public:
  virtual ~Conn() = default;
  // Runs the named query from the .sql files.
  virtual Result run(std::string_view name, const Params& params = {}) = 0;
  // Prepares the named query without running it (tests check every query against the schema).
  virtual void prepare(std::string_view name) = 0;
  // The bulk-write path (member import, campaign planner): every row of `rows` through the named
  // statement, inside the caller's transaction. On PostgreSQL the named query is a
  // `COPY t (cols) FROM STDIN` and the rows stream as COPY text; on SQLite it is an INSERT with
  // $1…$N, prepared once and stepped per row. DESIGN.md measured COPY at 560k rows/s against 17k
  // rows/s for a row-by-row INSERT loop on PostgreSQL. Returns the number of rows written.
  // The default runs the statement once per row (a connection without a faster path).
  virtual int64_t bulk(std::string_view name, const std::vector<Params>& rows) {
    for (const auto& r : rows) run(name, r);
    return static_cast<int64_t>(rows.size());
  }
  // Runs several named queries in order and returns their results in the same order. PostgreSQL sends
  // them in one round trip (libpq's pipeline mode) instead of one each: the dispatcher's decision reads
  // three statements, and each round trip costs ~20 µs of the core's CPU in syscalls and waiting
  // (docs/performance.md). A query that fails throws; the ones after it do not run.
  struct Step {
    std::string_view name;
    Params params;
  };
  virtual std::vector<Result> run_many(const std::vector<Step>& steps) {
    std::vector<Result> out;
    out.reserve(steps.size());
    for (const auto& s : steps) out.push_back(run(s.name, s.params));
    return out;
  }
  // Runs the named query as the last statement of the write transaction it is in. PostgreSQL sends
  // the COMMIT with it, in the same round trip (the dispatcher's claim: 2 round trips a decision
  // instead of 3); elsewhere the transaction commits when Database::write's function returns, as
  // usual. Nothing may run after it in the same transaction. A failed COMMIT throws, as commit() would.
  virtual Result run_final(std::string_view name, const Params& params = {}) { return run(name, params); }
  // Runs SQL composed at run time from fragments (the contact search's WHERE clause depends on which
  // of its nine filters are given: one text per combination would be 512 named queries).
  // Parameters as in run(); the statement is cached per text.
  virtual Result run_text(const std::string& sql, const Params& params = {}) {
    (void)sql, (void)params;
    throw std::logic_error("this connection cannot run composed SQL");
  }
  // Runs raw SQL (migrations only); may contain several statements.
  virtual void exec_script(std::string_view sql) = 0;
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // False when the connection may not be handed out again: the server connection was lost, or a
  // transaction is still open (a COMMIT/ROLLBACK failed). The pool closes such a connection and opens a
  // new one, which runs the session set-up again; reusing it could commit another caller's half-done
  // work as part of the next transaction.
  virtual bool reusable() const = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  // A dedicated connection that LISTENs on `channel`, with its own thread calling the handlers;
  // nullptr on SQLite, where one process owns the data directory and there is no one else to hear.
  virtual std::unique_ptr<Listener> listen(const std::string& channel, ListenHandlers handlers);

  // Runs fn in one transaction (BEGIN IMMEDIATE on SQLite: the write lock is taken up front, so two
  // writers never deadlock upgrading read locks). Any exception rolls back and propagates.
  template <class F>
  auto write(F&& fn) {
    auto c = acquire();
    c->begin(true);
    try {
      if constexpr (std::is_void_v<decltype(fn(*c))>) {
        fn(*c);
        c->commit();
      } else {
        auto r = fn(*c);
        c->commit();
        return r;
      }
    } catch (...) {
      // A connection whose ROLLBACK failed is in an unknown state: it is dropped, never pooled again.
      try { c->rollback(); } catch (...) { c.get_deleter().drop = true; }
      throw;
    }
  }
  // Reads run in autocommit mode: one round trip per query, no BEGIN/COMMIT.
  template <class F>
  auto read(F&& fn) {
    auto c = acquire();
    return fn(*c);
  }

  struct Releaser {
    Database* db;
    bool drop = false;  // close the connection instead of returning it to the pool
    void operator()(Conn* c) const { db->release(c, drop); }
  };
  using Handle = std::unique_ptr<Conn, Releaser>;
  Handle acquire();

 protected:
  explicit Database(size_t max_conns) : max_(max_conns) {}
  virtual std::unique_ptr<Conn> connect() = 0;
  void release(Conn* c, bool drop);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  size_t open_ = 0;
  size_t max_;
};

// Picks the backend: a postgres:// or postgresql:// URL selects PostgreSQL, otherwise the SQLite file.
std::unique_ptr<Database> open_database(const std::string& database_url, const std::string& sqlite_path,
                                        size_t max_conns);
std::unique_ptr<Database> open_sqlite(const std::string& path, size_t max_conns);
std::unique_ptr<Database> open_postgres(const std::string& url, size_t max_conns);

// Applies pending migrations; safe when several processes start at once. Returns the versions applied.
// `up_to`: the last version to apply (tests of a migration start from the schema before it).
std::vector<int> migrate(Database& db, const Clock& clock, int up_to = 1 << 30);
int schema_version(Database& db);

// Named queries for a backend: queries/*.sql overridden by <backend>/queries.sql.
const Queries& queries_for(Backend b);
class Queries {
 public:
  const std::string& get(std::string_view name) const;
  std::vector<std::string> names() const;
  // A name defined twice among the shared files is a programming error (the second silently won, and
  // a contacts query and an outbox query of the same name broke each other); a dialect file
  // (`overrides`) may redefine a shared name, which is what it is for.
  void add_file(std::string_view path, std::string_view text, bool overrides = false);

 private:
  std::unordered_map<std::string, std::string> map_;
};

}  // namespace sangam::store
