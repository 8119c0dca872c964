#include "http/app.hpp"
#include "projects/validate.hpp"
#include "version.hpp"

namespace sangam::http {

void add_meta_routes(Router& r, App& app) {
  r.add({"GET", "/healthz", "Liveness and database check", Access::anyone, nullptr, 200, "meta", [&app](Ctx&) {
           app.services().db.read([](store::Conn& c) { return c.run("user-count"); });
           return Response::json_body(200, {{"status", "ok"}});
         }});
  r.add({"GET", "/metrics", "Prometheus metrics (requests, latency, memory)", Access::anyone, nullptr, 200, "meta",
         [&app](Ctx&) {
           Response res;
           res.content_type = "text/plain; version=0.0.4";
           res.body = app.metrics().render();
           return res;
         }});
  r.add({"GET", "/api/v1/openapi.json", "This description", Access::anyone, nullptr, 200, "meta", [&r](Ctx&) {
           static const std::string doc = r.openapi(SANGAM_VERSION).dump();  // routes are fixed after start
           Response res;
           res.body = doc;
           return res;
         }});
  r.add({"GET", "/api/v1/timezones", "IANA time zone names", Access::user, nullptr, 200, "meta", [](Ctx&) {
           static const json zones = all_time_zones();
           return Response::json_body(200, {{"items", zones}});
         }});
  r.add({"GET", "/api/v1/ws", "WebSocket for live events (subscribe to projects)", Access::user, nullptr, 101, "meta",
         [](Ctx&) -> Response {
           throw Error(ErrorCode::validation_failed, "this endpoint needs a WebSocket upgrade", "Upgrade");
         }});
}

}  // namespace sangam::http
