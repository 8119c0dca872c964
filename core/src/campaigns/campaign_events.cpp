// The timed and reported side of campaigns: scheduled → running, completion, the circuit breaker,
// campaign.progress, and the outbox's delivery record from the engine's acks and replies.
#include "campaigns/campaign_service.hpp"

#include "projects/audit.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace sangam::campaigns {

namespace {
// The refusal signals are counted over the last day of outcomes (or since launch / resume if later).
constexpr int64_t kDayMs = 86'400'000;
}  // namespace

void CampaignService::on_engine_event(int64_t aid, const std::string& event, const json& data) {
  int64_t now = clock_.now_ms();
  if (event == "message.ack") {
    // ack levels of docs/bridge-protocol.md: server (WhatsApp took it: already 'sent'), device
    // (delivered), read / played (read), error (not delivered).
    std::string ack = data.value("ack", "");
    store::Value key = data.contains("key") && data["key"].is_string() ? store::Value(data["key"].get<std::string>()) : store::Value(nullptr);
    store::Value mid = data.contains("message_id") && data["message_id"].is_string() ? store::Value(data["message_id"].get<std::string>())
                                                                                     : store::Value(nullptr);
    if (std::holds_alternative<std::nullptr_t>(key) && std::holds_alternative<std::nullptr_t>(mid)) return;
    int64_t level = ack == "device" ? 2 : (ack == "read" || ack == "played") ? 3 : 0;
    if (level) db_.write([&](store::Conn& c) { c.run("outbox-ack", {key, mid, level, now}); });
    else if (ack == "error") db_.write([&](store::Conn& c) { c.run("outbox-ack-error", {key, mid, now}); });
  } else if (event == "message.received") {
    std::string quoted = data.contains("quoted_id") && data["quoted_id"].is_string() ? data["quoted_id"].get<std::string>() : "";
    bool group = data.value("is_group", false);
    std::string chat = data.value("chat", "");
    db_.write([&](store::Conn& c) {
      if (!quoted.empty() && c.run("outbox-reply-quoted", {quoted, now}).affected > 0) return;
      if (!group && !chat.empty()) c.run("outbox-reply-chat", {aid, chat, now, now - opts_.reply_window_ms});
    });
  }
}

std::optional<std::string> CampaignService::check_breaker(store::Conn& c, int64_t pid, int64_t cid, int64_t breaker_from, int64_t now) {
  auto fresh = c.run("campaign-account-incidents-new", {cid});
  for (size_t i = 0; i < fresh.size(); ++i) {
    std::string what = fresh[i].str("status") == "banned" ? "banned" : "critical";
    c.run("campaign-account-incident", {cid, fresh[i].i64("account_id"), what, now});
  }
  auto inc = c.run("campaign-account-incidents", {cid, breaker_from});
  std::string reason, cause;
  if (static_cast<int>(inc.size()) >= opts_.breaker_accounts) {
    std::string list;
    for (size_t i = 0; i < inc.size(); ++i)
      list += (list.empty() ? "" : ", ") + inc[i].str("phone") + (inc[i].str("incident") == "banned" ? " was banned" : " went critical");
    reason = "Paused automatically: " + std::to_string(inc.size()) + " numbers sending it were banned or went critical (" + list +
             "). Check the numbers and the message, then resume it.";
    cause = "accounts";
  } else {
    auto sig = c.run("campaign-signals", {cid, std::max(breaker_from, now - kDayMs)});
    int64_t outcomes = sig.empty() ? 0 : sig[0].i64("outcomes"), refused = sig.empty() ? 0 : sig[0].i64("refused");
    if (outcomes < opts_.breaker_min_outcomes || static_cast<double>(refused) < opts_.breaker_refused_share * static_cast<double>(outcomes)) return std::nullopt;
    int share = static_cast<int>(std::lround(100.0 * static_cast<double>(refused) / static_cast<double>(outcomes)));
    reason = "Paused automatically: WhatsApp refused or did not deliver " + std::to_string(refused) + " of its last " + std::to_string(outcomes) +
             " messages (" + std::to_string(share) + " %; the limit is " + std::to_string(std::lround(opts_.breaker_refused_share * 100)) +
             " %), a sign that recipients block or report it or a number is restricted. Check the message and the targeting, then resume it.";
    cause = "refusals";
  }
  if (c.run("campaign-set-status", {pid, cid, std::string("running"), std::string("paused"), reason, now}).affected != 1) return std::nullopt;
  audit(c, now, pid, {0, ""}, "campaign.paused", "campaign:" + std::to_string(cid), {{"status", "running"}},
        {{"status", "paused"}, {"reason", reason}});
  spdlog::warn("event=campaign.breaker project={} campaign={} cause={} accounts={}", pid, cid, cause, inc.size());
  return reason;
}

