// Recovery on both backends (issue 8 items 14-16): unknown outcomes reconciled against the engine
// (found → sent, surely absent → queued again, anything else → left unknown for review), a crashed
// process's own claims, rows moving to another number after their retries then the target marked
// unreachable, failover of a banned number (backup activated, queue moved over the takers' pacing,
// an alert in words), and the test-only relaxed policy that never reaches a real number.
#include "campaigns/dispatcher.hpp"
#include "campaigns/failover.hpp"
#include "campaigns/reconcile.hpp"
#include "campaigns/reroute.hpp"

#include "engines/fake/fake_engine.hpp"
#include "projects/project.hpp"
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <deque>

using namespace sangam;
using namespace sangam::campaigns;
using json = nlohmann::json;

namespace {
// Sends answer `answer`; finds answer from `chat` — what the chat holds (key → message id) — and
// `definitive` (false: the engine looked but could not be sure), or `reachable` false (not connected).
class ChatSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    sends.push_back(req);
    if (hold) {
      held.push_back(std::move(cb));
      return;
    }
    SendOutcome o{answer, answer == SendStatus::sent ? "wa-" + req.idempotency_key : "", false, "fake", left_core};
    if (answer == SendStatus::sent) chat[req.idempotency_key] = o.message_id;
    cb(o);
  }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
  void find(const FindRequest& req, FindCallback cb) override {
    finds.push_back(req);
    FindOutcome o;
    if (!reachable) o = {FindStatus::unknown, "", "not_ready", false};
    else if (chat.count(req.idempotency_key)) o = {FindStatus::found, chat[req.idempotency_key], "", true};
    else if (definitive) o = {FindStatus::absent, "", "", true};
    else o = {FindStatus::unknown, "", "history not loaded that far", true};
    cb(o);
  }
  std::vector<SendRequest> sends;
  std::vector<FindRequest> finds;
  std::vector<SendCallback> held;
  std::map<std::string, std::string> chat;
  SendStatus answer = SendStatus::sent;
  bool hold = false, reachable = true, definitive = true, left_core = true;
};

class RecoveryTest : public test::BothBackends {
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
    });
    a1 = account("+919800000001", "production", "active");
    a2 = account("+919800000002", "production", "active");
  }
  int64_t account(const std::string& phone, const std::string& role, const std::string& status,
                  const std::string& engine = "sim") {
    return db->write([&](store::Conn& c) {
      int64_t id = c.run("account-insert", {pid, phone, phone, engine, role, int64_t(200), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = '" + status + "', linked_at = 1 WHERE id = " + std::to_string(id));
      return id;
    });
  }
  void member(int64_t aid, const std::string& group) {
    db->write([&](store::Conn& c) {
      c.exec_script("INSERT INTO groups (project_id, wa_id, kind, name, created_at) SELECT " + std::to_string(pid) + ", '" +
                    group + "', 'group', 'G', 0 WHERE NOT EXISTS (SELECT 1 FROM groups WHERE wa_id = '" + group + "')");
      c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, phase, phase_since, joined_at, last_seen_at) SELECT id, " +
                    std::to_string(aid) + ", " + std::to_string(pid) + ", 'value', 0, 0, 0 FROM groups WHERE wa_id = '" + group + "'");
    });
  }
  int64_t queue(int64_t aid, const std::string& target, int priority = 1, const std::string& kind = "reply") {
    return db->write([&](store::Conn& c) {
      return c.run("outbox-enqueue", {pid, aid, target, nullptr, kind, json{{"text", "Winter feed tips " + std::to_string(seq + 1)}}.dump(),
                                     int64_t(priority), clock.now_ms(), "key-" + std::to_string(++seq), nullptr, clock.now_ms()})[0]
          .i64("id");
    });
  }
  json row(int64_t id) {
    auto r = db->read([&](store::Conn& c) { return c.run("outbox-get", {id}); });
    auto x = r[0];  // a Row views its Result: keep the Result alive
    return {{"status", x.str("status")}, {"reason", x.opt_str("reason").value_or("")}, {"attempts", x.i64("attempts")},
            {"account", x.opt_i64("account_id").value_or(0)}, {"wa", x.opt_str("wa_message_id").value_or("")},
            {"planned_at", x.i64("planned_at")}};
  }
  std::string account_status(int64_t aid) {
    return db->read([&](store::Conn& c) { return c.run("account-columns", {aid})[0].str("status"); });
  }
  ConsentCheck yes() {
    return [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return ConsentVerdict{true, ""}; };
  }
  DispatchOptions opts(const std::string& node = "node-a") {
    DispatchOptions o;
    o.node_id = node;
    return o;
  }
  int64_t pid = 0, a1 = 0, a2 = 0, seq = 0;
  ChatSender sender;
};
SANGAM_BOTH_BACKENDS(RecoveryTest);
}  // namespace

