// Micro-benchmarks of the per-request work behind GET /api/v1/projects: token authentication (from the
// look-up cache, and without it) and the project list query, on SQLite (the embedded default). Run with `make bench`.
#include "auth/auth_service.hpp"
#include "projects/project_service.hpp"
#include "util/crypto.hpp"

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <filesystem>

using namespace sangam;

namespace {
struct World {
  std::string dir = std::filesystem::temp_directory_path() / ("sangam-bench-" + crypto::random_token(6));
  SystemClock clock;
  NullEventBus bus;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<AuthService> uncached;  // the look-up cache off (ttl 0): what every request cost before
  std::unique_ptr<ProjectService> projects;
  User admin;
  std::string token;

  World() {
    crypto::init();
    spdlog::set_level(spdlog::level::warn);
    std::filesystem::create_directories(dir);
    db = store::open_sqlite(dir + "/bench.db", 4);
    store::migrate(*db, clock);
    auth = std::make_unique<AuthService>(*db, clock, bus);
    AuthOptions off;
    off.cache.ttl_ms = 0;
    uncached = std::make_unique<AuthService>(*db, clock, bus, off);
    projects = std::make_unique<ProjectService>(*db, clock, bus);
    bool created = false;
    auth->ensure_admin("bench@example.com", "bench-password", created);
    admin = user_from_row(db->read([](store::Conn& c) { return c.run("user-by-email", {std::string("bench@example.com")}); })[0]);
    token = auth->create_token(admin, {{"name", "bench"}})["token"];
    for (auto s : {"poultrycare", "restopi", "textopi"}) json::parse(projects->create(admin, {{"name", s}, {"slug", s}}));
  }
  ~World() { std::filesystem::remove_all(dir); }
};
World& world() {
  static World w;
  return w;
}
}  // namespace

static void BM_BearerAuthentication(benchmark::State& state) {
  auto& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(w.auth->authenticate_bearer(w.token));
}
BENCHMARK(BM_BearerAuthentication);

static void BM_BearerAuthenticationUncached(benchmark::State& state) {
  auto& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(w.uncached->authenticate_bearer(w.token));
}
BENCHMARK(BM_BearerAuthenticationUncached);

static void BM_ProjectList(benchmark::State& state) {
  auto& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(w.projects->list(w.admin));
}
BENCHMARK(BM_ProjectList);

static void BM_PasswordHash(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::hash_password("correct horse battery staple"));
}
BENCHMARK(BM_PasswordHash)->Unit(benchmark::kMillisecond)->Iterations(5);

BENCHMARK_MAIN();
