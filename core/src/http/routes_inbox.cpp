// The team inbox, the review of unknown sends, saved replies (issue 10 items 1-2).
#include "http/app.hpp"

#include "inbox/inbox_service.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {

const json kReplySchema = {
    {"type", "object"},
    {"properties",
     {{"text", {{"type", "string"}, {"maxLength", 4096}, {"description", "the answer; or saved_reply_id"}}},
      {"saved_reply_id", {{"type", "integer"}, {"description", "a saved reply, rendered for this contact"}}},
      {"idempotency_key", {{"type", "string"}, {"description", "the same key twice sends once (409 the second time)"}}}}}};
const json kUpdateSchema = {{"type", "object"},
                            {"properties",
                             {{"assignee_id", {{"type", {"integer", "null"}}}},
                              {"status", {{"type", "string"}, {"enum", {"open", "done"}}}},
                              {"read", {{"type", "boolean"}}}}}};
const json kResolveSchema = {{"type", "object"},
                             {"required", {"action"}},
                             {"properties", {{"action", {{"type", "string"}, {"enum", {"mark_sent", "send_again"}}}}}}};
const json kSavedSchema = {{"type", "object"},
                           {"required", {"name", "body"}},
                           {"properties",
                            {{"name", {{"type", "string"}, {"maxLength", 100}}},
                             {"body", {{"type", "string"}, {"description", "variables: {{name}}, {{first_name}}, {{phone}}, {{project}}, {{account}}, {{agent}}"}}},
                             {"keywords", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};

const char* kListParams[] = {"account", "group", "persona", "consent", "needs_reply", "status", "assignee", "q", "before", "limit"};

std::map<std::string, std::string> params(const Ctx& c, std::initializer_list<const char*> keys) {
  std::map<std::string, std::string> q;
  for (auto* k : keys)
    if (auto v = c.req.query_param(k)) q[k] = *v;
  return q;
}

}  // namespace

void add_inbox_routes(Router& r, App& app) {
  InboxService& in = *app.services().inbox;
  const std::string base = "/api/v1/projects/{id}/inbox";
  r.add({"GET", base + "/unknown", "Sends whose outcome is unknown, for review", Access::viewer, nullptr, 200, "inbox",
         [&in](Ctx& c) { return Response::json_body(200, in.unknown_sends(c.id("id"))); }});
  r.add({"POST", base + "/unknown/{outboxId}", "Settle an unknown send: mark_sent, or send_again (a new message; audited)",
         Access::manager, kResolveSchema, 200, "inbox", [&in](Ctx& c) {
           auto pid = c.id("id"), oid = c.id("outboxId");
           return Response::json_body(200, in.resolve_unknown(c.user(), pid, oid, c.body()));
         }});
  r.add({"GET", base + "/saved-replies", "Saved replies and the variables they may use", Access::viewer, nullptr, 200, "inbox",
         [&in](Ctx& c) { return Response::json_body(200, in.saved_replies(c.id("id"))); }});
  r.add({"POST", base + "/saved-replies", "Create a saved reply (name, body with variables, keywords that suggest it)",
         Access::manager, kSavedSchema, 201, "inbox", [&in](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(201, in.create_saved_reply(c.user(), pid, c.body()));
         }});
  r.add({"PUT", base + "/saved-replies/{replyId}", "Change a saved reply", Access::manager, kSavedSchema, 200, "inbox",
         [&in](Ctx& c) {
           auto pid = c.id("id"), rid = c.id("replyId");
           return Response::json_body(200, in.update_saved_reply(c.user(), pid, rid, c.body()));
         }});
  r.add({"DELETE", base + "/saved-replies/{replyId}", "Delete a saved reply", Access::manager, nullptr, 204, "inbox",
         [&in](Ctx& c) {
           in.delete_saved_reply(c.user(), c.id("id"), c.id("replyId"));
           return Response::no_content();
         }});
  r.add({"GET", base, "Conversations newest first; filters account, group, persona, consent, needs_reply, status "
                      "(open|done|all), assignee (me|none|id), q; before, limit",
         Access::viewer, nullptr, 200, "inbox", [&in](Ctx& c) {
           std::map<std::string, std::string> q;
           for (auto* k : kListParams)
             if (auto v = c.req.query_param(k)) q[k] = *v;
           return Response::json_body(200, in.list(c.id("id"), q, c.user().id));
         }});
  r.add({"GET", base + "/{conversationId}", "A conversation: its thread (newest `limit`, before), context, suggested saved replies",
         Access::viewer, nullptr, 200, "inbox", [&in](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("conversationId");
           return Response::json_body(200, in.conversation(pid, cid, params(c, {"before", "limit"})));
         }});
  r.add({"PATCH", base + "/{conversationId}", "Assign (assignee_id), mark done or open again (status), mark read",
         Access::manager, kUpdateSchema, 200, "inbox", [&in](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("conversationId");
           return Response::json_body(200, in.update(c.user(), pid, cid, c.body()));
         }});
  r.add({"POST", base + "/{conversationId}/replies",
         "Answer: an outbox message of priority 1 from the conversation's number (mark seen, typing, send)",
         Access::manager, kReplySchema, 202, "inbox", [&in](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("conversationId");
           return Response::json_body(202, in.reply(c.user(), pid, cid, c.body()));
         }});
}

}  // namespace sangam::http
