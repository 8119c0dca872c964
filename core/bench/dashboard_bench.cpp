// The dashboard's queries at the issue's scale (issue 9: "KPIs, campaign table, group intelligence
// p95 < 50 ms with 10,000,000 events and 1,000,000 contacts, on both backends"), on SQLite and on
// PostgreSQL when SANGAM_TEST_DATABASE_URL names a server (scripts/with-postgres.sh sets it).
//
// The world: one project (Asia/Kolkata), 20 accounts with hourly health for the 90 days the store
// keeps, 200 groups, 50 campaigns launched over 6 months (every fifth a group post), 1,000,000
// contacts with a membership each (the bulk path, created over the 6 months), and --events events
// (default 10,000,000): acks of campaign messages (sent, delivered, read, failed, replayed twice),
// replies, clicks, incoming group messages, joins and leaves, and leads (a `leads` row each, as
// LeadService writes it). Events go in by the store's raw bulk path (COPY / one prepared INSERT
// per 50,000 rows) instead of the pipeline, which runs at ~5k events/s here (10M would take 30+
// minutes per backend). Their rollups are computed from the same events with the pipeline's
// facts_of() and written with its own upsert (analytics-rollup-add); before the big run, a sample
// goes through EventLog::write_batch and the bench's recomputation, and the two must be equal
// row for row, or the bench stops.
//
// Then, at each --stages size (default 1M, 3M, 10M events, the same world growing), every dashboard
// function is called warm --calls times (default 200) as its HTTP route calls it (without HTTP),
// p50/p95 wall and the bench process's CPU per call, beside `SELECT 1` through the same pool (the
// floor in this run, whatever the machine's load).
// Run: scripts/with-postgres.sh build/core/bench/sangam_dashboard_bench [--events N] [--contacts N]
//      [--stages 1000000,3000000,10000000] [--calls 200] [--sqlite-only] [--postgres-only]
//      --counter-cost alone: what migration 0023's contacts counter costs the contact writers.
//      --kpi-parts: each query of the KPI cards timed alone as well.
#include "store/database_url.hpp"
#include "analytics/dashboard.hpp"
#include "analytics/event_log.hpp"
#include "contacts/contact_base.hpp"
#include "safety/local_time.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <unistd.h>

using namespace sangam;
using namespace sangam::analytics;
using Clk = std::chrono::steady_clock;

namespace {

constexpr int64_t kNow = 1764000000000, kDay = 86'400'000, kHour = 3'600'000;
const std::string kZone = "Asia/Kolkata";
constexpr int kAccounts = 20, kGroups = 200, kCampaigns = 50, kHistoryDays = 182, kHealthDays = 90;

double ms_since(Clk::time_point t) { return std::chrono::duration<double, std::milli>(Clk::now() - t).count(); }
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}
double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}
double load_average() {
  double l = 0;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = 0;
    std::fclose(f);
  }
  return l;
}
std::unique_ptr<store::Database> fresh(store::Backend b, const std::string& dir, const std::string& tag, std::string& where) {
  if (b == store::Backend::sqlite) {
    where = dir + "/" + tag + ".db";
    return store::open_sqlite(where, 4);
  }
  const char* admin = std::getenv("SANGAM_TEST_DATABASE_URL");
  where = "dash_" + tag + "_" + std::to_string(randombytes_random() % 1000000);
  store::open_postgres(admin, 1)->acquire()->exec_script("CREATE DATABASE " + where);
  return store::open_postgres(store::with_database(admin, where), 4);
}
void drop(store::Backend b, const std::string& where) {
  if (b == store::Backend::sqlite) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(where + suffix);
    return;
  }
  store::open_postgres(std::getenv("SANGAM_TEST_DATABASE_URL"), 1)->acquire()->exec_script("DROP DATABASE " + where);
}

// The rollup key exactly as EventLog::write_batch builds it.
struct Key {
  int64_t project;
  std::string dim;
  int64_t dim_id, day;
  bool operator<(const Key& o) const { return std::tie(project, dim, dim_id, day) < std::tie(o.project, o.dim, o.dim_id, o.day); }
};
using Deltas = std::map<Key, std::array<int64_t, c_count>>;

