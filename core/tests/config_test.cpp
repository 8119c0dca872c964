#include "config/config.hpp"

#include "support.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

using namespace sangam;

namespace {
struct Env {
  std::map<std::string, std::string> vars;
  EnvLookup fn() const {
    return [this](const char* k) -> const char* {
      auto it = vars.find(k);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

std::string error_of(const Env& e) {
  try {
    load_config(e.fn());
  } catch (const ConfigError& x) {
    return x.what();
  }
  return "";
}
}  // namespace

TEST(Config, DefaultsMatchTheReadme) {
  Env e;
  Config c = load_config(e.fn());
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_FALSE(c.uses_postgres());
  EXPECT_TRUE(c.metrics_public);
  EXPECT_EQ(c.max_body_bytes, 1u << 20);
}

TEST(Config, InvalidValuesNameTheVariableAndTheExpectation) {
  EXPECT_NE(error_of({{{"SANGAM_LISTEN", "8080"}}}).find("SANGAM_LISTEN=8080 is invalid: expected host:port"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_LISTEN", "127.0.0.1:99999"}}}).find("SANGAM_LISTEN"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_DATABASE_URL", "mysql://x"}}}).find("SANGAM_DATABASE_URL"), std::string::npos);
  // the URL may hold a password: it is never echoed
  EXPECT_EQ(error_of({{{"SANGAM_DATABASE_URL", "mysql://u:hunter2@x"}}}).find("hunter2"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_SECRET_KEY", "abc"}}}).find("SANGAM_SECRET_KEY is invalid: expected 64 hexadecimal"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_METRICS_PUBLIC", "maybe"}}}).find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_ADMIN_PASSWORD", "short"}}}).find("SANGAM_ADMIN_PASSWORD"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_LOG_LEVEL", "loud"}}}).find("one of trace"), std::string::npos);
  EXPECT_NE(error_of({{{"SANGAM_ALLOWED_ORIGINS", "example.com"}}}).find("SANGAM_ALLOWED_ORIGINS"), std::string::npos);
}

TEST(Config, ParsesValidValues) {
  Env e{{{"SANGAM_LISTEN", "0.0.0.0:9000"},
         {"SANGAM_DATABASE_URL", "postgresql://u@h/db"},
         {"SANGAM_METRICS_PUBLIC", "false"},
         {"SANGAM_ALLOWED_ORIGINS", "https://a.example.com, https://b.example.com/"},
         {"SANGAM_SECRET_KEY", std::string(64, 'a')}}};
  Config c = load_config(e.fn());
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_TRUE(c.uses_postgres());
  EXPECT_FALSE(c.metrics_public);
  EXPECT_EQ(c.allowed_origins, (std::vector<std::string>{"https://a.example.com", "https://b.example.com"}));
  EXPECT_EQ(c.secret_key.bytes.size(), 32u);
}

TEST(Config, ConfigFileMirrorsTheEnvironmentAndTheEnvironmentWins) {
  auto dir = test::temp_dir();
  std::ofstream(dir + "/sangam.conf") << "# comment\nSANGAM_LISTEN=127.0.0.1:7000\nSANGAM_DATA_DIR = /srv/sangam\n";
  Env e{{{"SANGAM_CONFIG", dir + "/sangam.conf"}, {"SANGAM_DATA_DIR", "/var/lib/sangam"}}};
  Config c = load_config(e.fn());
  EXPECT_EQ(c.listen_port, 7000);
  EXPECT_EQ(c.data_dir, "/var/lib/sangam");
  std::ofstream(dir + "/bad.conf") << "SANGAM_LISTEN=127.0.0.1:7000\nnonsense\n";
  EXPECT_NE(error_of({{{"SANGAM_CONFIG", dir + "/bad.conf"}}}).find("bad.conf:2"), std::string::npos);
}

TEST(Config, SecretKeyIsGeneratedOnceWithMode0600) {
  Env e{{{"SANGAM_DATA_DIR", test::temp_dir()}}};
  Config c = load_config(e.fn());
  load_secret_key(c, e.fn());
  struct stat st {};
  ASSERT_EQ(stat((c.data_dir + "/secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  Config again = load_config(e.fn());
  load_secret_key(again, e.fn());
  EXPECT_EQ(again.secret_key.bytes, c.secret_key.bytes);
  EXPECT_EQ(c.secret_key.bytes.size(), 32u);
}
