#include "http/app.hpp"

#include "groups/group_service.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {

const json kSyncSchema = {{"type", "object"},
                          {"properties", {{"account_id", {{"type", "integer"}, {"description", "one account; all linked ones when absent"}}}}}};
const json kSettingsSchema = {{"type", "object"},
                              {"required", {"joins_per_day"}},
                              {"properties", {{"joins_per_day", {{"type", "integer"}, {"minimum", 0}, {"maximum", 20}}}}}};
const json kJoinSchema = {
    {"type", "object"},
    {"required", {"invite"}},
    {"properties",
     {{"invite", {{"type", "string"}, {"description", "https://chat.whatsapp.com/<code> or the code"}}},
      {"when_limited", {{"type", "string"}, {"enum", {"queue", "refuse"}}, {"description", "beyond the daily limit (default queue)"}}}}}};
const json kPhaseSchema = {{"type", "object"},
                           {"required", {"phase"}},
                           {"properties", {{"phase", {{"type", "string"}, {"enum", {"observation", "contribution", "value"}}}}}}};

const char* kFilters[] = {"account", "phase", "admin", "min_members", "max_members", "min_messages", "days",
                          "kind", "q", "region", "persona", "limit", "offset"};

json body_or_empty(const Ctx& c) { return c.req.body.empty() ? json::object() : c.body(); }

}  // namespace

void add_group_routes(Router& r, App& app) {
  GroupService& gs = *app.services().groups;
  const std::string base = "/api/v1/projects/{id}/groups";
  // Literal paths before /groups/{groupId}: the router takes the first match.
  r.add({"GET", base + "/sync", "Group sync progress: the newest run of each account", Access::viewer, nullptr, 200, "groups",
         [&gs](Ctx& c) { return Response::json_body(200, gs.sync_status(c.id("id"))); }});
  r.add({"POST", base + "/sync", "Sync groups, communities and channels now (one account or all linked ones)",
         Access::manager, kSyncSchema, 202, "groups", [&gs](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(202, gs.start_sync_request(c.user(), pid, body_or_empty(c)));
         }});
  r.add({"GET", base + "/settings", "Group settings: joins per account per day", Access::viewer, nullptr, 200, "groups",
         [&gs](Ctx& c) { return Response::json_body(200, gs.settings(c.id("id"))); }});
  r.add({"PUT", base + "/settings", "Change the daily join limit", Access::manager, kSettingsSchema, 200, "groups",
         [&gs](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(200, gs.update_settings(c.user(), pid, c.body()));
         }});
  r.add({"GET", base + "/joins", "Joins by invite link, newest first; ?account=", Access::viewer, nullptr, 200, "groups",
         [&gs](Ctx& c) {
           std::optional<int64_t> aid;
           if (auto a = c.req.query_param("account"); a && !a->empty()) {
             try {
               size_t n = 0;
               aid = std::stoll(*a, &n);
               if (n != a->size()) throw std::invalid_argument("x");
             } catch (const std::exception&) {
               throw validation("account", "must be an account id");
             }
           }
           return Response::json_body(200, gs.joins(c.id("id"), aid));
         }});
  r.add({"GET", base, "Groups, communities and channels; filters account, phase, admin, min_members, max_members, "
                      "min_messages (over ?days, default 7), kind, q, region, persona; limit, offset",
         Access::viewer, nullptr, 200, "groups", [&gs](Ctx& c) {
           std::map<std::string, std::string> q;
           for (auto* k : kFilters)
             if (auto v = c.req.query_param(k)) q[k] = *v;
           return Response::json_body(200, gs.list(c.id("id"), q));
         }});
  r.add({"GET", base + "/{groupId}", "A group: our accounts and their phases, members, activity, keywords, key members",
         Access::viewer, nullptr, 200, "groups",
         [&gs](Ctx& c) { return Response::json_body(200, gs.get(c.id("id"), c.id("groupId"))); }});
  r.add({"PATCH", base + "/{groupId}/accounts/{accountId}", "Set an account's engagement phase in a group by hand",
         Access::manager, kPhaseSchema, 200, "groups", [&gs](Ctx& c) {
           auto pid = c.id("id"), gid = c.id("groupId"), aid = c.id("accountId");
           return Response::json_body(200, gs.set_phase(c.user(), pid, gid, aid, c.body()));
         }});
  Route join{"POST", "/api/v1/projects/{id}/accounts/{accountId}/join",
             "Join a group by invite link: counts against the daily join limit; beyond it queued for the next day (202)",
             Access::manager, kJoinSchema, 200, "groups", [&gs](Ctx& c) {
               auto pid = c.id("id"), aid = c.id("accountId");
               auto [j, queued] = gs.join(c.user(), pid, aid, c.body());
               return Response::json_body(queued ? 202 : 200, j);
             }};
  // Waits for WhatsApp (up to 45 s): on the worker pool, never on an I/O thread that may deliver the answer.
  join.cpu_heavy = true;
  r.add(std::move(join));
}

}  // namespace sangam::http
