#include "campaigns/reconcile.hpp"

#include "campaigns/reroute.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sangam::campaigns {

namespace {
// WhatsApp's clock and ours may differ; a match may look this much older than the claim.
constexpr int64_t kSkewMs = 120'000;
}

int64_t Reconciler::backoff_ms(int n) {
  int64_t d = 5'000LL << std::clamp(n, 0, 7);
  return std::min<int64_t>(d, 10 * 60'000);
}

int Reconciler::check(int64_t account_id, int batch) {
  int64_t now = clock_.now_ms();
  auto rows = db_.read([&](store::Conn& c) {
    return c.run("outbox-unknown-due", {account_id, now, int64_t(opts_.max_reconcile_checks), int64_t(batch)});
  });
  int asked = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t id = rows[i].i64("id");
    {
      std::lock_guard g(mu_);
      if (!asking_.insert(id).second) continue;
    }
    FindRequest req;
    req.account_id = account_id;
    req.chat = rows[i].str("target");
    req.content = stored_content(rows[i].str("content"));
    req.since_ms = rows[i].opt_i64("claimed_at").value_or(0);
    auto row = db_.read([&](store::Conn& c) { return c.run("outbox-get", {id}); });
    if (row.empty()) {
      std::lock_guard g(mu_);
      asking_.erase(id);
      continue;
    }
    req.idempotency_key = row[0].str("idempotency_key");
    auto known = db_.read([&](store::Conn& c) {
      return c.run("outbox-known-ids", {account_id, req.chat, req.since_ms - kSkewMs});
    });
    for (size_t k = 0; k < known.size(); ++k) req.known_ids.push_back(known[k].str("wa_message_id"));
    int64_t attempts = rows[i].i64("attempts");
    ++asked;
    sender_.find(req, [this, id, attempts](const FindOutcome& o) {
      try {
        settle(id, attempts, o);
      } catch (const std::exception& e) {
        spdlog::error("event=outbox.reconcile_failed id={} reason={}", id, log_value(e.what()));
      }
      std::lock_guard g(mu_);
      asking_.erase(id);
    });
  }
  return asked;
}

void Reconciler::settle(int64_t id, int64_t attempts, const FindOutcome& o) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto cur = c.run("outbox-reconcile-state", {id});
    if (cur.empty() || cur[0].str("status") != "unknown") return;
    switch (o.status) {
      case FindStatus::found:
        c.run("outbox-reconciled-sent", {id, o.message_id, now});
        break;
      case FindStatus::absent:
        // Surely not sent: like a send that did not happen, it is tried again on this number (a
        // crash is no fault of the target, so at once) until its attempts are used up, then moves.
        if (attempts >= opts_.max_attempts)
          reroute_after_failures(c, id, "not in the chat after " + std::to_string(attempts) + " attempts", now);
        else
          c.run("outbox-reconciled-absent", {id, now, std::string("not in the chat after an unknown outcome; sending again"), now});
        break;
      case FindStatus::unknown: {
        if (!o.looked) {  // not asked at all (the client is restoring): no check used up
          c.run("outbox-reconcile-later", {id, now + backoff_ms(0), "may have been sent; waiting for the number to reconnect to check the chat (" + o.reason + ")", now, int64_t(0)});
          break;
        }
        int checks = static_cast<int>(cur[0].i64("reconcile_attempts")) + 1;
        std::string reason = checks >= opts_.max_reconcile_checks
                                 ? "may have been sent; " + std::to_string(checks) +
                                       " checks of the chat could not tell (" + o.reason + "): left for review"
                                 : "may have been sent; the chat could not be checked yet (" + o.reason + ")";
        c.run("outbox-reconcile-later", {id, now + backoff_ms(checks - 1), reason, now, int64_t(1)});
        break;
      }
    }
  });
  spdlog::info("event=outbox.reconciled id={} verdict={}", id, find_status_name(o.status));
}

}  // namespace sangam::campaigns