// Adds one unit's facts (all events of one message, one incoming message, …) to `d`. Marks are
// unique across units by construction (outbox ids, message ids, click ids, lead ids, participants
// are never reused), so de-duplicating within the unit is the pipeline's global de-duplication;
// the dimensions are write_batch's: project, campaign, account, group, and the hour when there is one.
void count_unit(const std::vector<StoredEvent>& unit, Deltas& d) {
  std::set<std::string> seen;
  for (const auto& e : unit)
    for (const auto& f : facts_of(e)) {
      if (!seen.insert(f.mark).second) continue;
      auto bump = [&](const char* dim, int64_t id) { d[{e.project_id, dim, id, f.day}][f.counter] += 1; };
      bump("project", 0);
      if (e.campaign_id) bump("campaign", *e.campaign_id);
      if (e.account_id) bump("account", *e.account_id);
      if (e.group_id) bump("group", *e.group_id);
      if (f.hour >= 0) bump("hour", f.hour);
    }
}

void write_rollups(store::Conn& c, const Deltas& deltas) {
  for (const auto& [k, d] : deltas)
    c.run("analytics-rollup-add", {k.project, k.dim, k.dim_id, k.day, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10]});
}

struct World {
  int64_t pid = 0;
  std::vector<int64_t> accounts, groups, campaigns;
  std::vector<std::string> group_wa;
  std::vector<int64_t> campaign_start;  // ms
  std::vector<bool> group_post;
  int64_t first_contact = 1, contacts = 0;
};

// Deterministic events of the world, one unit at a time. Message facts carry the local day and hour
// of the send, as set_message() puts them; clicks and leads have no day (write_batch gives them the
// local day of their own time), the bench's recomputation fills it the same way.
class Generator {
 public:
  Generator(const World& w, uint64_t seed) : w_(w), rng_(seed) {}

  // One unit into `out`; a lead unit needs its `leads` row first, so the caller inserts it (`lead`).
  void next(std::vector<StoredEvent>& out, const std::function<int64_t(const StoredEvent&)>& lead) {
    uint64_t r = rng_() % 1000;
    if (r < 3) return lead_unit(out, lead);
    if (r < 730) return message_unit(out);
    if (r < 960) return incoming_unit(out);
    return member_unit(out);
  }

 private:
  int64_t pick(int64_t n) { return static_cast<int64_t>(rng_() % static_cast<uint64_t>(n)); }
  int64_t contact() { return w_.first_contact + pick(w_.contacts); }
  StoredEvent base(const char* kind, int64_t at) {
    StoredEvent e;
    e.project_id = w_.pid;
    e.kind = kind;
    e.at_ms = std::min(at, kNow);
    return e;
  }
  static std::pair<int64_t, int> day_hour(int64_t ms) {
    auto t = safety::local_time(kZone, ms);
    return {t.day, t.minute / 60};
  }

