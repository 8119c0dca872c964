#include "campaigns/dispatcher.hpp"

#include "accounts/account.hpp"
#include "campaigns/reroute.hpp"
#include "projects/project.hpp"
#include "safety/local_time.hpp"
#include "util/crypto.hpp"
#include "util/log_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sangam::campaigns {

namespace {
// A send that never left the core (no connector): tried again this soon, without counting an attempt.
constexpr int64_t kNoConnectorRetryMs = 5'000;

safety::Priority priority_of(int64_t p) { return static_cast<safety::Priority>(std::clamp<int64_t>(p, 1, 4)); }

safety::Action action_of(const std::string& target) {
  if (target.ends_with("@g.us")) return safety::Action::group_post;
  if (target.ends_with("@newsletter")) return safety::Action::channel_post;
  return safety::Action::direct_message;
}

}  // namespace

std::optional<int64_t> media_id_of(const std::string& stored) {
  json j = json::parse(stored, nullptr, false);
  if (!j.is_object() || !j.contains("media_id") || !j["media_id"].is_number_integer()) return std::nullopt;
  return j["media_id"].get<int64_t>();
}

std::optional<std::string> phase_refusal(const std::string& phase, const std::string& kind) {
  if (phase == "observation")
    return std::string("the group is in its observation phase: our number only watches there, it posts nothing");
  if (phase == "contribution" && kind != "reply")
    return std::string("the group is in its contribution phase: our number only replies there (through the inbox)");
  return std::nullopt;
}

Content stored_content(const std::string& stored) {
  Content c;
  json j = json::parse(stored, nullptr, false);
  if (j.is_string()) c.text = j.get<std::string>();
  else if (j.is_object()) {
    c.text = j.value("text", "");
    std::string kind = j.value("kind", "text");
    if (kind == "poll" && j.contains("poll")) {
      c.kind = ContentKind::poll;
      c.poll = Poll{j["poll"].value("question", ""), j["poll"].value("options", std::vector<std::string>{}), j["poll"].value("multiple", false)};
    } else if ((kind == "image" || kind == "document" || kind == "video") && j.contains("media")) {
      c.kind = kind == "image" ? ContentKind::image : kind == "document" ? ContentKind::document : ContentKind::video;
      c.media = Media{j["media"].value("mimetype", ""), j["media"].value("filename", ""), j["media"].value("data_base64", "")};
    }
    c.link_preview = j.value("link_preview", true);
    // Phones (E.164) the text mentions as @digits: a welcome names its new members.
    if (j.contains("mentions") && j["mentions"].is_array())
      for (const auto& m : j["mentions"])
        if (m.is_string()) c.mentions.push_back(m.get<std::string>());
  }
  return c;
}

int64_t Dispatcher::recover_own_claims() {
  auto r = db_.write([&](store::Conn& c) { return c.run("outbox-recover-node", {opts_.node_id, clock_.now_ms()}); });
  if (r.affected) spdlog::warn("event=outbox.recovered_own_claims node={} rows={}", log_value(opts_.node_id), r.affected);
  return r.affected;
}

int64_t Dispatcher::recover_stale() {
  int64_t now = clock_.now_ms();
  auto r = db_.write([&](store::Conn& c) { return c.run("outbox-recover-stale", {now}); });
  if (r.affected) spdlog::warn("event=outbox.recovered_unknown rows={}", r.affected);
  return r.affected;
}

