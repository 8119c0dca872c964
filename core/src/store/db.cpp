#include "store/db.hpp"

#include "store/embedded_sql.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sangam::store {

const char* backend_name(Backend b) { return b == Backend::sqlite ? "sqlite" : "postgres"; }

const Value& Row::at(std::string_view col) const {
  for (size_t i = 0; i < cols_->size(); ++i)
    if ((*cols_)[i] == col) return (*vals_)[i];
  throw std::logic_error(fmt::format("query result has no column '{}'", col));
}

int64_t Row::i64(std::string_view col) const {
  const Value& v = at(col);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto s = std::get_if<std::string>(&v)) return std::stoll(*s);
  throw std::logic_error(fmt::format("column '{}' is NULL", col));
}

double Row::f64(std::string_view col) const {
  const Value& v = at(col);
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto s = std::get_if<std::string>(&v)) return std::stod(*s);
  throw std::logic_error(fmt::format("column '{}' is NULL", col));
}

std::string Row::str(std::string_view col) const {
  const Value& v = at(col);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto b = std::get_if<Blob>(&v)) return b->bytes;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return {};
}

std::optional<int64_t> Row::opt_i64(std::string_view col) const {
  if (is_null(col)) return std::nullopt;
  return i64(col);
}

std::optional<std::string> Row::opt_str(std::string_view col) const {
  if (is_null(col)) return std::nullopt;
  return str(col);
}

std::unique_ptr<Listener> Database::listen(const std::string&, ListenHandlers) { return nullptr; }

Database::Handle Database::acquire() {
  std::unique_lock lk(mu_);
  for (;;) {
    if (!idle_.empty()) {
      Conn* c = idle_.back().release();
      idle_.pop_back();
      return Handle(c, Releaser{this});
    }
    if (open_ < max_) {
      ++open_;
      lk.unlock();
      try {
        return Handle(connect().release(), Releaser{this});
      } catch (...) {
        std::lock_guard g(mu_);
        --open_;
        throw;
      }
    }
    cv_.wait(lk);
  }
}

void Database::release(Conn* c, bool drop) {
  if (drop || !c->reusable()) {
    delete c;  // outside the lock: closing a PostgreSQL connection is a round trip
    std::lock_guard g(mu_);
    --open_;
  } else {
    std::lock_guard g(mu_);
    idle_.emplace_back(c);
  }
  cv_.notify_one();
}

std::unique_ptr<Database> open_database(const std::string& database_url, const std::string& sqlite_path,
                                        size_t max_conns) {
  if (database_url.rfind("postgres://", 0) == 0 || database_url.rfind("postgresql://", 0) == 0)
    return open_postgres(database_url, max_conns);
  return open_sqlite(sqlite_path, max_conns);
}

// ---- named queries -------------------------------------------------------------------------------

void Queries::add_file(std::string_view path, std::string_view text, bool overrides) {
  // Sections start with a line "-- name: some-name"; the query is everything up to the next header.
  std::string name;
  std::string body;
  std::unordered_map<std::string, bool> here;
  auto flush = [&] {
    if (!name.empty()) {
      if ((!overrides && map_.count(name)) || here.count(name))
        throw std::logic_error(fmt::format("query {} is defined twice (again in {})", name, path));
      here[name] = true;
      map_[name] = body;
    }
    body.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.rfind("-- name:", 0) == 0) {
      flush();
      name = std::string(line.substr(8));
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(" \r") + 1);
    } else if (!name.empty()) {
      body.append(line).push_back('\n');
    }
    pos = eol + 1;
  }
  flush();
  if (map_.empty()) throw std::logic_error(fmt::format("{} defines no named query", path));
}

const std::string& Queries::get(std::string_view name) const {
  auto it = map_.find(std::string(name));
  if (it == map_.end()) throw std::logic_error(fmt::format("unknown named query '{}'", name));
  return it->second;
}

std::vector<std::string> Queries::names() const {
  std::vector<std::string> out;
  for (auto& [k, _] : map_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

const Queries& queries_for(Backend b) {
  auto build = [](std::string_view dialect_file) {
    Queries q;
    for (const auto& f : embedded_sql()) {
      std::string_view p = f.path;
      if (p.rfind("queries/", 0) == 0) q.add_file(p, f.text);
    }
    for (const auto& f : embedded_sql())
      if (dialect_file == f.path) q.add_file(f.path, f.text, true);
    return q;
  };
  static const Queries sqlite = build("sqlite/queries.sql");
  static const Queries postgres = build("postgres/queries.sql");
  return b == Backend::sqlite ? sqlite : postgres;
}

}  // namespace sangam::store