  void message_unit(std::vector<StoredEvent>& out) {
    int64_t o = ++outbox_;
    size_t ci = static_cast<size_t>(pick(kCampaigns));
    int64_t sent = std::min(kNow - kHour, w_.campaign_start[ci] + pick(5 * kDay));
    auto [day, hour] = day_hour(sent);
    int64_t account = w_.accounts[static_cast<size_t>(pick(kAccounts))];
    std::optional<int64_t> group, person;
    if (w_.group_post[ci]) group = w_.groups[static_cast<size_t>(pick(kGroups))];
    else person = contact();
    auto msg = [&](const char* kind, int64_t at) {
      StoredEvent e = base(kind, at);
      e.account_id = account, e.campaign_id = w_.campaigns[ci], e.outbox_id = o, e.group_id = group, e.contact_id = person;
      return e;
    };
    auto ack = [&](int level, int64_t at) {
      static const char* acks[] = {"error", "server", "device", "read"};
      StoredEvent e = msg(level ? (level == 1 ? "sent" : level == 2 ? "delivered" : "read") : "failed", at);
      e.data = {{"ack", acks[level]}, {"level", level}, {"message_id", fmt::format("3EB0{:016X}", o)}, {"day", day}, {"hour", hour}, {"sent_at", sent}};
      out.push_back(e);
      if (rng_() % 10 == 0) out.push_back(e);  // a reconnect replays it
    };
    ack(1, sent + pick(2000));
    if (rng_() % 100 < 3) return ack(0, sent + pick(60000));
    bool delivered = rng_() % 100 < 93, read = delivered && rng_() % 100 < 60;
    if (delivered) ack(2, sent + pick(60000));
    if (read) ack(3, sent + pick(6 * kHour));  // sometimes before its delivery: counted once either way
    if (delivered && rng_() % 100 < 4) {
      StoredEvent e = msg("reply", sent + pick(kDay));
      e.priority = 2;
      e.data = {{"id", fmt::format("R{}", o)}, {"day", day}, {"hour", hour}, {"sent_at", sent}};
      out.push_back(e);
    }
    if (delivered && rng_() % 100 < 3) {
      StoredEvent e = msg("click", sent + pick(kDay));
      e.link_code = fmt::format("c{:x}", o);
      e.data = {{"id", fmt::format("K{}", o)}};
      out.push_back(e);
    }
  }
  void incoming_unit(std::vector<StoredEvent>& out) {
    size_t g = static_cast<size_t>(pick(kGroups));
    StoredEvent e = base("incoming", kNow - pick(kHistoryDays * kDay));
    e.priority = 1;
    auto [day, hour] = day_hour(e.at_ms);
    e.account_id = w_.accounts[static_cast<size_t>(pick(kAccounts))], e.group_id = w_.groups[g], e.contact_id = contact();
    e.data = {{"id", fmt::format("IN{:012X}", ++incoming_)}, {"chat", w_.group_wa[g]}, {"is_group", true}, {"day", day}, {"hour", hour}, {"kind", "chat"}};
    out.push_back(e);
  }
  void member_unit(std::vector<StoredEvent>& out) {
    size_t g = static_cast<size_t>(pick(kGroups));
    StoredEvent e = base(rng_() % 3 ? "join" : "leave", kNow - pick(kHistoryDays * kDay));
    e.account_id = w_.accounts[static_cast<size_t>(pick(kAccounts))], e.group_id = w_.groups[g];
    e.data = {{"group", w_.group_wa[g]}, {"participants", {fmt::format("92{:010}@c.us", ++member_)}}, {"day", day_hour(e.at_ms).first}};
    out.push_back(e);
  }
  void lead_unit(std::vector<StoredEvent>& out, const std::function<int64_t(const StoredEvent&)>& lead) {
    size_t ci = static_cast<size_t>(pick(kCampaigns));
    StoredEvent e = base("lead", std::min(kNow, w_.campaign_start[ci] + pick(12 * kDay)));
    e.contact_id = contact(), e.campaign_id = w_.campaigns[ci];
    if (rng_() % 2) e.group_id = w_.groups[static_cast<size_t>(pick(kGroups))];
    int64_t id = lead(e);
    e.data = {{"lead_id", id}, {"quality", "warm"}, {"source", "form"}};
    out.push_back(e);
  }

  const World& w_;
  std::mt19937_64 rng_;
  int64_t outbox_ = 0, incoming_ = 0, member_ = 0;
};

int64_t insert_lead(store::Conn& c, const StoredEvent& e, int64_t n) {
  return c.run("lead-insert", {e.project_id, fmt::format("form-{}", n), std::string("form"), fmt::format("+9193{:08}", n % 100000000),
                               *e.contact_id, std::string("demo"), std::string("feed"), std::string("/demo"), std::string("{}"),
                               std::string("{}"), std::string("warm"), e.at_ms, *e.campaign_id, *e.campaign_id,
                               e.group_id ? store::Value(*e.group_id) : store::Value(nullptr), int64_t{3}, 4.5, 12.0,
                               std::string("{}"), e.at_ms})[0]
      .i64("id");
}