void CampaignService::refresh_progress(int64_t pid, int64_t cid) {
  auto [status, reason, prog] = db_.write([&](store::Conn& c) {
    json p = progress(c, cid);
    c.run("campaign-set-progress", {cid, p.dump()});
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    return std::make_tuple(r[0].str("status"), r[0].is_null("status_reason") ? json(nullptr) : json(r[0].str("status_reason")), p);
  });
  publish(pid, cid, status, reason, prog);
}

void CampaignService::tick() {
  std::unique_lock lock(tick_mu_, std::try_to_lock);
  if (!lock) return;
  int64_t now = clock_.now_ms();
  auto active = db_.read([](store::Conn& c) { return c.run("campaign-active"); });
  for (size_t i = 0; i < active.size(); ++i) {
    int64_t cid = active[i].i64("id"), pid = active[i].i64("project_id");
    std::string status = active[i].str("status");
    try {
      // Transitions: each a conditional update from the status read, so several nodes agree.
      std::optional<std::string> told, told_reason;  // the transition made here, for the webhooks
      bool changed = db_.write([&](store::Conn& c) {
        told.reset(), told_reason.reset();
        if (status == "scheduled") {
          auto starts = active[i].opt_i64("starts_at");
          if (starts && *starts <= now && c.run("campaign-set-status", {pid, cid, status, std::string("running"), nullptr, now}).affected == 1) {
            audit(c, now, pid, {0, ""}, "campaign.started", "campaign:" + std::to_string(cid), {{"status", status}}, {{"status", "running"}});
            return true;
          }
          return false;
        }
        int64_t from = active[i].opt_i64("breaker_from").value_or(0);
        if ((told_reason = check_breaker(c, pid, cid, from, now))) {
          told = "paused";
          return true;
        }
        if (status == "running" && c.run("campaign-open-rows", {cid})[0].i64("n") == 0 &&
            c.run("campaign-set-status", {pid, cid, status, std::string("completed"), nullptr, now}).affected == 1) {
          audit(c, now, pid, {0, ""}, "campaign.completed", "campaign:" + std::to_string(cid), {{"status", status}}, {{"status", "completed"}});
          told = "completed";
          return true;
        }
        return false;
      });
      if (told) tell_status(pid, cid, *told, told_reason ? json(*told_reason) : json(nullptr));
      // Progress: only when an outbox row of the campaign changed since the last event (one indexed
      // MAX per campaign per second), so a quiet campaign of 1M rows costs no GROUP BY.
      auto last = db_.read([&](store::Conn& c) { return c.run("campaign-last-change", {cid})[0].opt_i64("at").value_or(0); });
      auto it = last_change_.find(cid);
      if (!changed && it != last_change_.end() && it->second == last) continue;
      last_change_[cid] = last;
      auto [row, prog] = db_.write([&](store::Conn& c) {
        json p = progress(c, cid);
        c.run("campaign-set-progress", {cid, p.dump()});
        auto r = c.run("campaign-get", {pid, cid});
        return std::make_pair(r.empty() ? json(nullptr) : json{{"status", r[0].str("status")},
                                                               {"status_reason", r[0].is_null("status_reason") ? json(nullptr) : json(r[0].str("status_reason"))}},
                              p);
      });
      if (!row.is_null()) publish(pid, cid, row["status"], row["status_reason"], prog);
    } catch (const std::exception& e) {
      spdlog::error("event=campaign.tick_failed project={} campaign={} error={}", pid, cid, log_value(e.what()));
    }
  }
}

}  // namespace sangam::campaigns
