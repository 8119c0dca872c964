// PostgreSQL backend over libpq: text-format parameters, statements prepared once per connection.
#include "store/bulk_stream.hpp"
#include "store/db.hpp"
#include "store/postgres/pg_listen.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_set>

namespace sangam::store {
namespace {

// Type OIDs from pg_type.h (stable since PostgreSQL 7).
constexpr Oid kBytea = 17, kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

DbError::Kind classify(const char* sqlstate) {
  if (!sqlstate) return DbError::Kind::other;
  if (std::strcmp(sqlstate, "23505") == 0) return DbError::Kind::unique_violation;
  if (std::strcmp(sqlstate, "23503") == 0) return DbError::Kind::foreign_key_violation;
  if (std::strcmp(sqlstate, "40001") == 0 || std::strcmp(sqlstate, "40P01") == 0 ||
      std::strcmp(sqlstate, "55P03") == 0)
    return DbError::Kind::busy;
  return DbError::Kind::other;
}

class PgConn final : public Conn, public BulkStreaming {
 public:
  explicit PgConn(const std::string& url) : pg_(PQconnectdb(url.c_str())) {
    if (PQstatus(pg_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(pg_);
      PQfinish(pg_);
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      throw DbError(DbError::Kind::other, "cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(pg_, [](void*, const char*) {}, nullptr);  // "relation exists, skipping" etc.
    // The session set-up. A lost connection is not reset in place (PQreset would open a session
    // without it, in the server's default time zone): the pool drops it (reusable() is false) and the
    // next acquire() connects anew, through here.
    exec_script("SET TIME ZONE 'UTC'");
  }
  ~PgConn() override { PQfinish(pg_); }

  void prepare(std::string_view name) override {
    std::string key(name);
    if (prepared_.count(key)) return;
    const std::string& sql = queries_for(Backend::postgres).get(name);
    if (sql.find("FROM STDIN") != std::string::npos) {
      // COPY cannot be PREPAREd: start it and abandon it, which checks its table and columns.
      PGresult* res = PQexec(pg_, sql.c_str());
      if (PQresultStatus(res) != PGRES_COPY_IN) collect_status(res, name);
      PQclear(res);
      PQputCopyEnd(pg_, "schema check only");
      while (PGresult* r = PQgetResult(pg_)) PQclear(r);
      return;
    }
    check(PQprepare(pg_, key.c_str(), sql.c_str(), 0, nullptr), name);
    prepared_.insert(key);
  }

  Result run(std::string_view name, const Params& params) override {
    if (begin_pending_ || committed_) return std::move(pipeline({Step{name, params}})[0]);
    std::string key(name);
    prepare(name);
    Encoded e(params);
    PGresult* res = PQexecPrepared(pg_, key.c_str(), static_cast<int>(params.size()), e.ptrs.data(), e.lengths.data(),
                                   e.formats.data(), 0);
    return collect(res, name);
  }

  std::vector<Result> run_many(const std::vector<Step>& steps) override { return pipeline(steps); }
  Result run_final(std::string_view name, const Params& params) override {
    if (PQtransactionStatus(pg_) != PQTRANS_INTRANS && !begin_pending_)
      throw std::logic_error("run_final outside a transaction");
    auto r = pipeline({Step{name, params}}, true);
    committed_ = true;
    return std::move(r[0]);
  }

  Result run_text(const std::string& sql, const Params& params) override {
    send_begin();
    // Unnamed statement: PostgreSQL plans it with the actual values (a search filter's selectivity
    // differs per value: consent=opted_out may be 1 % or 60 % of a project).
    Encoded e(params);
    return collect(PQexecParams(pg_, sql.c_str(), static_cast<int>(params.size()), nullptr, e.ptrs.data(),
                                e.lengths.data(), e.formats.data(), 0),
                   "text");
  }

  void start_copy(std::string_view name) {
    send_begin();
    const std::string& sql = queries_for(Backend::postgres).get(name);
    PGresult* res = PQexec(pg_, sql.c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
      collect_status(res, name);  // throws with the server's reason
      PQclear(res);
      throw DbError(DbError::Kind::other, fmt::format("bulk {}: not a COPY FROM STDIN", name));
    }
    PQclear(res);
  }

  // The COPY's own result, then the terminating null: the rows written, or the server's error.
  int64_t finish_copy(std::string_view name) {
    PGresult* done = PQgetResult(pg_);
    int64_t n = 0;
    std::optional<DbError> err;
    if (PQresultStatus(done) == PGRES_COMMAND_OK) {
      const char* t = PQcmdTuples(done);
      n = (t && *t) ? std::strtoll(t, nullptr, 10) : 0;
    } else {
      const char* state = PQresultErrorField(done, PG_DIAG_SQLSTATE);
      std::string msg = PQresultErrorMessage(done);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      err.emplace(classify(state), fmt::format("bulk {}: {}", name, msg));
    }
    PQclear(done);
    while (PGresult* extra = PQgetResult(pg_)) PQclear(extra);
    if (err) throw *err;
    return n;
  }

  static void append_copy_text(std::string& buf, std::string_view s) {
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      char ch = s[i];
      const char* esc = ch == '\\' ? "\\\\" : ch == '\t' ? "\\t" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : nullptr;
      if (!esc) continue;
      buf.append(s, from, i - from);
      buf.append(esc, 2);
      from = i + 1;
    }
    buf.append(s, from, std::string_view::npos);
  }

  // BulkStreaming: one COPY for the whole stream, each chunk encoded into one reused buffer and sent
  // at ~256 KiB. A producer's exception aborts the COPY (PQputCopyEnd with a reason: the server
  // discards every row of it) before it propagates; the caller's transaction then rolls back.
  int64_t bulk_stream(std::string_view name, size_t width, const ChunkSource& next, size_t) override {
    start_copy(name);
    CopyOut out{pg_};
    std::string& buf = out.buf;
    BulkChunk chunk(width);
    try {
      for (;;) {
        chunk.clear();
        if (!next(chunk)) break;
        if (!chunk.complete()) throw std::logic_error("bulk_stream: a chunk ended inside a row");
        for (size_t r = 0, rows = chunk.rows(); r < rows; ++r) {
          for (size_t i = 0; i < width; ++i) {
            if (i) buf.push_back('\t');
            const BulkChunk::Cell& c = chunk.cell(r, i);
            if (c.kind == BulkChunk::Kind::i64) {
              char num[24];
              auto end = std::to_chars(num, num + sizeof num, c.i).ptr;
              buf.append(num, end);
            } else if (c.kind == BulkChunk::Kind::text) {
              append_copy_text(buf, chunk.str(c));
            } else {
              buf += "\\N";
            }
          }
          out.end_row();
        }
        if (out.failed) break;
      }
    } catch (...) {
      PQputCopyEnd(pg_, "the rows' producer failed");
      while (PGresult* r = PQgetResult(pg_)) PQclear(r);
      throw;
    }
    out.end(name);
    return finish_copy(name);
  }

  int64_t bulk(std::string_view name, const std::vector<Params>& rows) override {
    start_copy(name);
    CopyOut out{pg_};
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) out.buf.push_back('\t');
        append_copy_value(out.buf, row[i]);
      }
      out.end_row();
    }
    out.end(name);
    return finish_copy(name);
  }