TEST_P(RecoveryTest, ACrashedProcessesOwnClaimsAreReconciledFoundOrAbsentNeverSentTwice) {
  // The first process claims two rows and dies: one had reached WhatsApp, the other had not.
  sender.hold = true;
  Dispatcher first(*db, sender, clock, yes(), opts());
  int64_t reached = queue(a1, "919800000011@c.us");
  int64_t lost = queue(a2, "919800000012@c.us");
  ASSERT_EQ(first.step(a1), StepResult::claimed);
  ASSERT_EQ(first.step(a2), StepResult::claimed);
  sender.chat["key-1"] = "wa-reached";  // WhatsApp has the first one
  sender.held.clear();
  sender.hold = false;

  // The restarted process (same node id): its old claims are unknown at once, not in 5 minutes.
  Dispatcher again(*db, sender, clock, yes(), opts());
  EXPECT_EQ(again.recover_own_claims(), 2);
  EXPECT_EQ(row(reached)["status"], "unknown");
  Reconciler rec(*db, sender, clock, opts());
  EXPECT_EQ(rec.check(a1), 1);
  EXPECT_EQ(rec.check(a2), 1);
  EXPECT_EQ(row(reached)["status"], "sent");
  EXPECT_EQ(row(reached)["wa"], "wa-reached");
  EXPECT_EQ(row(lost)["status"], "queued");  // the engine is sure it is not in the chat
  EXPECT_EQ(again.step(a2), StepResult::claimed);
  EXPECT_EQ(row(lost)["status"], "sent");
  // Each message is in its chat once: two sends held by the dead process, one more after "absent".
  EXPECT_EQ(sender.sends.size(), 3u);
  EXPECT_EQ(sender.chat.size(), 2u);
  EXPECT_EQ(sender.finds[0].chat, "919800000011@c.us");
  EXPECT_EQ(sender.finds[0].content.text, "Winter feed tips 1");
}

TEST_P(RecoveryTest, AnUndecidedCheckLeavesTheRowUnknownAndAfterEightItIsLeftForReview) {
  sender.answer = SendStatus::unknown;  // a timeout after the send left
  Dispatcher d(*db, sender, clock, yes(), opts());
  int64_t id = queue(a1, "919800000011@c.us");
  ASSERT_EQ(d.step(a1), StepResult::claimed);
  EXPECT_EQ(row(id)["status"], "unknown");
  Reconciler rec(*db, sender, clock, opts());
  // Not connected: asked again soon, no check used up.
  sender.reachable = false;
  for (int i = 0; i < 20; ++i) {
    rec.check(a1);
    clock.advance(std::chrono::seconds(6));
  }
  EXPECT_EQ(row(id)["status"], "unknown");
  EXPECT_NE(row(id)["reason"].get<std::string>().find("waiting for the number to reconnect"), std::string::npos);
  // The engine looks but cannot be sure: 8 checks with growing gaps, then it is left for review.
  sender.reachable = true;
  sender.definitive = false;
  size_t before = sender.finds.size();
  for (int i = 0; i < 40; ++i) {
    rec.check(a1);
    clock.advance(std::chrono::minutes(1));
  }
  EXPECT_EQ(sender.finds.size() - before, 8u);
  EXPECT_EQ(row(id)["status"], "unknown");
  EXPECT_NE(row(id)["reason"].get<std::string>().find("left for review"), std::string::npos) << row(id);
  EXPECT_EQ(sender.sends.size(), 1u);  // never re-sent
}

