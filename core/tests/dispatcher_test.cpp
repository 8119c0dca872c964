// The dispatcher on both backends: the next due row (P1 first), consent and policy at send time,
// claims no two dispatchers share, limits that hold under concurrency, and crashes that never send a
// message twice.
#include "campaigns/dispatcher.hpp"

#include "projects/project.hpp"
#include "safety/local_time.hpp"
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace sangam;
using namespace sangam::campaigns;
using json = nlohmann::json;

namespace {
// Answers each send at once with `answer`, or holds it (a connector that never answers: a crash).
class FakeSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    std::unique_lock g(mu_);
    keys.push_back(req.idempotency_key);
    if (hold) {
      held.push_back(std::move(cb));
      return;
    }
    SendOutcome o{answer, answer == SendStatus::sent ? "wa-" + req.idempotency_key : "", false, "fake"};
    g.unlock();
    cb(o);
  }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
  std::vector<std::string> keys;
  std::vector<SendCallback> held;
  SendStatus answer = SendStatus::sent;
  bool hold = false;

 private:
  std::mutex mu_;
};

class DispatcherTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    // 2026-11-24 05:30 UTC is 11:00 in Asia/Kolkata, a Tuesday, inside 09:00–12:00.
    db->write([&](store::Conn& c) {
      pid = c.run("project-insert", project_params_for_test())[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("one"), std::string("sim"),
                                      std::string("production"), int64_t(10), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
    });
  }
  store::Params project_params_for_test() {
    Project p;
    p.name = "PoultryCare";
    p.slug = "poultrycare";
    store::Params params = project_params(p);
    params.push_back(clock.now_ms());
    return params;
  }
  int64_t queue(const std::string& target, int priority, std::optional<int64_t> contact = std::nullopt,
                const std::string& kind = "campaign") {
    return db->write([&](store::Conn& c) {
      return c.run("outbox-enqueue", {pid, aid, target, contact ? store::Value(*contact) : store::Value(nullptr), kind,
                                     json{{"text", "Winter feed tips"}}.dump(), int64_t(priority), clock.now_ms(),
                                     "key-" + std::to_string(++seq), nullptr, clock.now_ms()})[0].i64("id");
    });
  }
  json row(int64_t id) {
    auto r = db->read([&](store::Conn& c) { return c.run("outbox-get", {id}); });
    auto x = r[0];
    return {{"status", x.str("status")}, {"reason", x.opt_str("reason").value_or("")}, {"attempts", x.i64("attempts")},
            {"wa", x.opt_str("wa_message_id").value_or("")}, {"planned_at", x.i64("planned_at")}};
  }
  ConsentCheck consent(std::string reason_or_ok = "") {
    return [reason_or_ok](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) {
      return ConsentVerdict{reason_or_ok.empty(), reason_or_ok};
    };
  }
  int64_t pid = 0, aid = 0, seq = 0;
  FakeSender sender;
};
SANGAM_BOTH_BACKENDS(DispatcherTest);
}  // namespace

TEST_P(DispatcherTest, RepliesGoFirstAndTheOutcomeIsRecorded) {
  Dispatcher d(*db, sender, clock, consent());
  int64_t post = queue("120363000000000001@g.us", 3);
  int64_t reply = queue("919800000011@c.us", 1, std::nullopt, "reply");
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(reply)["status"], "sent");
  EXPECT_EQ(row(reply)["wa"], "wa-key-2");
  EXPECT_EQ(row(post)["status"], "queued");
  // The next send waits the pacing gap: its planned time moves, nothing is sent.
  EXPECT_EQ(d.step(aid), StepResult::waiting);
  EXPECT_GT(row(post)["planned_at"].get<int64_t>(), clock.now_ms());
  EXPECT_EQ(sender.keys.size(), 1u);
  clock.advance(std::chrono::minutes(3));
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(post)["status"], "sent");
  EXPECT_EQ(d.step(aid), StepResult::idle);
}

TEST_P(DispatcherTest, ConsentIsCheckedAtSendTimeAndAnOptOutConfirmationStillGoes) {
  Dispatcher d(*db, sender, clock, consent("opted_out"));
  const int64_t contact = 4242;
  db->write([&](store::Conn& c) {
    c.exec_script("INSERT INTO contacts (id, project_id, phone, source, created_at, updated_at) VALUES (4242, " +
                  std::to_string(pid) + ", '+919800000011', 'api', 0, 0)");
  });
  int64_t dm = queue("919800000011@c.us", 3, contact);
  EXPECT_EQ(d.step(aid), StepResult::skipped);
  EXPECT_EQ(row(dm)["status"], "skipped");
  EXPECT_EQ(row(dm)["reason"], "consent: opted_out");
  EXPECT_TRUE(sender.keys.empty());
  int64_t confirm = queue("919800000011@c.us", 1, contact, "opt_out_confirmation");
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(confirm)["status"], "sent");
}

