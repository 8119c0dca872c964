// Account pool, engines' side: what a connector reports, session archives, and the timed work
// (session restore with backoff, keepalive, health, phone inactivity).
#include "accounts/account_service.hpp"

#include "accounts/health.hpp"
#include "contacts/phone.hpp"
#include "projects/audit.hpp"
#include "projects/project.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"
#include "util/json_input.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace sangam {

namespace {
// Disconnect reasons (whatsapp-web.js WAState / disconnect reasons) after which the session is gone.
bool is_ban(const std::string& r) { return r == "TOS_BLOCK" || r == "SMB_TOS_BLOCK"; }
bool is_unlinked(const std::string& r) { return r == "UNPAIRED" || r == "LOGOUT" || r == "UNPAIRED_IDLE"; }

// What WhatsApp or the connector did to a number goes into the project's audit log beside what people
// did (issue 13 item 6), with no person as actor: "WhatsApp banned +91 98000 00001".
void audit_status(store::Conn& c, int64_t now, const Account& a, AccountStatus to, const std::string& reason) {
  json before = {{"status", status_name(a.status)}, {"phone", a.phone}, {"label", a.label}};
  json after = {{"status", status_name(to)}, {"phone", a.phone}, {"label", a.label}, {"reason", reason}};
  audit(c, now, a.project_id, {0, ""}, to == AccountStatus::banned ? "account.banned" : "account.status_changed",
        "account:" + std::to_string(a.id), before, after);
}
}  // namespace

