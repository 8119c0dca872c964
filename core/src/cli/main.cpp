// sangam — WhatsApp community marketing platform. Commands: serve, demo, migrate, version.
#include "cli/serve.hpp"
#include "store/db.hpp"
#include "util/crypto.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App cli{"Sangam: WhatsApp community marketing for small B2B teams.\n"
               "Configuration comes from SANGAM_* environment variables (see the README)."};
  cli.require_subcommand(1);
  auto* serve = cli.add_subcommand("serve", "Run the API, the WebSocket and the dashboard");
  auto* demo = cli.add_subcommand("demo", "Run with demo data: a demo administrator and three example projects");
  double speed = 1.0;
  demo->add_option("--clock-speed", speed, "Run the clock this many times faster (60 = an hour per minute)")
      ->check(CLI::Range(1.0, 10000.0));
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* version = cli.add_subcommand("version", "Print the version and exit");
  CLI11_PARSE(cli, argc, argv);

  try {
    sangam::crypto::init();
    if (version->parsed()) {
      std::cout << "sangam " << SANGAM_VERSION << "\n";
      return 0;
    }
    auto cfg = sangam::load_config([](const char* k) { return std::getenv(k); });
    if (migrate->parsed()) return sangam::run_migrate(cfg);
    return sangam::run_serve(cfg, {demo->parsed(), speed != 1.0 ? speed : cfg.clock_speed});
    (void)serve;
  } catch (const sangam::ConfigError& e) {
    std::cerr << "sangam: " << e.what() << "\n";
    return 2;
  } catch (const sangam::store::DbError& e) {
    std::cerr << "sangam: database: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "sangam: " << e.what() << "\n";
    return 1;
  }
}
