// The content calendar on both backends (issue 10 item 8): occurrences planned into the outbox a
// week ahead from the rule, value-phase groups only, the per-group weekly cap, move / edit / skip
// with the outbox rows following, bad input that changes nothing, and the policy at send time.
#include "calendar/calendar_service.hpp"
#include "campaigns/dispatcher.hpp"

#include "projects/project.hpp"
#include "support.hpp"
#include "util/crypto.hpp"
#include "util/field_errors.hpp"

#include <nlohmann/json.hpp>

using namespace sangam;
using namespace sangam::calendar;
using json = nlohmann::json;

namespace {

int64_t ms(const char* iso) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(test::at(iso).time_since_epoch()).count();
}

class OkSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    texts.push_back(req.content.text);
    if (req.content.media) media.push_back(*req.content.media);
    cb({SendStatus::sent, "wa-" + req.idempotency_key, false, ""});
  }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
  std::vector<std::string> texts;
  std::vector<Media> media;
};

class CalendarTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    // 2026-11-24 05:30 UTC is Tuesday 11:00 in Asia/Kolkata.
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("Asha"), std::string("sim"), std::string("production"),
                                     int64_t(200), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
      // Groups 100 and 102 in the value phase, 101 still observed.
      const char* phases[] = {"value", "observation", "value"};
      for (int i = 0; i < 3; ++i) {
        std::string gid = std::to_string(100 + i);
        c.exec_script("INSERT INTO groups (id, project_id, wa_id, kind, name, created_at) VALUES (" + gid + ", " + std::to_string(pid) +
                      ", '1203630000000" + gid + "@g.us', 'group', 'Layer Farmers " + std::to_string(i + 1) + "', 0)");
        c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES (" +
                      gid + ", " + std::to_string(aid) + ", " + std::to_string(pid) + ", 0, '" + phases[i] + "', 0, 0, 0)");
      }
    });
    svc = std::make_unique<CalendarService>(*db, clock);
    user.id = 1;
    user.email = "owner@example.com";
  }
  json tip(json extra = json::object()) {
    json b = {{"name", "Wednesday product tip"}, {"kind", "group_post"}, {"body", "Tip for {{group}}: clean water lines weekly."},
              {"targeting", {{"groups", {{"filter", json::object()}}}}},
              {"recurrence", {{"weekdays", {1, 3, 5}}, {"time", "10:00"}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) b[it.key()] = it.value();
    return b;
  }
  struct Row {
    int64_t id, group;
    std::string status, reason, content;
    int64_t planned_at;
  };
  std::vector<Row> rows(std::optional<int64_t> occurrence = std::nullopt) {
    auto r = db->read([&](store::Conn& c) {
      return c.run_text("SELECT id, group_id, status, reason, content, planned_at, calendar_occurrence_id FROM outbox "
                        "WHERE kind = 'calendar' ORDER BY id", {});
    });
    std::vector<Row> out;
    for (size_t i = 0; i < r.size(); ++i)
      if (!occurrence || r[i].opt_i64("calendar_occurrence_id") == occurrence)
        out.push_back({r[i].i64("id"), r[i].opt_i64("group_id").value_or(0), r[i].str("status"), r[i].opt_str("reason").value_or(""),
                       r[i].str("content"), r[i].i64("planned_at")});
    return out;
  }
  int64_t outbox_count() {
    return db->read([&](store::Conn& c) { return c.run_text("SELECT COUNT(*) AS n FROM outbox", {})[0].i64("n"); });
  }
  std::unique_ptr<CalendarService> svc;
  User user;
  int64_t pid = 0, aid = 0;
};
SANGAM_BOTH_BACKENDS(CalendarTest);
}  // namespace

TEST_P(CalendarTest, AnEntryPlansItsNextWeekIntoTheOutboxForValuePhaseGroupsOnly) {
  json e = svc->entry_create(user, pid, tip());
  EXPECT_EQ(e["recurrence"]["weekdays"], json({1, 3, 5}));
  // Tuesday 11:00 now: Wednesday 25th, Friday 27th and Monday 30th at 10:00 are within 7 days.
  json week = svc->week(pid, "2026-11-24");
  EXPECT_EQ(week["week_start"], "2026-11-23");
  ASSERT_EQ(week["occurrences"].size(), 2u);
  json wed = week["occurrences"][0];
  EXPECT_EQ(wed["date"], "2026-11-25");
  EXPECT_EQ(wed["time"], "10:00");
  EXPECT_EQ(wed["planned_at"], "2026-11-25T04:30:00Z");
  EXPECT_EQ(wed["status"], "planned");
  EXPECT_EQ(wed["messages"]["queued"], 2);  // groups 100 and 102; 101 is still observed
  ASSERT_EQ(wed["excluded"].size(), 1u);
  EXPECT_EQ(wed["excluded"][0]["reason"], "not_value_phase");
  EXPECT_EQ(svc->week(pid, "2026-11-30")["occurrences"].size(), 1u);
  auto r = rows(wed["id"].get<int64_t>());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].content.find("Tip for Layer Farmers 1"), std::string::npos);
  // Planning again plans nothing twice.
  EXPECT_EQ(svc->plan_now(), 0);
  EXPECT_EQ(rows().size(), 6u);
}

