#pragma once
// Templates and campaigns of a project (issue 8 items 1-7, 16's circuit breaker, 17): CRUD, the
// lifecycle draft → scheduled → running → paused → completed | cancelled (every transition audited),
// targeting with excluded-with-reason counts, the estimate and preview, and the launch — the planner
// that renders a message per recipient, assigns accounts, schedules (campaigns/schedule.hpp) and
// writes the outbox through the Store's bulk path. tick() starts scheduled campaigns, completes
// finished ones, trips the circuit breaker and publishes campaign.progress; on_engine_event() keeps
// the outbox's delivery record (acks, replies). Knows nothing of HTTP; the router checks roles.
#include "auth/user.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sangam::campaigns {

using json = nlohmann::json;

struct CampaignOptions {
  // A one-to-one message from a contact within 7 days of our campaign message to them counts as a
  // reply to it (WhatsApp users rarely quote; most answer with a fresh message the same day).
  int64_t reply_window_ms = 7LL * 86400 * 1000;
  // The circuit breaker (issue 8 item 16): this many of a campaign's numbers banned or critical
  // since launch (or the last resume) pause it.
  int breaker_accounts = 2;
  // ... and so do WhatsApp's refusals of its messages (refused at send, or an error ack instead of
  // delivery: what a sender sees when recipients block or report it, or the number is restricted):
  // at least breaker_refused_share of its outcomes in the last day (since launch or resume), counted
  // once breaker_min_outcomes messages have one. 15 % of 20 (3 refusals): the simulator refuses
  // every send of a restricted number and none of a number in good standing (docs/safety.md).
  int breaker_min_outcomes = 20;
  double breaker_refused_share = 0.15;
  // campaign.progress at most this often per campaign.
  int64_t progress_interval_ms = 1000;
};

class CampaignService {
 public:
  // `phone_hash`: the contact base's salted hash (suppression list); may be null (no suppressions).
  CampaignService(store::Database& db, const Clock& clock, EventBus& bus,
                  std::function<std::string(const std::string&)> phone_hash, CampaignOptions opts = {});

  // Templates.
  json templates(int64_t pid);
  json template_get(int64_t pid, int64_t tid);
  json template_create(const User& u, int64_t pid, const json& body);
  json template_update(const User& u, int64_t pid, int64_t tid, const json& body);
  void template_delete(const User& u, int64_t pid, int64_t tid);
  // Never a 400 for template errors: they are in the answer, for the editor to show live.
  json template_preview(int64_t pid, const json& body);

  // Campaigns.
  json list(int64_t pid, const std::optional<std::string>& status, const std::optional<std::string>& kind);
  json get(int64_t pid, int64_t cid);
  json create(const User& u, int64_t pid, const json& body);
  json update(const User& u, int64_t pid, int64_t cid, const json& body);
  void remove(const User& u, int64_t pid, int64_t cid);
  json estimate(int64_t pid, const json& body);  // the builder's unsaved state
  json preview(int64_t pid, int64_t cid);
  json launch(const User& u, int64_t pid, int64_t cid);
  json pause(const User& u, int64_t pid, int64_t cid);
  json resume(const User& u, int64_t pid, int64_t cid);
  json cancel(const User& u, int64_t pid, int64_t cid);
  json messages(int64_t pid, int64_t cid, const std::optional<std::string>& status, const std::optional<std::string>& cursor,
                const std::optional<std::string>& limit);

  // Engine side (CampaignEngineTap): message.ack and message.received.
  void on_engine_event(int64_t aid, const std::string& event, const json& data);
  // Scheduler, once a second.
  void tick();

  // Demo and benchmark seeding: creates and launches without a person (actor Sangam).
  json create_as_system(int64_t pid, const json& body);
  json launch_as_system(int64_t pid, int64_t cid);
  // Stores and publishes the campaign's progress now (after rows changed outside the tick's watch).
  void refresh_progress(int64_t pid, int64_t cid);

  // Issue 9 item 3: the launch passes each rendered message through the campaign's link rewriter
  // (analytics::LinkService::launch_links), made once per launch in its transaction, so the links
  // of the outbox rows are tracked short links. Unset: links stay as written. Set before tick() runs.
  // `rewrite` runs on the launch's render thread while the rows stream, so it must not touch a Conn;
  // `save` writes what it made (the links rows) in the launch's transaction after the rows.
  struct LinkRewriter {
    std::function<std::string(const std::string& text, int64_t contact_id, int64_t group_id)> rewrite;
    std::function<void(store::Conn&)> save;
  };
  void set_link_rewriter(std::function<LinkRewriter(store::Conn&, int64_t pid, int64_t cid, bool direct)> f) { links_ = std::move(f); }
  // Issue 9 item 8: called after a campaign completed or was paused (by a person, or by the circuit
  // breaker with its reason), once per transition, outside the transaction: the outgoing webhooks
  // campaign.completed / campaign.paused. Set before tick() runs.
  void on_status(std::function<void(int64_t pid, const std::string& event, const json& data)> f) { status_listener_ = std::move(f); }

 private:
  json transition(const User* u, int64_t pid, int64_t cid, const std::string& action);
  json launch_impl(const User* u, int64_t pid, int64_t cid);
  json create_impl(const User* u, int64_t pid, const json& body);
  json campaign_json(store::Conn& c, const store::Row& r, bool live);
  json progress(store::Conn& c, int64_t cid);
  void publish(int64_t pid, int64_t cid, const std::string& status, const json& reason, const json& progress);
  // The reason when the breaker paused the campaign now.
  std::optional<std::string> check_breaker(store::Conn& c, int64_t pid, int64_t cid, int64_t breaker_from, int64_t now);
  void tell_status(int64_t pid, int64_t cid, const std::string& status, const json& reason);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  std::function<std::string(const std::string&)> phone_hash_;
  CampaignOptions opts_;
  std::mutex tick_mu_;
  std::map<int64_t, int64_t> last_change_;  // campaign → the outbox change last published
  std::function<LinkRewriter(store::Conn&, int64_t, int64_t, bool)> links_;
  std::function<void(int64_t, const std::string&, const json&)> status_listener_;
};

}  // namespace sangam::campaigns
