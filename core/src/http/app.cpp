#include "http/app.hpp"

#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"
#include "util/log_text.hpp"

#include <sodium.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace sangam::http {
namespace {

int status_of(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request:
    case ErrorCode::invalid_json:
    case ErrorCode::validation_failed: return 400;
    case ErrorCode::unauthorized:
    case ErrorCode::invalid_credentials: return 401;
    case ErrorCode::forbidden:
    case ErrorCode::csrf_failed: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::too_many_attempts: return 429;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

bool changes_state(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

std::string find_web_dir(const Config& cfg) {
  if (!cfg.web_dir.empty()) return cfg.web_dir;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  // build/sangam → ../web/dist; an installed binary may sit beside web/dist.
  for (auto base : {exe.parent_path().parent_path(), exe.parent_path(), std::filesystem::current_path(ec)}) {
    auto p = base / "web" / "dist";
    if (std::filesystem::exists(p / "index.html", ec)) return p.string();
  }
  return {};
}

}  // namespace

App::App(const Config& cfg, Services s, Hub& hub) : cfg_(cfg), s_(s), hub_(hub), static_(find_web_dir(cfg)) {
  add_meta_routes(router_, *this);
  add_auth_routes(router_, *this);
  add_user_routes(router_, *this);
  add_project_routes(router_, *this);
  if (s_.accounts) add_account_routes(router_, *this);
  add_invitation_routes(router_, *this);
  if (s_.groups) add_group_routes(router_, *this);
  if (s_.contacts && s_.jobs) add_contact_routes(router_, *this);
  if (s_.campaigns) add_campaign_routes(router_, *this);
  if (s_.analytics) add_analytics_routes(router_, *this);
  if (s_.webhooks) add_webhook_routes(router_, *this);
  if (s_.inbox) add_inbox_routes(router_, *this);
  if (s_.welcome) add_community_routes(router_, *this);
  if (s_.own_groups) add_own_group_routes(router_, *this);
  if (s_.calendar) add_calendar_routes(router_, *this);
  if (s_.channels) add_channel_routes(router_, *this);
  if (static_.empty()) spdlog::warn("event=web.missing hint=\"run make build to build the dashboard (web/dist)\"");
}

Response App::error_response(const Error& e) {
  json err = {{"code", error_code_name(e.code())}, {"message", e.what()}};
  if (!e.field().empty()) err["field"] = e.field();
  if (auto f = dynamic_cast<const FieldErrors*>(&e)) {
    err["errors"] = json::array();
    for (auto& x : f->errors()) err["errors"].push_back({{"field", x.field}, {"message", x.message}});
  }
  auto r = Response::json_body(status_of(e.code()), {{"error", err}});
  if (auto t = dynamic_cast<const ThrottledError*>(&e)) r.headers.emplace_back("Retry-After", std::to_string(t->retry_after_s()));
  return r;
}

std::optional<Principal> App::authenticate(const Request& req) {
  if (auto h = req.header("authorization")) {
    if (h->size() > 7 && (h->substr(0, 7) == "Bearer " || h->substr(0, 7) == "bearer ")) {
      auto p = s_.auth.authenticate_bearer(std::string(h->substr(7)));
      if (!p) throw Error(ErrorCode::unauthorized, "the API token is invalid, expired or revoked");
      return p;
    }
    throw Error(ErrorCode::unauthorized, "the Authorization header must be 'Bearer <token>'");
  }
  if (auto c = req.cookie("sangam_session"); c && !c->empty()) return s_.auth.authenticate_session(*c);
  return std::nullopt;
}

bool App::origin_allowed(const Request& req) const {
  auto origin = req.header("origin");
  if (!origin) return false;
  for (auto& a : cfg_.allowed_origins)
    if (a == *origin) return true;
  // Our own origin is scheme, host and port: the scheme we are served over (https when the cookie is
  // Secure, i.e. behind TLS) and the Host the browser addressed. "evil://" or a plain-http page must
  // not pass for an https dashboard, nor the reverse.
  auto host = req.header("host");
  if (!host || host->empty()) return false;
  std::string own = std::string(cfg_.secure_cookies ? "https://" : "http://") + std::string(*host);
  return *origin == own;
}

std::variant<WsPeer, Response> App::upgrade(const Request& req) {
  try {
    if (req.path == "/bridge/v1") {
      auto h = req.header("authorization");
      // Constant-time comparison: the secret must not leak through response timing.
      auto matches = [&](const std::string& secret) {
        std::string expected = "Bearer " + secret;
        return !secret.empty() && h && h->size() == expected.size() &&
               sodium_memcmp(h->data(), expected.data(), expected.size()) == 0;
      };
      bool ok = s_.bridge && (matches(s_.bridge_secret) ||
                              std::any_of(extra_bridge_secrets_.begin(), extra_bridge_secrets_.end(), matches));
      if (!ok) throw Error(ErrorCode::unauthorized, "connectors must present the bridge secret");
      BridgeHub* b = s_.bridge;
      // Session archives of a whatsapp-web.js profile reach tens of MB; 256 MiB bounds a bad peer.
      return WsPeer{[b](auto send, auto close) { return b->open(std::move(send), std::move(close)); },
                    [b](uint64_t id, const std::string& text, const auto&) { b->message(id, text); },
                    [b](uint64_t id) { b->closed(id); }, 256u << 20, true};
    }
    if (req.path != "/api/v1/ws") throw not_found("no WebSocket endpoint at " + req.path);
    auto p = authenticate(req);
    if (!p) throw Error(ErrorCode::unauthorized, "sign in first");
    // Cross-site WebSocket hijacking: a browser sends the cookie with any page's WebSocket, so a
    // cookie-authenticated upgrade must come from our own origin.
    if (p->via_cookie && !origin_allowed(req)) throw Error(ErrorCode::csrf_failed, "the request's Origin is not allowed");
    int64_t user = p->user.id;
    Hub::Credential cred{p->session_id, p->token_id};  // so a logout or revocation closes this socket
    Hub* hub = &hub_;
    Metrics* m = &metrics_;
    return WsPeer{[hub, m, user, cred](auto send, auto close) {
                    m->ws_connections(1);
                    return hub->add(user, std::move(send), std::move(close), cred);
                  },
                  [hub](uint64_t id, const std::string& text, const auto& reply) { reply(hub->handle(id, text)); },
                  [hub, m](uint64_t id) {
                    m->ws_connections(-1);
                    hub->remove(id);
                  }};
  } catch (const Error& e) {
    return error_response(e);
  }
}

bool App::cpu_heavy(const Request& req) const {
  auto m = router_.match(req.method, req.path);
  return m.route && m.route->cpu_heavy;
}

size_t App::body_limit(const std::string& method, const std::string& target) const {
  auto q = target.find('?');
  auto m = router_.match(method, q == std::string::npos ? target : target.substr(0, q));
  return m.route && m.route->upload ? std::max(cfg_.max_upload_bytes, cfg_.max_body_bytes) : cfg_.max_body_bytes;
}

Response App::handle(const Request& req) {
  auto start = std::chrono::steady_clock::now();
  std::string route = "unmatched", user = "-";
  Response res;
  try {
    res = dispatch(req, route, user);
  } catch (const Error& e) {
    res = error_response(e);
  } catch (const std::exception& e) {
    spdlog::error("event=http.internal_error method={} path={} error={}", log_value(req.method),
                  log_value(req.path), log_value(e.what()));
    res = error_response(Error(ErrorCode::internal, "internal error; the server log has the details"));
  }
  if (req.path.starts_with("/api/")) {
    // The core's time and its rate, for the dashboard's relative times (format.ts serverNow()).
    res.headers.emplace_back("X-Sangam-Time", std::to_string(s_.clock.now_ms()));
    // Its rate: the demo's --clock-speed runs it N times faster, and the dashboard's own clock must
    // follow, or "2 minutes ago" reads "in 33 minutes" at speed 30.
    if (auto fast = dynamic_cast<const AcceleratedClock*>(&s_.clock))
      res.headers.emplace_back("X-Sangam-Clock-Speed", fmt::format("{}", fast->speed()));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe(req.method, route, res.status, secs);
  spdlog::info("event=http.request method={} route={} path={} status={} duration_ms={:.3f} user={} ip={}",
               log_value(req.method), route, log_value(req.path), res.status, secs * 1000, user, req.remote_ip);
  return res;
}

Response App::dispatch(const Request& req, std::string& route_label, std::string& user_label) {
  bool api = req.path.rfind("/api/", 0) == 0 || req.path == "/api";
  auto m = router_.match(req.method, req.path);
  if (!m.route) {
    if (!m.allowed.empty()) {
      route_label = "method_not_allowed";
      std::string allow;
      for (auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
      auto r = error_response(Error(ErrorCode::method_not_allowed, req.method + " is not allowed here; use " + allow));
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    if (!api && (req.method == "GET" || req.method == "HEAD")) {
      route_label = "static";
      return serve_static(req);
    }
    throw Error(ErrorCode::not_found, "no such endpoint: " + req.method + " " + req.path);
  }
  const Route& route = *m.route;
  route_label = route.pattern;
  Ctx ctx{req, std::move(m.params), std::nullopt};
  bool metrics_open = route.pattern == "/metrics" && cfg_.metrics_public;
  if (route.access != Access::anyone || (route.pattern == "/metrics" && !metrics_open)) {
    ctx.principal = authenticate(req);
    if (!ctx.principal) throw Error(ErrorCode::unauthorized, "sign in or send an API token");
    user_label = std::to_string(ctx.user().id);
    if (route.access == Access::admin && !ctx.user().is_admin) throw forbidden("this needs an administrator");
  }
  if (changes_state(req.method)) {
    // Bearer requests carry no ambient credential, so only cookie requests need the Origin rule. A
    // login from a foreign page is refused too (login CSRF), while curl without Origin may log in.
    bool bearer = ctx.principal && !ctx.principal->via_cookie;
    bool cookie = ctx.principal && ctx.principal->via_cookie;
    if (!bearer && (cookie || req.header("origin")) && !origin_allowed(req))
      throw Error(ErrorCode::csrf_failed, "the request's Origin is missing or not allowed");
  }
  // Membership and role before the handler reads the body or the query (Access, router.hpp).
  if (route.access >= Access::viewer) {
    Role need = route.access == Access::owner ? Role::owner : route.access == Access::manager ? Role::manager : Role::viewer;
    s_.projects.require(ctx.user(), ctx.id("id"), need);
  }
  return route.handler(ctx);
}

Response App::serve_static(const Request& req) const {
  if (static_.empty()) {
    Response r;
    r.status = req.path == "/" ? 200 : 404;
    r.content_type = "text/html; charset=utf-8";
    r.body = "<!doctype html><title>Sangam</title><p>The dashboard is not built. Run <code>make build</code>.</p>";
    return r;
  }
  auto found = static_.find(req.path);
  if (found.kind == StaticFiles::Kind::missing) throw not_found("no such file");
  std::ifstream f(found.path, std::ios::binary);
  if (!f) throw not_found("no such file");
  Response r;
  r.content_type = StaticFiles::mime_type(found.path.extension().string());
  r.body.assign(std::istreambuf_iterator<char>(f), {});
  // Vite names assets by content hash, so they never change; index.html must always be revalidated.
  bool immutable = found.kind == StaticFiles::Kind::file && req.path.rfind("/assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace sangam::http
