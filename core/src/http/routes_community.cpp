// Community automation on our own groups (issue 10): welcome messages, moderation.
#include "http/app.hpp"

#include "community/moderation.hpp"
#include "community/welcome.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {
const json kWelcomeSchema = {
    {"type", "object"},
    {"required", {"template"}},
    {"properties",
     {{"enabled", {{"type", "boolean"}}},
      {"template", {{"type", "string"}, {"maxLength", 2000}, {"description", "variables: {{members}} (mentions), {{group}}, {{count}}"}}},
      {"window_seconds", {{"type", "integer"}, {"minimum", 10}, {"maximum", 3600}}}}}};
const json kModerationSchema = {
    {"type", "object"},
    {"properties",
     {{"dry_run", {{"type", "boolean"}, {"description", "true: report only; false: delete, warn, remove after K strikes"}}},
      {"rules", {{"type", "object"},
                 {"properties",
                  {{"links", {{"type", "boolean"}}}, {"forwarded_chains", {{"type", "boolean"}}},
                   {"banned_words", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                   {"flood_messages", {{"type", "integer"}}}, {"flood_minutes", {{"type", "integer"}}},
                   {"strikes_to_remove", {{"type", "integer"}}}, {"allow", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                   {"patterns", {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "regular expressions; one that does not compile is refused"}}}}}}}}}};
}  // namespace

void add_community_routes(Router& r, App& app) {
  WelcomeService& w = *app.services().welcome;
  const std::string base = "/api/v1/projects/{id}/groups/{groupId}/welcome";
  r.add({"GET", base, "The group's welcome message: template, window, members waiting for the next one", Access::viewer,
         nullptr, 200, "groups", [&w](Ctx& c) { return Response::json_body(200, w.get(c.id("id"), c.id("groupId"))); }});
  r.add({"PUT", base, "Set the welcome message of a group where our number is admin", Access::manager, kWelcomeSchema, 200,
         "groups", [&w](Ctx& c) {
           auto pid = c.id("id"), gid = c.id("groupId");
           return Response::json_body(200, w.put(c.user(), pid, gid, c.body()));
         }});
  if (!app.services().moderation) return;
  ModerationService& m = *app.services().moderation;
  const std::string mod = "/api/v1/projects/{id}/groups/{groupId}/moderation";
  r.add({"GET", mod, "The group's moderation rules (dry run: report only)", Access::viewer, nullptr, 200, "groups",
         [&m](Ctx& c) { return Response::json_body(200, m.get(c.id("id"), c.id("groupId"))); }});
  r.add({"PUT", mod, "Set the moderation rules of a group where our number is admin", Access::manager, kModerationSchema, 200,
         "groups", [&m](Ctx& c) {
           auto pid = c.id("id"), gid = c.id("groupId");
           return Response::json_body(200, m.put(c.user(), pid, gid, c.body()));
         }});
  r.add({"GET", mod + "/log", "What moderation did, or in a dry run would have done, newest first", Access::viewer, nullptr,
         200, "groups", [&m](Ctx& c) { return Response::json_body(200, m.log(c.id("id"), c.id("groupId"))); }});
}

}  // namespace sangam::http
