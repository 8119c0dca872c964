#include "http/app.hpp"

#include "util/errors.hpp"

namespace sangam::http {
namespace {

const json kCreateSchema = {
    {"type", "object"},
    {"required", {"phone"}},
    {"properties",
     {{"phone", {{"type", "string"}, {"description", "E.164, or local to the project's default region"}}},
      {"label", {{"type", "string"}, {"maxLength", 100}}},
      {"engine", {{"type", "string"}, {"enum", {"webjs", "sim"}}}},
      {"role", {{"type", "string"}, {"enum", {"production", "backup", "warmup"}}}},
      {"daily_limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", 5000}}}}}};
const json kUpdateSchema = {{"type", "object"},
                            {"properties",
                             {{"label", {{"type", "string"}, {"maxLength", 100}}},
                              {"role", {{"type", "string"}, {"enum", {"production", "backup", "warmup"}}}},
                              {"daily_limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", 5000}}}}}};
const json kLinkSchema = {{"type", "object"}, {"properties", {{"method", {{"type", "string"}, {"enum", {"qr", "pairing_code"}}}}}}};
const json kTransitionSchema = {{"type", "object"},
                                {"required", {"to"}},
                                {"properties", {{"to", {{"type", "string"}, {"enum", {"cooling", "active", "standby", "warming", "retired"}}}}}}};
const json kAnyObject = {{"type", "object"}};

json body_or_empty(const Ctx& c) { return c.req.body.empty() ? json::object() : c.body(); }

}  // namespace

void add_account_routes(Router& r, App& app) {
  AccountService& as = *app.services().accounts;
  AlertService& al = *app.services().alerts;
  const std::string base = "/api/v1/projects/{id}/accounts";
  r.add({"GET", base, "WhatsApp accounts of the project", Access::viewer, nullptr, 200, "accounts",
         [&as](Ctx& c) { return Response::json_body(200, as.list(c.user(), c.id("id"))); }});
  r.add({"POST", base, "Add a WhatsApp account (status new)", Access::manager, kCreateSchema, 201, "accounts", [&as](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(201, as.create(c.user(), pid, c.body()));
         }});
  r.add({"GET", base + "/{accountId}", "Get an account", Access::viewer, nullptr, 200, "accounts",
         [&as](Ctx& c) { return Response::json_body(200, as.get(c.user(), c.id("id"), c.id("accountId"))); }});
  r.add({"PATCH", base + "/{accountId}", "Change label, role or daily limit", Access::manager, kUpdateSchema, 200, "accounts",
         [&as](Ctx& c) {
           auto pid = c.id("id"), aid = c.id("accountId");
           return Response::json_body(200, as.update(c.user(), pid, aid, c.body()));
         }});
  r.add({"DELETE", base + "/{accountId}", "Delete an account (owner)", Access::owner, nullptr, 204, "accounts", [&as](Ctx& c) {
           as.remove(c.user(), c.id("id"), c.id("accountId"));
           return Response::no_content();
         }});
  r.add({"POST", base + "/{accountId}/link", "Start linking: QR codes arrive as account.qr events", Access::manager,
         kLinkSchema, 202, "accounts", [&as](Ctx& c) {
           auto pid = c.id("id"), aid = c.id("accountId");
           return Response::json_body(202, as.link(c.user(), pid, aid, body_or_empty(c)));
         }});
  r.add({"GET", base + "/{accountId}/qr", "QR and pairing-code history, newest first", Access::manager, nullptr, 200,
         "accounts", [&as](Ctx& c) { return Response::json_body(200, as.qr_history(c.user(), c.id("id"), c.id("accountId"))); }});
  r.add({"POST", base + "/{accountId}/transition", "Move to another status (cooling, active, standby, warming, retired)",
         Access::manager, kTransitionSchema, 200, "accounts", [&as](Ctx& c) {
           auto pid = c.id("id"), aid = c.id("accountId");
           return Response::json_body(200, as.transition(c.user(), pid, aid, c.body()));
         }});
  r.add({"POST", base + "/{accountId}/logout", "Unlink the device and forget its sessions", Access::manager, nullptr, 200,
         "accounts", [&as](Ctx& c) { return Response::json_body(200, as.logout(c.user(), c.id("id"), c.id("accountId"))); }});
  r.add({"GET", base + "/{accountId}/health", "Health score, its parts and history", Access::viewer, nullptr, 200,
         "accounts", [&as](Ctx& c) { return Response::json_body(200, as.health(c.user(), c.id("id"), c.id("accountId"))); }});
  r.add({"POST", base + "/{accountId}/sim/{action}", "Simulator control: scan, disconnect, ban, incoming (sim engine)",
         Access::manager, kAnyObject, 202, "accounts", [&as](Ctx& c) {
           auto pid = c.id("id"), aid = c.id("accountId");
           as.sim(c.user(), pid, aid, c.params.at("action"), body_or_empty(c));
           return Response::json_body(202, json::object());
         }});
  r.add({"GET", "/api/v1/projects/{id}/alerts", "Alerts, newest first; ?state=open|all", Access::viewer, nullptr, 200,
         "alerts", [&al](Ctx& c) {
           auto state = c.req.query_param("state").value_or("open");
           if (state != "open" && state != "all") throw validation("state", "must be open or all");
           return Response::json_body(200, al.list(c.user(), c.id("id"), state == "open"));
         }});
  r.add({"POST", "/api/v1/projects/{id}/alerts/{alertId}/ack", "Acknowledge an alert", Access::manager, nullptr, 200,
         "alerts", [&al](Ctx& c) { return Response::json_body(200, al.acknowledge(c.user(), c.id("id"), c.id("alertId"))); }});
  BridgeHub* bridge = app.services().bridge;
  r.add({"GET", "/api/v1/connectors", "Connected connectors", Access::admin, nullptr, 200, "accounts", [bridge](Ctx&) {
           json items = json::array();
           if (bridge)
             for (auto& ci : bridge->connectors())
               items.push_back({{"id", ci.id}, {"connected", true}, {"pid", ci.pid}, {"version", ci.version},
                                {"engines", ci.engines}, {"accounts", ci.accounts},
                                {"connected_at", format_iso8601(ci.connected_at)}});
           return Response::json_body(200, {{"items", items}});
         }});
}

}  // namespace sangam::http
