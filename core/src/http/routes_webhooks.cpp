// Outgoing webhooks of a project (issue 9 item 8): create, list, delete, the delivery log and the
// "send test event" button.
#include "http/app.hpp"
#include "ops/webhooks.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {
const json kWebhookSchema = {
    {"type", "object"},
    {"required", {"url", "events"}},
    {"properties",
     {{"url", {{"type", "string"}, {"format", "uri"}, {"description", "http(s); not the loopback or a private range"}}},
      {"events", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"lead.attributed", "account.banned", "account.critical", "campaign.completed", "campaign.paused", "report.weekly"}}}}}},
      {"allow_private", {{"type", "boolean"}, {"description", "administrators only: allow a loopback or private address"}}}}}};
}  // namespace

void add_webhook_routes(Router& r, App& app) {
  ops::WebhookService& wh = *app.services().webhooks;
  const std::string base = "/api/v1/projects/{id}/webhooks";
  r.add({"GET", base, "The project's outgoing webhooks", Access::owner, nullptr, 200, "webhooks",
         [&](Ctx& c) { return Response::json_body(200, wh.list(c.id("id"))); }});
  r.add({"POST", base, "A new webhook; its signing secret is shown once", Access::owner, kWebhookSchema, 201, "webhooks",
         [&](Ctx& c) { return Response::json_body(201, wh.create(c.id("id"), c.body(), c.user().is_admin)); }});
  r.add({"DELETE", base + "/{webhook}", "Delete a webhook and its delivery log", Access::owner, nullptr, 204, "webhooks",
         [&](Ctx& c) {
           wh.remove(c.id("id"), c.id("webhook"));
           return Response::no_content();
         }});
  r.add({"GET", base + "/{webhook}/deliveries", "The delivery log: status, attempts, latency, the answer's first 500 bytes",
         Access::owner, nullptr, 200, "webhooks",
         [&](Ctx& c) { return Response::json_body(200, wh.deliveries(c.id("id"), c.id("webhook"))); }});
  r.add({"POST", base + "/{webhook}/test", "Send a webhook.test event now; answers the delivery", Access::owner, nullptr, 200,
         "webhooks", [&](Ctx& c) { return Response::json_body(200, wh.send_test(c.id("id"), c.id("webhook"))); }});
}

}  // namespace sangam::http
