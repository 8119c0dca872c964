#pragma once
// A PostgreSQL connection URL pointed at another database of the same server: what the tests and the
// benchmarks do to work in a database of their own, created through the admin URL they are given.
#include <string>

namespace sangam::store {

// postgresql://user@host/dbname?params → postgresql://user@host/<db>?params
inline std::string with_database(const std::string& url, const std::string& db) {
  auto authority = url.find("://") + 3;
  auto q = url.find('?', authority);
  auto slash = url.find('/', authority);
  std::string params = q == std::string::npos ? "" : url.substr(q);
  size_t end = (slash != std::string::npos && (q == std::string::npos || slash < q)) ? slash : (q == std::string::npos ? url.size() : q);
  return url.substr(0, end) + "/" + db + params;
}

}  // namespace sangam::store
