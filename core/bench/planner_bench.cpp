// The campaign planner at agency scale (issue 8, Performance) on SQLite and PostgreSQL (PostgreSQL
// when SANGAM_TEST_DATABASE_URL names a server, as scripts/with-postgres.sh sets it): 1,000,000
// direct recipients across 20 accounts — render each message (spintax + variables), assign accounts
// and schedule (campaigns/schedule.hpp plan()), persist the outbox rows through Conn::bulk — against
// a raw bulk insert of the same rows in the same run, the store's physical limit.
// Mautic anchors printed beside: a 1M-contact campaign update ~2.5 days, a 102K-member trigger 40 min.
// Run: scripts/with-postgres.sh build/core/bench/sangam_planner_bench [--recipients N]
#include "campaigns/campaign_plan.hpp"
#include "safety/local_time.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sys/resource.h>
#include <filesystem>

using namespace sangam;
using namespace sangam::campaigns;
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

std::string with_database(const std::string& url, const std::string& db) {
  auto authority = url.find("://") + 3;
  auto q = url.find('?', authority);
  auto slash = url.find('/', authority);
  std::string params = q == std::string::npos ? "" : url.substr(q);
  size_t end = (slash != std::string::npos && (q == std::string::npos || slash < q)) ? slash : (q == std::string::npos ? url.size() : q);
  return url.substr(0, end) + "/" + db + params;
}

std::unique_ptr<store::Database> fresh(store::Backend b, const std::string& dir, const std::string& tag) {
  if (b == store::Backend::sqlite) return store::open_sqlite(dir + "/" + tag + ".db", 4);
  const char* admin = std::getenv("SANGAM_TEST_DATABASE_URL");
  std::string name = "bench_" + tag + "_" + std::to_string(randombytes_random() % 1000000);
  store::open_postgres(admin, 1)->acquire()->exec_script("CREATE DATABASE " + name);
  return store::open_postgres(with_database(admin, name), 4);
}

struct Fixture {
  int64_t pid = 0;
  std::vector<int64_t> accounts;
};

// A project with 20 active accounts (outbox rows reference them) and its 1M recipients in memory:
// targeting is a query of its own; this measures what the launch does with its answer.
Fixture seed(store::Database& db, int64_t now) {
  Fixture f;
  db.write([&](store::Conn& c) {
    f.pid = c.run("project-insert", {std::string("Bench"), std::string("bench"), std::string("Asia/Kolkata"), std::string("IN"),
                                     std::string("[{\"start\":\"09:00\",\"end\":\"12:00\"},{\"start\":\"14:00\",\"end\":\"21:00\"}]"), 0.6,
                                     std::string("[]"), std::string("[]"), now})[0].i64("id");
    for (int i = 0; i < 20; ++i)
      f.accounts.push_back(c.run("account-insert", {f.pid, fmt::format("+9198000{:05}", i), fmt::format("acc{}", i), std::string("sim"),
                                                    std::string("production"), int64_t(200), now})[0].i64("id"));
  });
  return f;
}

void run(store::Backend b, const std::string& dir, int n) {
  SystemClock clock;
  int64_t now = clock.now_ms();
  Project p;
  p.name = "Bench";
  p.time_zone = "Asia/Kolkata";
  Spec s;
  s.kind = "direct";
  s.body = "{Hello|Namaste|Vanakkam} {{first_name}}, {thanks for joining|good to have you} — {{offer}} this week at your dealer.";
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
  auto db = fresh(b, dir, "plan");
  store::migrate(*db, clock);
  Fixture f = seed(*db, now);
  // Agency-scale numbers: 20 accounts at 180 messages a day each (the campaign share of 200) spread 1M
  // over ~314 days with the weekend factor.
  for (int64_t a : f.accounts) res.accounts.push_back({a, "", "", 180});

  // The planner: render + assign + schedule + persist, timed as the launch does them.
  auto t0 = Clk::now();
  double c0 = cpu_s();
  std::vector<TemplateError> errs;
  Template t = parse_spec_template(s, errs);
  Plan plan = schedule_plan(p, s, res, now, 42);
  double t_schedule = s_since(t0);
  std::vector<store::Params> rows;
  rows.reserve(plan.messages.size());
  for (const auto& m : plan.messages) {
    const Recipient& rc = res.recipients[static_cast<size_t>(m.target)];
    std::string text = render_for(t, s, p, rc, "", static_cast<uint64_t>(m.target) * 2654435761ULL);
    rows.push_back({f.pid, m.account, rc.chat, nullptr, nullptr, std::string("campaign"), content_json(s, text), int64_t(2), m.at_ms,
                    std::string("queued"), fmt::format("campaign:1:c{}", rc.contact_id), nullptr, int64_t(1), now, now});
  }
  double t_render = s_since(t0) - t_schedule;
  auto t1 = Clk::now();
  db->write([&](store::Conn& c) { c.bulk("outbox-plan-row", rows); });
  double t_persist = s_since(t1);
  double total = s_since(t0), cpu_total = cpu_s() - c0;

  // Baseline: the same rows (other keys) through the same bulk path into a fresh database.
  auto raw_db = fresh(b, dir, "raw");
  store::migrate(*raw_db, clock);
  Fixture g = seed(*raw_db, now);
  for (auto& r : rows) {
    r[0] = g.pid;
    r[1] = g.accounts[static_cast<size_t>(std::get<int64_t>(r[1]) - f.accounts[0])];
  }
  auto t2 = Clk::now();
  double c2 = cpu_s();
  raw_db->write([&](store::Conn& c) { c.bulk("outbox-plan-row", rows); });
  double raw = s_since(t2), cpu_raw = cpu_s() - c2;

  fmt::print("plan {} direct recipients across 20 accounts [{}]: {:.2f} s ({:.0f} planned rows/s; schedule {:.2f} s, render {:.2f} s, "
             "persist {:.2f} s); raw bulk insert of the same rows {:.2f} s ({:.0f} rows/s); planner/raw {:.2f}x; {} planned over {} days, "
             "{} skipped; CPU of this process: planner {:.2f} s, raw {:.2f} s   (Mautic: a 1M-contact campaign update ~2.5 days)\n",
             n, store::backend_name(b), total, plan.messages.size() / total, t_schedule, t_render, t_persist, raw, rows.size() / raw,
             total / raw, plan.messages.size(), plan.messages.empty() ? 0 : plan.messages.back().day - plan.messages.front().day + 1,
             plan.skipped.size(), cpu_total, cpu_raw);
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
