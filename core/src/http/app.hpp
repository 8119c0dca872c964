#pragma once
// Everything the HTTP server needs, without the socket code: routing, authentication, the CSRF rule,
// the error envelope, metrics and the request log. server.cpp feeds it parsed requests.
#include "accounts/account_service.hpp"
#include "contacts/contact_base.hpp"
#include "jobs/job_service.hpp"
#include "auth/auth_service.hpp"
#include "engines/bridge/bridge_hub.hpp"
#include "config/config.hpp"
#include "http/hub.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "projects/project_service.hpp"

#include <memory>

namespace sangam {
class GroupService;
class InboxService;
class WelcomeService;
class ModerationService;
class OwnGroupService;
}
namespace sangam::campaigns {
class CampaignService;
}
namespace sangam::analytics {
struct Analytics;
}
namespace sangam::calendar {
class CalendarService;
}
namespace sangam::channels {
class ChannelService;
}
namespace sangam::ops {
class WebhookService;
}

namespace sangam::http {

using GroupText = std::function<std::string(int64_t group_id)>;

struct Services {
  store::Database& db;
  const Clock& clock;
  AuthService& auth;
  ProjectService& projects;
  AccountService* accounts = nullptr;  // null in tests that do not need the account pool
  AlertService* alerts = nullptr;
  BridgeHub* bridge = nullptr;
  std::string bridge_secret;           // what connectors must present at /bridge/v1
  GroupService* groups = nullptr;      // null in tests that do not need groups
  ContactBase* contacts = nullptr;     // null in tests that do not need contacts
  JobService* jobs = nullptr;
  GroupText group_text;                // a group's name and description, for persona rules (group sync)
  campaigns::CampaignService* campaigns = nullptr;  // null in tests that do not need campaigns
  analytics::Analytics* analytics = nullptr;  // event log, links, leads; null in tests without analytics
  ops::WebhookService* webhooks = nullptr;    // outgoing webhooks; null in tests without them
  InboxService* inbox = nullptr;       // null in tests that do not need the team inbox
  WelcomeService* welcome = nullptr;   // null in tests that do not need welcome messages
  ModerationService* moderation = nullptr;
  OwnGroupService* own_groups = nullptr;  // our own groups (issue 10 items 3-5); null in tests without them
  calendar::CalendarService* calendar = nullptr;  // the content calendar; null in tests without it
  channels::ChannelService* channels = nullptr;   // channel followers and media files
};

// A WebSocket endpoint, independent of the socket library: the dashboard hub or the connector bridge.
struct WsPeer {
  std::function<uint64_t(std::function<void(std::string)> send, std::function<void()> close)> open;
  std::function<void(uint64_t conn, const std::string& text, const std::function<void(std::string)>& reply)> message;
  std::function<void(uint64_t conn)> closed;
  size_t max_message_bytes = 64 * 1024;
  bool server_pings = false;  // ping the peer and drop it when silent (connectors)
};

class App {
 public:
  App(const Config& cfg, Services s, Hub& hub);

  Response handle(const Request& req);
  // Whether the request's handler should run on the worker pool (Route::cpu_heavy).
  bool cpu_heavy(const Request& req) const;
  // The body limit of a request, known from its head: uploads (Route::upload) get the larger one.
  size_t body_limit(const std::string& method, const std::string& target) const;
  size_t body_limit_max() const { return std::max(cfg_.max_upload_bytes, cfg_.max_body_bytes); }
  // WebSocket upgrade: the endpoint to attach, or the error response to send instead.
  std::variant<WsPeer, Response> upgrade(const Request& req);

  Hub& hub() { return hub_; }
  void add_bridge_secret(std::string secret) { extra_bridge_secrets_.push_back(std::move(secret)); }
  Metrics& metrics() { return metrics_; }
  const Config& config() const { return cfg_; }
  Services& services() { return s_; }
  static Response error_response(const Error& e);

 private:
  Response dispatch(const Request& req, std::string& route_label, std::string& user_label);
  std::optional<Principal> authenticate(const Request& req);
  bool origin_allowed(const Request& req) const;
  Response serve_static(const Request& req) const;

  const Config& cfg_;
  Services s_;
  Hub& hub_;
  Router router_;
  Metrics metrics_;
  StaticFiles static_;
  std::vector<std::string> extra_bridge_secrets_;
};

// Route tables, one file per resource.
void add_meta_routes(Router& r, App& app);
void add_auth_routes(Router& r, App& app);
void add_user_routes(Router& r, App& app);
void add_project_routes(Router& r, App& app);
void add_account_routes(Router& r, App& app);
void add_invitation_routes(Router& r, App& app);
void add_group_routes(Router& r, App& app);
void add_contact_routes(Router& r, App& app);
void add_campaign_routes(Router& r, App& app);
void add_analytics_routes(Router& r, App& app);
void add_webhook_routes(Router& r, App& app);
void add_inbox_routes(Router& r, App& app);
void add_community_routes(Router& r, App& app);
void add_own_group_routes(Router& r, App& app);
void add_calendar_routes(Router& r, App& app);
void add_channel_routes(Router& r, App& app);

}  // namespace sangam::http
