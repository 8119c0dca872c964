#pragma once
// Configuration comes from environment variables; an optional file (SANGAM_CONFIG, lines KEY=VALUE)
// may set the same keys, and the environment wins. An invalid value stops start-up with one line
// naming the variable and what is expected (ConfigError).
#include "util/crypto.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sangam {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string listen_host = "127.0.0.1";   // SANGAM_LISTEN host part
  unsigned short listen_port = 8080;        // SANGAM_LISTEN port part
  std::string data_dir = "./data";          // SANGAM_DATA_DIR
  std::string database_url;                 // SANGAM_DATABASE_URL; empty → SQLite file in data_dir
  crypto::SecretKey secret_key;             // SANGAM_SECRET_KEY (64 hex chars) or data_dir/secret.key
  std::string admin_email = "admin@sangam.local";  // SANGAM_ADMIN_EMAIL
  std::string admin_password;               // SANGAM_ADMIN_PASSWORD; empty → generated, printed once
  bool metrics_public = true;               // SANGAM_METRICS_PUBLIC; false → /metrics needs auth
  size_t max_body_bytes = 1 << 20;          // SANGAM_MAX_BODY_BYTES (1 MiB)
  // SANGAM_MAX_UPLOAD_BYTES (64 MiB): file uploads (CSV imports); a 100,000-row contacts CSV is ~8 MB.
  size_t max_upload_bytes = 64u << 20;
  unsigned threads = 0;                     // SANGAM_THREADS; 0 → one per core, two on PostgreSQL (serve.cpp)
  std::string web_dir;                      // SANGAM_WEB_DIR; empty → found next to the binary
  std::vector<std::string> allowed_origins; // SANGAM_ALLOWED_ORIGINS, comma-separated, e.g. https://sangam.example.com
  std::string log_level = "info";           // SANGAM_LOG_LEVEL: trace|debug|info|warn|error
  bool secure_cookies = false;              // SANGAM_SECURE_COOKIES: set when served over HTTPS

  // WhatsApp connectors (docs/bridge-protocol.md)
  std::string connector = "auto";           // SANGAM_CONNECTOR: auto (spawn the local one) | off (remote only)
  std::string connector_script;             // SANGAM_CONNECTOR_SCRIPT; empty → connector/dist/main.js found next to the binary
  std::string bridge_secret;                // SANGAM_BRIDGE_SECRET: what remote connectors present; empty → only the local one
  std::string chromium = "/usr/bin/chromium";  // SANGAM_CHROMIUM
  std::string public_url;                   // SANGAM_PUBLIC_URL: before /r/{code} in messages; empty → the listen URL
  std::string sim_seed = "1";               // SANGAM_SIM_SEED: the simulated network is the same for the same seed
  double sim_speed = 1.0;                   // SANGAM_SIM_SPEED: divides the simulator's delays (tests use 50)
  double clock_speed = 1.0;                 // SANGAM_CLOCK_SPEED: as demo --clock-speed, for serve (API tests of timed work)
  int64_t reconnect_delay_ms = 30000;       // SANGAM_RECONNECT_DELAY_MS: wait before restoring a lost session
  int64_t keepalive_ms = 15 * 60 * 1000;    // SANGAM_KEEPALIVE_MS: how often every client is asked for its state
  int64_t lease_ttl_ms = 60000;             // SANGAM_LEASE_TTL_MS: a stalled or dead node's accounts move after this

  bool uses_postgres() const { return !database_url.empty(); }
  std::string sqlite_path() const { return data_dir + "/sangam.db"; }
};

using EnvLookup = std::function<const char*(const char*)>;

// Parses everything except the secret key (which may need the data dir to exist).
Config load_config(const EnvLookup& env);
// Reads SANGAM_SECRET_KEY or the key file in the data dir, generating the file (mode 0600) once.
void load_secret_key(Config& cfg, const EnvLookup& env);

}  // namespace sangam
