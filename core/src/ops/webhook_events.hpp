#pragma once
// The outgoing webhooks of account incidents (issue 9 item 8): account.banned and account.critical
// are published when the account service tells its loss listener (banned by WhatsApp, or health fell
// below 70), after the failover it already tells has moved the number's queue. campaign.completed and
// campaign.paused come from CampaignService::on_status (wired in cli/serve.cpp).
#include "accounts/account_service.hpp"
#include "ops/webhooks.hpp"

namespace sangam::ops {

class AccountWebhooks final : public AccountLossListener {
 public:
  // `next`: the listener that was there before (the failover); told first, may be null.
  AccountWebhooks(store::Database& db, WebhookService& hooks, AccountLossListener* next) : db_(db), hooks_(hooks), next_(next) {}
  void on_account_lost(int64_t project_id, int64_t account_id, const std::string& cause, const std::string& detail) override;

  // The payload: {account: {id, phone, label, status, health}, cause, detail}.
  static json payload(store::Database& db, int64_t account_id, const std::string& cause, const std::string& detail);

 private:
  store::Database& db_;
  WebhookService& hooks_;
  AccountLossListener* next_;
};

}  // namespace sangam::ops
