// sangam_bridge_bench (issue 3, "Performance — benchmarks"): the real http::Server + BridgeHub in this
// process and the real connector (node connector/dist/main.js, sim world `test`) spawned by
// ConnectorSupervisor as `sangam serve` does. Measures core and connector RSS idle and with 100 linked
// sim accounts, then the bridge round trip of `account.state`, sequential and 64 in flight.
// Usage: sangam_bridge_bench [connector/dist/main.js]   (run by scripts/bench.sh; docs/performance.md)
//
// Results arrive on the server's I/O threads, so every wait happens here on the main thread, and every
// wait is bounded (kWait) so the bench cannot hang; SIGINT/SIGTERM abort it through the same cleanup.
#include "cli/runtime.hpp"
#include "engines/bridge/bridge_hub.hpp"
#include "engines/bridge/supervisor.hpp"
#include "http/app.hpp"
#include "http/server.hpp"

#include <signal.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <set>

using namespace sangam;
using Ms = std::chrono::duration<double, std::milli>;
using steady = std::chrono::steady_clock;

namespace {
constexpr int kAccounts = 100;
constexpr int kCommands = 10000;
constexpr int kWindow = 64;                       // in flight for the pipelined run
constexpr auto kWait = std::chrono::seconds(60);  // bound on every wait (100 sim links take < 1 s)
std::atomic<bool> g_abort{false};

struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Records what the connector reports; session archives are kept in memory (the sim's are ~100 bytes).
struct Recorder final : EngineListener {
  std::mutex mu;
  std::condition_variable cv;
  bool up = false;
  std::set<int64_t> qr, ready;
  std::map<int64_t, std::string> sessions;

  void on_engine_event(int64_t id, const std::string& event, const json&) override {
    std::lock_guard g(mu);
    if (event == "account.qr") qr.insert(id);
    if (event == "account.ready") ready.insert(id);
    cv.notify_all();
  }
  json on_engine_request(int64_t id, const std::string& req, const json& args) override {
    std::lock_guard g(mu);
    if (req == "session.save") sessions[id] = args.value("archive_base64", "");
    if (req == "session.delete") sessions.erase(id);
    if (req == "session.exists") return {{"exists", sessions.count(id) > 0}};
    if (req == "session.load") return {{"archive_base64", sessions.count(id) ? json(sessions[id]) : json(nullptr)}};
    return json::object();
  }
  void on_connector_up(const std::string&) override {
    std::lock_guard g(mu);
    up = true;
    cv.notify_all();
  }
  void on_connector_down(const std::string&, const std::string&) override {
    std::lock_guard g(mu);
    up = false;
  }
  void on_connector_refused(const std::string&, int64_t, const std::string&) override {}
  // Waits (bounded, abortable) until pred() holds under the lock.
  template <class Pred>
  void wait(const char* what, Pred pred) {
    auto deadline = steady::now() + kWait;
    std::unique_lock lk(mu);
    while (!pred()) {
      if (g_abort) throw Failed("aborted by a signal");
      if (steady::now() >= deadline) throw Failed(std::string("timed out waiting for ") + what);
      cv.wait_for(lk, std::chrono::milliseconds(100));
    }
  }
};

// One command, waited for from this (non-I/O) thread.
EngineResult call(BridgeHub& bridge, int64_t account, const std::string& command, const json& args = json::object()) {
  auto p = std::make_shared<std::promise<EngineResult>>();  // shared: outlives us if we give up
  auto f = p->get_future();
  bridge.command(account, command, args, [p](const EngineResult& r) { p->set_value(r); });
  if (f.wait_for(kWait) != std::future_status::ready) throw Failed(command + " got no result in 60 s");
  auto r = f.get();
  if (!r.ok) throw Failed(command + " failed: " + r.error_code + " " + r.error_message);
  return r;
}

double rss_mb(const std::string& status_file) {
  std::ifstream in(status_file);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct Rtt {
  std::vector<double> ms;
  double seconds = 0;
  int errors = 0;
};

// `account.state` round trips, spread over the linked accounts, at most `window` in flight; latency is
// from just before BridgeHub::command to the callback on the I/O thread. The state is shared with the
// callbacks: if we give up, late ones (or the no_connector ones at shutdown) must not touch a dead frame.
Rtt round_trips(BridgeHub& bridge, int n, int window) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0, done = 0, errors = 0;
    std::vector<double> ms;
    std::vector<steady::time_point> sent;
  };
  auto s = std::make_shared<State>();
  s->ms.assign(n, 0);
  s->sent.resize(n);
  auto wait = [&](std::unique_lock<std::mutex>& lk, auto pred) {
    if (!s->cv.wait_for(lk, kWait, pred)) throw Failed("round trips stalled for 60 s");
    if (g_abort) throw Failed("aborted by a signal");
  };
  auto t0 = steady::now();
  for (int i = 0; i < n; ++i) {
    {
      std::unique_lock lk(s->mu);
      wait(lk, [&] { return s->in_flight < window; });
      ++s->in_flight;
      s->sent[i] = steady::now();
    }
    bridge.command(1 + i % kAccounts, "account.state", json::object(), [s, i](const EngineResult& r) {
      auto at = steady::now();
      std::lock_guard g(s->mu);
      s->ms[i] = Ms(at - s->sent[i]).count();
      s->errors += !r.ok;
      --s->in_flight, ++s->done;
      s->cv.notify_all();
    });
  }
  std::unique_lock lk(s->mu);
  wait(lk, [&] { return s->done == n; });
  return {std::move(s->ms), std::chrono::duration<double>(steady::now() - t0).count(), s->errors};
}

void print_rtt(const char* mode, Rtt r) {
  std::sort(r.ms.begin(), r.ms.end());
  auto q = [&](double p) { return r.ms[std::min(r.ms.size() - 1, size_t(p * r.ms.size()))]; };
  std::printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f | %.0f | %d |\n", mode, r.ms.size(), q(0.5), q(0.9), q(0.99),
              r.ms.back(), r.ms.size() / r.seconds, r.errors);
}

