#pragma once
// Failover (issue 8 item 16; docs/safety.md, dispatch): when a number is banned or its health goes
// critical, its dispatcher has already stopped claiming (a banned number is not dispatched; the
// policy refuses a critical one). Then: a backup number of the project is activated, the lost
// number's queued rows move to healthy numbers that can reach the same targets — spread over each
// taker's pacing gaps, not all at once — and an alert says so in words. Rows no number can reach fail
// as unreachable (banned) or wait for the number to recover (critical).
#include "accounts/account_service.hpp"
#include "accounts/alerts.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sangam::campaigns {

struct FailoverReport {
  std::optional<ActivatedBackup> backup;
  int64_t moved = 0, unreachable = 0, waiting = 0;
  std::vector<std::pair<std::string, int64_t>> takers;  // phone, rows it took
  std::string message;                                  // the alert's words
};

class Failover final : public AccountLossListener {
 public:
  Failover(store::Database& db, const Clock& clock, AccountService& accounts, AlertService& alerts)
      : db_(db), clock_(clock), accounts_(accounts), alerts_(alerts) {}

  void on_account_lost(int64_t project_id, int64_t account_id, const std::string& cause, const std::string& detail) override;
  FailoverReport run(int64_t project_id, int64_t account_id, const std::string& cause, const std::string& detail);

 private:
  store::Database& db_;
  const Clock& clock_;
  AccountService& accounts_;
  AlertService& alerts_;
};

// The alert's sentence: "+91… was banned by WhatsApp. Its 42 queued messages are moving to +91… (30)
// and +91… (12). …". Pure, tested on its own.
std::string failover_message(const std::string& phone, const std::string& cause, const FailoverReport& r);

}  // namespace sangam::campaigns
