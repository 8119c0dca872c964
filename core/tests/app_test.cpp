// The HTTP rules without sockets: App::handle on plain Request structs.
#include "http/app.hpp"

#include "support.hpp"

#include <fstream>

using namespace sangam;
using namespace sangam::http;

class AppTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    cfg.web_dir = test::temp_dir();
    std::ofstream(cfg.web_dir + "/index.html") << "<!doctype html><div id=root></div>";
    auth = std::make_unique<AuthService>(*db, clock, hub);
    projects = std::make_unique<ProjectService>(*db, clock, hub);
    bool created = false;
    auth->ensure_admin("admin@example.com", "0123456789", created);
    app = std::make_unique<App>(cfg, Services{*db, clock, *auth, *projects}, hub);
    auto res = call("POST", "/api/v1/auth/login", R"({"email":"admin@example.com","password":"0123456789"})", false);
    EXPECT_EQ(res.status, 200);
    for (auto& [k, v] : res.headers)
      if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
  }
  Response call(const std::string& method, const std::string& target, const std::string& body = "", bool with_cookie = true,
                std::optional<std::string> origin = "http://sangam.test") {
    Request r;
    r.method = method;
    r.target = target;
    split_target(r);
    r.body = body;
    r.remote_ip = "127.0.0.1";
    r.headers.emplace_back("host", "sangam.test");
    if (origin) r.headers.emplace_back("origin", *origin);
    if (with_cookie && !cookie.empty()) r.headers.emplace_back("cookie", cookie);
    return app->handle(r);
  }
  static nlohmann::json body(const Response& r) { return nlohmann::json::parse(r.body); }

  Config cfg;
  Hub hub{[](int64_t, int64_t) { return true; }};
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<ProjectService> projects;
  std::unique_ptr<App> app;
  std::string cookie;
};
SANGAM_BOTH_BACKENDS(AppTest);

TEST_P(AppTest, LoginSetsAStrictHttpOnlyCookie) {
  auto res = call("POST", "/api/v1/auth/login", R"({"email":"admin@example.com","password":"0123456789"})", false);
  std::string set_cookie;
  for (auto& [k, v] : res.headers)
    if (k == "Set-Cookie") set_cookie = v;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
}

TEST_P(AppTest, ErrorsUseOneEnvelope) {
  auto r = call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body(r)["error"]["code"], "not_found");
  r = call("DELETE", "/api/v1/auth/me");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body(r)["error"]["code"], "method_not_allowed");
  r = call("POST", "/api/v1/projects", "{\"name\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["error"]["code"], "invalid_json");
  r = call("POST", "/api/v1/projects", "[1,2]");
  EXPECT_EQ(body(r)["error"]["code"], "invalid_json");
  r = call("POST", "/api/v1/projects", R"({"name":"X"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["error"]["field"], "slug");
  r = call("GET", "/api/v1/projects/abc");
  EXPECT_EQ(r.status, 404);
  r = call("GET", "/api/v1/projects", "", false);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(body(r)["error"]["code"], "unauthorized");
}

TEST_P(AppTest, CookieRequestsThatChangeStateNeedOurOrigin) {
  auto r = call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, std::nullopt);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body(r)["error"]["code"], "csrf_failed");
  r = call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, "http://evil.example");
  EXPECT_EQ(body(r)["error"]["code"], "csrf_failed");
  EXPECT_EQ(body(call("GET", "/api/v1/projects"))["items"].size(), 0u);  // nothing was created
  r = call("GET", "/api/v1/projects", "", true, std::nullopt);  // reads need no Origin
  EXPECT_EQ(r.status, 200);
  r = call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})");
  EXPECT_EQ(r.status, 201);
}

TEST_P(AppTest, TheOriginMustMatchSchemeHostAndPort) {
  // Our origin here is http://sangam.test (Host sangam.test, cookies not Secure).
  for (std::string foreign : {"https://sangam.test", "evil://sangam.test", "http://sangam.test:81", "http://sangam.tes",
                              "http://evil.sangam.test", "sangam.test", "null", ""}) {
    auto r = call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, foreign);
    EXPECT_EQ(r.status, 403) << foreign;
  }
  EXPECT_EQ(body(call("GET", "/api/v1/projects"))["items"].size(), 0u);
  EXPECT_EQ(call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, "http://sangam.test").status, 201);
}

TEST_P(AppTest, BehindTlsOnlyTheHttpsOriginIsOurs) {
  cfg.secure_cookies = true;
  EXPECT_EQ(call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, "http://sangam.test").status, 403);
  EXPECT_EQ(call("POST", "/api/v1/projects", R"({"name":"X","slug":"xx"})", true, "https://sangam.test").status, 201);
}

TEST_P(AppTest, BearerTokensNeedNoOrigin) {
  auto t = body(call("POST", "/api/v1/tokens", R"({"name":"script"})"));
  Request r;
  r.method = "POST";
  r.target = "/api/v1/projects";
  split_target(r);
  r.body = R"({"name":"Y","slug":"yy"})";
  r.headers = {{"host", "sangam.test"}, {"authorization", "Bearer " + t["token"].get<std::string>()}};
  EXPECT_EQ(app->handle(r).status, 201);
  r.headers[1].second = "Bearer sgm_wrong";
  EXPECT_EQ(app->handle(r).status, 401);
}

TEST_P(AppTest, OpenApiDescribesEveryRoute) {
  auto doc = body(call("GET", "/api/v1/openapi.json", "", false));
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (auto [path, method] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/projects/{id}", "patch"}, {"/api/v1/projects/{id}/members/{userId}", "put"},
           {"/api/v1/auth/login", "post"}, {"/api/v1/users/{id}", "delete"}, {"/api/v1/projects/{id}/audit", "get"},
           {"/api/v1/tokens/{id}", "delete"}, {"/healthz", "get"}, {"/metrics", "get"}, {"/api/v1/ws", "get"}})
    EXPECT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
}

TEST_P(AppTest, DashboardRoutesFallBackToTheApp) {
  auto r = call("GET", "/projects/3/settings", "", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("id=root"), std::string::npos);
  EXPECT_EQ(call("GET", "/assets/missing.js", "", false).status, 404);
  EXPECT_EQ(call("GET", "/../../etc/passwd", "", false).status, 404);
}

TEST_P(AppTest, MetricsCountRequestsPerRoute) {
  call("GET", "/api/v1/projects");
  auto text = call("GET", "/metrics", "", false).body;
  EXPECT_NE(text.find("sangam_http_requests_total{method=\"GET\",route=\"/api/v1/projects\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes"), std::string::npos);
}
