// Starts a throwaway PostgreSQL cluster for this test process when SANGAM_TEST_DATABASE_URL is unset
// (scripts/with-postgres.sh sets it once for a whole `make test` run).
#include "util/crypto.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

class PostgresCluster : public ::testing::Environment {
 public:
  void SetUp() override {
    if (std::getenv("SANGAM_TEST_DATABASE_URL")) return;
    char tmpl[] = "/tmp/sangam-pg.XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::string cmd = std::string(SANGAM_SOURCE_DIR) + "/scripts/pg-cluster.sh start " + dir_;
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 512> buf{};
    std::string url;
    while (p && fgets(buf.data(), buf.size(), p)) url += buf.data();
    if (!p || pclose(p) != 0 || url.empty()) {
      fprintf(stderr, "could not start a PostgreSQL test cluster with %s\n", cmd.c_str());
      std::exit(1);
    }
    while (!url.empty() && url.back() == '\n') url.pop_back();
    setenv("SANGAM_TEST_DATABASE_URL", url.c_str(), 1);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    std::string cmd = std::string(SANGAM_SOURCE_DIR) + "/scripts/pg-cluster.sh stop " + dir_;
    if (std::system(cmd.c_str()) != 0) fprintf(stderr, "could not stop the test cluster in %s\n", dir_.c_str());
  }

 private:
  std::string dir_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  sangam::crypto::init();
  spdlog::set_level(spdlog::level::warn);
  ::testing::AddGlobalTestEnvironment(new PostgresCluster);
  return RUN_ALL_TESTS();
}
