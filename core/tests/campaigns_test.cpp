// Campaigns on both backends (issue 8): targeting with exclusion reasons, the planner's outbox rows
// (accounts that are members, value-phase groups only, consent for direct), the lifecycle and what
// pause does to the dispatcher, bad input that changes nothing, completion, progress from acks, and
// the circuit breaker.
#include "campaigns/campaign_service.hpp"
#include "campaigns/dispatcher.hpp"
#include "campaigns/reroute.hpp"

#include "projects/audit.hpp"
#include "projects/project.hpp"
#include "support.hpp"
#include "util/field_errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

using namespace sangam;
using namespace sangam::campaigns;
using json = nlohmann::json;

namespace {

class AnswerSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    keys.push_back(req.idempotency_key);
    texts.push_back(req.content.text);
    cb({SendStatus::sent, "wa-" + req.idempotency_key, false, ""});
  }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
  std::vector<std::string> keys, texts;
};

class CampaignsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    // 2026-11-24 05:30 UTC is 11:00 in Asia/Kolkata, a Tuesday, inside 09:00–12:00.
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      for (int i = 1; i <= 3; ++i) {
        int64_t a = c.run("account-insert", {pid, "+91980000000" + std::to_string(i), "acc" + std::to_string(i), std::string("sim"),
                                             std::string("production"), int64_t(200), clock.now_ms()})[0].i64("id");
        c.exec_script("UPDATE accounts SET status = '" + std::string(i == 3 ? "banned" : "active") + "' WHERE id = " + std::to_string(a));
        acc.push_back(a);
      }
      // g1 value (acc1), g2 value (acc2), g3 observation (acc1), g4 value but only the banned acc3.
      const char* phases[] = {"value", "value", "observation", "value"};
      int64_t owners[] = {acc[0], acc[1], acc[0], acc[2]};
      for (int i = 0; i < 4; ++i) {
        std::string gid = std::to_string(100 + i);
        c.exec_script("INSERT INTO groups (id, project_id, wa_id, kind, name, created_at) VALUES (" + gid + ", " + std::to_string(pid) +
                      ", '1203630000000" + gid + "@g.us', 'group', 'Group " + std::to_string(i + 1) + "', 0)");
        c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES (" +
                      gid + ", " + std::to_string(owners[i]) + ", " + std::to_string(pid) + ", 1, '" + phases[i] + "', 0, 0, 0)");
        groups.push_back(100 + i);
      }
      // Contacts: two opted in, one engaged, one unknown, one opted out, one opted in without a phone.
      const char* consents[] = {"opted_in", "opted_in", "engaged", "unknown", "opted_out", "opted_in"};
      for (int i = 0; i < 6; ++i) {
        std::string phone = i == 5 ? "NULL" : "'+9198100000" + std::to_string(10 + i) + "'";
        std::string lid = i == 5 ? "'555@lid'" : "NULL";
        c.exec_script("INSERT INTO contacts (id, project_id, phone, lid, name, consent, source, created_at, updated_at) VALUES (" +
                      std::to_string(500 + i) + ", " + std::to_string(pid) + ", " + phone + ", " + lid + ", 'Ravi " + std::to_string(i) +
                      "', '" + consents[i] + "', 'api', 0, 0)");
      }
    });
    svc = std::make_unique<CampaignService>(*db, clock, bus, nullptr);
    admin.id = 1;
    admin.email = "owner@example.com";
  }
  json group_campaign(json extra = json::object()) {
    json b = {{"name", "Winter tips"}, {"kind", "group_post"}, {"body", "{Hello|Vanakkam} {{group}}, winter feed tips inside."},
              {"targeting", {{"groups", {{"filter", json::object()}}}}}, {"schedule", {{"start_date", "2026-11-24"}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) b[it.key()] = it.value();
    return b;
  }
  json direct_campaign() {
    return {{"name", "Follow-up"}, {"kind", "direct"}, {"body", "Hi {{first_name}}, thanks for joining!"},
            {"targeting", {{"contacts", {{"filter", json::object()}}}}}, {"schedule", {{"start_date", "2026-11-24"}}}};
  }
  std::map<std::string, int64_t> excluded(const json& preview) {
    std::map<std::string, int64_t> m;
    for (auto& e : preview["targets"]["excluded"]) m[e["reason"]] = e["count"];
    return m;
  }
  struct Row {
    int64_t account;
    std::string target, status, key;
    std::optional<int64_t> group;
  };
  std::vector<Row> rows(int64_t cid) {
    auto r = db->read([&](store::Conn& c) {
      return c.run_text("SELECT account_id, target, status, idempotency_key, group_id FROM outbox WHERE campaign_id = $1 ORDER BY id", {cid});
    });
    std::vector<Row> out;
    for (size_t i = 0; i < r.size(); ++i)
      out.push_back({r[i].opt_i64("account_id").value_or(0), r[i].str("target"), r[i].str("status"), r[i].str("idempotency_key"), r[i].opt_i64("group_id")});
    return out;
  }
  std::vector<std::string> audit_actions() {
    auto page = db->read([&](store::Conn& c) { return audit_page(c, pid, std::nullopt, 100); });
    std::vector<std::string> out;
    for (auto& i : page.items) out.push_back(i["action"]);
    return out;
  }
  // Their time has come: the campaign's queued rows are due now (inside the 09:00-12:00 window).
  void due(int64_t cid) {
    db->write([&](store::Conn& c) {
      c.exec_script("UPDATE outbox SET planned_at = " + std::to_string(clock.now_ms()) + " WHERE status = 'queued' AND campaign_id = " + std::to_string(cid));
    });
  }
  Dispatcher dispatcher(AnswerSender& s) {
    return Dispatcher(*db, s, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return ConsentVerdict{true, ""}; });
  }

  test::RecordingBus bus;
  std::unique_ptr<CampaignService> svc;
  User admin;
  int64_t pid = 0;
  std::vector<int64_t> acc, groups;
};
SANGAM_BOTH_BACKENDS(CampaignsTest);

