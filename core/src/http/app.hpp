#pragma once
// Everything the HTTP server needs, without the socket code: routing, authentication, the CSRF rule,
// the error envelope, metrics and the request log. server.cpp feeds it parsed requests.
#include "auth/auth_service.hpp"
#include "config/config.hpp"
#include "http/hub.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "projects/project_service.hpp"

#include <memory>

namespace sangam::http {

struct Services {
  store::Database& db;
  const Clock& clock;
  AuthService& auth;
  ProjectService& projects;
};

class App {
 public:
  App(const Config& cfg, Services s, Hub& hub);

  Response handle(const Request& req);
  // WebSocket upgrade: the principal, or the error response to send instead.
  std::variant<Principal, Response> authenticate_upgrade(const Request& req);

  Hub& hub() { return hub_; }
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
  std::string web_dir_;
};

// Route tables, one file per resource.
void add_meta_routes(Router& r, App& app);
void add_auth_routes(Router& r, App& app);
void add_user_routes(Router& r, App& app);
void add_project_routes(Router& r, App& app);

}  // namespace sangam::http