TEST_P(RecoveryTest, AfterItsRetriesARowMovesToAnotherNumberInTheGroupThenTheTargetIsUnreachable) {
  const std::string group = "120363000000000077@g.us";
  int64_t a3 = account("+919800000003", "production", "active");  // not in the group: never a taker
  member(a1, group);
  member(a2, group);
  sender.answer = SendStatus::not_sent;
  Dispatcher d(*db, sender, clock, yes(), opts());
  int64_t id = queue(a1, group, 1, "reply");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(d.step(a1), StepResult::claimed) << i;
    clock.advance(std::chrono::minutes(6));
  }
  EXPECT_EQ(row(id)["status"], "queued");
  EXPECT_EQ(row(id)["account"], a2);
  EXPECT_EQ(row(id)["attempts"], 0);
  EXPECT_NE(row(id)["reason"].get<std::string>().find("moved from +919800000001 to +919800000002"), std::string::npos);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(d.step(a2), StepResult::claimed) << i;
    clock.advance(std::chrono::minutes(6));
  }
  EXPECT_EQ(d.step(a3), StepResult::idle);
  EXPECT_EQ(row(id)["status"], "failed");
  EXPECT_NE(row(id)["reason"].get<std::string>().find("unreachable"), std::string::npos);
  EXPECT_NE(row(id)["reason"].get<std::string>().find("2 numbers tried"), std::string::npos) << row(id);
  auto u = db->read([&](store::Conn& c) { return c.run("unreachable-list", {pid}); });
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].str("target"), group);
  EXPECT_EQ(sender.sends.size(), 6u);
  for (auto& s : sender.sends) EXPECT_NE(s.account_id, a3);
}

TEST_P(RecoveryTest, ADirectMessageMovesToAnyWorkingNumberButNotToABannedOrCriticalOne) {
  int64_t banned = account("+919800000003", "production", "banned");
  int64_t sick = account("+919800000004", "production", "active");
  db->write([&](store::Conn& c) { c.exec_script("UPDATE accounts SET health = 50 WHERE id = " + std::to_string(sick)); });
  auto takers = db->read([&](store::Conn& c) { return eligible_takers(c, pid, "919800000011@c.us", {a1}); });
  ASSERT_EQ(takers.size(), 1u);
  EXPECT_EQ(takers[0].id, a2);
  EXPECT_NE(takers[0].id, banned);
}

class FailoverTest : public RecoveryTest {
 protected:
  void SetUp() override {
    RecoveryTest::SetUp();
    alerts = std::make_unique<AlertService>(*db, clock, bus);
    accounts = std::make_unique<AccountService>(*db, clock, bus, engine, *alerts, crypto::SecretKey{std::vector<unsigned char>(32, 7)});
  }
  test::RecordingBus bus;
  FakeEngine engine;
  std::unique_ptr<AlertService> alerts;
  std::unique_ptr<AccountService> accounts;
};
SANGAM_BOTH_BACKENDS(FailoverTest);