int64_t id_of(const json& j) { return j["id"].get<int64_t>(); }

}  // namespace

// A channel has no engagement phase: before the fix a channel our number administers was left out
// as "not in its value-posts phase", in words about groups.
TEST_P(CampaignsTest, ChannelPostsGoToChannelsOurNumberAdministersWhateverThePhase) {
  db->write([&](store::Conn& c) {
    const std::string p = std::to_string(pid);
    c.exec_script("INSERT INTO groups (id, project_id, wa_id, kind, name, created_at) VALUES (200, " + p +
                  ", '120363000000000200@newsletter', 'channel', 'PoultryCare Tips', 0), (201, " + p +
                  ", '120363000000000201@newsletter', 'channel', 'Feed Prices', 0)");
    c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES "
                  "(200, " + std::to_string(acc[0]) + ", " + p + ", 1, 'observation', 0, 0, 0), (201, " + std::to_string(acc[1]) + ", " + p +
                  ", 0, 'observation', 0, 0, 0)");
  });
  json p = svc->estimate(pid, group_campaign({{"kind", "channel_post"}}));
  EXPECT_EQ(p["targets"]["selected"], 1) << p.dump();
  auto ex = excluded(p);
  EXPECT_EQ(ex.count("not_value_phase"), 0u) << p.dump();
  EXPECT_EQ(ex["admin_only"], 1) << "the channel we only follow";
}

TEST_P(CampaignsTest, DirectTargetingReachesOnlyOptedInOrEngagedContactsAndCountsTheRestByReason) {
  json p = svc->estimate(pid, direct_campaign());
  EXPECT_EQ(p["targets"]["selected"], 3);
  auto ex = excluded(p);
  EXPECT_EQ(ex["consent_unknown"], 1);
  EXPECT_EQ(ex["opted_out"], 1);
  EXPECT_EQ(ex["no_phone"], 1);
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, direct_campaign())));
  std::set<std::string> targets;
  for (auto& r : rows(id_of(c))) targets.insert(r.target);
  EXPECT_EQ(targets, (std::set<std::string>{"919810000010@c.us", "919810000011@c.us", "919810000012@c.us"}));
}