void AccountService::on_engine_event(int64_t aid, const std::string& event, const json& data) {
  try {
    int64_t now = clock_.now_ms();
    if (event == "account.qr" || event == "account.pairing_code") {
      std::string kind = event == "account.qr" ? "qr" : "pairing_code";
      std::string value = data.value(kind == "qr" ? "qr" : "code", "");
      if (value.empty()) return;
      int64_t pid = db_.write([&](store::Conn& c) {
        Account a = load(c, aid);
        c.run("account-qr-insert", {aid, kind, value, now});
        c.run("account-qr-trim", {aid});
        return a.project_id;
      });
      // Whoever scans the QR code (or types the pairing code) owns the number's session: managers and
      // owners only, as for GET …/qr; a viewer subscribed to the project never sees one.
      bus_.publish({"account.qr", pid, std::nullopt,
                    {{"account_id", aid}, {"kind", kind}, {"value", value}, {"attempt", data.value("attempt", 1)}}, now,
                    static_cast<int>(Role::manager)});
      if (kind == "qr") request_pairing_code_if_wanted(aid);
    } else if (event == "account.ready") {
      on_ready(aid, data);
    } else if (event == "account.disconnected") {
      std::string reason = data.value("reason", "UNKNOWN");
      // The connector stopped its client because this node was silent past its fence (paused, hung).
      // Renew first (the last renewal is stale after such a pause): if the lease ran out and another
      // node runs the account now, this node's view is stale and must not overwrite its status; if
      // the lease is still ours (nobody adopted it, e.g. a single node), restore the session as for
      // any lost connection.
      if (reason == "FENCED") {
        renew_leases();
        if (!holds_lease(aid)) {
          spdlog::info("event=account.fenced_elsewhere account={} node={}", aid, opts_.node_id);
          return;
        }
      }
      on_disconnected(aid, reason);
    } else if (event == "account.auth_failure") {
      db_.write([&](store::Conn& c) { c.run("session-archive-delete", {aid}); });
      on_failure(aid, "auth_failure", "WhatsApp refused the stored session: " + data.value("message", "unknown reason"));
    } else if (event == "account.error") {
      on_failure(aid, data.value("code", "failed"), data.value("message", "the WhatsApp client failed"));
    } else if (event == "account.state") {
      if (data.value("state", "") == "CONNECTED")
        db_.write([&](store::Conn& c) { c.run("account-seen", {aid, now, nullptr}); });
    } else if (event == "message.received" || event == "message.reaction" || event == "poll.vote") {
      int64_t pid = db_.write([&](store::Conn& c) {
        Account a = load(c, aid);
        c.run("account-seen", {aid, now, nullptr});
        c.run("account-event-insert", {aid, now, event});
        return a.project_id;
      });
      // Opt-out words and engagement, right here on the frame's thread: an incoming STOP is
      // opted_out (for every account: consent is the contact's) when this returns, a few ms later.
      if (incoming_) {
        try {
          incoming_->on_incoming(pid, aid, event, data);
        } catch (const std::exception& e) {
          spdlog::error("event=contacts.incoming_failed project={} account={} event={} error={}", pid, aid,
                        log_value(event, 64), log_value(e.what()));
        }
      }
    } else if (event == "message.ack") {
      std::string ack = data.value("ack", "");
      if (ack == "device" || ack == "read" || ack == "error")
        db_.write([&](store::Conn& c) { c.run("account-event-insert", {aid, now, "ack." + ack}); });
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
    spdlog::warn("event=engine.event_for_unknown_account account={} event={}", aid, log_value(event, 64));  // deleted meanwhile
  }
}

void AccountService::request_pairing_code_if_wanted(int64_t aid) {
  {
    std::lock_guard g(pairing_mu_);
    if (!wants_pairing_code_.erase(aid)) return;
  }
  std::string phone = db_.read([&](store::Conn& c) { return load(c, aid).phone; }), digits;
  for (char ch : phone)
    if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
  engine_.command(aid, "account.pairing_code", {{"phone", digits}}, [this, aid](const EngineResult& r) {
    if (r.ok) on_engine_event(aid, "account.pairing_code", r.data);
    else on_failure(aid, r.error_code, r.error_message);
  });
}

void AccountService::on_ready(int64_t aid, const json& data) {
  int64_t now = clock_.now_ms();
  std::optional<std::string> mismatch;
  db_.write([&](store::Conn& c) {
    Account a = load(c, aid);
    std::string reported = data.value("phone", "");
    auto normalized = reported.empty() ? std::nullopt : normalize_phone(reported, "ZZ");
    if (normalized && *normalized != a.phone) mismatch = *normalized;
    // A fresh link or a recovered lost session goes to the role's status; a restore keeps the status.
    AccountStatus to = a.status;
    if (a.status == AccountStatus::linking || a.status == AccountStatus::disconnected || a.status == AccountStatus::new_)
      to = status_for_role(a.role);
    if (to != a.status) {
      set_status(c, a, to, std::nullopt);
      audit_status(c, now, a, to, "linked");
    }
    std::string connector = data.value("connector_id", "");
    expect_status(c.run("account-linked", {aid, std::string(status_name(to)), now,
                                           connector.empty() ? store::Value(nullptr) : store::Value(connector)}),
                  aid, to);
    c.run("account-event-insert", {aid, now, "connected"});
  });
  if (mismatch) {
    auto pid = db_.read([&](store::Conn& c) { return load(c, aid).project_id; });
    alerts_.raise(pid, aid, "account_error", "warning",
                  "the phone that scanned the QR code is " + *mismatch + ", not this account's number");
  }
  set_ready(aid, true);
  recompute_health(aid);
  publish(aid);
}

void AccountService::on_disconnected(int64_t aid, const std::string& reason) {
  int64_t now = clock_.now_ms();
  set_ready(aid, false);
  Account a = db_.read([&](store::Conn& c) { return load(c, aid); });
  if (a.status == AccountStatus::banned || a.status == AccountStatus::retired || a.status == AccountStatus::new_) return;
  if (is_ban(reason)) {
    db_.write([&](store::Conn& c) {
      Account cur = load(c, aid);
      set_status(c, cur, AccountStatus::banned, "WhatsApp banned this number (" + reason + ")");
      audit_status(c, now, cur, AccountStatus::banned, reason);
      c.run("account-schedule-retry", {aid, int64_t(0), nullptr, std::string("WhatsApp banned this number (" + reason + ")"), now});
      c.run("account-set-health", {aid, int64_t(0), int64_t(0), int64_t(0), int64_t(0)});
      c.run("account-health-insert", {aid, now, int64_t(0), int64_t(0), int64_t(0), int64_t(0)});
    });
    engine_.command(aid, "account.stop", json::object(), nullptr);
    release(aid);
    alerts_.raise(a.project_id, aid, "account_banned", "critical",
                  a.phone + " was banned by WhatsApp (" + reason + "); its queued work must move to another number");
    publish(aid);
    tell_lost(a.project_id, aid, "banned", reason);
    return;
  }
  if (is_unlinked(reason) || a.status == AccountStatus::linking) {
    db_.write([&](store::Conn& c) {
      Account cur = load(c, aid);
      AccountStatus to = cur.linked_at ? AccountStatus::disconnected : AccountStatus::new_;
      std::string why = is_unlinked(reason) ? "WhatsApp unlinked this device (" + reason + "); scan a new QR code"
                                            : "the link was interrupted (" + reason + ")";
      if (cur.status != to) {
        set_status(c, cur, to, why);
        audit_status(c, now, cur, to, why);
      }
      expect_status(c.run("account-unlinked", {aid, std::string(status_name(to)), why, now}), aid, to);
      if (is_unlinked(reason)) c.run("session-archive-delete", {aid});
    });
    engine_.command(aid, "account.stop", json::object(), nullptr);
    release(aid);
    if (is_unlinked(reason))
      alerts_.raise(a.project_id, aid, "relink_needed", "warning", a.phone + " was unlinked by WhatsApp (" + reason + "); link it again");
    publish(aid);
    return;
  }
  // Anything else (network, navigation, a crashed browser, CONFLICT) is worth restoring the session for.
  if (!a.next_retry_at) {
    db_.write([&](store::Conn& c) {
      c.run("account-schedule-retry", {aid, int64_t(0), now + opts_.reconnect_delay_ms,
                                       std::string("connection lost (" + reason + "); restoring the session"), now});
      c.run("account-event-insert", {aid, now, "reconnect"});
    });
    spdlog::warn("event=account.disconnected account={} reason={} retry_in_ms={}", aid,
                 log_value(mask_phones(reason)), opts_.reconnect_delay_ms);
  }
  recompute_health(aid);
  publish(aid);
}

void AccountService::on_failure(int64_t aid, const std::string& kind, const std::string& message) {
  int64_t now = clock_.now_ms();
  Account a;
  try {
    a = db_.read([&](store::Conn& c) { return load(c, aid); });
  } catch (const Error&) {
    return;
  }
  spdlog::warn("event=account.engine_failure account={} kind={} message={}", aid, log_value(kind),
               log_value(mask_phones(message)));
  if (a.next_retry_at) return;  // a restore attempt failed: retry_due schedules the next one
  if (kind == "timeout" && a.status != AccountStatus::linking) return;
  if (a.status == AccountStatus::linking || client_should_run(a.status)) {
    db_.write([&](store::Conn& c) {
      Account cur = load(c, aid);
      AccountStatus to = cur.linked_at ? AccountStatus::disconnected : AccountStatus::new_;
      if (cur.status != to) {
        set_status(c, cur, to, message);
        audit_status(c, now, cur, to, message);
      } else expect_status(c.run("account-set-status", {aid, std::string(status_name(to)), message, now,
                                                      std::string(status_name(to))}), aid, to);
    });
    engine_.command(aid, "account.stop", json::object(), nullptr);
    release(aid);
  }
  alerts_.raise(a.project_id, aid, kind == "auth_failure" ? "relink_needed" : "account_error", "warning", a.phone + ": " + message);
  publish(aid);
}

json AccountService::on_engine_request(int64_t aid, const std::string& request, const json& args) {
  int64_t now = clock_.now_ms();
  if (request == "session.exists") {
    return db_.read([&](store::Conn& c) { return json{{"exists", c.run("session-archive-count", {aid})[0].i64("n") > 0}}; });
  }
  if (request == "session.save") {
    if (!args.contains("archive_base64") || !args["archive_base64"].is_string())
      throw validation("archive_base64", "must be a base64 string");
    const std::string& archive = args["archive_base64"].get_ref<const std::string&>();
    // The version is reserved first, and the archive (tens of MB) sealed outside any transaction:
    // SQLite's write lock is held for the row update and for the insert, not for the encryption. A
    // failed insert leaves a gap in the versions, which only need to grow.
    int64_t version = db_.write([&](store::Conn& c) {
      load(c, aid);
      return c.run("session-version-next", {aid})[0].i64("session_version");
    });
    store::Blob sealed{crypto::seal(key_, archive, archive_ad(aid, version))};
    db_.write([&](store::Conn& c) {
      c.run("session-archive-insert", {aid, now, std::move(sealed), version});
      c.run("session-archive-trim", {aid});
    });
    return json::object();
  }
  if (request == "session.load") {
    // Ids and versions only; then one archive at a time, newest first: the normal case reads and
    // decrypts one archive, not all 7.
    auto rows = db_.read([&](store::Conn& c) { return c.run("session-archive-list", {aid}); });
    int skipped = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      int64_t id = rows[i].i64("id");
      auto got = db_.read([&](store::Conn& c) { return c.run("session-archive-get", {id, aid}); });
      if (got.empty()) continue;  // trimmed or deleted since the list
      std::string raw = got[0].str("archive");
      auto version = rows[i].opt_i64("version");
      // version NULL: sealed before migration 0004, without associated data (kept until 7 newer
      // saves, ≤ 35 min of a linked client at one save per 5 min, have trimmed it away).
      auto plain = version ? crypto::open(key_, raw, archive_ad(aid, *version)) : crypto::open(key_, raw);
      if (plain) {
        if (skipped) {
          auto pid = db_.read([&](store::Conn& c) { return load(c, aid).project_id; });
          alerts_.raise(pid, aid, "session_corrupt", "warning",
                        std::to_string(skipped) + " newest session archive(s) could not be decrypted; restored an older one");
        }
        return json{{"archive_base64", std::move(*plain)}};
      }
      ++skipped;
      spdlog::error("event=session.corrupt account={} archive={}", aid, id);
    }
    if (skipped) {
      auto pid = db_.read([&](store::Conn& c) { return load(c, aid).project_id; });
      alerts_.raise(pid, aid, "session_corrupt", "critical", "no stored session archive could be decrypted; link the number again");
    }
    return json{{"archive_base64", nullptr}};
  }
  if (request == "session.delete") {
    db_.write([&](store::Conn& c) { c.run("session-archive-delete", {aid}); });
    return json::object();
  }
  throw Error(ErrorCode::not_found, "unknown request '" + request + "'");
}