TEST_P(DispatcherTest, NotSentIsRetriedThreeTimesThenFailedButUnknownIsNeverRetried) {
  Dispatcher d(*db, sender, clock, consent());
  sender.answer = SendStatus::not_sent;
  int64_t id = queue("120363000000000001@g.us", 3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(d.step(aid), StepResult::claimed) << i;
    clock.advance(std::chrono::minutes(6));
  }
  EXPECT_EQ(row(id)["status"], "failed");
  EXPECT_EQ(row(id)["attempts"], 3);
  sender.answer = SendStatus::unknown;
  int64_t maybe = queue("120363000000000002@g.us", 3);
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(maybe)["status"], "unknown");
  clock.advance(std::chrono::minutes(10));
  EXPECT_EQ(d.step(aid), StepResult::idle);
  EXPECT_EQ(sender.keys.size(), 4u);
}

TEST_P(DispatcherTest, ACrashAfterTheClaimLeavesTheMessageUnknownNeverSentAgain) {
  sender.hold = true;  // the core dies while the connector has the send
  {
    Dispatcher first(*db, sender, clock, consent());
    queue("120363000000000001@g.us", 3);
    EXPECT_EQ(first.step(aid), StepResult::claimed);
  }
  sender.hold = false;
  Dispatcher restarted(*db, sender, clock, consent());
  EXPECT_EQ(restarted.recover_stale(), 0);  // the claim has not expired yet: still in flight
  EXPECT_EQ(restarted.step(aid), StepResult::idle);
  clock.advance(std::chrono::minutes(6));
  EXPECT_EQ(restarted.recover_stale(), 1);
  EXPECT_EQ(restarted.step(aid), StepResult::idle);
  EXPECT_EQ(sender.keys.size(), 1u);
}

TEST_P(DispatcherTest, FourDispatchersNeverShareAClaimAndTheDailyLimitHolds) {
  for (int i = 0; i < 30; ++i) queue("12036300000000" + std::to_string(1000 + i) + "@g.us", 3);
  // Group posts are capped at 8 a day: the first limit these rows meet.
  std::vector<std::unique_ptr<Dispatcher>> ds;
  for (int i = 0; i < 4; ++i) {
    DispatchOptions o;
    o.node_id = "node-" + std::to_string(i);
    ds.push_back(std::make_unique<Dispatcher>(*db, sender, clock, consent(), o));
  }
  std::atomic<int> claims{0};
  for (int round = 0; round < 25; ++round) {
    std::vector<std::thread> ts;
    std::atomic<int> this_round{0};
    for (auto& d : ds)
      ts.emplace_back([&] {
        for (int tries = 0; tries < 20; ++tries) {
          try {
            StepResult r = d->step(aid);
            if (r == StepResult::claimed) ++this_round;
            break;
          } catch (const store::DbError& e) {
            if (e.kind() != store::DbError::Kind::busy) throw;  // SQLite busy: try again
          }
        }
      });
    for (auto& t : ts) t.join();
    EXPECT_LE(this_round.load(), 1) << "round " << round;  // one send at a time, paced
    claims += this_round;
    clock.advance(std::chrono::seconds(130));
  }
  std::set<std::string> keys(sender.keys.begin(), sender.keys.end());
  EXPECT_EQ(keys.size(), sender.keys.size());  // no key sent twice
  EXPECT_EQ(claims.load(), 8);
  EXPECT_EQ(sender.keys.size(), 8u);
}