TEST_P(CampaignsTest, GroupPostsGoOnlyToValuePhaseGroupsFromAnAccountThatIsAMember) {
  json p = svc->estimate(pid, group_campaign());
  EXPECT_EQ(p["targets"]["selected"], 2);
  auto ex = excluded(p);
  EXPECT_EQ(ex["not_value_phase"], 1);
  EXPECT_EQ(ex["no_eligible_account"], 1);
  ASSERT_EQ(p["plan"]["days"].size(), 1u);
  EXPECT_EQ(p["plan"]["days"][0]["date"], "2026-11-24");
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign())));
  EXPECT_EQ(c["status"], "running");
  EXPECT_EQ(c["progress"]["planned"], 2);
  EXPECT_EQ(c["progress"]["queued"], 2);
  auto r = rows(id_of(c));
  ASSERT_EQ(r.size(), 2u);
  std::map<int64_t, int64_t> by_group;
  std::set<std::string> keys;
  for (auto& x : r) by_group[*x.group] = x.account, keys.insert(x.key);
  EXPECT_EQ(by_group[groups[0]], acc[0]);
  EXPECT_EQ(by_group[groups[1]], acc[1]);
  EXPECT_EQ(keys.size(), 2u);  // one idempotency key per message
}

TEST_P(CampaignsTest, PauseHoldsTheQueuedRowsFromTheDispatcherResumeReleasesThemCancelCancelsThem) {
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"schedule", {{"start_date", "2026-11-24"}, {"account_ids", {acc[0]}}}},
                                                                                   {"targeting", {{"groups", {{"ids", {groups[0]}}}}}}}))));
  int64_t cid = id_of(c);
  EXPECT_EQ(svc->pause(admin, pid, cid)["status"], "paused");
  AnswerSender sender;
  Dispatcher d = dispatcher(sender);
  due(cid);
  EXPECT_EQ(d.step(acc[0]), StepResult::idle);
  EXPECT_TRUE(sender.keys.empty());
  EXPECT_EQ(svc->resume(admin, pid, cid)["status"], "running");
  EXPECT_EQ(d.step(acc[0]), StepResult::claimed);
  ASSERT_EQ(sender.keys.size(), 1u);
  EXPECT_EQ(sender.keys[0], "campaign:" + std::to_string(cid) + ":g" + std::to_string(groups[0]));
  EXPECT_NE(sender.texts[0].find("Group 1"), std::string::npos);  // {{group}} rendered

  // Another text: a near-identical body to a campaign launched this month is blocked (content check).
  json two = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"body", "Dealer meet on Sunday at Namakkal, {{group}}."}}))));
  EXPECT_EQ(svc->cancel(admin, pid, id_of(two))["status"], "cancelled");
  for (auto& r : rows(id_of(two))) EXPECT_EQ(r.status, "cancelled");
  EXPECT_EQ(test::failure_of([&] { svc->pause(admin, pid, id_of(two)); }).code, ErrorCode::conflict);
  EXPECT_EQ(test::failure_of([&] { svc->launch(admin, pid, cid); }).code, ErrorCode::conflict);
  auto actions = audit_actions();
  for (auto a : {"campaign.created", "campaign.launched", "campaign.paused", "campaign.resumed", "campaign.cancelled"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
}

TEST_P(CampaignsTest, BadInputNamesTheFieldAndChangesNothing) {
  auto field_of = [&](const std::function<void()>& fn) { return test::failure_of(fn).field; };
  EXPECT_EQ(field_of([&] { svc->create(admin, pid, group_campaign({{"schedule", {{"start_date", "2026-12-10"}, {"end_date", "2026-12-01"}}}})); }),
            "schedule.end_date");
  int64_t bad_var = id_of(svc->create(admin, pid, group_campaign({{"body", "Hello {{nickname}}"}})));
  auto f = test::failure_of([&] { svc->launch(admin, pid, bad_var); });
  EXPECT_EQ(f.field, "body");
  EXPECT_NE(f.message.find("column"), std::string::npos) << f.message;
  int64_t unclosed = id_of(svc->create(admin, pid, group_campaign({{"body", "{Hello|Namaste {{group}}"}})));
  EXPECT_EQ(field_of([&] { svc->launch(admin, pid, unclosed); }), "body");
  int64_t nobody = id_of(svc->create(admin, pid, group_campaign({{"targeting", {{"groups", {{"ids", {groups[2]}}}}}}})));
  EXPECT_EQ(field_of([&] { svc->launch(admin, pid, nobody); }), "targeting");
  int64_t no_account = id_of(svc->create(admin, pid, group_campaign({{"schedule", {{"start_date", "2026-11-24"}, {"account_ids", {acc[2]}}}}})));
  EXPECT_EQ(field_of([&] { svc->launch(admin, pid, no_account); }), "schedule.account_ids");
  // The same text as a campaign launched this month: blocked (WhatsApp flags repeated bulk text).
  svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"targeting", {{"groups", {{"ids", {groups[0]}}}}}}}))));
  int64_t copy = id_of(svc->create(admin, pid, group_campaign({{"targeting", {{"groups", {{"ids", {groups[1]}}}}}}})));
  auto same = test::failure_of([&] { svc->launch(admin, pid, copy); });
  EXPECT_EQ(same.field, "body");
  EXPECT_NE(same.message.find("recent campaign"), std::string::npos) << same.message;
  for (int64_t id : {bad_var, unclosed, nobody, no_account, copy}) {
    EXPECT_EQ(svc->get(pid, id)["status"], "draft");
    EXPECT_TRUE(rows(id).empty());
  }
}

