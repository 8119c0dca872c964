#include "http/app.hpp"

namespace sangam::http {
namespace {

const json kLoginSchema = {{"type", "object"},
                           {"required", {"email", "password"}},
                           {"properties", {{"email", {{"type", "string"}}}, {"password", {{"type", "string"}}}}}};
const json kTokenSchema = {{"type", "object"},
                           {"required", {"name"}},
                           {"properties", {{"name", {{"type", "string"}, {"maxLength", 100}}},
                                           {"expires_in_days", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3650}}}}}};

std::string session_cookie(const std::string& value, int64_t max_age, bool secure) {
  return "sangam_session=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (secure ? "; Secure" : "");
}

}  // namespace

void add_auth_routes(Router& r, App& app) {
  auto& auth = app.services().auth;
  bool secure = app.config().secure_cookies;
  Route login{"POST", "/api/v1/auth/login", "Sign in with email and password; sets the session cookie", Access::anyone,
              kLoginSchema, 200, "auth", [&auth, secure](Ctx& c) {
                auto ua = c.req.header("user-agent").value_or("");
                auto login = auth.login(c.body(), c.req.remote_ip, std::string(ua));
                auto res = Response::json_body(200, {{"user", to_json(login.user)}});
                res.headers.emplace_back("Set-Cookie", session_cookie(login.session_token, login.max_age_s, secure));
                return res;
              }};
  login.cpu_heavy = true;
  r.add(std::move(login));
  r.add({"POST", "/api/v1/auth/logout", "Sign out (ends the session)", Access::user, nullptr, 204, "auth",
         [&auth, secure](Ctx& c) {
           if (auto cookie = c.req.cookie("sangam_session")) auth.logout(*cookie);
           auto res = Response::no_content();
           res.headers.emplace_back("Set-Cookie", session_cookie("", 0, secure));
           return res;
         }});
  r.add({"GET", "/api/v1/auth/me", "The signed-in user and their project roles", Access::user, nullptr, 200, "auth",
         [&auth](Ctx& c) { return Response::json_body(200, auth.me(c.user())); }});
  r.add({"GET", "/api/v1/tokens", "Your API tokens", Access::user, nullptr, 200, "tokens",
         [&auth](Ctx& c) { return Response::json_body(200, auth.list_tokens(c.user())); }});
  r.add({"POST", "/api/v1/tokens", "Create an API token (shown once)", Access::user, kTokenSchema, 201, "tokens",
         [&auth](Ctx& c) { return Response::json_body(201, auth.create_token(c.user(), c.body())); }});
  r.add({"DELETE", "/api/v1/tokens/{id}", "Revoke an API token", Access::user, nullptr, 204, "tokens", [&auth](Ctx& c) {
           auth.revoke_token(c.user(), c.id("id"));
           return Response::no_content();
         }});
}

}  // namespace sangam::http
