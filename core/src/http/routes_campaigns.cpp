// Templates and campaigns (issue 8; docs/api.md, Campaigns). Viewers read; managers and owners write.
#include "http/app.hpp"

#include "campaigns/campaign_service.hpp"

namespace sangam::http {
namespace {

const json kVariables = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}},
                         {"description", "custom variables with their defaults, e.g. {\"offer\": \"10% off\"}"}};
const json kMedia = {{"type", "object"},
                     {"nullable", true},
                     {"properties", {{"kind", {{"type", "string"}, {"enum", {"image", "document", "video"}}}},
                                     {"url", {{"type", "string"}}}, {"caption", {{"type", "string"}}}}}};
const json kPoll = {{"type", "object"},
                    {"nullable", true},
                    {"properties", {{"question", {{"type", "string"}}},
                                    {"options", {{"type", "array"}, {"minItems", 2}, {"maxItems", 12}, {"items", {{"type", "string"}}}}},
                                    {"multiple", {{"type", "boolean"}}}}}};
const json kTemplateSchema = {{"type", "object"},
                              {"required", {"name", "body"}},
                              {"properties", {{"name", {{"type", "string"}, {"maxLength", 120}}},
                                              {"body", {{"type", "string"}, {"description", "text with {{variables}} and {spin|tax}"}}},
                                              {"variables", kVariables}, {"media", kMedia}, {"poll", kPoll}}}};
const json kPreviewSchema = {{"type", "object"},
                             {"required", {"body"}},
                             {"properties", {{"body", {{"type", "string"}}}, {"variables", kVariables},
                                             {"contact_id", {{"type", "integer"}}}, {"group_id", {{"type", "integer"}}},
                                             {"kind", {{"type", "string"}, {"description", "direct turns on the personalisation check"}}}}}};
const json kCampaignSchema = {
    {"type", "object"},
    {"required", {"name", "kind"}},
    {"properties",
     {{"name", {{"type", "string"}, {"maxLength", 120}}},
      {"kind", {{"type", "string"}, {"enum", {"group_post", "channel_post", "community_announcement", "direct"}}}},
      {"template_id", {{"type", "integer"}, {"nullable", true}}},
      {"body", {{"type", "string"}}},
      {"variables", kVariables},
      {"media", kMedia},
      {"poll", kPoll},
      {"targeting",
       {{"type", "object"},
        {"properties",
         {{"groups", {{"type", "object"}, {"description", "{ids?: [int], filter?: {persona, region, account_id, phase, min_messages_per_day}}"}}},
          {"contacts", {{"type", "object"}, {"description", "{filter: {persona, min_confidence, region, tags, min_engagement, not_contacted_days, consent}}"}}}}}}},
      {"schedule",
       {{"type", "object"},
        {"properties", {{"start_date", {{"type", "string"}, {"format", "date"}}}, {"end_date", {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
                        {"per_day_cap", {{"type", "integer"}, {"minimum", 1}, {"nullable", true}}},
                        {"account_ids", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"nullable", true}}}}}}}}}};

json body_or_empty(const Ctx& c) { return c.req.body.empty() ? json::object() : c.body(); }

}  // namespace

