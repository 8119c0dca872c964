#pragma once
// An account is one WhatsApp number. Its status moves only through can_transition (the state machine
// in docs/accounts.md); every change goes through AccountService::set_status.
#include "store/db.hpp"
#include "util/json_input.hpp"

#include <optional>
#include <string>

namespace sangam {

enum class AccountStatus { new_, linking, active, standby, warming, cooling, disconnected, banned, retired };
enum class AccountRole { production, backup, warmup };

const char* status_name(AccountStatus s);
std::optional<AccountStatus> parse_status(std::string_view s);
const char* account_role_name(AccountRole r);
std::optional<AccountRole> parse_account_role(std::string_view s);

bool can_transition(AccountStatus from, AccountStatus to);
// Where a freshly linked (or restored) account goes: its role decides.
AccountStatus status_for_role(AccountRole r);
// Statuses whose WhatsApp client should be running.
bool client_should_run(AccountStatus s);
int default_daily_limit(AccountRole r);
// Associated data of a session archive's seal: an archive opens only as the version it was saved as,
// of the account it was saved for (not copied to another account, nor over a newer version).
std::string archive_ad(int64_t aid, int64_t version);

struct Account {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string phone, label, engine;
  AccountRole role = AccountRole::production;
  AccountStatus status = AccountStatus::new_;
  std::optional<std::string> status_reason;
  int health = 100, health_connection = 40, health_delivery = 30, health_behaviour = 30;
  int64_t daily_limit = 200, usage_today = 0;
  std::optional<int64_t> linked_at, last_activity_at, phone_seen_at, warmup_started_at, next_retry_at, last_rtt_ms;
  int reconnect_attempts = 0;
  std::optional<std::string> connector_id;
  std::optional<std::string> lease_node;  // the sangam process running its client
  std::optional<int64_t> lease_until;
  int64_t created_at = 0, updated_at = 0;
};

Account account_from_row(const store::Row& r);
json to_json(const Account& a, int64_t now_ms);

}  // namespace sangam
