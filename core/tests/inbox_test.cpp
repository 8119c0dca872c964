// The team inbox and welcome messages on both backends (issue 10 items 1, 2, 6, 9): what becomes a
// conversation, answers as P1 outbox rows sent first (chat marked seen and typing shown before the
// send), the review of unknown sends, saved replies, and one welcome per batch of joins.
#include "campaigns/dispatcher.hpp"
#include "community/moderation.hpp"
#include "community/welcome.hpp"
#include "inbox/inbox_service.hpp"

#include "projects/project.hpp"
#include "support.hpp"

#include <nlohmann/json.hpp>

using namespace sangam;
using json = nlohmann::json;

namespace {

// Records the order of what the dispatcher asks for and answers each at once.
class OrderSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    calls.push_back("send " + req.to);
    mentions = req.content.mentions;
    cb(SendOutcome{SendStatus::sent, "wa-" + req.idempotency_key, false, ""});
  }
  void mark_seen(int64_t, const std::string& chat, DoneCallback cb) override {
    calls.push_back("seen " + chat);
    cb(true, "");
  }
  void typing(int64_t, const std::string& chat, bool, DoneCallback cb) override {
    calls.push_back("typing " + chat);
    cb(true, "");
  }
  std::vector<std::string> calls;
  std::vector<std::string> mentions;
};

class InboxTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    // 2026-11-24 05:30 UTC is 11:00 in Asia/Kolkata, a Tuesday, inside the working hours.
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("Support"), std::string("sim"),
                                      std::string("production"), int64_t(100), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
      user.id = c.run("user-insert", {std::string("asha@example.com"), std::string("Asha"), std::string("x"), int64_t(0), int64_t(0), clock.now_ms()})[0].i64("id");
    });
    user.email = "asha@example.com";
    user.name = "Asha";
  }
  json dm(const std::string& from, const std::string& body, const std::string& id) {
    return {{"id", id}, {"chat", from + "@c.us"}, {"from", from + "@c.us"}, {"from_phone", "+" + from}, {"author", nullptr},
            {"is_group", false}, {"body", body}, {"kind", "text"}, {"quoted_id", nullptr}, {"mentions", json::array()},
            {"timestamp", nullptr}, {"push_name", "Ravi"}};
  }
  int64_t add_group(const std::string& wa, bool admin, const std::string& phase) {
    return db->write([&](store::Conn& c) {
      std::string now = std::to_string(clock.now_ms());
      c.exec_script("INSERT INTO groups (project_id, wa_id, kind, name, created_at) VALUES (" + std::to_string(pid) + ", '" + wa +
                    "', 'group', 'TN Broiler Farmers', " + now + ")");
      int64_t gid = c.run("group-id-by-wa", {pid, wa})[0].i64("id");
      c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES (" +
                    std::to_string(gid) + ", " + std::to_string(aid) + ", " + std::to_string(pid) + ", " + (admin ? "1" : "0") + ", '" + phase +
                    "', " + now + ", " + now + ", " + now + ")");
      return gid;
    });
  }
  std::string outbox_col(int64_t id, const std::string& col) {
    return db->read([&](store::Conn& c) {
      auto r = c.run_text("SELECT CAST(" + col + " AS TEXT) AS v FROM outbox WHERE id = " + std::to_string(id));
      return r.empty() || r[0].is_null("v") ? std::string() : r[0].str("v");
    });
  }
  int64_t pid = 0, aid = 0;
  User user;
  test::RecordingBus bus;
};
SANGAM_BOTH_BACKENDS(InboxTest);

}  // namespace

TEST(InboxPure, MentionsOurNumberByDigitsNotByLid) {
  EXPECT_TRUE(mentions_phone(json::array({"919800000001@c.us"}), "+919800000001"));
  EXPECT_FALSE(mentions_phone(json::array({"919800000002@c.us", "919800000001@lid"}), "+919800000001"));
  EXPECT_FALSE(mentions_phone(json(nullptr), "+919800000001"));
}

TEST(ModerationPure, RulesInOrderWithAdminsAndAllowedMembersExempt) {
  ModerationRules r = moderation_rules_from({{"banned_words", {"loan offer"}}, {"flood_messages", 3}, {"flood_minutes", 1},
                                             {"allow", {"+91 98111 00001"}}});
  ModeratedMessage m;
  m.author_phone = "+919811100002";
  m.body = "see www.cheap-feed.example now";
  EXPECT_EQ(violated_rule(r, m), "link");
  m.author_admin = true;
  EXPECT_EQ(violated_rule(r, m), std::nullopt);
  m.author_admin = false;
  m.author_phone = "+919811100001";
  EXPECT_EQ(violated_rule(r, m), std::nullopt) << "allow-listed";
  m.author_phone = "+919811100002";
  m.body = "Instant LOAN   offer!";
  EXPECT_EQ(violated_rule(r, m), "banned_word");
  m.body = "a loan for the offer";
  EXPECT_EQ(violated_rule(r, m), std::nullopt) << "a phrase matches word for word";
  m.forwarding_score = 5;
  EXPECT_EQ(violated_rule(r, m), "forwarded");
  m.forwarding_score = 0;
  m.recent_messages = 4;
  EXPECT_EQ(violated_rule(r, m), "flood");
  EXPECT_EQ(test::failure_of([] { moderation_rules_from({{"flood_messages", 3}}); }).field, "flood_minutes");
  EXPECT_EQ(test::failure_of([] { moderation_rules_from({{"allow", {"12"}}}); }).field, "allow[0]");
}