// Issue 10 item 9: the engagement phase gates posts at send time, not only when they are planned.
TEST_P(DispatcherTest, AGroupMovedBackToObservationGetsItsPlannedPostSkippedWithTheReason) {
  Dispatcher d(*db, sender, clock, consent());
  const std::string gwa = "120363000000000077@g.us";
  auto set_phase = [&](const std::string& phase) {
    db->write([&](store::Conn& c) {
      c.exec_script("UPDATE group_accounts SET phase = '" + phase + "' WHERE account_id = " + std::to_string(aid));
    });
  };
  db->write([&](store::Conn& c) {
    int64_t gid = c.run("group-upsert", {pid, gwa, std::string("group"), std::string("Layer Farmers Pune"), std::string(""), int64_t(80),
                                          int64_t(2), int64_t(0), nullptr, int64_t(0), nullptr, std::string("[]"), nullptr,
                                          clock.now_ms()})[0].i64("id");
    c.run("group-account-upsert", {gid, aid, pid, int64_t(0), std::string("value"), clock.now_ms()});
  });
  int64_t planned = queue(gwa, 3);
  set_phase("observation");
  EXPECT_EQ(d.step(aid), StepResult::skipped);
  EXPECT_EQ(row(planned)["status"], "skipped");
  EXPECT_NE(row(planned)["reason"].get<std::string>().find("observation phase"), std::string::npos);
  // Observation: not even a reply.
  int64_t early_reply = queue(gwa, 1, std::nullopt, "reply");
  EXPECT_EQ(d.step(aid), StepResult::skipped);
  EXPECT_EQ(row(early_reply)["status"], "skipped");
  // Contribution: replies go, posts do not.
  set_phase("contribution");
  int64_t post = queue(gwa, 3);
  int64_t reply = queue(gwa, 1, std::nullopt, "reply");
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(reply)["status"], "sent");
  clock.advance(std::chrono::minutes(3));
  EXPECT_EQ(d.step(aid), StepResult::skipped);
  EXPECT_NE(row(post)["reason"].get<std::string>().find("contribution phase"), std::string::npos);
  // Value posts: the post goes.
  set_phase("value");
  int64_t value_post = queue(gwa, 3);
  clock.advance(std::chrono::minutes(3));
  EXPECT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(value_post)["status"], "sent");
  EXPECT_EQ(sender.keys.size(), 2u);
}

// Migration 0021: the day's usage is a counter row the claim's trigger keeps, read by its key instead
// of a count over the day's claims. It must equal that count after anything that writes the outbox.
namespace {
struct Usage {
  int64_t counted = -1, counter = -1;
  std::optional<int64_t> last_claimed_at;
};
Usage usage_of(store::Database& db, int64_t account, int64_t now_ms) {
  int64_t midnight = safety::local_time("Asia/Kolkata", now_ms).midnight_utc_ms;
  return db.read([&](store::Conn& c) {
    Usage u;
    u.counted = c.run("outbox-usage-today", {account, midnight})[0].i64("messages");
    auto row = c.run("outbox-usage-day", {account, midnight});
    if (!row.empty()) {
      u.counter = row[0].i64("usage_messages");
      u.last_claimed_at = row[0].opt_i64("usage_last_claimed_at");
    }
    return u;
  });
}
}  // namespace

TEST_P(DispatcherTest, TheDaysUsageCounterEqualsTheCountUnderFourDispatchersAndSendsThatNeverLeft) {
  // Replies (8–20 s apart) to 40 chats; the account's daily limit is 10. Every third send surely was
  // not sent: it goes back to the queue and must leave the count with it.
  for (int i = 0; i < 40; ++i) queue("9198000" + std::to_string(10000 + i) + "@c.us", 1, std::nullopt, "reply");
  std::atomic<int> sends{0};
  class Flaky final : public Sender {
   public:
    explicit Flaky(std::atomic<int>& n) : n_(n) {}
    void send(const SendRequest& req, SendCallback cb) override {
      bool lost = ++n_ % 3 == 0;
      cb(SendOutcome{lost ? SendStatus::not_sent : SendStatus::sent, lost ? "" : "wa-" + req.idempotency_key, false, "fake"});
    }
    void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
    void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }

   private:
    std::atomic<int>& n_;
  } flaky(sends);
  std::vector<std::unique_ptr<Dispatcher>> ds;
  for (int i = 0; i < 4; ++i) {
    DispatchOptions o;
    o.node_id = "node-" + std::to_string(i);
    ds.push_back(std::make_unique<Dispatcher>(*db, flaky, clock, consent(), o));
  }
  for (int round = 0; round < 40; ++round) {
    std::vector<std::thread> ts;
    for (auto& d : ds)
      ts.emplace_back([&] {
        for (int tries = 0; tries < 20; ++tries) {
          try {
            d->step(aid);
            break;
          } catch (const store::DbError& e) {
            if (e.kind() != store::DbError::Kind::busy) throw;
          }
        }
      });
    for (auto& t : ts) t.join();
    Usage u = usage_of(*db, aid, clock.now_ms());
    ASSERT_EQ(u.counter, u.counted) << "round " << round;
    ASSERT_LE(u.counted, 10) << "round " << round;
    clock.advance(std::chrono::seconds(25));
  }
  Usage u = usage_of(*db, aid, clock.now_ms());
  EXPECT_EQ(u.counted, 10);  // the daily limit, reached and held
  EXPECT_EQ(u.counter, 10);
  int64_t sent = db->read([&](store::Conn& c) {
    return c.run_text("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'")[0].i64("n");
  });
  EXPECT_EQ(sent, 10);
  EXPECT_GT(sends.load(), 10);  // some sends never left and were tried again
}

