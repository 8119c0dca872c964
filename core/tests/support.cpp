#include "store/database_url.hpp"
#include "support.hpp"

#include "util/crypto.hpp"

#include <cstdlib>
#include <filesystem>

namespace sangam::test {

namespace {
// Temp dirs are removed when the process exits; the list lives inside its cleaner so that it
// cannot be destroyed first.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (auto& d : dirs) std::filesystem::remove_all(d);
  }
};
std::vector<std::string>& temp_dirs() {
  static TempDirs t;
  return t.dirs;
}

}  // namespace

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sangam-test.XXXXXX").string();
  std::string dir = mkdtemp(tmpl.data());
  temp_dirs().push_back(dir);
  return dir;
}

std::string postgres_admin_url() {
  const char* url = std::getenv("SANGAM_TEST_DATABASE_URL");
  if (!url || !*url) throw std::runtime_error("SANGAM_TEST_DATABASE_URL is not set and no cluster was started");
  return url;
}

std::string fresh_postgres_database() {
  std::string name = "t_" + crypto::to_hex(reinterpret_cast<const unsigned char*>(crypto::random_token(6).data()), 6);
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  auto admin = store::open_postgres(postgres_admin_url(), 1);
  admin->acquire()->exec_script("CREATE DATABASE " + name);
  return store::with_database(postgres_admin_url(), name);
}

std::unique_ptr<store::Database> make_database(store::Backend b, size_t conns) {
  if (b == store::Backend::sqlite) return store::open_sqlite(temp_dir() + "/sangam.db", conns);
  return store::open_postgres(fresh_postgres_database(), conns);
}

void BothBackends::SetUp() {
  db = make_database(GetParam());
  store::migrate(*db, clock);
}

std::string backend_label(const ::testing::TestParamInfo<store::Backend>& info) {
  return store::backend_name(info.param);
}

}  // namespace sangam::test
