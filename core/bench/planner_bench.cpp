// The campaign planner at agency scale (issue 8, Performance) on SQLite and PostgreSQL (PostgreSQL
// when SANGAM_TEST_DATABASE_URL names a server, as scripts/with-postgres.sh sets it): 1,000,000
// direct recipients across 20 accounts — render each message (spintax + variables + its link's
// per-recipient short link), assign accounts and schedule (campaigns/schedule.hpp plan()), persist
// the outbox rows through store::bulk_stream with the render pipelined on a second thread, as the
// launch does — against a raw bulk insert of the same rows, pre-rendered, through the same path in
// the same run (the store's cost), and the render alone.
// Mautic anchors printed beside: a 1M-contact campaign update ~2.5 days, a 102K-member trigger 40 min.
// Run: scripts/with-postgres.sh build/core/bench/sangam_planner_bench [--recipients N]
#include "store/database_url.hpp"
#include "analytics/event_log.hpp"
#include "analytics/link_service.hpp"
#include "campaigns/campaign_plan.hpp"
#include "store/bulk_stream.hpp"
#include "safety/local_time.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/events.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sys/resource.h>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <string>

using namespace sangam;
using namespace sangam::campaigns;
using namespace sangam::analytics;
using Clk = std::chrono::steady_clock;

namespace {

double s_since(Clk::time_point t) { return std::chrono::duration<double>(Clk::now() - t).count(); }

// CPU seconds of this process (user + system): steadier than wall time on a shared machine. On SQLite
// the store works in-process; on PostgreSQL most of the insert's work is the server's.
double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Peak resident memory since the last reset_peak_rss(), in MB (VmHWM). getrusage's ru_maxrss is the
// whole process's: the second backend's figure was the first backend's raw baseline (every rendered row
// held at once, ~1.1 GB), not its own planner's. The reset gives the heap the first backend freed back
// first (malloc_trim): glibc would keep it resident and count it as the second backend's.
void reset_peak_rss() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:  123456 kB"
  return 0;
}

std::unique_ptr<store::Database> fresh(store::Backend b, const std::string& dir, const std::string& tag) {
  if (b == store::Backend::sqlite) return store::open_sqlite(dir + "/" + tag + ".db", 4);
  const char* admin = std::getenv("SANGAM_TEST_DATABASE_URL");
  std::string name = "bench_" + tag + "_" + std::to_string(randombytes_random() % 1000000);
  store::open_postgres(admin, 1)->acquire()->exec_script("CREATE DATABASE " + name);
  return store::open_postgres(store::with_database(admin, name), 4);
}

struct Fixture {
  int64_t pid = 0, campaign = 0;
  std::vector<int64_t> accounts;
};

// A project with 20 active accounts, a campaign and n opted-in contacts (the outbox and links rows
// reference them, and the launch's rows carry their ids), with its recipients in memory: targeting is
// a query of its own; this measures what the launch does with its answer.
Fixture seed(store::Database& db, int64_t now, int n) {
  Fixture f;
  db.write([&](store::Conn& c) {
    f.pid = c.run("project-insert", {std::string("Bench"), std::string("bench"), std::string("Asia/Kolkata"), std::string("IN"),
                                     std::string("[{\"start\":\"09:00\",\"end\":\"12:00\"},{\"start\":\"14:00\",\"end\":\"21:00\"}]"), 0.6,
                                     std::string("[]"), std::string("[]"), now})[0].i64("id");
    for (int i = 0; i < 20; ++i)
      f.accounts.push_back(c.run("account-insert", {f.pid, fmt::format("+9198000{:05}", i), fmt::format("acc{}", i), std::string("sim"),
                                                    std::string("production"), int64_t(200), now})[0].i64("id"));
    f.campaign = c.run("campaign-insert", {f.pid, std::string("Bench"), std::string("direct"), nullptr, std::string(""), std::string("{}"),
                                           nullptr, nullptr, std::string("{}"), std::string("{}"), nullptr, now})[0].i64("id");
    // Contacts 1..n with the recipients' phones, in one statement.
    std::string series = db.backend() == store::Backend::postgres
                             ? "SELECT g AS i FROM generate_series(1, $2::bigint) g"
                             : "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2) SELECT i FROM s";
    c.run_text("INSERT INTO contacts (project_id, phone, name, consent, source, created_at, updated_at) SELECT $1, '+91' || (9000000000 + (i - 1) * 7), "
               "'Farmer ' || (i - 1) || ' Kumar', 'opted_in', 'csv', $3, $3 FROM (" + series + ") q",
               {f.pid, int64_t(n), now});
  });
  return f;
}

// The rows of a plan rendered into chunks without a database (the render's cost alone, and the raw
// baseline's input).
std::vector<store::BulkChunk> render_all(LaunchRowSource& src) {
  std::vector<store::BulkChunk> chunks;
  for (;;) {
    store::BulkChunk ch(LaunchRowSource::kWidth);
    if (!src(ch)) break;
    chunks.push_back(std::move(ch));
  }
  return chunks;
}