void AccountService::on_connector_up(const std::string& connector_id) {
  auto rows = db_.read([](store::Conn& c) { return c.run("account-list-running"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    Account a = account_from_row(rows[i]);
    if (a.next_retry_at) continue;  // retry_due restarts it
    spdlog::info("event=account.resume account={} connector={} status={}", a.id, connector_id, status_name(a.status));
    start_client(a, a.status != AccountStatus::linking);
  }
}

void AccountService::on_connector_down(const std::string& connector_id, const std::string& reason) {
  int64_t now = clock_.now_ms();
  auto rows = db_.read([](store::Conn& c) { return c.run("account-list-running"); });
  std::set<int64_t> projects;
  for (size_t i = 0; i < rows.size(); ++i) {
    Account a = account_from_row(rows[i]);
    if (!ours(a)) continue;  // clients of other sangam processes run on their connectors
    // Only what ran on the connector that went away: clients on this node's other connectors are fine.
    if (a.connector_id && *a.connector_id != connector_id) continue;
    set_ready(a.id, false);
    projects.insert(a.project_id);
    if (a.status == AccountStatus::linking || a.next_retry_at) continue;
    db_.write([&](store::Conn& c) {
      c.run("account-schedule-retry", {a.id, int64_t(0), now + opts_.reconnect_delay_ms,
                                       std::string("the connector stopped; restoring the session"), now});
      c.run("account-event-insert", {a.id, now, "reconnect"});
    });
    publish(a.id);
  }
  for (int64_t pid : projects)
    alerts_.raise(pid, std::nullopt, "connector_crashed", "critical",
                  "connector " + connector_id + " stopped (" + reason + "); its accounts are being restored");
}

void AccountService::on_connector_refused(const std::string& connector_id, int64_t aid, const std::string& what) {
  std::optional<int64_t> pid;
  try {
    pid = db_.read([&](store::Conn& c) { return load(c, aid).project_id; });
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  if (!pid) return;  // no such account: the bridge's log line is all there is to say
  // One open alert per account (AlertService), however often the connector tries.
  alerts_.raise(*pid, aid, "connector_refused", "critical",
                "connector " + connector_id + " asked for " + what +
                    " of this account, which the core did not place on it; refused. Check that connector: a bug, "
                    "or someone else holding the bridge secret");
}

void AccountService::tick() {
  std::lock_guard g(tick_mu_);
  int64_t now = clock_.now_ms();
  if (renew_leases()) adopt_orphans();
  retry_due(now);
  if (now - last_keepalive_ >= opts_.keepalive_ms) keepalive(now), last_keepalive_ = now;
  if (now - last_inactive_check_ >= 3600000) {
    check_inactive(now);
    constexpr int64_t day = 86400000;
    db_.write([&](store::Conn& c) {
      c.run("account-events-purge", {now - 30 * day});
      c.run("account-health-purge", {now - 90 * day});
      c.run("account-day-usage-purge", {now - 35 * day});
    });
    last_inactive_check_ = now;
  }
  if (now - last_health_ >= opts_.health_interval_ms) {
    auto rows = db_.read([](store::Conn& c) { return c.run("account-list-running"); });
    for (size_t i = 0; i < rows.size(); ++i) recompute_health(rows[i].i64("id"));
    last_health_ = now;
  }
}

void AccountService::retry_due(int64_t now) {
  auto due = db_.read([&](store::Conn& c) { return c.run("account-list-retry-due", {now}); });
  for (size_t i = 0; i < due.size(); ++i) {
    int64_t aid = due[i].i64("id");
    if (!claim(aid)) continue;  // another sangam process runs this account and restores it
    Account a = db_.read([&](store::Conn& c) { return load(c, aid); });
    if (a.reconnect_attempts >= opts_.max_reconnects) {
      std::string why = "the session could not be restored after " + std::to_string(opts_.max_reconnects) + " attempts";
      db_.write([&](store::Conn& c) {
        Account cur = load(c, aid);
        if (can_transition(cur.status, AccountStatus::disconnected)) {
          set_status(c, cur, AccountStatus::disconnected, why);
          audit_status(c, now, cur, AccountStatus::disconnected, why);
        }
        c.run("account-schedule-retry", {aid, int64_t(0), nullptr, why, now});
      });
      engine_.command(aid, "account.stop", json::object(), nullptr);
      release(aid);
      alerts_.raise(a.project_id, aid, "account_disconnected", "critical", a.phone + ": " + why + "; scan a new QR code");
      recompute_health(aid);
      publish(aid);
      continue;
    }
    int attempt = a.reconnect_attempts + 1;
    // Waits double: 30 s before the first attempt, then 60 s, 120 s, 240 s before giving up.
    int64_t next = now + (opts_.reconnect_delay_ms << attempt);
    db_.write([&](store::Conn& c) {
      c.run("account-schedule-retry", {aid, int64_t(attempt), next,
                                       "restoring the session (attempt " + std::to_string(attempt) + " of " +
                                           std::to_string(opts_.max_reconnects) + ")", now});
    });
    spdlog::info("event=account.restore account={} attempt={}", aid, attempt);
    engine_.command(aid, "account.stop", json::object(), [this, a](const EngineResult&) { start_client(a, true); });
    publish(aid);
  }
}

void AccountService::keepalive(int64_t now) {
  if (!engine_.available()) return;  // a missing connector is on_connector_down's business
  auto rows = db_.read([](store::Conn& c) { return c.run("account-list-running"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    Account a = account_from_row(rows[i]);
    if (a.status == AccountStatus::linking || a.next_retry_at || !ours(a)) continue;
    engine_.command(a.id, "account.state", json::object(), [this, aid = a.id, sent = now](const EngineResult& r) {
      int64_t at = clock_.now_ms();
      if (r.ok && r.data.value("state", "") == "CONNECTED") {
        int64_t rtt = r.data.value("rtt_ms", at - sent);
        db_.write([&](store::Conn& c) { c.run("account-seen", {aid, at, rtt}); });
        return;
      }
      // No answer, or not connected: reconnect (seed 1.2).
      on_disconnected(aid, r.ok ? r.data.value("state", "UNKNOWN") : "KEEPALIVE_" + r.error_code);
    });
  }
}

void AccountService::check_inactive(int64_t now) {
  auto rows = db_.read([](store::Conn& c) { return c.run("account-list-linked"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    auto seen = rows[i].opt_i64("phone_seen_at");
    if (seen && now - *seen >= opts_.phone_inactive_ms)
      alerts_.raise(rows[i].i64("project_id"), rows[i].i64("id"), "phone_inactive", "warning",
                    rows[i].str("phone") + " has not been online for " + std::to_string((now - *seen) / 86400000) +
                        " days; WhatsApp unlinks devices after 14 days: open WhatsApp on the phone");
  }
}

void AccountService::recompute_health(int64_t aid) {
  int64_t now = clock_.now_ms();
  HealthScore s;
  int64_t pid = 0;
  int before = 0;
  bool own_alert = false;  // lost or banned accounts have alerts of their own
  bool changed = db_.write([&](store::Conn& c) {
    Account a = load(c, aid);
    pid = a.project_id;
    before = a.health;
    auto count = [&](const char* kind, int64_t window) {
      return static_cast<int>(c.run("account-event-count", {aid, std::string(kind), now - window})[0].i64("n"));
    };
    constexpr int64_t day = 86400000, week = 7 * day;
    HealthInputs in;
    in.banned = a.status == AccountStatus::banned;
    in.connected = client_should_run(a.status) && a.status != AccountStatus::linking && !a.next_retry_at;
    own_alert = a.next_retry_at || a.status == AccountStatus::disconnected || a.status == AccountStatus::banned;
    in.rtt_ms = a.last_rtt_ms;
    in.reconnects_24h = count("reconnect", day);
    in.sent = count("sent", week);
    in.delivered = count("ack.device", week) + count("ack.read", week);
    in.failed = count("ack.error", week);
    in.read = count("ack.read", week);
    in.replies = count("message.received", week);
    in.reports = count("report", week);
    in.blocks = count("block", week);
    s = score_health(in);
    c.run("account-set-health", {aid, int64_t(s.total()), int64_t(s.connection), int64_t(s.delivery), int64_t(s.behaviour)});
    auto last = c.run("account-health-last", {aid});
    bool differs = last.empty() || last[0].i64("score") != s.total() || now - last[0].i64("at") >= 3600000;
    if (differs) c.run("account-health-insert", {aid, now, int64_t(s.total()), int64_t(s.connection), int64_t(s.delivery), int64_t(s.behaviour)});
    return s.total() != before;
  });
  // A session being restored scores low on connection for a minute; that is not yet worth a person.
  if (s.total() < 70 && before >= 70 && !own_alert) {
    alerts_.raise(pid, aid, "health_critical", "critical",
                  "health fell to " + std::to_string(s.total()) + "; sending from this number should pause");
    tell_lost(pid, aid, "critical", "health " + std::to_string(s.total()));
  }
  if (changed) publish(aid);
}

}  // namespace sangam
