#pragma once
// Welcome messages to new members of our groups (issue 10 item 6): a per-group template; members who
// join within a few minutes are welcomed together in one message that mentions them (one message per
// join reads as spam), queued in the outbox (P2) like every other message. Only in groups where our
// number is admin: our own groups. Knows nothing of HTTP.
#include "auth/user.hpp"
#include "engines/forwarding_listener.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

namespace sangam {

class WelcomeService {
 public:
  WelcomeService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // group.join from an engine: new members of a group with a welcome wait for the batch.
  void on_group_join(int64_t account_id, const json& data);
  // Every few seconds: batches whose window has passed become one outbox row each.
  int64_t tick();

  // GET/PUT …/groups/{groupId}/welcome: {enabled, template ({{members}}, {{group}}, {{count}}),
  // window_seconds 10-3600 (default 180: joins within 3 minutes share one welcome)}. A template with an unknown variable is refused naming `template`.
  json get(int64_t project_id, int64_t group_id);
  json put(const User& u, int64_t project_id, int64_t group_id, const json& body);

 private:
  store::Database& db_;
  const Clock& clock_;
  int64_t last_tick_ = 0;
};

// Passes every engine event on, and hands group joins to the welcome service.
class WelcomeTap final : public ForwardingListener {
 public:
  WelcomeTap(EngineListener& inner, WelcomeService& welcome) : ForwardingListener(inner), welcome_(welcome) {}
  void on_engine_event(int64_t aid, const std::string& event, const json& data) override;

 private:
  WelcomeService& welcome_;
};

}  // namespace sangam
