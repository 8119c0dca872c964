// The analytics event pipeline (issue 9 item 1): engine events classified, enriched from the outbox,
// stored append-only in batches; rollups kept incrementally equal a recomputation from the raw log
// whatever order the acks arrive in and however often they repeat.
#include "analytics/event_log.hpp"
#include "projects/project.hpp"
#include "safety/local_time.hpp"

#include "support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

using namespace sangam;
using analytics::EventLog;
using analytics::EventLogOptions;
using json = nlohmann::json;

namespace {

using Counters = std::array<int64_t, analytics::c_count>;
using Table = std::map<std::tuple<std::string, int64_t, int64_t>, Counters>;

class AnalyticsEventsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("one"), std::string("sim"),
                                      std::string("production"), int64_t(10), clock.now_ms()})[0].i64("id");
      c.exec_script(fmt::format(
          "INSERT INTO groups (project_id, wa_id, kind, name, created_at) VALUES ({}, '120363000000000001@g.us', "
          "'group', 'Poultry farmers Pune', 0);"
          "INSERT INTO contacts (project_id, phone, source, created_at, updated_at) VALUES ({}, '+919800000011', "
          "'api', 0, 0);",
          pid, pid));
      gid = c.run("analytics-group-by-wa-id", {pid, std::string("120363000000000001@g.us")})[0].i64("id");
      cid = c.run("analytics-contact-by-phone", {pid, std::string("+919800000011")})[0].i64("id");
    });
  }
  // A sent campaign message, claimed `days_ago` days (and some hours) before now.
  int64_t sent_message(const std::string& target, std::optional<int64_t> campaign, int64_t claimed_at,
                       std::optional<int64_t> contact = std::nullopt) {
    int n = ++seq;
    return db->write([&](store::Conn& c) {
      int64_t id = c.run("outbox-enqueue", {pid, aid, target, contact ? store::Value(*contact) : store::Value(nullptr),
                                           std::string("campaign"), std::string("{}"), int64_t(3), claimed_at,
                                           "key-" + std::to_string(n), campaign ? store::Value(*campaign) : store::Value(nullptr),
                                           claimed_at})[0].i64("id");
      c.exec_script(fmt::format("UPDATE outbox SET status = 'sent', claimed_at = {}, sent_at = {}, wa_message_id = "
                                "'wa-{}' WHERE id = {}",
                                claimed_at, claimed_at + 900, n, id));
      return id;
    });
  }
  Table rollups() {
    Table t;
    auto r = db->read([&](store::Conn& c) { return c.run("analytics-rollups-all", {pid}); });
    for (size_t i = 0; i < r.size(); ++i) {
      Counters v{};
      for (int k = 0; k < analytics::c_count; ++k) v[k] = r[i].i64(analytics::counter_name(k));
      if (std::all_of(v.begin(), v.end(), [](int64_t x) { return x == 0; })) continue;
      t[{r[i].str("dim"), r[i].i64("dim_id"), r[i].i64("day")}] = v;
    }
    return t;
  }
  // From the raw log and the outbox alone, by the rules users see (docs/analytics.md): a message is
  // delivered when any ack at or above "device" arrived, read when any "read"/"played" arrived; it
  // counts on the local day and hour its send was claimed.
  Table recompute() {
    Table t;
    auto [events, outbox] = db->read([&](store::Conn& c) {
      return std::make_pair(c.run("analytics-events-all", {pid}),
                            c.run_text("SELECT id, campaign_id, account_id, target, claimed_at FROM outbox WHERE project_id = $1",
                                       {pid}));
    });
    std::map<int64_t, int> level;
    std::set<int64_t> failed, replied;
    std::set<std::pair<int64_t, std::string>> incoming;
    std::map<std::pair<int64_t, std::string>, std::optional<int64_t>> incoming_group;
    std::map<std::pair<int64_t, std::string>, int64_t> incoming_at;
    for (size_t i = 0; i < events.size(); ++i) {
      auto e = events[i];
      json d = json::parse(e.str("data"));
      std::string kind = e.str("kind");
      if (auto o = e.opt_i64("outbox_id")) {
        if (kind == "sent" || kind == "delivered" || kind == "read" || kind == "played")
          level[*o] = std::max(level[*o], d["ack"] == "server" ? 1 : d["ack"] == "device" ? 2 : 3);
        if (kind == "failed") failed.insert(*o);
        if (kind == "reply") replied.insert(*o);
      }
      if (kind == "incoming") {
        auto key = std::make_pair(*e.opt_i64("account_id"), d["id"].get<std::string>());
        if (incoming.insert(key).second) {
          incoming_group[key] = e.opt_i64("group_id");
          incoming_at[key] = e.i64("at");
        }
      }
    }
    auto bump = [&](int64_t day, int hour, std::optional<int64_t> campaign, std::optional<int64_t> group, int counter) {
      t[{"project", 0, day}][counter]++;
      t[{"account", aid, day}][counter]++;
      if (campaign) t[{"campaign", *campaign, day}][counter]++;
      if (group) t[{"group", *group, day}][counter]++;
      t[{"hour", hour, day}][counter]++;
    };
    for (size_t i = 0; i < outbox.size(); ++i) {
      auto o = outbox[i];
      int64_t id = o.i64("id");
      auto lt = safety::local_time("Asia/Kolkata", o.i64("claimed_at"));
      int64_t day = lt.day;
      int hour = lt.minute / 60;
      std::optional<int64_t> group;
      if (o.str("target").find("@g.us") != std::string::npos) group = gid;
      auto campaign = o.opt_i64("campaign_id");
      int l = level.count(id) ? level[id] : 0;
      if (l >= 1) bump(day, hour, campaign, group, analytics::c_sent);
      if (l >= 2) bump(day, hour, campaign, group, analytics::c_delivered);
      if (l >= 3) bump(day, hour, campaign, group, analytics::c_read);
      if (failed.count(id)) bump(day, hour, campaign, group, analytics::c_failed);
      if (replied.count(id)) bump(day, hour, campaign, group, analytics::c_replied);
    }
    for (auto& key : incoming) {
      auto lt = safety::local_time("Asia/Kolkata", incoming_at[key]);
      bump(lt.day, lt.minute / 60, std::nullopt, incoming_group[key], analytics::c_incoming);
    }
    return t;
  }
  json ack(int n, const char* what, bool with_key = true) {
    return {{"key", with_key ? json("key-" + std::to_string(n)) : json(nullptr)},
            {"message_id", "wa-" + std::to_string(n)},
            {"ack", what}};
  }
  EventLogOptions manual() {
    EventLogOptions o;
    o.start_thread = false;
    o.batch_size = 37;  // small, so one run crosses many batches with duplicates split across them
    return o;
  }
  int64_t pid = 0, aid = 0, gid = 0, cid = 0;
  int seq = 0;
  test::RecordingBus bus;
};
SANGAM_BOTH_BACKENDS(AnalyticsEventsTest);

