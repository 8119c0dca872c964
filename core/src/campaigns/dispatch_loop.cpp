#include "campaigns/dispatch_loop.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam::campaigns {

void DispatchLoop::tick() {
  int64_t now = clock_.now_ms();
  if (!recovered_own_) {
    // This node's claims left by its previous process (kill -9, power loss) are unknown at once,
    // not after their 5-minute claim lifetime: reconciliation can start as soon as the number is back.
    dispatcher_.recover_own_claims();
    recovered_own_ = true;
  }
  if (now - last_recovery_ >= 60'000) {
    last_recovery_ = now;
    dispatcher_.recover_stale();
  }
  auto rows = db_.read([](store::Conn& c) { return c.run("account-list-running"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t aid = rows[i].i64("id");
    std::string status = rows[i].str("status");
    if (status == "linking" || !holds_(aid)) continue;
    if (reconciler_) {
      try {
        reconciler_->check(aid);
      } catch (const std::exception& e) {
        spdlog::error("event=dispatch.reconcile_failed account={} reason={}", aid, log_value(e.what()));
      }
    }
    if (status != "active" && status != "warming") continue;
    // Nothing due: no write transaction (the loop runs 4 times a second over every held account).
    if (db_.read([&](store::Conn& c) { return c.run("outbox-next-due", {aid, now}).empty(); })) continue;
    {
      std::lock_guard g(mu_);
      if (!in_flight_.insert(aid).second) continue;  // its last send has not been answered yet
    }
    bool claimed = false;
    try {
      // A few rows per tick: rows skipped by consent or moved by the policy do not hold up the next.
      for (int n = 0; n < 4 && !claimed; ++n) {
        StepResult r = dispatcher_.step(aid, [this, aid](SendStatus) {
          std::lock_guard g(mu_);
          in_flight_.erase(aid);
        });
        claimed = r == StepResult::claimed;
        if (r == StepResult::idle || r == StepResult::busy) break;
      }
    } catch (const std::exception& e) {
      spdlog::error("event=dispatch.step_failed account={} reason={}", aid, log_value(e.what()));
    }
    if (!claimed) {
      std::lock_guard g(mu_);
      in_flight_.erase(aid);
    }
  }
}

}  // namespace sangam::campaigns