TEST_P(InboxTest, ADirectMessageIsOneConversationAndAReplayIsNotASecondMessage) {
  InboxService inbox(*db, clock, bus);
  inbox.on_incoming(pid, aid, "message.received", dm("919811100001", "Price of starter feed?", "m1"));
  inbox.on_incoming(pid, aid, "message.received", dm("919811100001", "Price of starter feed?", "m1"));
  inbox.on_incoming(pid, aid, "message.received", dm("919811100001", "And in Pune?", "m2"));
  json list = inbox.list(pid, {}, user.id);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["unread"], 2);
  EXPECT_EQ(list["items"][0]["needs_reply"], true);
  EXPECT_EQ(list["items"][0]["title"], "Ravi");
  EXPECT_EQ(list["counts"]["needs_reply"], 1);
  EXPECT_EQ(bus.names(), (std::vector<std::string>{"inbox.message", "inbox.message"}));
  EXPECT_EQ(test::failure_of([&] { inbox.list(pid, {{"status", "closed"}}, user.id); }).field, "status");
}

TEST_P(InboxTest, GroupTalkStaysOutButAMentionComesIn) {
  InboxService inbox(*db, clock, bus);
  int64_t gid = add_group("120363000000000001@g.us", false, "observation");
  json g = dm("919811100002", "Broiler rate today?", "g1");
  g["chat"] = "120363000000000001@g.us";
  g["is_group"] = true;
  inbox.on_incoming(pid, aid, "message.received", g);
  EXPECT_TRUE(inbox.list(pid, {}, user.id)["items"].empty());
  g["id"] = "g2";
  g["mentions"] = json::array({"919800000001@c.us"});
  inbox.on_incoming(pid, aid, "message.received", g);
  json list = inbox.list(pid, {}, user.id);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["group"]["id"], gid);
  // The number still observes this group (item 9): no answer goes there yet, nothing is queued.
  auto f = test::failure_of([&] { inbox.reply(user, pid, list["items"][0]["id"], {{"text", "Yes"}}); });
  EXPECT_EQ(f.code, ErrorCode::conflict);
  EXPECT_EQ(f.field, "text");
  EXPECT_EQ(db->read([&](store::Conn& c) { return c.run_text("SELECT COUNT(*) AS n FROM outbox")[0].i64("n"); }), 0);
}

TEST_P(InboxTest, TheAnswerIsAP1RowSentBeforeCampaignRowsWithSeenAndTypingFirst) {
  InboxService inbox(*db, clock, bus);
  inbox.on_incoming(pid, aid, "message.received", dm("919811100003", "Details please", "m1"));
  int64_t cid = inbox.list(pid, {}, user.id)["items"][0]["id"];
  db->write([&](store::Conn& c) {
    c.run("outbox-enqueue", {pid, aid, std::string("919811100099@c.us"), nullptr, std::string("campaign"), json{{"text", "Guide"}}.dump(),
                             int64_t(3), clock.now_ms() - 1000, std::string("p3-1"), nullptr, clock.now_ms()});
  });
  json m = inbox.reply(user, pid, cid, {{"text", "Namaste! Sending the details now."}, {"idempotency_key", "k1"}});
  EXPECT_EQ(m["send_status"], "queued");
  int64_t oid = m["outbox_id"];
  EXPECT_EQ(outbox_col(oid, "priority"), "1");
  EXPECT_EQ(outbox_col(oid, "kind"), "reply");
  EXPECT_EQ(outbox_col(oid, "conversation_id"), std::to_string(cid));
  EXPECT_EQ(test::failure_of([&] { inbox.reply(user, pid, cid, {{"text", "again"}, {"idempotency_key", "k1"}}); }).field, "idempotency_key");
  EXPECT_EQ(test::failure_of([&] { inbox.reply(user, pid, cid, {{"text", " \n "}}); }).field, "text");

  OrderSender sender;
  campaigns::Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return campaigns::ConsentVerdict{true, ""}; });
  EXPECT_EQ(d.step(aid), campaigns::StepResult::claimed);
  EXPECT_EQ(sender.calls, (std::vector<std::string>{"seen 919811100003@c.us", "typing 919811100003@c.us", "send 919811100003@c.us"}));
  EXPECT_EQ(outbox_col(oid, "status"), "sent");
  json t = inbox.conversation(pid, cid, {});
  EXPECT_EQ(t["messages"].back()["send_status"], "sent");
  EXPECT_EQ(t["conversation"]["needs_reply"], false);
}

