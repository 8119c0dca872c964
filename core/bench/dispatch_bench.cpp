// Dispatcher decision cost per message (issue 8, performance): one Dispatcher::step — lock the
// account, read it, its project and its day's usage, the next due row, the safety policy, the claim
// committed, the send handed over, the outcome recorded — in CPU time of this process, on SQLite and
// on PostgreSQL (when SANGAM_TEST_DATABASE_URL names a server, as scripts/with-postgres.sh sets it).
// Beside it, the store's physical floor from the same run: a bare one-row UPDATE in its own
// transaction, the least any claim can cost. The engine answers at once (no connector), so what is
// measured is the core's decision, not WhatsApp. On PostgreSQL half of the work is the server's: its
// processes' CPU (the cluster's, read from /proc: the server runs on this machine in the bench) is
// shown beside the core's, so a change that moves work into the server (a trigger) is not hidden.
// Run: scripts/with-postgres.sh build/core/bench/sangam_dispatch_bench [--rows N]
#include "store/database_url.hpp"
#include "campaigns/dispatcher.hpp"
#include "projects/project.hpp"
#include "util/clock.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace sangam;

namespace {

double cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
double wall_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time (µs) of a process and its children-by-parent: the PostgreSQL cluster is the postmaster and
// the processes it forked (backends, WAL writer, checkpointer, autovacuum).
double proc_cpu_us(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}
int parent_of(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}
double cluster_cpu_us(int postmaster) {
  if (postmaster <= 0) return 0;
  double sum = proc_cpu_us(postmaster);
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::stoi(name);
    if (parent_of(pid) == postmaster) sum += proc_cpu_us(pid);
  }
  return sum;
}

std::unique_ptr<store::Database> fresh(store::Backend b, const std::string& dir) {
  static int n = 0;
  if (b == store::Backend::sqlite) return store::open_sqlite(dir + "/dispatch-" + std::to_string(++n) + ".db", 4);
  const char* admin = std::getenv("SANGAM_TEST_DATABASE_URL");
  std::string name = "bench_dispatch_" + std::to_string(randombytes_random() % 1000000);
  store::open_postgres(admin, 1)->acquire()->exec_script("CREATE DATABASE " + name);
  return store::open_postgres(store::with_database(admin, name), 4);
}

class InstantSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override { cb(SendOutcome{SendStatus::sent, "wa-" + req.idempotency_key, false, ""}); }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
};

// Never answers: the claim alone (what a connector that keeps the send costs the core until it answers).
class HoldSender final : public Sender {
 public:
  void send(const SendRequest&, SendCallback) override {}
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
};

struct Figures {
  double step_cpu = 0, step_wall = 0, update_cpu = 0, update_wall = 0;
  double step_server = 0, update_server = 0;  // PostgreSQL's processes, per message
};

