#include "config/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace sangam {
namespace {

[[noreturn]] void bad(const char* var, const std::string& expected, const std::string& got) {
  throw ConfigError(std::string(var) + "=" + got + " is invalid: expected " + expected);
}

bool parse_bool(const char* var, const std::string& v) {
  std::string s = v;
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  bad(var, "true or false", v);
}

unsigned long parse_uint(const char* var, const std::string& v, unsigned long min, unsigned long max) {
  if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit) || v.size() > 12) bad(var, "a whole number", v);
  unsigned long n = std::stoul(v);
  if (n < min || n > max) bad(var, "a number from " + std::to_string(min) + " to " + std::to_string(max), v);
  return n;
}

std::map<std::string, std::string> read_config_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw ConfigError("SANGAM_CONFIG=" + path + " is invalid: the file cannot be read");
  std::map<std::string, std::string> out;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    auto eq = line.find('=');
    std::string key = eq == std::string::npos ? "" : line.substr(b, eq - b);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    if (key.rfind("SANGAM_", 0) != 0)
      throw ConfigError(path + ":" + std::to_string(n) + ": expected SANGAM_NAME=value, got '" + line + "'");
    std::string val = line.substr(eq + 1);
    val.erase(0, val.find_first_not_of(" \t"));
    while (!val.empty() && (val.back() == ' ' || val.back() == '\r')) val.pop_back();
    out[key] = val;
  }
  return out;
}

}  // namespace