void add_campaign_routes(Router& r, App& app) {
  campaigns::CampaignService& cs = *app.services().campaigns;
  const std::string tpl = "/api/v1/projects/{id}/templates";
  // Literal paths before /{templateId}: the router takes the first match.
  r.add({"POST", tpl + "/preview", "Render a template body for a sample contact or group: text, 3 variants, checks and errors (never 400 for template errors)",
         Access::viewer, kPreviewSchema, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.template_preview(c.id("id"), c.body())); }});
  r.add({"GET", tpl, "Message templates of the project", Access::viewer, nullptr, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.templates(c.id("id"))); }});
  r.add({"POST", tpl, "Create a template (400 with line and column for a template error or a blocking content check)", Access::manager,
         kTemplateSchema, 201, "campaigns", [&cs](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(201, cs.template_create(c.user(), pid, c.body()));
         }});
  r.add({"GET", tpl + "/{templateId}", "A template with its content checks", Access::viewer, nullptr, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.template_get(c.id("id"), c.id("templateId"))); }});
  r.add({"PATCH", tpl + "/{templateId}", "Change a template", Access::manager, kTemplateSchema, 200, "campaigns", [&cs](Ctx& c) {
    auto pid = c.id("id"), tid = c.id("templateId");
    return Response::json_body(200, cs.template_update(c.user(), pid, tid, c.body()));
  }});
  r.add({"DELETE", tpl + "/{templateId}", "Delete a template (campaigns made from it keep their text)", Access::manager, nullptr, 204,
         "campaigns", [&cs](Ctx& c) {
           auto pid = c.id("id"), tid = c.id("templateId");
           cs.template_delete(c.user(), pid, tid);
           return Response::no_content();
         }});

  const std::string base = "/api/v1/projects/{id}/campaigns";
  r.add({"POST", base + "/estimate", "Live counts and plan of an unsaved campaign (the builder's state): targets with exclusions, plan per day and account, checks",
         Access::viewer, kCampaignSchema, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.estimate(c.id("id"), c.body())); }});
  r.add({"GET", base, "Campaigns, newest first; ?status=&kind=", Access::viewer, nullptr, 200, "campaigns", [&cs](Ctx& c) {
    return Response::json_body(200, cs.list(c.id("id"), c.req.query_param("status"), c.req.query_param("kind")));
  }});
  r.add({"POST", base, "Create a campaign (a draft)", Access::manager, kCampaignSchema, 201, "campaigns", [&cs](Ctx& c) {
    auto pid = c.id("id");
    return Response::json_body(201, cs.create(c.user(), pid, c.body()));
  }});
  r.add({"GET", base + "/{campaignId}", "A campaign with its live progress", Access::viewer, nullptr, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.get(c.id("id"), c.id("campaignId"))); }});
  r.add({"PATCH", base + "/{campaignId}", "Change a draft (409 in any other status)", Access::manager, kCampaignSchema, 200, "campaigns",
         [&cs](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("campaignId");
           return Response::json_body(200, cs.update(c.user(), pid, cid, c.body()));
         }});
  r.add({"DELETE", base + "/{campaignId}", "Delete a draft (409 in any other status: cancel instead)", Access::manager, nullptr, 204,
         "campaigns", [&cs](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("campaignId");
           cs.remove(c.user(), pid, cid);
           return Response::no_content();
         }});
  r.add({"GET", base + "/{campaignId}/preview", "Targets with exclusions and the plan per day and account (a draft: as it would launch now)",
         Access::viewer, nullptr, 200, "campaigns",
         [&cs](Ctx& c) { return Response::json_body(200, cs.preview(c.id("id"), c.id("campaignId"))); }});
  r.add({"GET", base + "/{campaignId}/messages", "Per-message status and skip reasons, keyset-paged; ?status=&cursor=&limit= (1-500, default 100)",
         Access::viewer, nullptr, 200, "campaigns", [&cs](Ctx& c) {
           return Response::json_body(200, cs.messages(c.id("id"), c.id("campaignId"), c.req.query_param("status"),
                                                       c.req.query_param("cursor"), c.req.query_param("limit")));
         }});
  struct Action {
    const char* name;
    const char* summary;
    json (campaigns::CampaignService::*fn)(const User&, int64_t, int64_t);
  };
  static const Action actions[] = {
      {"launch", "Launch a draft: render, assign accounts, schedule, write the outbox (scheduled or running)", &campaigns::CampaignService::launch},
      {"pause", "Pause: its queued messages wait (the dispatcher sends only running campaigns)", &campaigns::CampaignService::pause},
      {"resume", "Resume a paused campaign (also one the circuit breaker paused)", &campaigns::CampaignService::resume},
      {"cancel", "Cancel: queued messages are cancelled; messages in flight finish", &campaigns::CampaignService::cancel},
  };
  for (const auto& a : actions) {
    Route route{"POST", base + "/{campaignId}/" + a.name, a.summary, Access::manager, nullptr, 200, "campaigns",
                [&cs, fn = a.fn](Ctx& c) {
                  auto pid = c.id("id"), cid = c.id("campaignId");
                  body_or_empty(c);  // an empty body or {} (a JSON error still answers invalid_json)
                  return Response::json_body(200, (cs.*fn)(c.user(), pid, cid));
                }};
    // A launch of a large campaign renders and writes every message (1M in seconds): off the I/O threads.
    if (std::string(a.name) == "launch") route.cpu_heavy = true;
    r.add(std::move(route));
  }
}

}  // namespace sangam::http