std::string show(const Table& t) {
  std::string s;
  for (auto& [k, v] : t) {
    s += fmt::format("{}:{}:{} =", std::get<0>(k), std::get<1>(k), std::get<2>(k));
    for (auto x : v) s += " " + std::to_string(x);
    s += "\n";
  }
  return s;
}

}  // namespace

TEST_P(AnalyticsEventsTest, AReadBeforeItsDeliveryCountsBothOnceAndAReplayAddsNothing) {
  EventLog log(*db, clock, bus, manual());
  int64_t claimed = clock.now_ms() - 3'600'000;
  int64_t o = sent_message("919800000011@c.us", 7, claimed, cid);
  log.on_engine_event(aid, "message.ack", ack(1, "read"));
  log.on_engine_event(aid, "message.ack", ack(1, "device"));
  log.on_engine_event(aid, "message.ack", ack(1, "read", false));  // replayed after a reconnect, matched by id
  log.on_engine_event(aid, "message.ack", ack(1, "server"));
  EXPECT_EQ(log.flush(), 4u);
  auto t = rollups();
  auto day = safety::local_time("Asia/Kolkata", claimed).day;
  Counters c = t[{"campaign", 7, day}];
  EXPECT_EQ(c[analytics::c_sent], 1);
  EXPECT_EQ(c[analytics::c_delivered], 1);
  EXPECT_EQ(c[analytics::c_read], 1);
  // Every event is kept (append-only) with what it was enriched with.
  auto ev = db->read([&](store::Conn& cn) { return cn.run("analytics-events-all", {pid}); });
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].str("kind"), "read");
  EXPECT_EQ(*ev[0].opt_i64("outbox_id"), o);
  EXPECT_EQ(*ev[0].opt_i64("contact_id"), cid);
  EXPECT_EQ(*ev[0].opt_i64("campaign_id"), 7);
  EXPECT_EQ(*ev[0].opt_i64("account_id"), aid);
  // The same events once more, in another process's batch: still once.
  log.on_engine_event(aid, "message.ack", ack(1, "device"));
  log.on_engine_event(aid, "message.ack", ack(1, "played"));
  log.flush();
  EXPECT_EQ(rollups()[std::make_tuple(std::string("campaign"), int64_t{7}, day)], c);
  EXPECT_EQ(rollups(), recompute()) << show(rollups()) << "---\n" << show(recompute());
}