void run(store::Backend b, const std::string& dir, int n) {
  SystemClock clock;
  NullEventBus bus;
  int64_t now = clock.now_ms();
  Project p;
  p.name = "Bench";
  p.time_zone = "Asia/Kolkata";
  Spec s;
  s.kind = "direct";
  // A link, as most campaign messages carry one: the launch rewrites it into the recipient's signed
  // short link (analytics/link_service.hpp launch_links: links row + recipient code + HMAC tag).
  s.body = "{Hello|Namaste|Vanakkam} {{first_name}}, {thanks for joining|good to have you} — {{offer}} this week at your dealer: "
           "https://poultrycare.example/offer";
  s.variables = {{"offer", "5% off feed"}};
  Resolution res;
  res.recipients.reserve(n);
  for (int i = 0; i < n; ++i) {
    Recipient r;
    r.contact_id = i + 1;
    r.chat = fmt::format("91{}@c.us", 9000000000LL + i * 7);
    r.name = fmt::format("Farmer {} Kumar", i);
    res.recipients.push_back(std::move(r));
  }
    std::vector<unsigned char> key(32, 7);
  auto db = fresh(b, dir, "plan");
  store::migrate(*db, clock);
  Fixture f = seed(*db, now, n);
  EventLog log(*db, clock, bus);
  LinkService links(*db, clock, log, "https://go.example.com", key);
  reset_peak_rss();
  // Agency-scale numbers: 20 accounts at 180 messages a day each (the campaign share of 200) spread 1M
  // over ~314 days with the weekend factor.
  for (int64_t a : f.accounts) res.accounts.push_back({a, "", "", 180});

  // The planner: parse + plan (assign, schedule), then render and persist pipelined as launch_impl
  // does them (the render thread a few chunks ahead of bulk_stream), the links rows saved after.
  auto t0 = Clk::now();
  double c0 = cpu_s();
  std::vector<TemplateError> errs;
  Template t = parse_spec_template(s, errs);
  Plan plan = schedule_plan(p, s, res, now, 42);
  double t_schedule = s_since(t0);
  db->write([&](store::Conn& c) {
    auto l = links.launch_links(c, f.pid, f.campaign, true);
    LaunchRows rows{t, s, p, res, plan, f.pid, f.campaign, now, {}, [&](const std::string& x, int64_t k, int64_t g) { return l->rewrite(x, k, g); }};
    LaunchRowSource src(rows);
    store::PipelinedChunks rendered(LaunchRowSource::kWidth, [&](store::BulkChunk& ch) { return src(ch); });
    store::bulk_stream(c, "outbox-plan-row", LaunchRowSource::kWidth, rendered.source(), src.total());
    l->save(c);
  });
  double total = s_since(t0), cpu_total = cpu_s() - c0;
  // The peak since the reset above: the recipients in memory and the planner (the raw baseline below
  // holds every rendered row at once, so it is read before that).
  double rss_planner_mb = peak_rss_mb();
  double t_persist = total - t_schedule;

  // The render alone (same template, plan and link rewriter, no database): what the pipeline hides.
  auto raw_db = fresh(b, dir, "raw");
  store::migrate(*raw_db, clock);
  Fixture g = seed(*raw_db, now, n);
  if (g.pid != f.pid || g.campaign != f.campaign || g.accounts != f.accounts) throw std::runtime_error("the raw database's ids differ");
  std::vector<store::BulkChunk> chunks;
  auto t3 = Clk::now();
  double c3 = cpu_s();
  raw_db->write([&](store::Conn& c) {
    auto l = links.launch_links(c, g.pid, g.campaign, true);
    LaunchRows rows{t, s, p, res, plan, g.pid, g.campaign, now, {}, [&](const std::string& x, int64_t k, int64_t gr) { return l->rewrite(x, k, gr); }};
    LaunchRowSource src(rows);
    chunks = render_all(src);
    l->save(c);
  });
  double t_render = s_since(t3), cpu_render = cpu_s() - c3;

  // Baseline: the same rows, already rendered, through the same store path (bulk_stream) into a fresh
  // database: the store's cost of writing them.
  auto t2 = Clk::now();
  double c2 = cpu_s();
  size_t next = 0;
  int64_t written = raw_db->write([&](store::Conn& c) {
    return store::bulk_stream(c, "outbox-plan-row", LaunchRowSource::kWidth, [&](store::BulkChunk& ch) {
      if (next == chunks.size()) return false;
      std::swap(ch, chunks[next++]);
      return true;
    }, plan.messages.size());
  });
  double raw = s_since(t2), cpu_raw = cpu_s() - c2;

  fmt::print("plan {} direct recipients across 20 accounts, a link each [{}]: {:.2f} s ({:.0f} planned rows/s; schedule {:.2f} s, render + persist "
             "pipelined {:.2f} s); render alone {:.2f} s (CPU {:.2f} s); raw bulk insert of the same rows {:.2f} s ({:.0f} rows/s); "
             "planner/raw {:.2f}x; {} planned over {} days, {} skipped; CPU of this process: planner {:.2f} s, raw {:.2f} s; peak RSS after the planner {:.0f} MB   "
             "(Mautic: a 1M-contact campaign update ~2.5 days)\n",
             n, store::backend_name(b), total, plan.messages.size() / total, t_schedule, t_persist, t_render, cpu_render, raw, written / raw,
             total / raw, plan.messages.size(), plan.messages.empty() ? 0 : plan.messages.back().day - plan.messages.front().day + 1,
             plan.skipped.size(), cpu_total, cpu_raw, rss_planner_mb);
}

}  // namespace

int main(int argc, char** argv) {
  crypto::init();
  spdlog::set_level(spdlog::level::warn);
  int n = 1000000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--recipients") n = std::atoi(argv[i + 1]);
  std::string dir = std::filesystem::temp_directory_path() / ("sangam-pbench-" + crypto::random_token(6));
  std::filesystem::create_directories(dir);
  std::vector<store::Backend> backends = {store::Backend::sqlite};
  if (std::getenv("SANGAM_TEST_DATABASE_URL")) backends.push_back(store::Backend::postgres);
  else fmt::print("(SANGAM_TEST_DATABASE_URL unset: SQLite only; run under scripts/with-postgres.sh for both)\n");
  for (auto b : backends) run(b, dir, n);
  std::filesystem::remove_all(dir);
}