std::string find_script(int argc, char** argv) {
  if (argc > 1) return argv[1];
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);  // build/core/bench/… → repo root
  for (auto base : {exe.parent_path().parent_path().parent_path().parent_path(), std::filesystem::current_path(ec)})
    if (std::filesystem::exists(base / "connector/dist/main.js", ec)) return (base / "connector/dist/main.js").string();
  return {};
}
}  // namespace

int main(int argc, char** argv) {
  // As in serve.cpp: SIGINT/SIGTERM blocked before any thread exists, taken by one waiting thread.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::thread signals([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    g_abort = true;
  });

  std::string script = find_script(argc, argv);
  if (script.empty()) {
    std::cerr << "connector/dist/main.js not found: run (cd connector && npm run build) or pass its path\n";
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
    return 2;
  }
  crypto::init();
  spdlog::set_level(spdlog::level::err);  // bridge.connector_down at shutdown is a warning, expected here
  Config cfg;
  cfg.data_dir = std::filesystem::temp_directory_path() / ("sangam-bridge-bench-" + crypto::random_token(6));
  cfg.listen_port = 0;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  int rc = 0;
  {
    prepare_data_dir(cfg.data_dir);
    load_secret_key(cfg, [](const char*) -> const char* { return nullptr; });
    SystemClock clock;
    auto db = open_and_migrate(cfg, clock, threads);
    http::Hub hub([](int64_t, int64_t) { return false; });
    AuthService auth(*db, clock, hub);
    ProjectService projects(*db, clock, hub);
    Recorder rec;
    BridgeHub bridge(clock, &rec);
    std::string secret = crypto::random_token(32);
    http::App app(cfg, {*db, clock, auth, projects, nullptr, nullptr, &bridge, secret}, hub);
    http::Server server(app, cfg.listen_host, 0, threads, cfg.max_body_bytes);
    std::thread io([&] { server.run(); });
    std::string scratch = cfg.data_dir + "/connector";
    std::filesystem::create_directories(scratch);
    ConnectorSupervisor supervisor(
        {{"node", script},
         {{"SANGAM_CORE_URL", "ws://127.0.0.1:" + std::to_string(server.port()) + "/bridge/v1"},
          {"SANGAM_BRIDGE_SECRET", secret},
          {"SANGAM_CONNECTOR_ID", "local"},
          {"SANGAM_SIM_WORLD", "test"},
          {"SANGAM_SIM_SPEED", "1000"},  // QR and link delays of the sim divided by 1000
          {"SANGAM_LOG_LEVEL", "warn"},  // info logs one stdout line per event: 300+ lines here
          {"SANGAM_CONNECTOR_DATA", scratch}}},
        [](int pid, const std::string& how) { std::fprintf(stderr, "connector %d %s\n", pid, how.c_str()); });
    supervisor.start();
    try {
      rec.wait("the connector's hello", [&] { return rec.up; });
      std::this_thread::sleep_for(std::chrono::seconds(1));  // settle, as connector/bench/memory.ts does
      std::string conn_status = "/proc/" + std::to_string(supervisor.pid()) + "/status";
      double core_idle = rss_mb("/proc/self/status"), conn_idle = rss_mb(conn_status);

      auto t0 = steady::now();
      for (int i = 0; i < kAccounts; ++i)
        call(bridge, 1 + i, "account.start", {{"engine", "sim"}, {"phone", fmt::format("+9198000001{:02}", i)}, {"restore", false}});
      rec.wait("100 QR codes", [&] { return rec.qr.size() == kAccounts; });
      for (int i = 0; i < kAccounts; ++i) call(bridge, 1 + i, "sim.scan");
      rec.wait("100 account.ready", [&] { return rec.ready.size() == kAccounts; });
      double link_s = std::chrono::duration<double>(steady::now() - t0).count();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      double core_100 = rss_mb("/proc/self/status"), conn_100 = rss_mb(conn_status);

      round_trips(bridge, 1000, 1);  // warm-up (JIT, allocators)
      Rtt seq = round_trips(bridge, kCommands, 1);
      round_trips(bridge, 1000, kWindow);
      Rtt pipe = round_trips(bridge, kCommands, kWindow);

      std::printf("Bridge: in-process core (BridgeHub + http::Server, %u I/O threads) ⇄ node connector, sim world test\n",
                  threads);
      std::printf("| process | idle (connector said hello) | %d linked sim accounts | per account |\n", kAccounts);
      std::printf("|---|---|---|---|\n");
      std::printf("| core RSS | %.1f MB | %.1f MB | %.1f KB |\n", core_idle, core_100, (core_100 - core_idle) * 1024 / kAccounts);
      std::printf("| connector RSS | %.1f MB | %.1f MB | %.1f KB |\n", conn_idle, conn_100, (conn_100 - conn_idle) * 1024 / kAccounts);
      std::printf("%d accounts started, scanned and ready in %.2f s\n\n", kAccounts, link_s);
      std::printf("account.state round trip (send → callback), spread over the %d accounts\n", kAccounts);
      std::printf("| mode | commands | p50 ms | p90 ms | p99 ms | max ms | commands/s | errors |\n");
      std::printf("|---|---|---|---|---|---|---|---|\n");
      print_rtt("sequential", std::move(seq));
      print_rtt("64 in flight", std::move(pipe));
      std::fflush(stdout);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sangam_bridge_bench: %s\n", e.what());
      rc = 1;
    }
    bridge.shutdown();   // the connector going away now is expected
    supervisor.stop();   // SIGTERM, SIGKILL after 10 s
    server.stop();
    io.join();
    bridge.drop_all();   // pending callbacks (if we gave up) are dropped while their sockets' contexts exist
    hub.drop_all();
  }
  std::error_code ec;
  std::filesystem::remove_all(cfg.data_dir, ec);
  pthread_kill(signals.native_handle(), SIGTERM);  // wakes the waiter when no signal came
  signals.join();
  return rc;
}