TEST_P(CampaignsTest, AcksAndRepliesFillTheProgressMonotonicallyAndTheCampaignCompletes) {
  std::vector<std::pair<std::string, json>> told;  // the outgoing webhooks' feed (campaign.completed)
  svc->on_status([&](int64_t, const std::string& event, const json& data) { told.emplace_back(event, data); });
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"targeting", {{"groups", {{"ids", {groups[0]}}}}}}}))));
  int64_t cid = id_of(c);
  AnswerSender sender;
  Dispatcher d = dispatcher(sender);
  due(cid);
  ASSERT_EQ(d.step(acc[0]), StepResult::claimed);
  std::string key = sender.keys.at(0), wa = "wa-" + key;
  svc->on_engine_event(acc[0], "message.ack", {{"key", key}, {"message_id", wa}, {"ack", "read"}});
  svc->on_engine_event(acc[0], "message.ack", {{"key", key}, {"message_id", wa}, {"ack", "device"}});  // late: changes nothing
  svc->on_engine_event(acc[0], "message.ack", {{"key", key}, {"message_id", wa}, {"ack", "error"}});   // after delivery: ignored
  svc->on_engine_event(acc[0], "message.received", {{"chat", "120363000000100@g.us"}, {"is_group", true}, {"quoted_id", wa}});
  svc->tick();
  json got = svc->get(pid, cid);
  EXPECT_EQ(got["status"], "completed");
  EXPECT_EQ(got["progress"]["sent"], 1);
  EXPECT_EQ(got["progress"]["delivered"], 1);
  EXPECT_EQ(got["progress"]["read"], 1);
  EXPECT_EQ(got["progress"]["replied"], 1);
  EXPECT_EQ(got["progress"]["failed"], 0);
  json msgs = svc->messages(pid, cid, std::nullopt, std::nullopt, std::nullopt);
  ASSERT_EQ(msgs["items"].size(), 1u);
  EXPECT_EQ(msgs["items"][0]["status"], "replied");
  EXPECT_FALSE(msgs["items"][0]["read_at"].is_null());
  bool published = false;
  for (auto& e : bus.events)
    if (e.name == "campaign.progress" && e.data["status"] == "completed") published = true;
  EXPECT_TRUE(published);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].first, "campaign.completed");
  EXPECT_EQ(told[0].second["id"], cid);
  EXPECT_EQ(told[0].second["progress"]["replied"], 1);
  svc->tick();
  EXPECT_EQ(told.size(), 1u);  // once per transition
}