// Clicks and leads as the pipeline sees them: without a day, which write_batch sets from their time.
void set_local_day(StoredEvent& e) {
  if (e.data.contains("day")) return;
  auto t = safety::local_time(kZone, e.at_ms);
  e.data["day"] = t.day;
  e.data["hour"] = t.minute / 60;
}

store::Params row_of(const StoredEvent& e) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); };
  return {e.project_id, e.kind, int64_t{e.priority}, e.at_ms, opt(e.account_id), opt(e.contact_id), opt(e.group_id),
          opt(e.campaign_id), opt(e.outbox_id), e.link_code ? store::Value(*e.link_code) : store::Value(nullptr), e.data.dump()};
}

int64_t project(store::Database& db) {
  return db.write([](store::Conn& c) {
    return c.run("project-insert", {std::string("Bench"), std::string("bench"), kZone, std::string("IN"), std::string("[]"), 0.6,
                                    std::string("[]"), std::string("[]"), kNow - kHistoryDays * kDay})[0]
        .i64("id");
  });
}

// Ids only: enough for the generator (the sample check needs no rows behind them).
World virtual_world(int64_t pid) {
  World w;
  w.pid = pid;
  for (int i = 0; i < kAccounts; ++i) w.accounts.push_back(i + 1);
  for (int i = 0; i < kGroups; ++i) w.groups.push_back(i + 1), w.group_wa.push_back(fmt::format("1203630{:011}@g.us", i));
  for (int i = 0; i < kCampaigns; ++i) {
    w.campaigns.push_back(i + 1);
    w.campaign_start.push_back(kNow - kHistoryDays * kDay + i * (kHistoryDays - 5) * kDay / kCampaigns);
    w.group_post.push_back(i % 5 == 4);
  }
  w.contacts = 1'000'000;
  return w;
}

// The bench's rollups against EventLog::write_batch's over the same events (random order, batches of
// 5,000, duplicates included). Any difference stops the bench: the big dataset would be wrong too.
void verify_recomputation(store::Backend b, const std::string& dir, const Clock& clock) {
  std::string where;
  auto db = fresh(b, dir, "verify", where);
  store::migrate(*db, clock);
  World w = virtual_world(project(*db));
  Generator gen(w, 7);
  std::vector<StoredEvent> events;
  Deltas mine;
  int64_t leads = 0;
  db->write([&](store::Conn& c) {
    while (events.size() < 60'000) {
      std::vector<StoredEvent> unit;
      gen.next(unit, [&](const StoredEvent& e) { return insert_lead(c, e, ++leads); });
      std::vector<StoredEvent> counted = unit;
      for (auto& e : counted) set_local_day(e);
      count_unit(counted, mine);
      events.insert(events.end(), unit.begin(), unit.end());
    }
  });
  std::mt19937 rng(3);
  std::shuffle(events.begin(), events.end(), rng);
  NullEventBus bus;
  EventLogOptions o;
  o.start_thread = false;
  EventLog log(*db, clock, bus, o);
  for (size_t i = 0; i < events.size(); i += 5000) {
    std::vector<StoredEvent> chunk(events.begin() + static_cast<long>(i), events.begin() + static_cast<long>(std::min(events.size(), i + 5000)));
    log.write_batch(chunk);
  }
  auto rows = db->read([&](store::Conn& c) { return c.run("analytics-rollups-all", {w.pid}); });
  size_t differ = rows.size() == mine.size() ? 0 : 1;
  static const char* cols[c_count] = {"sent", "delivered", "read", "replied", "failed", "clicks", "previews", "incoming", "joins", "leaves", "leads"};
  for (size_t i = 0; i < rows.size(); ++i) {
    auto it = mine.find({w.pid, rows[i].str("dim"), rows[i].i64("dim_id"), rows[i].i64("day")});
    if (it == mine.end()) { ++differ; continue; }
    for (int k = 0; k < c_count; ++k)
      if (rows[i].i64(cols[k]) != it->second[static_cast<size_t>(k)]) ++differ;
  }
  fmt::print("{:<10} rollups check: {} events through EventLog::write_batch (shuffled, batches of 5,000) against the bench's "
             "recomputation: {} rows, {}\n",
             store::backend_name(b), events.size(), rows.size(), differ ? fmt::format("{} DIFFERENCES", differ) : "equal");
  db.reset();
  drop(b, where);
  if (differ) throw std::runtime_error("the bench's rollups differ from the pipeline's");
}

