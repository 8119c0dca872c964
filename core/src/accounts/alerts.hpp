#pragma once
// Alerts: what needs a person (a ban, a lost session, a crashed connector). Raised once per open
// condition: a second raise of the same kind for the same account while one is open is a no-op.
#include "auth/user.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

namespace sangam {

class AlertService {
 public:
  AlertService(store::Database& db, const Clock& clock, EventBus& bus) : db_(db), clock_(clock), bus_(bus) {}
  // Returns the new alert, or null when an open one of the same kind exists.
  json raise(int64_t project_id, std::optional<int64_t> account_id, const std::string& kind,
             const std::string& severity, const std::string& message);
  json list(const User& u, int64_t project_id, bool open_only);
  json acknowledge(const User& u, int64_t project_id, int64_t alert_id);

 private:
  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
};

}  // namespace sangam
