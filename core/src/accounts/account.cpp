#include "accounts/account.hpp"

#include "accounts/health.hpp"
#include "accounts/warmup.hpp"
#include "util/clock.hpp"

namespace sangam {

namespace {
constexpr const char* kStatusNames[] = {"new", "linking", "active", "standby", "warming", "cooling",
                                        "disconnected", "banned", "retired"};
constexpr const char* kRoleNames[] = {"production", "backup", "warmup"};
}  // namespace

const char* status_name(AccountStatus s) { return kStatusNames[static_cast<int>(s)]; }
const char* account_role_name(AccountRole r) { return kRoleNames[static_cast<int>(r)]; }

std::optional<AccountStatus> parse_status(std::string_view s) {
  for (int i = 0; i < 9; ++i)
    if (s == kStatusNames[i]) return static_cast<AccountStatus>(i);
  return std::nullopt;
}

std::optional<AccountRole> parse_account_role(std::string_view s) {
  for (int i = 0; i < 3; ++i)
    if (s == kRoleNames[i]) return static_cast<AccountRole>(i);
  return std::nullopt;
}

bool can_transition(AccountStatus from, AccountStatus to) {
  using S = AccountStatus;
  if (from == to) return false;
  switch (from) {
    case S::new_: return to == S::linking || to == S::retired;
    // A link ends linked (status from the role), abandoned (new), failed (disconnected) or banned.
    case S::linking:
      return to == S::active || to == S::standby || to == S::warming || to == S::new_ || to == S::disconnected ||
             to == S::banned || to == S::retired;
    // Linked accounts move between the working statuses freely (role changes, failover, cooling).
    case S::active:
    case S::standby:
    case S::warming:
    case S::cooling:
      return to == S::active || to == S::standby || to == S::warming || to == S::cooling || to == S::disconnected ||
             to == S::banned || to == S::retired || to == S::new_;
    // A lost session comes back by restore (working statuses) or by a new link.
    case S::disconnected:
      return to == S::linking || to == S::active || to == S::standby || to == S::warming || to == S::banned ||
             to == S::retired || to == S::new_;
    // A banned number is never used again; it can only be retired.
    case S::banned: return to == S::retired;
    case S::retired: return false;
  }
  return false;
}

AccountStatus status_for_role(AccountRole r) {
  switch (r) {
    case AccountRole::production: return AccountStatus::active;
    case AccountRole::backup: return AccountStatus::standby;
    case AccountRole::warmup: return AccountStatus::warming;
  }
  return AccountStatus::active;
}

bool client_should_run(AccountStatus s) {
  return s == AccountStatus::linking || s == AccountStatus::active || s == AccountStatus::standby ||
         s == AccountStatus::warming || s == AccountStatus::cooling;
}

// Seed 1.1: a number sends up to 200 messages a day. A number in warm-up is held below that by the
// ramp (warmup.hpp) until its fourth week, so its configured limit is the same 200 it grows into.
int default_daily_limit(AccountRole) { return 200; }

Account account_from_row(const store::Row& r) {
  Account a;
  a.id = r.i64("id");
  a.project_id = r.i64("project_id");
  a.phone = r.str("phone");
  a.label = r.str("label");
  a.engine = r.str("engine");
  a.role = parse_account_role(r.str("role")).value_or(AccountRole::production);
  a.status = parse_status(r.str("status")).value_or(AccountStatus::new_);
  a.status_reason = r.opt_str("status_reason");
  a.health = static_cast<int>(r.i64("health"));
  a.health_connection = static_cast<int>(r.i64("health_connection"));
  a.health_delivery = static_cast<int>(r.i64("health_delivery"));
  a.health_behaviour = static_cast<int>(r.i64("health_behaviour"));
  a.daily_limit = r.i64("daily_limit");
  a.usage_today = r.i64("usage_today");
  a.linked_at = r.opt_i64("linked_at");
  a.last_activity_at = r.opt_i64("last_activity_at");
  a.phone_seen_at = r.opt_i64("phone_seen_at");
  a.warmup_started_at = r.opt_i64("warmup_started_at");
  a.next_retry_at = r.opt_i64("next_retry_at");
  a.last_rtt_ms = r.opt_i64("last_rtt_ms");
  a.reconnect_attempts = static_cast<int>(r.i64("reconnect_attempts"));
  a.connector_id = r.opt_str("connector_id");
  a.lease_node = r.opt_str("lease_node");
  a.lease_until = r.opt_i64("lease_until");
  a.created_at = r.i64("created_at");
  a.updated_at = r.i64("updated_at");
  return a;
}

json to_json(const Account& a, int64_t now_ms) {
  auto ts = [](const std::optional<int64_t>& v) { return v ? json(format_iso8601(*v)) : json(nullptr); };
  json j = json::object();
  j["id"] = a.id;
  j["project_id"] = a.project_id;
  j["phone"] = a.phone;
  j["label"] = a.label;
  j["engine"] = a.engine;
  j["role"] = account_role_name(a.role);
  j["status"] = status_name(a.status);
  j["status_reason"] = a.status_reason ? json(*a.status_reason) : json(nullptr);
  j["health"] = a.health;
  j["health_level"] = health_level(a.health);
  j["usage_today"] = a.usage_today;
  const bool warming = a.status == AccountStatus::warming && a.warmup_started_at;
  const int64_t day = warming ? (now_ms - *a.warmup_started_at) / 86400000 + 1 : 0;
  j["daily_limit"] = todays_limit(a.daily_limit, warming, day);  // what it may send today
  j["daily_limit_setting"] = a.daily_limit;                       // the limit a person set
  j["linked_at"] = ts(a.linked_at);
  j["last_activity_at"] = ts(a.last_activity_at);
  j["warmup_day"] = warming ? json(day) : json(nullptr);
  j["connector_id"] = a.connector_id ? json(*a.connector_id) : json(nullptr);
  j["created_at"] = format_iso8601(a.created_at);
  j["updated_at"] = format_iso8601(a.updated_at);
  return j;
}

std::string archive_ad(int64_t aid, int64_t version) {
  return "sangam session archive v1 account=" + std::to_string(aid) + " version=" + std::to_string(version);
}

}  // namespace sangam
