#include "http/app.hpp"

#include "util/errors.hpp"

namespace sangam::http {
namespace {

const json kNames = {{"type", "array"}, {"maxItems", 100}, {"items", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}}};
const json kProjectProps = {
    {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
    {"slug", {{"type", "string"}, {"pattern", "^[a-z][a-z0-9-]{0,48}[a-z0-9]$"}}},
    {"time_zone", {{"type", "string"}, {"description", "IANA name, default Asia/Kolkata"}}},
    {"default_region", {{"type", "string"}, {"description", "ISO 3166-1 alpha-2, default IN"}}},
    {"working_hours",
     {{"type", "array"}, {"minItems", 1}, {"maxItems", 6},
      {"items", {{"type", "object"}, {"required", {"start", "end"}},
                 {"properties", {{"start", {{"type", "string"}, {"pattern", "^\\d\\d:\\d\\d$"}}},
                                 {"end", {{"type", "string"}, {"pattern", "^\\d\\d:\\d\\d$"}}}}}}}}},
    {"weekend_factor", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
    {"regions", kNames},
    {"personas", kNames}};
const json kCreateSchema = {{"type", "object"}, {"required", {"name", "slug"}}, {"properties", kProjectProps}};
const json kUpdateSchema = {{"type", "object"}, {"properties", kProjectProps}};
const json kRole = {{"type", "string"}, {"enum", {"owner", "manager", "viewer"}}};
const json kMemberSchema = {{"type", "object"}, {"required", {"role"}}, {"properties", {{"role", kRole}}}};
const json kAddMemberSchema = {{"type", "object"},
                               {"required", {"email", "role"}},
                               {"properties", {{"email", {{"type", "string"}, {"format", "email"}}}, {"role", kRole}}}};

int64_t query_int(const Ctx& c, const char* name, int64_t def, int64_t min, int64_t max) {
  auto v = c.req.query_param(name);
  if (!v) return def;
  if (v->empty() || v->size() > 18 || !std::all_of(v->begin(), v->end(), ::isdigit) || std::stoll(*v) < min ||
      std::stoll(*v) > max)
    throw validation(name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return std::stoll(*v);
}

}  // namespace

void add_project_routes(Router& r, App& app) {
  auto& ps = app.services().projects;
  r.add({"GET", "/api/v1/projects", "Projects you are a member of", Access::user, nullptr, 200, "projects",
         [&ps](Ctx& c) { return Response::json_text(200, ps.list(c.user())); }});
  r.add({"POST", "/api/v1/projects", "Create a project (you become its owner)", Access::user, kCreateSchema, 201,
         "projects", [&ps](Ctx& c) { return Response::json_text(201, ps.create(c.user(), c.body())); }});
  r.add({"GET", "/api/v1/projects/{id}", "Get a project", Access::viewer, nullptr, 200, "projects",
         [&ps](Ctx& c) { return Response::json_text(200, ps.get(c.user(), c.id("id"))); }});
  r.add({"PATCH", "/api/v1/projects/{id}", "Change a project's settings (owner)", Access::owner, kUpdateSchema, 200,
         "projects", [&ps](Ctx& c) {
           auto id = c.id("id");
           return Response::json_text(200, ps.update(c.user(), id, c.body()));
         }});
  r.add({"DELETE", "/api/v1/projects/{id}", "Delete a project (owner)", Access::owner, nullptr, 204, "projects",
         [&ps](Ctx& c) {
           ps.remove(c.user(), c.id("id"));
           return Response::no_content();
         }});
  r.add({"GET", "/api/v1/projects/{id}/members", "Project members and roles", Access::viewer, nullptr, 200, "members",
         [&ps](Ctx& c) { return Response::json_body(200, ps.members(c.user(), c.id("id"))); }});
  r.add({"POST", "/api/v1/projects/{id}/members",
         "Add a user as a member by their email (owner); an unknown or disabled email is a 404 naming email",
         Access::owner, kAddMemberSchema, 201, "members", [&ps](Ctx& c) {
           auto id = c.id("id");
           return Response::json_body(201, ps.add_member(c.user(), id, c.body()));
         }});
  r.add({"PUT", "/api/v1/projects/{id}/members/{userId}",
         "Change a member's role (owner); a user who is not a member is a 404", Access::owner, kMemberSchema, 200,
         "members", [&ps](Ctx& c) {
           auto id = c.id("id");
           auto uid = c.id("userId");
           return Response::json_body(200, ps.update_member(c.user(), id, uid, c.body()));
         }});
  r.add({"DELETE", "/api/v1/projects/{id}/members/{userId}", "Remove a member (owner)", Access::owner, nullptr, 204,
         "members", [&ps](Ctx& c) {
           ps.remove_member(c.user(), c.id("id"), c.id("userId"));
           return Response::no_content();
         }});
  r.add({"GET", "/api/v1/projects/{id}/audit",
         "Audit log, newest first (owner); ?limit=50&before=ID&actor=USER_ID (0: Sangam)&kind=account&from=MS&to=MS",
         Access::owner,
         nullptr, 200, "audit", [&ps](Ctx& c) {
           auto id = c.id("id");
           auto limit = query_int(c, "limit", 50, 1, 500);
           std::optional<int64_t> before;
           if (c.req.query_param("before")) before = query_int(c, "before", 0, 1, INT64_MAX);
           AuditFilter f;
           if (c.req.query_param("actor")) f.actor = query_int(c, "actor", 0, 0, INT64_MAX);
           if (c.req.query_param("from")) f.from_ms = query_int(c, "from", 0, 0, INT64_MAX);
           if (c.req.query_param("to")) f.to_ms = query_int(c, "to", 0, 0, INT64_MAX);
           f.kind = c.req.query_param("kind").value_or("");
           if (f.kind.size() > 40 || !std::all_of(f.kind.begin(), f.kind.end(), [](unsigned char ch) {
                 return std::islower(ch) || ch == '.' || ch == '_';
               }))
             throw validation("kind", "must be an action kind such as account or member.added");
           return Response::json_body(200, ps.audit_log(c.user(), id, before, limit, f));
         }});
}

}  // namespace sangam::http