TEST_P(FailoverTest, ABannedNumbersQueueMovesToHealthyNumbersAndTheBackupWithAnAlertInWords) {
  int64_t backup = account("+919800000009", "backup", "standby");
  const std::string group = "120363000000000088@g.us";
  member(a1, group);
  // 4 direct replies and one group post that only a1 could reach.
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(queue(a1, "9198000001" + std::to_string(10 + i) + "@c.us"));
  int64_t post = queue(a1, group, 3, "campaign");
  Failover f(*db, clock, *accounts, *alerts);
  accounts->set_loss_listener(&f);
  // WhatsApp bans a1: the account service marks it banned and tells the failover.
  accounts->on_engine_event(a1, "account.disconnected", {{"reason", "TOS_BLOCK"}});
  EXPECT_EQ(account_status(a1), "banned");
  EXPECT_EQ(account_status(backup), "active");
  std::map<int64_t, std::vector<int64_t>> by_taker;
  for (int64_t id : ids) {
    json r = row(id);
    EXPECT_EQ(r["status"], "queued");
    EXPECT_NE(r["account"], a1);
    by_taker[r["account"]].push_back(r["planned_at"]);
  }
  // Spread over the two healthy numbers (a2 and the backup), each row after the taker's pacing gap.
  EXPECT_EQ(by_taker.size(), 2u);
  for (auto& [taker, times] : by_taker) {
    std::sort(times.begin(), times.end());
    for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], 8'000) << taker;
  }
  EXPECT_EQ(row(post)["status"], "failed");
  EXPECT_NE(row(post)["reason"].get<std::string>().find("unreachable"), std::string::npos);
  auto list = db->read([&](store::Conn& c) { return c.run("alert-list-all", {pid, int64_t(50)}); });
  std::string words;
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].str("kind") == "failover") words = list[i].str("message");
  EXPECT_NE(words.find("+919800000001 was banned by WhatsApp."), std::string::npos) << words;
  EXPECT_NE(words.find("4 queued messages are moving to +919800000002 (2) and +919800000009 (2)."), std::string::npos) << words;
  EXPECT_NE(words.find("1 message could not move"), std::string::npos) << words;
  EXPECT_NE(words.find("Backup +919800000009 is now active."), std::string::npos) << words;
  // The banned number's dispatcher claims nothing any more.
  Dispatcher d(*db, sender, clock, yes(), opts());
  EXPECT_EQ(d.step(a1), StepResult::idle);
}

// Before the fix the activated backup kept role 'backup': new campaigns left it out and its next
// reconnect sent it back to standby, so a failover quietly undid itself.
TEST_P(FailoverTest, TheActivatedBackupBecomesAProductionNumberThatStaysActiveAcrossAReconnect) {
  int64_t backup = account("+919800000009", "backup", "standby");
  Failover f(*db, clock, *accounts, *alerts);
  accounts->set_loss_listener(&f);
  accounts->on_engine_event(a1, "account.disconnected", {{"reason", "TOS_BLOCK"}});
  auto columns = [&] { return db->read([&](store::Conn& c) { auto r = c.run("account-columns", {backup}); return json{{"role", r[0].str("role")}, {"status", r[0].str("status")}}; }); };
  EXPECT_EQ(columns(), (json{{"role", "production"}, {"status", "active"}}));
  auto eligible = db->read([&](store::Conn& c) { return c.run("campaign-accounts-eligible", {pid}); });
  bool found = false;
  for (size_t i = 0; i < eligible.size(); ++i) found = found || eligible[i].i64("id") == backup;
  EXPECT_TRUE(found) << "new campaigns may plan on the activated backup";
  // Its session is lost and given up (seed 1.2: retries at 30, 60, 120 s, given up after 240 s), then linked again.
  accounts->on_engine_event(backup, "account.disconnected", {{"reason", "NAVIGATION"}});
  for (int wait : {30, 60, 120, 240, 480}) {
    clock.advance(std::chrono::seconds(wait));
    accounts->tick();
  }
  accounts->on_engine_event(backup, "account.ready", {{"phone", "+919800000009"}});
  EXPECT_EQ(columns(), (json{{"role", "production"}, {"status", "active"}}));
}

TEST(FailoverMessage, SaysWhatHappenedInWords) {
  FailoverReport r;
  r.moved = 42;
  r.takers = {{"+919800000002", 42}};
  EXPECT_EQ(failover_message("+919800000001", "banned", r),
            "+919800000001 was banned by WhatsApp. Its 42 queued messages are moving to +919800000002. "
            "No backup number was waiting in standby.");
  FailoverReport c;
  c.waiting = 1;
  c.backup = ActivatedBackup{9, "+919800000009"};
  EXPECT_EQ(failover_message("+919800000001", "critical", c),
            "+919800000001's health is critical; it stops sending. 1 message waits for it to recover: no other number "
            "can reach its target. Backup +919800000009 is now active.");
}