TEST_P(CalendarTest, NoGroupGetsMoreThanItsWeeklyCapOfCalendarPosts) {
  svc->entry_create(user, pid, tip());
  // A daily post on top of Monday/Wednesday/Friday: this week (Tue-Sun) has Wed and Fri already.
  svc->entry_create(user, pid, tip({{"name", "Daily insight"}, {"recurrence", {{"weekdays", {1, 2, 3, 4, 5, 6, 7}}, {"time", "18:00"}}}}));
  std::map<int64_t, int64_t> queued_this_week, capped;
  int64_t next_monday = ms("2026-11-29T18:30:00Z");  // Mon 30th 00:00 local
  for (auto& x : rows()) {
    if (x.planned_at >= next_monday) continue;
    if (x.status == "queued") ++queued_this_week[x.group];
    if (x.status == "skipped") {
      ++capped[x.group];
      EXPECT_NE(x.reason.find("the cap is 3 a week"), std::string::npos) << x.reason;
    }
  }
  EXPECT_EQ(queued_this_week[100], 3);
  EXPECT_EQ(queued_this_week[102], 3);
  // Tuesday's evening post is the week's third for each group; Wednesday to Sunday evenings are capped.
  EXPECT_EQ(capped[100], 5);
  // A cap of 1: only the first post of the week goes.
  svc->entry_create(user, pid, tip({{"name", "Sunday story"}, {"group_weekly_cap", 1}, {"recurrence", {{"weekdays", {7}}, {"time", "09:30"}}}}));
  json week = svc->week(pid, "2026-11-24");
  for (auto& o : week["occurrences"])
    if (o["entry_name"] == "Sunday story") EXPECT_EQ(o["messages"]["queued"], 0) << o.dump();
}

TEST_P(CalendarTest, MovingEditingAndSkippingAnOccurrenceCarriesItsOutboxRows) {
  svc->entry_create(user, pid, tip());
  json wed = svc->week(pid, "2026-11-24")["occurrences"][0];
  int64_t oid = wed["id"];
  json moved = svc->occurrence_update(user, pid, oid, {{"date", "2026-11-26"}, {"time", "15:30"}});
  EXPECT_EQ(moved["date"], "2026-11-26");
  EXPECT_EQ(moved["time"], "15:30");
  for (auto& x : rows(oid)) EXPECT_EQ(x.planned_at, ms("2026-11-26T10:00:00Z"));
  json edited = svc->occurrence_update(user, pid, oid, {{"body", "This week in {{group}}: vaccination reminder."}});
  EXPECT_TRUE(edited["edited"]);
  for (auto& x : rows(oid)) EXPECT_NE(x.content.find("This week in Layer Farmers"), std::string::npos) << x.content;
  json skipped = svc->occurrence_skip(user, pid, oid);
  EXPECT_EQ(skipped["status"], "skipped");
  for (auto& x : rows(oid)) {
    EXPECT_EQ(x.status, "skipped");
    EXPECT_EQ(x.reason, "skipped on the calendar by owner@example.com");
  }
  EXPECT_EQ(test::code_of([&] { svc->occurrence_skip(user, pid, oid); }), ErrorCode::conflict);
}

TEST_P(CalendarTest, BadInputNamesTheFieldAndChangesNothing) {
  auto field = [&](const std::function<void()>& fn) { return test::failure_of(fn).field; };
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"recurrence", {{"weekdays", {0, 8}}, {"time", "10:00"}}}})); }), "recurrence.weekdays");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"recurrence", {{"weekdays", {1}}, {"time", "25:00"}}}})); }), "recurrence.time");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"kind", "direct"}})); }), "kind");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"body", "Hello {{nobody}}"}})); }), "body");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"group_weekly_cap", 5}})); }), "group_weekly_cap");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"targeting", {{"contacts", {{"filter", json::object()}}}}}})); }),
            "targeting.contacts");
  EXPECT_EQ(field([&] { svc->entry_create(user, pid, tip({{"template_id", 999}})); }), "template_id");
  EXPECT_EQ(svc->entries(pid)["items"].size(), 0u);
  EXPECT_EQ(outbox_count(), 0);
  svc->entry_create(user, pid, tip());
  int64_t oid = svc->week(pid, "2026-11-24")["occurrences"][0]["id"];
  auto before = rows(oid);
  EXPECT_EQ(field([&] { svc->occurrence_update(user, pid, oid, {{"date", "2026-13-01"}}); }), "date");
  EXPECT_EQ(field([&] { svc->occurrence_update(user, pid, oid, {{"time", "7pm"}}); }), "time");
  EXPECT_EQ(field([&] { svc->occurrence_update(user, pid, oid, {{"date", "2026-11-20"}}); }), "date");  // the past
  EXPECT_EQ(field([&] { svc->occurrence_update(user, pid, oid, {{"body", "Hi {{nobody}}"}}); }), "body");
  auto after = rows(oid);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].planned_at, before[i].planned_at);
    EXPECT_EQ(after[i].content, before[i].content);
  }
}