World build_world(store::Database& db, int64_t contacts) {
  World w = virtual_world(project(db));
  w.accounts.clear(), w.campaigns.clear(), w.groups.clear();
  auto t = Clk::now();
  db.write([&](store::Conn& c) {
    for (int i = 0; i < kAccounts; ++i) {
      int64_t id = c.run("account-insert", {w.pid, fmt::format("+91980000{:04}", i), fmt::format("Number {}", i + 1), std::string("sim"),
                                            std::string("production"), int64_t{200}, kNow - kHistoryDays * kDay})[0]
                       .i64("id");
      w.accounts.push_back(id);
      // Hourly history over the 90 days the store keeps (account-health-purge): the recorder writes a
      // row at least every hour (account_engine.cpp).
      for (int64_t at = kNow - kHealthDays * kDay; at < kNow; at += kHour) {
        int64_t score = 60 + (at / kHour + i * 7) % 35;
        c.run("account-health-insert", {id, at, score, int64_t{35}, score * 30 / 100, score - 35 - score * 30 / 100});
      }
    }
    for (int i = 0; i < kCampaigns; ++i)
      w.campaigns.push_back(c.run("campaign-insert", {w.pid, fmt::format("Campaign {} — feed offer", i + 1),
                                                      std::string(w.group_post[static_cast<size_t>(i)] ? "group_post" : "direct"), nullptr,
                                                      std::string("Hello {{name}}"), std::string("{}"), nullptr, nullptr, std::string("{}"),
                                                      std::string("{}"), nullptr, w.campaign_start[static_cast<size_t>(i)] - kDay})[0]
                                .i64("id"));
    int64_t per_group = contacts / kGroups;
    for (int i = 0; i < kGroups; ++i)
      w.groups.push_back(c.run("group-upsert", {w.pid, w.group_wa[static_cast<size_t>(i)], std::string(i % 10 ? "group" : "community"),
                                                fmt::format("Poultry farmers {}", i + 1), std::string(), per_group, int64_t{2}, int64_t{0},
                                                nullptr, int64_t{0}, nullptr, std::string("[]"), nullptr, kNow - kHistoryDays * kDay})[0]
                             .i64("id"));
  });
  fmt::print("{:<10} world: {} accounts ({} health rows), {} campaigns, {} groups in {:.1f} s\n", store::backend_name(db.backend()),
             kAccounts, kAccounts * kHealthDays * 24, kCampaigns, kGroups, ms_since(t) / 1000);
  // 1,000,000 contacts and a membership each, by the bulk path, created over the 6 months.
  t = Clk::now();
  std::mt19937_64 rng(11);
  const char* consents[] = {"unknown", "unknown", "engaged", "opted_in", "opted_out"};
  for (int64_t from = 0; from < contacts; from += 100'000) {
    std::vector<store::Params> rows;
    std::vector<int64_t> created;
    for (int64_t i = from; i < std::min(contacts, from + 100'000); ++i) {
      int64_t at = kNow - static_cast<int64_t>(rng() % static_cast<uint64_t>(kHistoryDays * kDay));
      created.push_back(at);
      rows.push_back({w.pid, fmt::format("+91{}", 9000000000LL + i * 7), nullptr, fmt::format("Farmer {}", i), std::string(),
                      std::string("Namakkal"), std::string("broiler"), int64_t(50), 1.0, std::string(consents[i % 5]),
                      std::string("group"), nullptr, at, at});
    }
    db.write([&](store::Conn& c) {
      c.bulk("contact-copy", rows);
      if (from == 0) w.first_contact = c.run_text("SELECT MIN(id) AS id FROM contacts WHERE project_id = $1", {w.pid})[0].i64("id");
      std::vector<store::Params> m;
      for (int64_t i = from; i < from + static_cast<int64_t>(rows.size()); ++i) {
        int64_t at = created[static_cast<size_t>(i - from)];
        m.push_back({w.groups[static_cast<size_t>(i % kGroups)], w.first_contact + i, w.pid, w.accounts[static_cast<size_t>(i % kAccounts)],
                     int64_t{0}, at, at});
      }
      c.bulk("membership-copy", m);
    });
  }
  w.contacts = contacts;
  fmt::print("{:<10} {} contacts + memberships (bulk path) in {:.1f} s\n", store::backend_name(db.backend()), contacts, ms_since(t) / 1000);
  return w;
}

struct Timing {
  double p50, p95, cpu_per_call;
};

void bench_backend(store::Backend b, const std::string& dir, int64_t contacts, const std::vector<int64_t>& stages, int calls,
                   bool kpi_parts) {
  SystemClock clock;
  const char* name = store::backend_name(b);
  verify_recomputation(b, dir, clock);
  std::string where;
  auto db = fresh(b, dir, "world", where);
  store::migrate(*db, clock);
  World w = build_world(*db, contacts);
  Generator gen(w, 42);
  int64_t written = 0, leads = 0;
  double gen_ms = 0;
  for (int64_t target : stages) {
    auto t = Clk::now();
    Deltas deltas;
    while (written < target) {
      std::vector<StoredEvent> chunk;
      db->write([&](store::Conn& c) {
        while (static_cast<int64_t>(chunk.size()) < std::min<int64_t>(50'000, target - written)) {
          std::vector<StoredEvent> unit;
          gen.next(unit, [&](const StoredEvent& e) { return insert_lead(c, e, ++leads); });
          for (auto& e : unit) set_local_day(e);  // what write_batch stores for clicks and leads
          count_unit(unit, deltas);
          chunk.insert(chunk.end(), unit.begin(), unit.end());
        }
        std::vector<store::Params> rows;
        rows.reserve(chunk.size());
        for (const auto& e : chunk) rows.push_back(row_of(e));
        c.bulk("analytics-event-copy", rows);
      });
      written += static_cast<int64_t>(chunk.size());
    }
    db->write([&](store::Conn& c) { write_rollups(c, deltas); });
    // PostgreSQL's autovacuum analyses a table after a bulk load of this size; done now so the
    // figures are the steady state's, not a plan made on an empty table's statistics. SQLite keeps
    // no statistics unless ANALYZE runs, and the store never runs it: left so.
    if (b == store::Backend::postgres) db->read([](store::Conn& c) { c.exec_script("ANALYZE"); });
    gen_ms += ms_since(t);
    auto sizes = db->read([&](store::Conn& c) {
      return c.run_text("SELECT (SELECT COUNT(*) FROM analytics_events) AS events, (SELECT COUNT(*) FROM analytics_rollups) AS rollups, "
                        "(SELECT COUNT(*) FROM contacts) AS contacts, (SELECT COUNT(*) FROM leads) AS leads, "
                        "(SELECT COUNT(*) FROM account_health) AS health",
                        {});
    });
    auto s = sizes[0];
    fmt::print("{:<10} --- {} events ({} rollup rows, {} contacts, {} leads, {} health rows); generated in {:.0f} s so far "
               "(not the target); load average {:.1f}\n",
               name, s.i64("events"), s.i64("rollups"), s.i64("contacts"), s.i64("leads"), s.i64("health"), gen_ms / 1000, load_average());

    DayRange range = day_range(kZone, kNow, std::nullopt, std::nullopt);
    int64_t from_ms = safety::local_midnight(kZone, range.from), to_ms = safety::local_midnight(kZone, range.to + 1);
    std::mt19937_64 rng(5);
    auto time = [&](const char* what, const std::function<size_t(store::Conn&)>& fn) {
      size_t n = 0;
      for (int i = 0; i < 5; ++i) db->read([&](store::Conn& c) { n = fn(c); });  // warm: plans cached, pages in memory
      std::vector<double> v;
      double cpu0 = cpu_ms();
      for (int i = 0; i < calls; ++i) {
        auto t0 = Clk::now();
        db->read([&](store::Conn& c) { n = fn(c); });
        v.push_back(ms_since(t0));
      }
      Timing r{pct(v, 0.5), pct(v, 0.95), (cpu_ms() - cpu0) / calls};
      fmt::print("{:<10} {:<26} p50 {:>8.2f} ms  p95 {:>8.2f} ms  bench CPU {:>7.2f} ms/call  ({} rows in the answer){}\n", name, what,
                 r.p50, r.p95, r.cpu_per_call, n, r.p95 >= 50 ? "  ** p95 >= 50 ms" : "");
      return r;
    };
    time("floor: SELECT 1", [&](store::Conn& c) { return c.run_text("SELECT 1 AS one", {}).size(); });
    time("KPI cards", [&](store::Conn& c) { return kpis(c, w.pid, kZone, kNow)["cards"].size(); });
    time("campaign table", [&](store::Conn& c) { return campaign_table(c, w.pid, range, {}).size(); });
    time("group intelligence", [&](store::Conn& c) { return group_table(c, w.pid, range, from_ms, to_ms).size(); });
    time("series per day + hours", [&](store::Conn& c) { return series(c, w.pid, range).size() + hours(c, w.pid, range).size(); });
    // The table as it was served before its history had a point per 3 hours (every hourly score), in
    // the same run, and the size of both answers' JSON.
    size_t bytes_hourly = 0, bytes_now = 0;
    time("account health, hourly (before)", [&](store::Conn& c) {
      json t = account_table(c, w.pid, range, kNow - 30 * kDay, 3'600'000);
      bytes_hourly = t.dump().size();
      return t.size();
    });
    time("account health table", [&](store::Conn& c) {
      json t = account_table(c, w.pid, range, kNow - 30 * kDay);
      bytes_now = t.dump().size();
      return t.size();
    });
    fmt::print("{:<10} account health JSON: {} bytes hourly, {} bytes now (its time above includes this dump, as the route's)\n", name,
               bytes_hourly, bytes_now);
    if (kpi_parts) {  // where the KPI cards' time goes: each of their queries alone
      int64_t today = range.to, this_start = today - 29, last_start = today - 59;
      int64_t start_ms = safety::local_midnight(kZone, this_start), bucket = start_ms / 900'000;
      std::vector<std::pair<const char*, store::Params>> parts = {
          {"dash-totals", {w.pid, this_start, today}},
          {"dash-totals", {w.pid, last_start, this_start - 1}},
          {"dash-distinct-dims", {w.pid, std::string("group"), this_start, today}},
          {"dash-distinct-dims", {w.pid, std::string("campaign"), this_start, today}},
          {"dash-contacts-now", {w.pid, kNow + 1}},
          {"dash-contacts-before", {w.pid, start_ms, bucket, bucket * 900'000}},
          {"dash-leads-between", {w.pid, start_ms, kNow + 1}},
          {"dash-health-now", {w.pid}},
          {"dash-health-at", {w.pid, start_ms}}};
      for (auto& [q, params] : parts)
        time(fmt::format("  {}", q).c_str(), [&, q = q, params = params](store::Conn& c) { return c.run(q, params).size(); });
      if (b == store::Backend::postgres)
        fmt::print("{:<10} autovacuum workers running now: {}\n", name, db->read([](store::Conn& c) {
          return c.run_text("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'", {})[0].i64("n");
        }));
    }
    time("contact journey", [&](store::Conn& c) {
      return contact_journey(c, w.pid, w.first_contact + static_cast<int64_t>(rng() % static_cast<uint64_t>(w.contacts)))["events"].size();
    });
  }
  db.reset();
  if (b == store::Backend::sqlite) fmt::print("{:<10} database file {:.2f} GB\n", name, static_cast<double>(std::filesystem::file_size(where)) / 1e9);
  drop(b, where);
}

// What the contacts counter (migration 0023: an index and the triggers) costs the writers: 100,000
// contacts by the bulk path and 100,000 group members through ContactBase::import_members, into a
// schema migrated up to 0022 (without it) and into the full schema, in the same run.
void bench_counter_cost(store::Backend b, const std::string& dir) {
  SystemClock clock;
  NullEventBus bus;
  const char* name = store::backend_name(b);
  const int n = 100'000;
  for (int up_to : {22, 1 << 30}) {
    std::string where;
    auto db = fresh(b, dir, up_to == 22 ? "before" : "after", where);
    store::migrate(*db, clock, up_to);
    int64_t pid = project(*db);
    std::vector<store::Params> rows;
    for (int i = 0; i < n; ++i)
      rows.push_back({pid, fmt::format("+9197{:08}", i), nullptr, fmt::format("Farmer {}", i), std::string(), nullptr, nullptr,
                      int64_t(0), 0.0, std::string("unknown"), std::string("csv"), nullptr, kNow, kNow});
    auto t = Clk::now();
    db->write([&](store::Conn& c) { c.bulk("contact-copy", rows); });
    double copy_ms = ms_since(t);
    std::vector<GroupMember> members;
    for (int i = 0; i < n; ++i) members.push_back({fmt::format("9196{:08}", i), std::nullopt, fmt::format("Member {}", i), false});
    ContactBase base(*db, clock, bus);
    t = Clk::now();
    base.import_members(pid, 1, 1, members, kNow);
    double import_ms = ms_since(t);
    fmt::print("{:<10} {:<32} contact-copy of {} rows {:>7.0f} ms   import_members of {} members {:>7.0f} ms   (load average {:.1f})\n",
               name, up_to == 22 ? "without the counter (up to 0022)" : "with the counter (0023)", n, copy_ms, n, import_ms,
               load_average());
    db.reset();
    drop(b, where);
  }
}

std::vector<int64_t> parse_stages(const std::string& s, int64_t events) {
  std::vector<int64_t> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (int64_t n = std::stoll(part); n <= events) out.push_back(n);
  if (out.empty() || out.back() != events) out.push_back(events);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it is measured, also into a file
  spdlog::set_level(spdlog::level::warn);
  if (sodium_init() < 0) return 1;
  int64_t events = 10'000'000, contacts = 1'000'000;
  int calls = 200;
  std::string stages = "1000000,3000000";
  bool counter_cost = false, kpi_parts = false, sqlite = true, postgres = std::getenv("SANGAM_TEST_DATABASE_URL") != nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--events") events = std::stoll(value());
    else if (a == "--contacts") contacts = std::stoll(value());
    else if (a == "--stages") stages = value();
    else if (a == "--calls") calls = std::stoi(value());
    else if (a == "--sqlite-only") postgres = false;
    else if (a == "--postgres-only") sqlite = false;
    else if (a == "--counter-cost") counter_cost = true;
    else if (a == "--kpi-parts") kpi_parts = true;
    else {
      // An unknown word ran the whole 10M-event bench (~20 minutes) before; now it says what it takes.
      fmt::print(stderr, "sangam_dashboard_bench: unknown option '{}'; options: --events N --contacts N --stages N,N,... --calls N "
                         "--sqlite-only --postgres-only --counter-cost --kpi-parts\n", a);
      return 2;
    }
  }
  auto dir = std::filesystem::temp_directory_path() / ("sangam-dashboard-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  fmt::print("dashboard bench: {} contacts, stages {} events, {} calls per query; load average {:.1f}\n", contacts, stages, calls, load_average());
  auto st = parse_stages(stages, events);
  if (counter_cost) {
    if (sqlite) bench_counter_cost(store::Backend::sqlite, dir.string());
    if (postgres) bench_counter_cost(store::Backend::postgres, dir.string());
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (sqlite) bench_backend(store::Backend::sqlite, dir.string(), contacts, st, calls, kpi_parts);
  if (postgres) bench_backend(store::Backend::postgres, dir.string(), contacts, st, calls, kpi_parts);
  std::filesystem::remove_all(dir);
}