 private:
  // COPY text format: tab-separated, \N for NULL, backslash escapes. Sent in ~256 KiB chunks: one
  // PQputCopyData per row costs a function call and a buffer check each, per chunk it is a write.
  struct CopyOut {
    PGconn* pg;
    std::string buf;
    bool failed = false;
    explicit CopyOut(PGconn* c) : pg(c) { buf.reserve(1 << 18); }
    void flush() {
      if (!failed && !buf.empty() && PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) != 1) failed = true;
      buf.clear();
    }
    void end_row() {
      buf.push_back('\n');
      if (buf.size() >= (1 << 18) - 4096) flush();
    }
    void end(std::string_view name) {
      flush();
      if (failed || PQputCopyEnd(pg, nullptr) != 1)
        throw DbError(DbError::Kind::other, fmt::format("bulk {}: {}", name, PQerrorMessage(pg)));
    }
  };

  static void append_copy_value(std::string& buf, const Value& v) {
    if (std::holds_alternative<std::nullptr_t>(v)) { buf += "\\N"; return; }
    if (auto p = std::get_if<int64_t>(&v)) { buf += std::to_string(*p); return; }
    if (auto d = std::get_if<double>(&v)) { buf += fmt::format("{}", *d); return; }
    if (std::holds_alternative<Blob>(v)) throw DbError(DbError::Kind::other, "bulk: bytes are not supported in COPY text");
    for (char ch : std::get<std::string>(v)) {
      switch (ch) {
        case '\\': buf += "\\\\"; break;
        case '\t': buf += "\\t"; break;
        case '\n': buf += "\\n"; break;
        case '\r': buf += "\\r"; break;
        default: buf.push_back(ch);
      }
    }
  }