TEST_P(CalendarTest, OccurrencesGoThroughTheDispatcherUnderTheWorkingHoursAndThePhaseGate) {
  // 22:30 is outside the project's working hours (09-12, 14-21): the dispatcher moves it to 09:00.
  svc->entry_create(user, pid, tip({{"recurrence", {{"weekdays", {3}}, {"time", "22:30"}}}}));
  OkSender sender;
  campaigns::Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return campaigns::ConsentVerdict{true, ""}; });
  clock.set(test::at("2026-11-25T17:00:00Z"));  // Wednesday 22:30 local
  EXPECT_EQ(d.step(aid), campaigns::StepResult::waiting);
  EXPECT_TRUE(sender.texts.empty());
  auto r = rows();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].planned_at, ms("2026-11-26T03:30:00Z"));  // Thursday 09:00
  // Group 102 moves back to observation before Thursday morning: its post is skipped with the reason.
  db->write([&](store::Conn& c) { c.exec_script("UPDATE group_accounts SET phase = 'observation' WHERE group_id = 102"); });
  clock.set(test::at("2026-11-26T03:31:00Z"));
  std::vector<campaigns::StepResult> results;
  for (int i = 0; i < 6; ++i) {
    results.push_back(d.step(aid));
    clock.advance(std::chrono::minutes(5));
  }
  r = rows();
  EXPECT_EQ(r[0].status, "sent");
  EXPECT_EQ(r[1].status, "skipped");
  EXPECT_NE(r[1].reason.find("observation phase"), std::string::npos);
  ASSERT_EQ(sender.texts.size(), 1u);
  EXPECT_EQ(sender.texts[0], "Tip for Layer Farmers 1: clean water lines weekly.");
}

// Item 10: an uploaded file goes out with the post; the dispatcher reads its bytes at claim time.
TEST_P(CalendarTest, AnUploadedImageIsSentWithThePostAsItsCaption) {
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(64, 'x');
  int64_t media_id = db->write([&](store::Conn& c) {
    return c.run("media-insert", {pid, std::string("image"), std::string("image/png"), std::string("tip.png"), int64_t(png.size()),
                                  store::Blob{png}, clock.now_ms()})[0].i64("id");
  });
  svc->entry_create(user, pid, tip({{"media", {{"kind", "image"}, {"media_id", media_id}}}, {"recurrence", {{"weekdays", {2}}, {"time", "11:30"}}}}));
  OkSender sender;
  campaigns::Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return campaigns::ConsentVerdict{true, ""}; });
  clock.set(test::at("2026-11-24T06:01:00Z"));  // Tuesday 11:31
  EXPECT_EQ(d.step(aid), campaigns::StepResult::claimed);
  ASSERT_EQ(sender.media.size(), 1u);
  EXPECT_EQ(sender.media[0].mimetype, "image/png");
  EXPECT_EQ(sender.media[0].filename, "tip.png");
  EXPECT_EQ(crypto::base64_decode(sender.media[0].data_base64).value_or(""), png);
  EXPECT_EQ(sender.texts[0], "Tip for Layer Farmers 1: clean water lines weekly.");
}

// An occurrence planned while no group could take it is planned again once one can.
TEST_P(CalendarTest, AnOccurrenceWithNothingToSendIsPlannedAgainWhenAGroupReachesItsValuePhase) {
  db->write([&](store::Conn& c) { c.exec_script("UPDATE group_accounts SET phase = 'observation'"); });
  svc->entry_create(user, pid, tip({{"recurrence", {{"weekdays", {3}}, {"time", "10:00"}}}}));
  json o = svc->week(pid, "2026-11-24")["occurrences"][0];
  EXPECT_EQ(o["status"], "nothing_to_send");
  EXPECT_EQ(o["excluded"][0]["reason"], "not_value_phase");
  db->write([&](store::Conn& c) { c.exec_script("UPDATE group_accounts SET phase = 'value' WHERE group_id = 100"); });
  svc->plan_now();
  o = svc->week(pid, "2026-11-24")["occurrences"][0];
  EXPECT_EQ(o["status"], "planned");
  EXPECT_EQ(o["messages"]["queued"], 1);
  svc->plan_now();
  EXPECT_EQ(svc->week(pid, "2026-11-24")["occurrences"][0]["messages"]["queued"], 1) << "planned once";
}
