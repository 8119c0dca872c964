#include "ops/webhook_events.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam::ops {

json AccountWebhooks::payload(store::Database& db, int64_t aid, const std::string& cause, const std::string& detail) {
  json account = {{"id", aid}};
  db.read([&](store::Conn& c) {
    auto r = c.run("account-columns", {aid});
    if (r.empty()) return;
    account["phone"] = r[0].str("phone");
    account["label"] = r[0].is_null("label") ? json(nullptr) : json(r[0].str("label"));
    account["status"] = r[0].str("status");
    account["health"] = r[0].i64("health");
  });
  return {{"account", account}, {"cause", cause}, {"detail", detail}};
}

void AccountWebhooks::on_account_lost(int64_t pid, int64_t aid, const std::string& cause, const std::string& detail) {
  // The failover first: moving the queue matters more than telling a receiver, and a failing
  // webhook must not keep it from running (each is caught on its own).
  if (next_) {
    try {
      next_->on_account_lost(pid, aid, cause, detail);
    } catch (const std::exception& e) {
      spdlog::error("event=account.failover_failed project={} account={} cause={} reason={}", pid, aid, cause, log_value(e.what()));
    }
  }
  try {
    hooks_.publish(pid, cause == "banned" ? "account.banned" : "account.critical", payload(db_, aid, cause, detail));
  } catch (const std::exception& e) {
    spdlog::error("event=webhook.publish_failed project={} account={} webhook_event=account.{} reason={}", pid, aid, cause, log_value(e.what()));
  }
}

}  // namespace sangam::ops
