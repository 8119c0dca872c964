// Failover's account side (issue 8 item 16): a backup number takes over, and the loss listener is
// told. The queue itself moves in campaigns/failover.cpp.
#include "accounts/account_service.hpp"

#include "projects/audit.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

void AccountService::tell_lost(int64_t pid, int64_t aid, const std::string& cause, const std::string& detail) {
  if (!loss_) return;
  try {
    loss_->on_account_lost(pid, aid, cause, detail);
  } catch (const std::exception& e) {
    spdlog::error("event=account.failover_failed project={} account={} cause={} reason={}", pid, aid, cause,
                  log_value(e.what()));
  }
}

std::optional<ActivatedBackup> AccountService::activate_backup(int64_t pid, const std::string& replaced_phone,
                                                               const std::string& why) {
  int64_t now = clock_.now_ms();
  auto out = db_.write([&](store::Conn& c) -> std::optional<ActivatedBackup> {
      auto r = c.run("account-backup-standby", {pid});
      if (r.empty()) return std::nullopt;
      Account a = load(c, r[0].i64("id"));
      std::string reason = "activated to replace " + replaced_phone + " (" + why + ")";
      // The backup becomes a production number, not a backup that happens to be active: a backup role
      // would keep it out of new campaigns (campaign-accounts-eligible takes production and warm-up
      // numbers) and send it back to standby on its next reconnect (status_for_role), undoing the
      // failover without a word.
      c.run("account-update-settings", {a.id, a.label, std::string(account_role_name(AccountRole::production)), a.daily_limit, now});
      set_status(c, a, AccountStatus::active, reason);
      audit(c, now, pid, {0, ""}, "account.status_changed", "account:" + std::to_string(a.id),
            {{"status", status_name(a.status)}, {"role", "backup"}, {"phone", a.phone}},
            {{"status", "active"}, {"role", "production"}, {"phone", a.phone}, {"reason", reason}});
      return ActivatedBackup{a.id, a.phone};
  });
  if (out) {
    spdlog::info("event=account.backup_activated project={} account={}", pid, out->id);
    publish(out->id);
  }
  return out;
}

}  // namespace sangam