Figures run(store::Backend b, const std::string& dir, int rows, bool record) {
  auto db = fresh(b, dir);
  ManualClock clock{std::chrono::system_clock::from_time_t(1764000000)};  // 2025-11-24 16:00 UTC
  store::migrate(*db, clock);
  int64_t pid = 0, aid = 0;
  db->write([&](store::Conn& c) {
    Project p;
    p.name = "Bench";
    p.slug = "bench";
    p.working_hours = {{0, 24 * 60}};
    p.weekend_factor = 1.0;
    store::Params params = project_params(p);
    params.push_back(clock.now_ms());
    pid = c.run("project-insert", params)[0].i64("id");
    aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("bench"), std::string("sim"),
                                    std::string("production"), int64_t(1'000'000), clock.now_ms()})[0].i64("id");
    c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
    // Replies (P1), all due, one step every 7 minutes: the policy allows each (reply gaps are 8–20 s)
    // and the account claims ~205 a local day, its daily limit, which the usage query counts over.
    std::string content = nlohmann::json{{"text", "Winter feed tips for layers, this week at the Salem depot."}}.dump();
    // Each reply planned when its message came in, a second apart (all due): with one planned time
    // for all of them PostgreSQL must sort the whole queue by id for every decision (a tie no real
    // queue has), 1 ms of server CPU each (docs/performance.md).
    for (int i = 0; i < rows; ++i)
      c.run("outbox-enqueue", {pid, aid, fmt::format("9198{:08d}@c.us", i), nullptr, std::string("reply"), content, int64_t(1),
                               clock.now_ms() - int64_t(rows - i) * 1000, fmt::format("bench-{}", i), nullptr, clock.now_ms()});
  });
  InstantSender instant;
  HoldSender hold;
  Sender& sender = record ? static_cast<Sender&>(instant) : hold;
  campaigns::Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return campaigns::ConsentVerdict{true, ""}; });
  Figures f;
  int postmaster = 0;
  if (b == store::Backend::postgres)
    postmaster = parent_of(static_cast<int>(db->read([](store::Conn& c) { return c.run_text("SELECT pg_backend_pid() AS pid"); })[0].i64("pid")));
  int claimed = 0;
  double s0 = cluster_cpu_us(postmaster);
  double c0 = cpu_us(), w0 = wall_us();
  for (int i = 0; i < rows; ++i) {
    clock.advance(std::chrono::minutes(7));
    if (d.step(aid) == campaigns::StepResult::claimed) ++claimed;
  }
  f.step_cpu = (cpu_us() - c0) / claimed;
  f.step_wall = (wall_us() - w0) / claimed;
  f.step_server = (cluster_cpu_us(postmaster) - s0) / claimed;
  if (claimed != rows) spdlog::warn("only {} of {} steps claimed", claimed, rows);
  // The floor: one UPDATE of one row, in its own transaction, as many times; on PostgreSQL the
  // transaction is one round trip (BEGIN, the UPDATE and COMMIT sent together), the fewest possible.
  // A decision cannot get there: it reads under the account's lock, decides, then claims (two).
  s0 = cluster_cpu_us(postmaster);
  c0 = cpu_us(), w0 = wall_us();
  for (int i = 0; i < rows; ++i)
    db->write([&](store::Conn& c) { c.run_final("outbox-touch", {int64_t(1 + i % rows), clock.now_ms() + i}); });
  f.update_cpu = (cpu_us() - c0) / rows;
  f.update_wall = (wall_us() - w0) / rows;
  f.update_server = (cluster_cpu_us(postmaster) - s0) / rows;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 5000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--rows") rows = std::stoi(argv[i + 1]);
  if (sodium_init() < 0) return 1;
  spdlog::set_level(spdlog::level::warn);
  std::string dir = std::filesystem::temp_directory_path() / ("sangam-dispatch-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  fmt::print("Dispatcher decision per message (policy + claim + outcome), {} messages, CPU of the core process\n", rows);
  fmt::print("| backend | measured | CPU per message | wall | baseline: bare 1-row UPDATE CPU | UPDATE wall | CPU ratio | server CPU per message (PostgreSQL) | server CPU per UPDATE |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  std::vector<store::Backend> backends{store::Backend::sqlite};
  if (std::getenv("SANGAM_TEST_DATABASE_URL")) backends.push_back(store::Backend::postgres);
  for (auto b : backends) {
    for (bool record : {false, true}) {
      Figures f = run(b, dir, rows, record);
      fmt::print("| {} | {} | {:.1f} µs | {:.1f} µs | {:.1f} µs | {:.1f} µs | {:.1f}× | {} | {} |\n", store::backend_name(b),
                 record ? "policy + claim + outcome recorded" : "policy + claim", f.step_cpu, f.step_wall, f.update_cpu,
                 f.update_wall, f.step_cpu / f.update_cpu,
                 b == store::Backend::postgres ? fmt::format("{:.1f} µs", f.step_server) : std::string("—"),
                 b == store::Backend::postgres ? fmt::format("{:.1f} µs", f.update_server) : std::string("—"));
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