  // Parameters in libpq's form: bytes binary, the rest text.
  struct Encoded {
    std::vector<std::string> text;
    std::vector<const char*> ptrs;
    std::vector<int> lengths, formats;
    explicit Encoded(const Params& params)
        : text(params.size()), ptrs(params.size()), lengths(params.size(), 0), formats(params.size(), 0) {
      for (size_t i = 0; i < params.size(); ++i) {
        const Value& v = params[i];
        if (std::holds_alternative<std::nullptr_t>(v)) { ptrs[i] = nullptr; continue; }
        if (auto b = std::get_if<Blob>(&v)) {
          ptrs[i] = b->bytes.data();
          lengths[i] = static_cast<int>(b->bytes.size());
          formats[i] = 1;
          continue;
        }
        if (auto p = std::get_if<int64_t>(&v)) text[i] = std::to_string(*p);
        else if (auto d = std::get_if<double>(&v)) text[i] = fmt::format("{}", *d);
        else text[i] = std::get<std::string>(v);
        ptrs[i] = text[i].c_str();
      }
    }
  };

 public:
  void exec_script(std::string_view sql) override {
    // A pending BEGIN goes in front, in the same simple query: a BEGIN inside a multi-statement
    // query string opens a transaction that outlasts the string.
    not_after_final();
    std::string s = begin_pending_ ? "BEGIN;\n" + std::string(sql) : std::string(sql);
    begin_pending_ = false;
    collect(PQexec(pg_, s.c_str()), "script");
  }
  // BEGIN is not sent on its own: it goes with the transaction's first statement, in the same round
  // trip (pipeline mode). That is one round trip fewer for every write transaction, ~20 µs of the
  // core's CPU and the wait for the server (docs/performance.md, dispatcher decision); a transaction
  // that runs nothing sends nothing.
  void begin(bool) override {
    begin_pending_ = true;
    committed_ = false;
  }
  void commit() override {
    if (begin_pending_ || committed_) {
      begin_pending_ = committed_ = false;
      return;
    }
    exec_script("COMMIT");
  }
  void rollback() override {
    begin_pending_ = committed_ = false;
    if (PQtransactionStatus(pg_) != PQTRANS_IDLE) exec_script("ROLLBACK");
  }
  bool reusable() const override {
    return PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) == PQTRANS_IDLE && !begin_pending_;
  }

 private:
  void check(PGresult* res, std::string_view what) { PQclear(collect_status(res, what)); }

  // Conn::run_final committed the transaction: a statement now would run outside it, on its own.
  void not_after_final() const {
    if (committed_) throw std::logic_error("a statement after the transaction's final one (Conn::run_final)");
  }

  void send_begin() {
    not_after_final();
    if (!begin_pending_) return;
    begin_pending_ = false;
    collect(PQexec(pg_, "BEGIN"), "begin");
  }

  // The steps (and a pending BEGIN before them) in one round trip: every statement sent, one sync,
  // then the results in order. After a failed statement the server skips the rest up to the sync
  // (PGRES_PIPELINE_ABORTED); the first error is thrown once every result has been read, so the
  // connection leaves pipeline mode in a known state.
  std::vector<Result> pipeline(const std::vector<Step>& steps, bool then_commit = false) {
    not_after_final();
    for (const auto& s : steps) prepare(s.name);
    auto lost = [&](const char* what) {
      std::string msg = PQerrorMessage(pg_);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return DbError(DbError::Kind::other, fmt::format("{}: {}", what, msg));
    };
    if (PQenterPipelineMode(pg_) != 1) throw lost("pipeline");
    const bool with_begin = begin_pending_;
    begin_pending_ = false;
    bool sent = !with_begin || PQsendQueryParams(pg_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    for (size_t i = 0; sent && i < steps.size(); ++i) {
      Encoded e(steps[i].params);
      std::string key(steps[i].name);
      sent = PQsendQueryPrepared(pg_, key.c_str(), static_cast<int>(steps[i].params.size()), e.ptrs.data(),
                                 e.lengths.data(), e.formats.data(), 0) == 1;
    }
    sent = sent && (!then_commit || PQsendQueryParams(pg_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1);
    sent = sent && PQpipelineSync(pg_) == 1;
    std::vector<Result> out;
    out.reserve(steps.size());
    std::optional<DbError> err;
    if (!sent) err = lost("pipeline");
    // Each statement's result is followed by a null; the sync's result ends the pipeline. Two nulls in
    // a row mean the connection is gone.
    size_t index = 0;
    for (int nulls = 0; sent;) {
      PGresult* res = PQgetResult(pg_);
      if (!res) {
        if (++nulls == 2) {
          if (!err) err = lost("pipeline");
          break;
        }
        continue;
      }
      nulls = 0;
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(res);
        break;
      }
      size_t step = index++;
      bool is_begin = with_begin && step == 0;
      size_t at = step - (with_begin ? 1 : 0);
      bool is_commit = !is_begin && at >= steps.size();
      std::string_view name = is_begin ? std::string_view("begin") : is_commit ? std::string_view("commit") : steps[at].name;
      if (st == PGRES_PIPELINE_ABORTED || err) {
        PQclear(res);
        continue;
      }
      try {
        Result r = collect(res, name);
        if (!is_begin && !is_commit) out.push_back(std::move(r));
      } catch (const DbError& e) {
        err = e;
      }
    }
    PQexitPipelineMode(pg_);
    if (err) throw *err;
    if (out.size() != steps.size()) throw DbError(DbError::Kind::other, "pipeline: results missing");
    return out;
  }

  PGresult* collect_status(PGresult* res, std::string_view what) {
    auto st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg_);
    auto kind = classify(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr);
    PQclear(res);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw DbError(kind, fmt::format("{}: {}", what, msg));
  }

  Result collect(PGresult* res, std::string_view what) {
    res = collect_status(res, what);
    Result r;
    int nf = PQnfields(res), nt = PQntuples(res);
    std::vector<Oid> types(nf);  // per column once, not per value
    r.columns.reserve(nf);
    for (int c = 0; c < nf; ++c) {
      r.columns.emplace_back(PQfname(res, c));
      types[c] = PQftype(res, c);
    }
    r.rows.reserve(nt);
    for (int t = 0; t < nt; ++t) {
      auto& row = r.rows.emplace_back();
      row.reserve(nf);
      for (int c = 0; c < nf; ++c) {
        if (PQgetisnull(res, t, c)) { row.emplace_back(nullptr); continue; }
        const char* v = PQgetvalue(res, t, c);
        switch (types[c]) {
          case kBool: row.emplace_back(int64_t(v[0] == 't')); break;
          case kInt2: case kInt4: case kInt8: row.emplace_back(int64_t(std::strtoll(v, nullptr, 10))); break;
          case kFloat4: case kFloat8: case kNumeric: row.emplace_back(std::strtod(v, nullptr)); break;
          case kBytea: {  // text format: \x and two hex digits a byte
            size_t n = 0;
            unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
            if (!bytes) {
              PQclear(res);
              throw DbError(DbError::Kind::other, fmt::format("{}: out of memory decoding bytea", what));
            }
            row.emplace_back(Blob{std::string(reinterpret_cast<char*>(bytes), n)});
            PQfreemem(bytes);
            break;
          }
          default: row.emplace_back(std::string(v, PQgetlength(res, t, c)));
        }
      }
    }
    const char* affected = PQcmdTuples(res);
    r.affected = (affected && *affected) ? std::strtoll(affected, nullptr, 10) : 0;
    PQclear(res);
    return r;
  }

  PGconn* pg_;
  bool begin_pending_ = false;
  bool committed_ = false;  // by run_final: Database::write's commit() has nothing left to do
  std::unordered_set<std::string> prepared_;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, size_t max_conns) : Database(max_conns), url_(std::move(url)) { acquire(); }
  Backend backend() const override { return Backend::postgres; }
  std::unique_ptr<Listener> listen(const std::string& channel, ListenHandlers handlers) override {
    return pg_listen(url_, channel, std::move(handlers));
  }

 protected:
  std::unique_ptr<Conn> connect() override { return std::make_unique<PgConn>(url_); }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, size_t max_conns) {
  return std::make_unique<PgDatabase>(url, max_conns);
}

}  // namespace sangam::store