StepResult Dispatcher::step(int64_t account_id, std::function<void(SendStatus)> done) {
  struct Claimed {
    int64_t id, attempts;
    SendRequest req;
    bool seen_first = false;  // a reply (P1): mark the chat seen and show typing before the send
  };
  std::optional<Claimed> claimed;
  StepResult result = db_.write([&](store::Conn& c) -> StepResult {
    int64_t now = clock_.now_ms();
    // The account (locked) and its project's calendar; on SQLite in the same statement its latest day
    // usage row and whether a send is in flight (docs/performance.md, "Dispatcher decision with a
    // usage counter"). PostgreSQL reads those after the lock, in a statement of its own
    // (store/postgres/queries.sql, dispatch-lock-account, says why).
    // The three reads go in one round trip on PostgreSQL (Conn::run_many), in this order: the usage
    // and the due row are read once the lock is held.
    const bool separate_usage = db_.backend() == store::Backend::postgres;
    std::vector<store::Conn::Step> reads{{"dispatch-lock-account", {account_id, now}}};
    if (separate_usage) reads.push_back({"dispatch-usage", {account_id, now}});
    reads.push_back({"outbox-next-due", {account_id, now}});
    std::vector<store::Result> got = c.run_many(reads);
    const store::Result& arow = got[0];
    if (arow.empty()) return StepResult::busy;  // no such account, or its project is gone
    Account a = account_from_row(arow[0]);
    store::Row latest = separate_usage ? got[1][0] : arow[0];
    const store::Result& next = got.back();
    if (next.empty()) return StepResult::idle;
    store::Row row = next[0];
    int64_t id = row.i64("id");
    std::string target = row.str("target"), kind = row.str("kind");

    // Consent first, at send time: a one-to-one row to a contact who opted out, never engaged, or is
    // suppressed is skipped for good (the one exception: confirming an opt-out, by its kind).
    if (action_of(target) == safety::Action::direct_message && kind != "opt_out_confirmation") {
      ConsentVerdict v = consent_ ? consent_(c, a.project_id, row.opt_i64("contact_id"), target) : ConsentVerdict{false, "no consent gate"};
      bool reply = priority_of(row.i64("priority")) == safety::Priority::reply;
      if (!v.allowed && !(reply && v.reason == "no_consent")) {
        c.run("outbox-claim-skip", {id, opts_.node_id, now, now + opts_.claim_ttl_ms, "consent: " + v.reason});
        return StepResult::skipped;
      }
    }

    // The engagement phase, at send time (issue 10 item 9): observation → nothing at all; contribution →
    // replies only (the inbox's answers); value posts → everything. A row planned while the group was in
    // its value phase is skipped for good, with the reason, once the group moves back.
    if (action_of(target) == safety::Action::group_post) {
      auto ph = c.run("outbox-group-phase", {a.project_id, target, account_id});
      if (auto why = ph.empty() ? std::nullopt : phase_refusal(ph[0].str("phase"), kind)) {
        c.run("outbox-claim-skip", {id, opts_.node_id, now, now + opts_.claim_ttl_ms, *why});
        return StepResult::skipped;
      }
    }

    std::string time_zone;
    safety::Calendar cal = calendar_of(c, arow[0], a.project_id, time_zone);
    safety::LocalTime local = safety::local_time(time_zone, now);
    // The day's usage: the counter row the claims keep (migration 0021). The statement above brought
    // the account's latest one; when that is not today's (a new local day, a time zone changed, the
    // day of the upgrade), today's is read by its key, or seeded once from a count of the outbox.
    store::Result usage_rows;
    std::optional<store::Row> usage;
    if (latest.opt_i64("usage_day") == local.midnight_utc_ms) {
      usage = latest;
    } else {
      usage_rows = c.run("outbox-usage-day", {account_id, local.midnight_utc_ms});
      if (usage_rows.empty()) {
        auto count = c.run("outbox-usage-today", {account_id, local.midnight_utc_ms});
        store::Row n = count[0];
        c.run("outbox-usage-init", {account_id, local.midnight_utc_ms, n.i64("messages"), n.i64("group_posts"),
                                    n.i64("new_chats"), n.at("last_claimed_at")});
        usage_rows = c.run("outbox-usage-day", {account_id, local.midnight_utc_ms});
      }
      if (!usage_rows.empty()) usage = usage_rows[0];
    }
    safety::AccountView view;
    view.id = a.id;
    view.role = a.role;
    view.status = a.status;
    view.health = a.health;
    view.warmup_started_ms = a.warmup_started_at;
    if (usage) {
      view.today.messages = static_cast<int>(usage->i64("usage_messages"));
      view.today.group_posts = static_cast<int>(usage->i64("usage_group_posts"));
      view.today.new_chats = static_cast<int>(usage->i64("usage_new_chats"));
      view.last_send_ms = usage->opt_i64("usage_last_claimed_at");
      view.sends_total = view.today.messages;
    }
    view.send_in_flight = latest.i64("in_flight") > 0;
    safety::Limits limits = opts_.limits;
    limits.messages = static_cast<int>(a.daily_limit);
    if (opts_.relaxed_for_sim && a.engine == "sim") {
      // Test only (see DispatchOptions): no limits, no pacing, every hour a working hour.
      limits = safety::Limits{1'000'000, 1'000'000, 1'000'000, 1'000'000, 1'000'000};
      limits.messages = 1'000'000;
      view.last_send_ms.reset();
      view.role = AccountRole::production;
      cal = safety::Calendar{{{0, 24 * 60}}, 1.0};
    }
    safety::Priority prio = priority_of(row.i64("priority"));
    safety::Intent intent{action_of(target), prio, action_of(target) == safety::Action::direct_message && kind != "reply" && kind != "opt_out_confirmation", 0};
    safety::Decision d = safety::decide(limits, cal, view, intent, local);
    if (d.verdict == safety::Verdict::wait) {
      c.run("outbox-defer", {id, d.not_before_ms, safety::reason_text(d.reason), now});
      return StepResult::waiting;
    }
    if (d.verdict == safety::Verdict::refuse) return StepResult::busy;  // the account cannot send: failover moves its rows

    SendRequest req;
    req.account_id = account_id;
    req.to = target;
    req.content = stored_content(row.str("content"));
    // An uploaded file goes with the post (issue 10 item 10): its bytes are read here, at claim time,
    // so the outbox row stays small. A file deleted since planning skips the row, with the reason.
    if (auto mid = media_id_of(row.str("content"))) {
      auto m = c.run("media-for-send", {a.project_id, *mid});
      if (m.empty()) {
        c.run("outbox-claim-skip", {id, opts_.node_id, now, now + opts_.claim_ttl_ms, std::string("the post's media file is no longer stored")});
        return StepResult::skipped;
      }
      std::string kind = json::parse(row.str("content")).value("kind", "image");
      req.content.kind = kind == "video" ? ContentKind::video : kind == "document" ? ContentKind::document : ContentKind::image;
      req.content.media = Media{m[0].str("mimetype"), m[0].str("filename"), crypto::base64_encode(m[0].str("data"))};
    }
    // The claim is the transaction's last statement: PostgreSQL commits with it, in one round trip.
    auto claim = c.run_final("outbox-claim", {id, opts_.node_id, now, now + opts_.claim_ttl_ms, local.midnight_utc_ms});
    if (claim.affected != 1) return StepResult::busy;
    req.idempotency_key = row.str("idempotency_key");
    claimed = Claimed{id, row.i64("attempts") + 1, std::move(req), d.mark_seen};
    return StepResult::claimed;
  });
  if (!claimed) return result;
  // The claim is committed: from here a crash leaves `claimed`, which recovery marks unknown.
  int64_t id = claimed->id, attempts = claimed->attempts;
  auto send = [this, id, account_id, attempts, req = claimed->req, done = std::move(done)]() mutable {
    sender_.send(req, [this, id, account_id, attempts, done = std::move(done)](const SendOutcome& o) {
      try {
        settle(id, account_id, o, static_cast<int>(attempts));
      } catch (const std::exception& e) {
        spdlog::error("event=outbox.settle_failed id={} reason={}", id, log_value(e.what()));
      }
      if (done) done(o.status);
    });
  };
  if (!claimed->seen_first) {
    send();
    return StepResult::claimed;
  }
  // A reply reads like a person answering: the chat is marked seen, typing shows, then the message
  // goes (the inbox's answers and opt-out confirmations). Either failing only costs the look, so the
  // send goes on regardless.
  std::string chat = claimed->req.to;
  auto logged = [id](const char* what) {
    return [id, what](bool ok, const std::string& err) {
      if (!ok) spdlog::warn("event=outbox.{}_failed id={} reason={}", what, id, log_value(err));
    };
  };
  sender_.mark_seen(account_id, chat, [this, account_id, chat, logged, send = std::move(send)](bool ok, const std::string& err) mutable {
    logged("mark_seen")(ok, err);
    sender_.typing(account_id, chat, true, [logged, send = std::move(send)](bool ok2, const std::string& err2) mutable {
      logged("typing")(ok2, err2);
      send();
    });
  });
  return StepResult::claimed;
}