TEST_P(CampaignsTest, TwoNumbersBannedOrCriticalPauseTheCampaignOnlyAPersonResumesIt) {
  std::vector<std::pair<std::string, json>> told;  // the outgoing webhooks' feed (campaign.paused)
  svc->on_status([&](int64_t, const std::string& event, const json& data) { told.emplace_back(event, data); });
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign())));
  int64_t cid = id_of(c);
  svc->tick();
  EXPECT_EQ(svc->get(pid, cid)["status"], "running");
  db->write([&](store::Conn& cn) { cn.exec_script("UPDATE accounts SET status = 'banned' WHERE id = " + std::to_string(acc[0])); });
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  EXPECT_EQ(svc->get(pid, cid)["status"], "running");  // one is not enough
  db->write([&](store::Conn& cn) { cn.exec_script("UPDATE accounts SET health = 55 WHERE id = " + std::to_string(acc[1])); });
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  json paused = svc->get(pid, cid);
  EXPECT_EQ(paused["status"], "paused");
  std::string reason = paused["status_reason"];
  EXPECT_NE(reason.find("+919800000001 was banned"), std::string::npos) << reason;
  EXPECT_NE(reason.find("+919800000002 went critical"), std::string::npos) << reason;
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].first, "campaign.paused");
  EXPECT_EQ(told[0].second["status_reason"], reason);  // the breaker's reason reaches the receiver
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  EXPECT_EQ(svc->get(pid, cid)["status"], "paused");  // it stays paused
  EXPECT_EQ(told.size(), 1u);
  clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(svc->resume(admin, pid, cid)["status"], "running");
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  EXPECT_EQ(svc->get(pid, cid)["status"], "running");  // the incidents a person saw do not trip it again
  EXPECT_EQ(svc->pause(admin, pid, cid)["status"], "paused");
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].first, "campaign.paused");
  EXPECT_EQ(told[1].second["status_reason"], "paused by owner@example.com");
}

TEST_P(CampaignsTest, AStartDateAheadIsScheduledAndStartsWithItsFirstMessage) {
  json c = svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"schedule", {{"start_date", "2026-11-26"}}}}))));
  EXPECT_EQ(c["status"], "scheduled");
  svc->tick();
  EXPECT_EQ(svc->get(pid, id_of(c))["status"], "scheduled");
  clock.advance(std::chrono::hours(72));
  svc->tick();
  EXPECT_EQ(svc->get(pid, id_of(c))["status"], "running");
  json preview = svc->preview(pid, id_of(c));
  EXPECT_EQ(preview["plan"]["days"][0]["date"], "2026-11-26");
}

TEST_P(CampaignsTest, TemplatesReportErrorsWithTheirPositionAndPreviewRendersSamples) {
  auto f = test::failure_of([&] { svc->template_create(admin, pid, {{"name", "Bad"}, {"body", "Hi\n{Hello|Namaste"}}); });
  EXPECT_EQ(f.field, "body");
  EXPECT_NE(f.message.find("line 2"), std::string::npos) << f.message;
  json t = svc->template_create(admin, pid, {{"name", "Tips"}, {"body", "{Hello|Vanakkam} {{name}}, {{offer}}"}, {"variables", {{"offer", "10% off"}}}});
  EXPECT_EQ(svc->templates(pid)["items"].size(), 1u);
  json pv = svc->template_preview(pid, {{"body", "Hi {{name}}, {{offer}}"}, {"variables", {{"offer", "10% off"}}}, {"contact_id", 500}});
  EXPECT_EQ(pv["text"], "Hi Ravi 0, 10% off");
  EXPECT_EQ(pv["samples"].size(), 3u);
  json bad = svc->template_preview(pid, {{"body", "Hi {{nickname}}"}});
  ASSERT_EQ(bad["errors"].size(), 1u);
  EXPECT_EQ(bad["errors"][0]["line"], 1);
  // A campaign made from the template takes its body.
  json c = svc->create(admin, pid, {{"name", "From template"}, {"kind", "group_post"}, {"template_id", id_of(t)}});
  EXPECT_EQ(c["body"], "{Hello|Vanakkam} {{name}}, {{offer}}");
}