TEST_P(InboxTest, UnknownSendsAreSettledByAPersonOnceAndAudited) {
  InboxService inbox(*db, clock, bus);
  int64_t a = 0, b = 0;
  db->write([&](store::Conn& c) {
    a = c.run("outbox-enqueue", {pid, aid, std::string("919811100010@c.us"), nullptr, std::string("campaign"), json{{"text", "A"}}.dump(),
                                 int64_t(3), clock.now_ms(), std::string("u-a"), nullptr, clock.now_ms()})[0].i64("id");
    b = c.run("outbox-enqueue", {pid, aid, std::string("919811100011@c.us"), nullptr, std::string("campaign"), json{{"text", "B"}}.dump(),
                                 int64_t(3), clock.now_ms(), std::string("u-b"), nullptr, clock.now_ms()})[0].i64("id");
    c.exec_script("UPDATE outbox SET status = 'unknown'");
  });
  EXPECT_EQ(inbox.unknown_sends(pid)["items"].size(), 2u);
  EXPECT_EQ(test::failure_of([&] { inbox.resolve_unknown(user, pid, a, {{"action", "retry"}}); }).field, "action");
  inbox.resolve_unknown(user, pid, a, {{"action", "mark_sent"}});
  json again = inbox.resolve_unknown(user, pid, b, {{"action", "send_again"}});
  EXPECT_EQ(outbox_col(a, "status"), "sent");
  EXPECT_EQ(outbox_col(b, "status"), "cancelled");
  int64_t fresh = again["new_id"];
  EXPECT_EQ(outbox_col(fresh, "status"), "queued");
  EXPECT_NE(outbox_col(fresh, "idempotency_key"), "u-b");
  EXPECT_EQ(test::code_of([&] { inbox.resolve_unknown(user, pid, b, {{"action", "send_again"}}); }), ErrorCode::conflict);
  EXPECT_TRUE(inbox.unknown_sends(pid)["items"].empty());
  auto audit = db->read([&](store::Conn& c) { return c.run_text("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'outbox.%'")[0].i64("n"); });
  EXPECT_EQ(audit, 2);
}

TEST_P(InboxTest, SavedRepliesRenderForTheContactAndAreSuggestedByKeyword) {
  InboxService inbox(*db, clock, bus);
  EXPECT_EQ(test::failure_of([&] { inbox.create_saved_reply(user, pid, {{"name", "Price"}, {"body", "Hi {{nmae}}"}}); }).field, "body");
  EXPECT_TRUE(inbox.saved_replies(pid)["items"].empty());
  inbox.create_saved_reply(user, pid, {{"name", "Price"}, {"body", "Hi {{first_name|there}}, it is ₹1,450."}, {"keywords", {"how much"}}});
  inbox.on_incoming(pid, aid, "message.received", dm("919811100004", "How MUCH is the starter feed?", "m1"));
  int64_t cid = inbox.list(pid, {}, user.id)["items"][0]["id"];
  json t = inbox.conversation(pid, cid, {});
  ASSERT_EQ(t["suggestions"].size(), 1u);
  EXPECT_EQ(t["suggestions"][0]["text"], "Hi there, it is ₹1,450.");
}

TEST_P(InboxTest, JoinsWithinTheWindowGetOneWelcomeMentioningThemAndAReplayNone) {
  int64_t gid = add_group("120363000000000002@g.us", true, "value");
  WelcomeService welcome(*db, clock);
  EXPECT_EQ(test::failure_of([&] { welcome.put(user, pid, gid, {{"template", "Hi {{memberz}}"}}); }).field, "template");
  welcome.put(user, pid, gid, {{"template", "Welcome {{members}} to {{group}}!"}, {"window_seconds", 60}});
  json join = {{"group_id", "120363000000000002@g.us"}, {"participants", {"919811100020@c.us", "919800000001@c.us"}}};
  welcome.on_group_join(aid, join);
  clock.advance(std::chrono::seconds(30));
  welcome.on_group_join(aid, {{"group_id", "120363000000000002@g.us"}, {"participants", {"919811100021@c.us"}}});
  EXPECT_EQ(welcome.get(pid, gid)["waiting"], 2) << "our own number is not welcomed";
  clock.advance(std::chrono::seconds(20));
  EXPECT_EQ(welcome.tick(), 0) << "the window is not over";
  clock.advance(std::chrono::seconds(15));
  EXPECT_EQ(welcome.tick(), 1);
  welcome.on_group_join(aid, join);  // replayed
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(welcome.tick(), 0);
  auto content = db->read([&](store::Conn& c) { return c.run_text("SELECT content FROM outbox WHERE kind = 'welcome'")[0].str("content"); });
  EXPECT_EQ(json::parse(content)["text"], "Welcome @919811100020 @919811100021 to TN Broiler Farmers!");
  OrderSender sender;
  campaigns::Dispatcher d(*db, sender, clock, nullptr);
  EXPECT_EQ(d.step(aid), campaigns::StepResult::claimed);
  EXPECT_EQ(sender.mentions, (std::vector<std::string>{"+919811100020", "+919811100021"}));
  EXPECT_EQ(sender.calls, (std::vector<std::string>{"send 120363000000000002@g.us"}));
}