TEST_P(AnalyticsEventsTest, RepliesAndGroupPostsAreEnrichedWithTheirCampaignGroupAndContact) {
  EventLog log(*db, clock, bus, manual());
  int64_t claimed = clock.now_ms() - 2 * 3'600'000;
  sent_message("919800000011@c.us", 3, claimed, cid);
  sent_message("120363000000000001@g.us", 4, claimed);
  // A one-to-one answer two hours later is a reply to campaign 3; a group message quoting the post is
  // a reply to campaign 4 and activity of the group.
  log.on_engine_event(aid, "message.received",
                      {{"id", "in-1"}, {"chat", "919800000011@c.us"}, {"from", "919800000011@c.us"}, {"is_group", false},
                       {"body", "price?"}, {"kind", "text"}, {"quoted_id", nullptr}});
  log.on_engine_event(aid, "message.received",
                      {{"id", "in-2"}, {"chat", "120363000000000001@g.us"}, {"from", "120363000000000001@g.us"},
                       {"author", "919800000011@c.us"}, {"is_group", true}, {"body", "interested"}, {"kind", "text"},
                       {"quoted_id", "wa-2"}});
  log.on_engine_event(aid, "message.received",  // the same message again after a reconnect
                      {{"id", "in-2"}, {"chat", "120363000000000001@g.us"}, {"author", "919800000011@c.us"},
                       {"is_group", true}, {"quoted_id", "wa-2"}});
  log.flush();
  auto day = safety::local_time("Asia/Kolkata", claimed).day;
  auto t = rollups();
  EXPECT_EQ((t[{"campaign", 3, day}][analytics::c_replied]), 1);
  EXPECT_EQ((t[{"campaign", 4, day}][analytics::c_replied]), 1);
  EXPECT_EQ((t[{"group", gid, day}][analytics::c_replied]), 1);
  EXPECT_EQ((t[{"group", gid, day}][analytics::c_incoming]), 1);
  EXPECT_EQ((t[{"project", 0, day}][analytics::c_incoming]), 2);
  auto ev = db->read([&](store::Conn& cn) { return cn.run("analytics-events-all", {pid}); });
  int replies_with_contact = 0;
  for (size_t i = 0; i < ev.size(); ++i)
    if (ev[i].str("kind") == "reply" && ev[i].opt_i64("contact_id") == cid) ++replies_with_contact;
  EXPECT_EQ(replies_with_contact, 3);  // the replay is stored too, and counted once
  EXPECT_EQ(rollups(), recompute()) << show(rollups()) << "---\n" << show(recompute());
}

TEST_P(AnalyticsEventsTest, RollupsEqualARecomputationAfterRandomOrdersAndDuplicates) {
  std::mt19937 rng(20261124);
  for (int round = 0; round < 3; ++round) {
    EventLog log(*db, clock, bus, manual());
    std::vector<std::pair<std::string, json>> events;
    const int messages = 60;
    for (int i = 0; i < messages; ++i) {
      // Messages over the last ten days, at every hour, three campaigns, a third of them to the group.
      int64_t claimed = clock.now_ms() - int64_t(rng() % (10 * 24)) * 3'600'000 - int64_t(rng() % 3'600'000);
      bool to_group = rng() % 3 == 0;
      std::optional<int64_t> campaign;
      if (rng() % 5) campaign = 1 + rng() % 3;
      sent_message(to_group ? "120363000000000001@g.us" : "919800000011@c.us", campaign, claimed,
                   to_group ? std::nullopt : std::optional<int64_t>(cid));
      int n = seq;
      const char* acks[] = {"server", "device", "read", "played", "error", "pending"};
      int reached = rng() % 6;
      for (int a = 0; a <= reached && a < 6; ++a) {
        int copies = 1 + rng() % 3;  // up to three copies of each ack
        for (int k = 0; k < copies; ++k) events.push_back({"message.ack", ack(n, acks[a], rng() % 2)});
      }
      if (rng() % 4 == 0)
        for (int k = 0; k < 2; ++k)
          events.push_back({"message.received",
                            {{"id", fmt::format("in-{}-{}", round, n)},
                             {"chat", to_group ? "120363000000000001@g.us" : "919800000011@c.us"},
                             {"author", "919800000011@c.us"}, {"from", "919800000011@c.us"}, {"is_group", to_group},
                             {"quoted_id", fmt::format("wa-{}", n)}}});
    }
    std::shuffle(events.begin(), events.end(), rng);
    // Flushed at random points, so duplicates land in the same and in different batches.
    for (auto& [name, data] : events) {
      log.on_engine_event(aid, name, data);
      if (rng() % 50 == 0) log.flush();
    }
    log.flush();
    Table a = rollups(), b = recompute();
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b) << "round " << round << "\n" << show(a) << "---\n" << show(b);
  }
}

