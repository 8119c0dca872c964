// Our own groups (issue 10 items 3, 4, 5): create, invite, invite links, the public link, join requests.
#include "http/app.hpp"

#include "community/own_groups.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {
const json kCreateSchema = {
    {"type", "object"},
    {"required", {"name", "purpose", "account_id"}},
    {"properties",
     {{"name", {{"type", "string"}, {"maxLength", 100}}},
      {"purpose", {{"type", "string"}, {"maxLength", 500}}},
      {"description", {{"type", "string"}, {"maxLength", 2048}}},
      {"account_id", {{"type", "integer"}, {"description", "an active number of the project; it becomes the group's admin"}}},
      {"community_id", {{"type", "integer"}, {"description", "one of our communities (a group id); leave it out for none"}}},
      {"announce_only", {{"type", "boolean"}}},
      {"admins_add_only", {{"type", "boolean"}}}}}};
const json kInviteSchema = {
    {"type", "object"},
    {"required", {"contact_ids"}},
    {"properties",
     {{"contact_ids", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"maxItems", 500}}},
      {"method", {{"type", "string"}, {"enum", {"link", "add"}}}}}}};
const json kSettingsSchema = {
    {"type", "object"},
    {"properties",
     {{"add_interval_seconds", {{"type", "integer"}, {"minimum", 10}, {"maximum", 3600}}},
      {"adds_per_day", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}},
      {"join_rule", {{"type", "object"}}}}}};

// Waits for WhatsApp (up to 45 s): on the worker pool, never on an I/O thread that may deliver the answer.
Route heavy(Route r) {
  r.cpu_heavy = true;
  return r;
}
}  // namespace

void add_own_group_routes(Router& r, App& app) {
  OwnGroupService& s = *app.services().own_groups;
  const std::string base = "/api/v1/projects/{id}/own-groups";
  r.add({"GET", base, "Our own groups with growth phase, members against the phase's target, link and pending requests",
         Access::viewer, nullptr, 200, "groups", [&s](Ctx& c) { return Response::json_body(200, s.list(c.id("id"))); }});
  r.add(heavy({"POST", base, "Create a group with an active number of the project (optionally in one of our communities)",
               Access::manager, kCreateSchema, 201, "groups",
               [&s](Ctx& c) { return Response::json_body(201, s.create(c.user(), c.id("id"), c.body())); }}));
  r.add({"GET", base + "/settings", "Pacing of direct adds and the join-request rule", Access::viewer, nullptr, 200, "groups",
         [&s](Ctx& c) { return Response::json_body(200, s.settings(c.id("id"))); }});
  r.add({"PUT", base + "/settings", "Set the pacing of direct adds (>= 10 s apart, a daily cap) and the join-request rule",
         Access::manager, kSettingsSchema, 200, "groups",
         [&s](Ctx& c) { return Response::json_body(200, s.update_settings(c.user(), c.id("id"), c.body())); }});
  r.add({"GET", base + "/public-link", "The project's one public link (/j/{slug}) and the group it leads to now", Access::viewer,
         nullptr, 200, "groups", [&s](Ctx& c) { return Response::json_body(200, s.public_link(c.id("id"))); }});
  r.add({"GET", base + "/{groupId}", "One of our own groups", Access::viewer, nullptr, 200, "groups",
         [&s](Ctx& c) { return Response::json_body(200, s.get(c.id("id"), c.id("groupId"))); }});
  r.add({"POST", base + "/{groupId}/invites",
         "Invite engaged or opted-in contacts: the link one-to-one through the outbox, or a paced direct add", Access::manager,
         kInviteSchema, 200, "groups",
         [&s](Ctx& c) { return Response::json_body(200, s.invite(c.user(), c.id("id"), c.id("groupId"), c.body())); }});
  r.add({"GET", base + "/{groupId}/invites", "Invitations of the group and what became of them", Access::viewer, nullptr, 200,
         "groups", [&s](Ctx& c) { return Response::json_body(200, s.invites(c.id("id"), c.id("groupId"))); }});
  r.add(heavy({"POST", base + "/{groupId}/link", "Show the group's invite link (asked from WhatsApp)", Access::manager, nullptr,
               200, "groups", [&s](Ctx& c) { return Response::json_body(200, s.invite_link(c.id("id"), c.id("groupId"))); }}));
  r.add(heavy({"POST", base + "/{groupId}/link/rotate", "Replace the invite link: the old one stops working", Access::manager,
               nullptr, 200, "groups",
               [&s](Ctx& c) { return Response::json_body(200, s.renew_link(c.user(), c.id("id"), c.id("groupId"), false)); }}));
  r.add(heavy({"POST", base + "/{groupId}/link/revoke",
               "Revoke the invite link: the old one stops working, the new one is kept hidden (and out of the public link)",
               Access::manager, nullptr, 200, "groups",
               [&s](Ctx& c) { return Response::json_body(200, s.renew_link(c.user(), c.id("id"), c.id("groupId"), true)); }}));
  r.add(heavy({"GET", base + "/{groupId}/requests", "Join requests (?refresh=1 asks WhatsApp first) and the decisions log",
               Access::viewer, nullptr, 200, "groups", [&s](Ctx& c) {
                 auto q = c.req.query_param("refresh");
                 return Response::json_body(200, s.requests(c.id("id"), c.id("groupId"), q && (*q == "1" || *q == "true")));
               }}));
  r.add(heavy({"POST", base + "/{groupId}/requests/{requestId}/approve", "Let a person in (by hand, logged)", Access::manager,
               nullptr, 200, "groups", [&s](Ctx& c) {
                 return Response::json_body(200, s.decide(c.user(), c.id("id"), c.id("groupId"), c.id("requestId"), true));
               }}));
  r.add(heavy({"POST", base + "/{groupId}/requests/{requestId}/reject", "Turn a request down (by hand, logged)", Access::manager,
               nullptr, 200, "groups", [&s](Ctx& c) {
                 return Response::json_body(200, s.decide(c.user(), c.id("id"), c.id("groupId"), c.id("requestId"), false));
               }}));
  r.add(heavy({"POST", base + "/{groupId}/requests/apply-rule", "Decide the pending requests by the project's rule (logged)",
               Access::manager, nullptr, 200, "groups",
               [&s](Ctx& c) { return Response::json_body(200, s.apply_rule(c.id("id"), c.id("groupId"))); }}));

  // The public link: a website QR code points here, and it always leads to a group with room.
  Handler join = [&s](Ctx& c) {
    auto to = s.public_target(c.params["slug"]);
    if (!to) throw not_found("this project has no group open to join right now");
    Response res;
    res.status = 302;
    res.content_type = "text/plain; charset=utf-8";
    res.headers.emplace_back("Location", *to);
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    return res;
  };
  r.add({"GET", "/j/{slug}", "Public join link: 302 to the first of the project's own groups that is not full", Access::anyone,
         nullptr, 302, "groups", join});
}

}  // namespace sangam::http