TEST_P(CampaignsTest, WhatsAppRefusingItsMessagesPausesTheCampaignSayingWhyUntilAPersonResumesIt) {
  // One outcome is enough here (the default waits for 20): the rule, not the sample size, is tested.
  CampaignOptions o;
  o.breaker_min_outcomes = 1;
  CampaignService s(*db, clock, bus, nullptr, o);
  int64_t cid = id_of(s.launch(admin, pid, id_of(s.create(admin, pid, group_campaign()))));
  AnswerSender sender;
  Dispatcher d = dispatcher(sender);
  clock.advance(std::chrono::seconds(1));
  due(cid);
  ASSERT_EQ(d.step(acc[0]), StepResult::claimed);  // g1 sent; g2 (acc2) still queued
  std::string key = sender.keys.at(0);
  s.tick();
  EXPECT_EQ(s.get(pid, cid)["status"], "running");  // delivered so far: 0 refused of 1
  // WhatsApp answers the send with an error ack instead of delivering it (the simulator does this
  // once reports or blocks have restricted the number).
  s.on_engine_event(acc[0], "message.ack", {{"key", key}, {"message_id", "wa-" + key}, {"ack", "error"}});
  clock.advance(std::chrono::seconds(2));
  s.tick();
  json paused = s.get(pid, cid);
  ASSERT_EQ(paused["status"], "paused");
  std::string reason = paused["status_reason"];
  EXPECT_NE(reason.find("refused or did not deliver 1 of its last 1 messages"), std::string::npos) << reason;
  EXPECT_NE(reason.find("the limit is 15 %"), std::string::npos) << reason;
  auto actions = audit_actions();
  EXPECT_NE(std::find(actions.begin(), actions.end(), "campaign.paused"), actions.end());
  clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(s.resume(admin, pid, cid)["status"], "running");
  clock.advance(std::chrono::seconds(2));
  s.tick();
  EXPECT_EQ(s.get(pid, cid)["status"], "running");  // the refusal a person saw does not trip it again
}

TEST_P(CampaignsTest, TheBreakerWatchesTheNumberARowWasMovedOntoAsWellAsTheNumbersOfTheLaunch) {
  int64_t cid = id_of(svc->launch(admin, pid, id_of(svc->create(admin, pid, group_campaign({{"targeting", {{"groups", {{"ids", {groups[0]}}}}}}})))));
  // After the launch acc2 joins g1, so it can take g1's post when acc1 gives up on it.
  db->write([&](store::Conn& c) {
    c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES (" +
                  std::to_string(groups[0]) + ", " + std::to_string(acc[1]) + ", " + std::to_string(pid) + ", 0, 'value', 0, 0, 0)");
  });
  auto r = rows(cid);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].account, acc[0]);
  db->write([&](store::Conn& c) {
    int64_t id = c.run_text("SELECT id FROM outbox WHERE campaign_id = $1", {cid})[0].i64("id");
    EXPECT_EQ(reroute_after_failures(c, id, "not sent after 3 attempts", clock.now_ms()), acc[1]);
  });
  svc->tick();
  db->write([&](store::Conn& cn) { cn.exec_script("UPDATE accounts SET status = 'banned' WHERE id = " + std::to_string(acc[0])); });
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  EXPECT_EQ(svc->get(pid, cid)["status"], "running");
  // The taker goes critical too: two numbers of this campaign are lost, though only one was chosen at launch.
  db->write([&](store::Conn& cn) { cn.exec_script("UPDATE accounts SET health = 40 WHERE id = " + std::to_string(acc[1])); });
  clock.advance(std::chrono::seconds(2));
  svc->tick();
  json paused = svc->get(pid, cid);
  EXPECT_EQ(paused["status"], "paused");
  std::string reason = paused.value("status_reason", "");
  EXPECT_NE(reason.find("+919800000002 went critical"), std::string::npos) << reason;
}