TEST_P(AnalyticsEventsTest, TheWriterThreadWritesWithoutBeingAskedAndTellsTheDashboard) {
  EventLogOptions o;
  o.max_wait_ms = 20;
  EventLog log(*db, clock, bus, o);
  sent_message("919800000011@c.us", 9, clock.now_ms(), cid);
  log.on_engine_event(aid, "message.ack", ack(1, "device"));
  for (int i = 0; i < 200 && log.written() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(log.written(), 1u);
  log.stop();
  auto names = bus.names();
  EXPECT_NE(std::find(names.begin(), names.end(), "analytics.updated"), names.end());
}

TEST_P(AnalyticsEventsTest, AChangedProjectTimeZoneCutsTheNextBatchesDaysAtTheNewMidnight) {
  // 2026-03-10 02:00 UTC: already 07:30 on the 10th in Kolkata, still 19:00 on the 9th in Los Angeles.
  const int64_t at = 1773108000000;
  EventLog log(*db, clock, bus, manual());
  auto click = [&](const char* id) {
    analytics::StoredEvent e;
    e.project_id = pid;
    e.kind = "click";
    e.at_ms = at;
    e.data = {{"id", id}};
    log.record(std::move(e));
    log.flush();
  };
  click("before");
  int64_t kolkata = safety::local_time("Asia/Kolkata", at).day;
  int64_t los_angeles = safety::local_time("America/Los_Angeles", at).day;
  ASSERT_EQ(los_angeles, kolkata - 1);
  EXPECT_EQ((rollups()[{"project", 0, kolkata}][analytics::c_clicks]), 1);
  // The team moves the project to Los Angeles (the dashboard's settings page): the same writer, still
  // running, must cut the next click's day at Los Angeles' midnight.
  db->write([&](store::Conn& c) {
    c.run_text("UPDATE projects SET time_zone = 'America/Los_Angeles' WHERE id = $1", {pid});
  });
  click("after");
  auto t = rollups();
  EXPECT_EQ((t[{"project", 0, kolkata}][analytics::c_clicks]), 1);
  EXPECT_EQ((t[{"project", 0, los_angeles}][analytics::c_clicks]), 1) << show(t);
  EXPECT_EQ((t[{"hour", 19, los_angeles}][analytics::c_clicks]), 1) << show(t);
}

// SQLite: the writer's transaction runs with a page cache sized to its batch (40 MiB for 5,000 events,
// docs/performance.md) and gives it back after: a connection that kept it would hold that memory for
// the life of the process, four connections each. One connection, so the writer's is the one checked.
TEST(AnalyticsWriterSqlite, TheBatchPageCacheIsGivenBackAndTheBatchIsCounted) {
  auto db = test::make_database(store::Backend::sqlite, 1);
  ManualClock clock{test::at("2026-11-24T05:30:00Z")};
  store::migrate(*db, clock);
  auto cache = [&] { return db->read([](store::Conn& c) { return c.run_text("PRAGMA cache_size")[0].i64("cache_size"); }); };
  int64_t before = cache();
  test::RecordingBus bus;
  analytics::EventLogOptions o;
  o.start_thread = false;
  analytics::EventLog log(*db, clock, bus, o);
  std::vector<analytics::StoredEvent> batch;
  for (int64_t m = 1; m <= 2000; ++m) {
    analytics::StoredEvent e;
    e.project_id = 1;
    e.kind = "sent";
    e.at_ms = clock.now_ms();
    e.outbox_id = m;
    e.data = {{"ack", "server"}, {"level", 1}, {"day", 20416}, {"hour", 11}};
    batch.push_back(e);
  }
  EXPECT_EQ(log.write_batch(batch), 2000u);
  EXPECT_EQ(cache(), before);
  auto r = db->read([](store::Conn& c) { return c.run_text("SELECT sent FROM analytics_rollups WHERE dim = 'project'"); });
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].i64("sent"), 2000);
}
