// The content calendar (issue 10 item 8; docs/api.md, Calendar). Viewers read; managers and owners write.
#include "http/app.hpp"

#include "calendar/calendar_service.hpp"

namespace sangam::http {
namespace {
const json kEntrySchema = {
    {"type", "object"},
    {"required", {"name", "kind", "recurrence"}},
    {"properties",
     {{"name", {{"type", "string"}, {"maxLength", 120}}},
      {"kind", {{"type", "string"}, {"enum", {"group_post", "channel_post", "community_announcement"}}}},
      {"template_id", {{"type", "integer"}, {"nullable", true}}},
      {"body", {{"type", "string"}, {"description", "text with {{variables}} and {spin|tax}; empty: the template's"}}},
      {"variables", {{"type", "object"}}},
      {"media", {{"type", "object"}, {"nullable", true}, {"description", "{kind: image|document|video, media_id | url, caption}"}}},
      {"poll", {{"type", "object"}, {"nullable", true}, {"description", "{question, options: [2-12], multiple}"}}},
      {"targeting", {{"type", "object"}, {"description", "{groups: {ids?: [int], filter?: {persona, region, account_id, phase, min_messages_per_day}}}"}}},
      {"recurrence", {{"type", "object"},
                      {"properties", {{"weekdays", {{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}, {"maximum", 7}}}}},
                                      {"time", {{"type", "string"}, {"description", "HH:MM, the project's time zone"}}}}}}},
      {"group_weekly_cap", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3}, {"description", "calendar posts per group per week (default 3)"}}},
      {"active", {{"type", "boolean"}}}}}};
const json kOccurrenceSchema = {
    {"type", "object"},
    {"properties", {{"date", {{"type", "string"}, {"format", "date"}}},
                    {"time", {{"type", "string"}, {"description", "HH:MM, the project's time zone"}}},
                    {"body", {{"type", "string"}, {"description", "this occurrence's own text"}}}}}};
}  // namespace

void add_calendar_routes(Router& r, App& app) {
  calendar::CalendarService& cal = *app.services().calendar;
  const std::string base = "/api/v1/projects/{id}/calendar";
  r.add({"GET", base, "The week view: days, occurrences with their status and messages, entries; ?week=YYYY-MM-DD (any day of it)",
         Access::viewer, nullptr, 200, "calendar",
         [&cal](Ctx& c) { return Response::json_body(200, cal.week(c.id("id"), c.req.query_param("week"))); }});
  r.add({"GET", base + "/entries", "Recurring calendar posts of the project", Access::viewer, nullptr, 200, "calendar",
         [&cal](Ctx& c) { return Response::json_body(200, cal.entries(c.id("id"))); }});
  r.add({"POST", base + "/entries", "Create a recurring post; its occurrences of the next 7 days are planned into the outbox at once",
         Access::manager, kEntrySchema, 201, "calendar", [&cal](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(201, cal.entry_create(c.user(), pid, c.body()));
         }});
  r.add({"PATCH", base + "/entries/{entryId}", "Change a recurring post; occurrences not yet due are planned again",
         Access::manager, kEntrySchema, 200, "calendar", [&cal](Ctx& c) {
           auto pid = c.id("id"), eid = c.id("entryId");
           return Response::json_body(200, cal.entry_update(c.user(), pid, eid, c.body()));
         }});
  r.add({"DELETE", base + "/entries/{entryId}", "Delete a recurring post; its queued messages are cancelled", Access::manager, nullptr,
         204, "calendar", [&cal](Ctx& c) {
           auto pid = c.id("id"), eid = c.id("entryId");
           cal.entry_delete(c.user(), pid, eid);
           return Response::no_content();
         }});
  r.add({"PATCH", base + "/occurrences/{occurrenceId}", "Move (date, time) or edit (body) one occurrence; its queued outbox rows follow",
         Access::manager, kOccurrenceSchema, 200, "calendar", [&cal](Ctx& c) {
           auto pid = c.id("id"), oid = c.id("occurrenceId");
           return Response::json_body(200, cal.occurrence_update(c.user(), pid, oid, c.body()));
         }});
  r.add({"POST", base + "/occurrences/{occurrenceId}/skip", "Skip one occurrence: its queued messages are skipped with the reason",
         Access::manager, nullptr, 200, "calendar", [&cal](Ctx& c) {
           auto pid = c.id("id"), oid = c.id("occurrenceId");
           if (!c.req.body.empty()) c.body();
           return Response::json_body(200, cal.occurrence_skip(c.user(), pid, oid));
         }});
}

}  // namespace sangam::http
