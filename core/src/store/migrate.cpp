#include "store/db.hpp"
#include "store/embedded_sql.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace sangam::store {
namespace {

struct Migration {
  int version;
  std::string name;
  const char* sql;
};

std::vector<Migration> migrations_for(Backend b) {
  std::string prefix = std::string(backend_name(b)) + "/migrations/";
  std::vector<Migration> out;
  for (const auto& f : embedded_sql()) {
    std::string_view p = f.path;
    if (p.rfind(prefix, 0) != 0) continue;
    std::string name(p.substr(prefix.size()));
    out.push_back({std::stoi(name), name, f.text});  // "0001_foundation.sql" → 1
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  return out;
}

// Migration 0006 on SQLite, which cannot decode base64 in SQL: the archives its script copied into the
// BLOB column as base64 text become their bytes. One row at a time, as archives reach tens of MB. Text
// that is not base64 becomes empty bytes, as on PostgreSQL: it fails to open on load, as it did before.
void sqlite_session_bytes(Conn& c) {
  auto ids = c.run("session-archive-text-ids");
  for (size_t i = 0; i < ids.size(); ++i) {
    int64_t id = ids[i].i64("id");
    auto row = c.run("session-archive-text", {id});
    if (row.empty()) continue;
    auto bytes = crypto::base64_decode(row[0].str("archive"));
    c.run("session-archive-set-bytes", {id, Blob{bytes ? std::move(*bytes) : std::string()}});
  }
  if (ids.size()) spdlog::info("event=migration.session_bytes archives={}", ids.size());
}

}  // namespace

std::vector<int> migrate(Database& db, const Clock& clock, int up_to) {
  // One transaction for the whole run: either every pending migration applies or none does, and the
  // lock (BEGIN IMMEDIATE / advisory lock) makes a second process wait and then find nothing to do.
  return db.write([&](Conn& c) {
    c.run("migration-lock");
    c.run("migration-table");
    std::set<int> done;
    auto have = c.run("schema-versions");
    for (size_t i = 0; i < have.size(); ++i) done.insert(static_cast<int>(have[i].i64("version")));
    std::vector<int> applied;
    for (const auto& m : migrations_for(db.backend())) {
      if (done.count(m.version) || m.version > up_to) continue;
      spdlog::info("event=migration.apply backend={} migration={}", backend_name(db.backend()), m.name);
      c.exec_script(m.sql);
      if (m.version == 6 && db.backend() == Backend::sqlite) sqlite_session_bytes(c);
      c.run("schema-record", {int64_t(m.version), clock.now_ms()});
      applied.push_back(m.version);
    }
    return applied;
  });
}

int schema_version(Database& db) {
  return db.read([](Conn& c) {
    c.run("migration-table");
    auto r = c.run("schema-versions");
    return r.empty() ? 0 : static_cast<int>(r[r.size() - 1].i64("version"));
  });
}

}  // namespace sangam::store