Config load_config(const EnvLookup& raw_env) {
  std::map<std::string, std::string> file;
  if (const char* path = raw_env("SANGAM_CONFIG"); path && *path) file = read_config_file(path);
  auto env = [&](const char* k) -> const char* {
    if (const char* v = raw_env(k)) return v;
    auto it = file.find(k);
    return it == file.end() ? nullptr : it->second.c_str();
  };

  Config c;
  if (const char* v = env("SANGAM_LISTEN")) {
    std::string s = v;
    auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) bad("SANGAM_LISTEN", "host:port such as 127.0.0.1:8080", s);
    std::string host = s.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    c.listen_host = host;
    std::string port = s.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit) || port.size() > 5 || std::stoul(port) > 65535)
      bad("SANGAM_LISTEN", "host:port with a port from 0 to 65535", s);
    c.listen_port = static_cast<unsigned short>(std::stoul(port));
  }
  if (const char* v = env("SANGAM_DATA_DIR")) {
    if (!*v) bad("SANGAM_DATA_DIR", "a directory path", v);
    c.data_dir = v;
  }
  if (const char* v = env("SANGAM_DATABASE_URL"); v && *v) {
    std::string s = v;
    if (s.rfind("postgres://", 0) != 0 && s.rfind("postgresql://", 0) != 0)
      bad("SANGAM_DATABASE_URL", "a postgres:// or postgresql:// URL (unset it to use SQLite in the data dir)", "<hidden>");
    c.database_url = s;
  }
  if (const char* v = env("SANGAM_ADMIN_EMAIL"); v && *v) c.admin_email = v;
  if (const char* v = env("SANGAM_ADMIN_PASSWORD"); v && *v) {
    if (std::string(v).size() < 10) throw ConfigError("SANGAM_ADMIN_PASSWORD is invalid: expected at least 10 characters");
    c.admin_password = v;
  }
  if (const char* v = env("SANGAM_METRICS_PUBLIC")) c.metrics_public = parse_bool("SANGAM_METRICS_PUBLIC", v);
  if (const char* v = env("SANGAM_SECURE_COOKIES")) c.secure_cookies = parse_bool("SANGAM_SECURE_COOKIES", v);
  if (const char* v = env("SANGAM_MAX_BODY_BYTES")) c.max_body_bytes = parse_uint("SANGAM_MAX_BODY_BYTES", v, 1024, 1ul << 30);
  if (const char* v = env("SANGAM_MAX_UPLOAD_BYTES")) c.max_upload_bytes = parse_uint("SANGAM_MAX_UPLOAD_BYTES", v, 1024, 1ul << 32);
  if (const char* v = env("SANGAM_THREADS")) c.threads = parse_uint("SANGAM_THREADS", v, 0, 256);
  if (const char* v = env("SANGAM_WEB_DIR"); v && *v) c.web_dir = v;
  if (const char* v = env("SANGAM_ALLOWED_ORIGINS"); v && *v) {
    std::string s = v;
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t comma = s.find(',', pos);
      if (comma == std::string::npos) comma = s.size();
      std::string o = s.substr(pos, comma - pos);
      o.erase(0, o.find_first_not_of(' '));
      while (!o.empty() && (o.back() == ' ' || o.back() == '/')) o.pop_back();
      if (!o.empty()) {
        if (o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0)
          bad("SANGAM_ALLOWED_ORIGINS", "comma-separated origins such as https://sangam.example.com", s);
        c.allowed_origins.push_back(o);
      }
      pos = comma + 1;
    }
  }
  if (const char* v = env("SANGAM_LOG_LEVEL")) {
    std::string s = v;
    static const char* levels[] = {"trace", "debug", "info", "warn", "error"};
    if (std::none_of(std::begin(levels), std::end(levels), [&](const char* l) { return s == l; }))
      bad("SANGAM_LOG_LEVEL", "one of trace, debug, info, warn, error", s);
    c.log_level = s;
  }
  if (const char* v = env("SANGAM_CONNECTOR")) {
    std::string m = v;
    if (m != "auto" && m != "off") bad("SANGAM_CONNECTOR", "auto or off", m);
    c.connector = m;
  }
  if (const char* v = env("SANGAM_CONNECTOR_SCRIPT"); v && *v) c.connector_script = v;
  if (const char* v = env("SANGAM_BRIDGE_SECRET"); v && *v) {
    if (std::string(v).size() < 16) throw ConfigError("SANGAM_BRIDGE_SECRET is invalid: expected at least 16 characters");
    c.bridge_secret = v;
  }
  if (const char* v = env("SANGAM_CHROMIUM"); v && *v) c.chromium = v;
  if (const char* v = env("SANGAM_PUBLIC_URL"); v && *v) {
    std::string u = v;
    if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0)
      throw ConfigError("SANGAM_PUBLIC_URL is invalid: expected an http:// or https:// address");
    c.public_url = u;
  }
  if (const char* v = env("SANGAM_SIM_SEED"); v && *v) c.sim_seed = v;
  if (const char* v = env("SANGAM_SIM_SPEED")) {
    char* end = nullptr;
    double d = std::strtod(v, &end);
    if (!*v || *end || d < 0.01 || d > 10000) bad("SANGAM_SIM_SPEED", "a number from 0.01 to 10000", v);
    c.sim_speed = d;
  }
  if (const char* v = env("SANGAM_CLOCK_SPEED")) {
    char* end = nullptr;
    double d = std::strtod(v, &end);
    if (!*v || *end || d < 1 || d > 10000) bad("SANGAM_CLOCK_SPEED", "a number from 1 to 10000", v);
    c.clock_speed = d;
  }
  if (const char* v = env("SANGAM_RECONNECT_DELAY_MS"))
    c.reconnect_delay_ms = parse_uint("SANGAM_RECONNECT_DELAY_MS", v, 10, 3600000);
  if (const char* v = env("SANGAM_KEEPALIVE_MS")) c.keepalive_ms = parse_uint("SANGAM_KEEPALIVE_MS", v, 1000, 86400000);
  if (const char* v = env("SANGAM_LEASE_TTL_MS")) c.lease_ttl_ms = parse_uint("SANGAM_LEASE_TTL_MS", v, 1000, 3600000);
  if (const char* v = env("SANGAM_SECRET_KEY"); v && *v) {
    auto key = crypto::from_hex(v);
    if (!key || key->size() != 32)
      throw ConfigError("SANGAM_SECRET_KEY is invalid: expected 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`");
    c.secret_key.bytes = *key;
  }
  return c;
}

void load_secret_key(Config& cfg, const EnvLookup&) {
  if (!cfg.secret_key.bytes.empty()) return;
  std::string path = cfg.data_dir + "/secret.key";
  if (std::filesystem::exists(path)) {
    std::ifstream f(path);
    std::string hex;
    std::getline(f, hex);
    auto key = crypto::from_hex(hex);
    if (!key || key->size() != 32) throw ConfigError(path + " is corrupt: expected 64 hexadecimal characters");
    cfg.secret_key.bytes = *key;
    return;
  }
  std::vector<unsigned char> key(32);
  randombytes_buf(key.data(), key.size());
  std::string hex = crypto::to_hex(key.data(), key.size()) + "\n";
  // O_EXCL: two processes generating at once cannot both write; 0600: only the service user reads it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw ConfigError("cannot create " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  ::close(fd);
  if (!ok) throw ConfigError("cannot write " + path);
  cfg.secret_key.bytes = key;
}

}  // namespace sangam