TEST_P(RecoveryTest, TheRelaxedTestPolicyAppliesToSimulatedNumbersOnlyNeverToARealOne) {
  int64_t real = account("+919800000005", "production", "active", "webjs");
  DispatchOptions o = opts();
  o.relaxed_for_sim = true;
  Dispatcher d(*db, sender, clock, yes(), o);
  for (int i = 0; i < 3; ++i) queue(a1, "91980000010" + std::to_string(i) + "@c.us", 3, "campaign");
  for (int i = 0; i < 3; ++i) queue(real, "91980000020" + std::to_string(i) + "@c.us", 3, "campaign");
  // The sim number sends back to back; the real number waits its pacing gap after the first.
  EXPECT_EQ(d.step(a1), StepResult::claimed);
  EXPECT_EQ(d.step(a1), StepResult::claimed);
  EXPECT_EQ(d.step(a1), StepResult::claimed);
  EXPECT_EQ(d.step(real), StepResult::claimed);
  EXPECT_EQ(d.step(real), StepResult::waiting);
}

TEST(FindResult, OnlyADefinitiveAnswerSaysAbsentAndNoAnswerProvesNothing) {
  auto of = [](bool ok, json data, std::string code = "") {
    EngineResult r;
    r.ok = ok;
    r.data = std::move(data);
    r.error_code = code;
    return classify_find_result(r);
  };
  FindOutcome found = of(true, {{"found", true}, {"message_id", "true_91@c.us_3EB0"}, {"definitive", true}});
  EXPECT_EQ(found.status, FindStatus::found);
  EXPECT_EQ(found.message_id, "true_91@c.us_3EB0");
  EXPECT_EQ(of(true, {{"found", false}, {"definitive", true}}).status, FindStatus::absent);
  FindOutcome unsure = of(true, {{"found", false}, {"definitive", false}, {"reason", "history not loaded"}});
  EXPECT_EQ(unsure.status, FindStatus::unknown);
  EXPECT_TRUE(unsure.looked);
  EXPECT_EQ(unsure.reason, "history not loaded");
  EXPECT_EQ(of(true, {{"found", true}, {"message_id", ""}}).status, FindStatus::unknown);  // found without an id
  EXPECT_EQ(of(true, json::object()).status, FindStatus::unknown);                          // no verdict at all
  for (const char* code : {"timeout", "no_connector", "not_ready", "failed"}) {
    FindOutcome o = of(false, nullptr, code);
    EXPECT_EQ(o.status, FindStatus::unknown) << code;
    EXPECT_FALSE(o.looked) << code;
  }
  FindRequest f{7, "919800000011@c.us", "key-1", Content{}, 1000, {"a"}};
  f.content.kind = ContentKind::poll;
  f.content.poll = Poll{"Which day?", {"Mon", "Tue"}, false};
  json args = find_args(f);
  EXPECT_EQ(args["text"], "Which day?");  // what WhatsApp shows for a poll
  EXPECT_EQ(args["since"], 1000);
  EXPECT_EQ(args["known_ids"], json::array({"a"}));
}

TEST_P(RecoveryTest, ASendThatNeverLeftTheCoreIsNoAttemptAndIsTriedAgainInSeconds) {
  // The moment between a connector's death and the account's readiness being cleared.
  sender.answer = SendStatus::not_sent;
  sender.left_core = false;
  Dispatcher d(*db, sender, clock, yes(), opts());
  int64_t id = queue(a1, "919800000011@c.us");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(d.step(a1), StepResult::claimed) << i;
    EXPECT_EQ(row(id)["status"], "queued");
    EXPECT_EQ(row(id)["attempts"], 0);
    EXPECT_LE(row(id)["planned_at"].get<int64_t>() - clock.now_ms(), 5'000);
    clock.advance(std::chrono::seconds(21));
  }
  sender.answer = SendStatus::sent;
  ASSERT_EQ(d.step(a1), StepResult::claimed);
  EXPECT_EQ(row(id)["status"], "sent");
}