TEST_P(DispatcherTest, TheDaysUsageCounterFollowsRowsLeftByOtherWritersAndGivesThePacingBack) {
  Dispatcher d(*db, sender, clock, consent());
  // A reply goes; the next surely was not sent (queued again for 5 minutes later): the pacing gap
  // starts again from the first.
  int64_t first_claim = clock.now_ms();
  queue("919800000011@c.us", 1, std::nullopt, "reply");
  ASSERT_EQ(d.step(aid), StepResult::claimed);
  clock.advance(std::chrono::seconds(30));
  sender.answer = SendStatus::not_sent;
  int64_t lost = queue("919800000012@c.us", 1, std::nullopt, "reply");
  ASSERT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(lost)["status"], "queued");
  Usage u = usage_of(*db, aid, clock.now_ms());
  EXPECT_EQ(u.counter, 1);
  EXPECT_EQ(u.counted, 1);
  EXPECT_EQ(u.last_claimed_at, first_claim);
  // An unknown outcome counts (it may have been sent); the inbox's "sent again" cancels it, and a
  // crashed claim recovered as unknown still counts.
  sender.answer = SendStatus::unknown;
  clock.advance(std::chrono::minutes(6));
  ASSERT_EQ(d.step(aid), StepResult::claimed);
  EXPECT_EQ(row(lost)["status"], "unknown");
  EXPECT_EQ(usage_of(*db, aid, clock.now_ms()).counter, 2);
  db->write([&](store::Conn& c) { c.run("inbox-outbox-mark-resent", {pid, lost, std::string("sent again"), clock.now_ms()}); });
  u = usage_of(*db, aid, clock.now_ms());
  EXPECT_EQ(u.counter, 1);
  EXPECT_EQ(u.counted, 1);
  sender.hold = true;
  int64_t held = queue("919800000013@c.us", 1, std::nullopt, "reply");
  clock.advance(std::chrono::seconds(30));
  ASSERT_EQ(d.step(aid), StepResult::claimed);
  clock.advance(std::chrono::minutes(6));
  EXPECT_EQ(d.recover_stale(), 1);
  EXPECT_EQ(row(held)["status"], "unknown");
  EXPECT_EQ(usage_of(*db, aid, clock.now_ms()).counter, 2);
  // Moved to another number: it leaves this number's count.
  int64_t other = db->write([&](store::Conn& c) {
    return c.run("account-insert", {pid, std::string("+919800000002"), std::string("two"), std::string("sim"),
                                     std::string("production"), int64_t(10), clock.now_ms()})[0].i64("id");
  });
  db->write([&](store::Conn& c) {
    c.run("outbox-move", {held, other, clock.now_ms(), std::string("[]"), std::string("moved"), clock.now_ms()});
  });
  u = usage_of(*db, aid, clock.now_ms());
  EXPECT_EQ(u.counter, 1);
  EXPECT_EQ(u.counted, 1);
  EXPECT_EQ(usage_of(*db, other, clock.now_ms()).counted, 0);
}

TEST_P(DispatcherTest, ANewTimeZoneIsReadAtTheNextDecisionAndItsDayIsCountedFromTheOutbox) {
  Dispatcher d(*db, sender, clock, consent());
  queue("919800000011@c.us", 1, std::nullopt, "reply");
  ASSERT_EQ(d.step(aid), StepResult::claimed);
  // 05:30 UTC: 11:00 in Kolkata, and 05:30 in UTC, a day that began 5.5 h later than Kolkata's. The
  // claim above (at 05:30 UTC) is in both days; the decision must count it under the new zone too.
  db->write([&](store::Conn& c) {
    c.exec_script("UPDATE projects SET time_zone = 'UTC' WHERE id = " + std::to_string(pid));
  });
  // A daily limit of 1 on this account: the claim already made today leaves no room.
  db->write([&](store::Conn& c) { c.exec_script("UPDATE accounts SET daily_limit = 1 WHERE id = " + std::to_string(aid)); });
  int64_t next = queue("919800000012@c.us", 1, std::nullopt, "reply");
  clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(d.step(aid), StepResult::waiting);
  EXPECT_EQ(row(next)["reason"], "The number reached today's message limit.");
  EXPECT_EQ(sender.keys.size(), 1u);
  int64_t utc_midnight = safety::local_time("UTC", clock.now_ms()).midnight_utc_ms;
  auto r = db->read([&](store::Conn& c) { return c.run("outbox-usage-day", {aid, utc_midnight}); });
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].i64("usage_messages"), 1);
}
