#include "cli/serve.hpp"

#include "cli/demo_data.hpp"
#include "cli/runtime.hpp"
#include "http/app.hpp"
#include "http/server.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

namespace sangam {
namespace {

bool user_can_see(store::Database& db, int64_t user_id, int64_t project_id) {
  return db.read([&](store::Conn& c) {
    auto u = c.run("user-by-id", {user_id});
    if (u.empty() || u[0].boolean("disabled")) return false;
    return ProjectService::role_of(c, user_from_row(u[0]), project_id).has_value();
  });
}

std::string url_of(const Config& cfg, unsigned short port) {
  std::string host = cfg.listen_host == "0.0.0.0" || cfg.listen_host == "::" ? "127.0.0.1" : cfg.listen_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

int run_serve(Config cfg, const ServeOptions& opts) {
  prepare_data_dir(cfg.data_dir);
  DataDirLock lock(cfg.data_dir);
  load_secret_key(cfg, [](const char* k) { return std::getenv(k); });
  setup_logging(cfg.log_level);

  // SIGINT/SIGTERM are taken by a dedicated thread (sigwait), blocked everywhere else.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  SystemClock system_clock;
  std::unique_ptr<AcceleratedClock> fast;
  if (opts.clock_speed != 1.0) fast = std::make_unique<AcceleratedClock>(system_clock, opts.clock_speed);
  const Clock& clock = fast ? static_cast<const Clock&>(*fast) : system_clock;

  unsigned threads = cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
  auto db = open_and_migrate(cfg, clock, threads);
  http::Hub hub([&db](int64_t u, int64_t p) { return user_can_see(*db, u, p); });
  AuthService auth(*db, clock, hub);
  ProjectService projects(*db, clock, hub);

  std::string admin_email = cfg.admin_email, admin_password = cfg.admin_password;
  if (opts.demo && admin_password.empty()) admin_password = kDemoPassword;
  bool created = false;
  auto generated = auth.ensure_admin(admin_email, admin_password, created);
  if (opts.demo) seed_demo(*db, projects, normalize_email(admin_email));

  http::App app(cfg, {*db, clock, auth, projects}, hub);
  http::Server server(app, cfg.listen_host, cfg.listen_port, threads, cfg.max_body_bytes);
  std::string url = url_of(cfg, server.port());
  spdlog::info("event=server.listening url={} threads={} backend={} demo={}", url, threads,
               store::backend_name(db->backend()), opts.demo);
  std::cout << "Sangam " << (opts.demo ? "demo " : "") << "is running at " << url << "\n";
  if (generated) {
    std::cout << "First start: created the administrator " << normalize_email(admin_email) << " with the password "
              << *generated << "\n(shown once; change it in the dashboard under Users)\n";
  } else if (created) {
    std::cout << "First start: created the administrator " << normalize_email(admin_email) << "\n";
  }
  if (opts.demo) std::cout << "Log in as " << normalize_email(admin_email) << " / " << admin_password << "\n";
  std::cout << std::flush;

  std::thread signals([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    spdlog::info("event=server.stopping signal={}", sig);
    server.stop();
  });
  server.run();
  pthread_kill(signals.native_handle(), SIGTERM);  // wakes the waiter when stop() came from elsewhere
  signals.join();
  spdlog::info("event=server.stopped");
  spdlog::shutdown();
  return 0;
}

int run_migrate(Config cfg) {
  if (!cfg.uses_postgres()) prepare_data_dir(cfg.data_dir);
  setup_logging(cfg.log_level);
  SystemClock clock;
  auto db = store::open_database(cfg.database_url, cfg.sqlite_path(), 2);
  auto applied = store::migrate(*db, clock);
  std::cout << "Database (" << store::backend_name(db->backend()) << ") is at schema version "
            << store::schema_version(*db) << "; applied " << applied.size() << " migration(s) now.\n";
  return 0;
}

}  // namespace sangam