safety::Calendar Dispatcher::calendar_of(store::Conn& c, const store::Row& arow, int64_t project_id, std::string& time_zone) {
  std::string tz = arow.str("project_time_zone"), hours = arow.str("project_working_hours");
  double weekend = arow.f64("project_weekend_factor");
  {
    std::lock_guard g(calendars_mu_);
    auto it = calendars_.find(project_id);
    if (it != calendars_.end() && it->second.time_zone == tz && it->second.working_hours == hours &&
        it->second.weekend_factor == weekend) {
      time_zone = tz;
      return it->second.calendar;
    }
  }
  // Changed or not seen yet: parsed the way the project service reads it (project_from_row).
  auto prow = c.run("project-by-id", {project_id});
  Project p = prow.empty() ? Project{} : project_from_row(prow[0]);
  ProjectCalendar pc{tz, hours, weekend, safety::Calendar{p.working_hours, weekend}};
  time_zone = tz;
  std::lock_guard g(calendars_mu_);
  calendars_[project_id] = pc;
  return pc.calendar;
}

void Dispatcher::settle(int64_t id, int64_t account_id, const SendOutcome& o, int attempts) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    switch (o.status) {
      case SendStatus::sent:
        c.run("outbox-finish", {id, opts_.node_id, std::string("sent"), o.message_id, nullptr, now, now});
        break;
      case SendStatus::not_sent:
        if (!o.left_core) {
          c.run("outbox-release", {id, opts_.node_id, now + kNoConnectorRetryMs, "not sent (" + o.reason + "); trying again shortly", now});
          break;
        }
        // After the retries: another number of the project that can reach the target, else the
        // target is marked unreachable (item 15; campaigns/reroute.hpp).
        if (attempts >= opts_.max_attempts)
          reroute_after_failures(c, id, "not sent after " + std::to_string(attempts) + " attempts: " + o.reason, now);
        else
          c.run("outbox-requeue", {id, opts_.node_id, now + opts_.retry_delay_ms, "not sent (" + o.reason + "); retrying", now});
        break;
      case SendStatus::rate_limited:
        // WhatsApp refused for rate: the row waits and the account backs off (safety.md, rule 2).
        c.run("outbox-requeue", {id, opts_.node_id, now + safety::rate_refusal_cooldown_ms(1), "WhatsApp asked to slow down: " + o.reason, now});
        break;
      case SendStatus::refused:
        c.run("outbox-finish", {id, opts_.node_id, std::string("refused"), nullptr, o.reason, nullptr, now});
        break;
      case SendStatus::unknown:
        c.run("outbox-finish", {id, opts_.node_id, std::string("unknown"), nullptr,
                                "may have been sent (" + o.reason + "); check the chat before sending again", nullptr, now});
        break;
    }
  });
  spdlog::info("event=outbox.settled id={} account={} outcome={}", id, account_id, send_status_name(o.status));
}

}  // namespace sangam::campaigns
