// Invitations: owners create and withdraw them; the person holding a link reads and accepts it
// without being signed in (the link's secret is the credential, sent in the body, not the URL).
#include "auth/invitations.hpp"
#include "http/app.hpp"

#include <memory>

namespace sangam::http {

void add_invitation_routes(Router& r, App& app) {
  auto& s = app.services();
  // Shared by this router's routes, so it lives exactly as long as they do.
  auto inv = std::make_shared<InvitationService>(s.db, s.clock);
  const json create_schema = {{"type", "object"},
                              {"required", {"email", "role"}},
                              {"properties", {{"email", {{"type", "string"}}},
                                              {"role", {{"type", "string"}, {"enum", {"owner", "manager", "viewer"}}}},
                                              {"expires_in_hours", {{"type", "integer"}, {"minimum", 1}, {"maximum", 720}}}}}};
  const json token_schema = {{"type", "object"}, {"required", {"token"}}, {"properties", {{"token", {{"type", "string"}}}}}};
  const json accept_schema = {{"type", "object"},
                              {"required", {"token", "name", "password"}},
                              {"properties", {{"token", {{"type", "string"}}},
                                              {"name", {{"type", "string"}, {"maxLength", 100}}},
                                              {"password", {{"type", "string"}, {"minLength", 10}}}}}};
  r.add({"GET", "/api/v1/projects/{id}/invitations", "Invitations of the project, newest first (owner)", Access::owner,
         nullptr, 200, "invitations", [inv](Ctx& c) { return Response::json_body(200, inv->list(c.user(), c.id("id"))); }});
  r.add({"POST", "/api/v1/projects/{id}/invitations", "Invite an email with a role; the link's token is shown once (owner)",
         Access::owner, create_schema, 201, "invitations",
         [inv](Ctx& c) { return Response::json_body(201, inv->create(c.user(), c.id("id"), c.body())); }});
  r.add({"DELETE", "/api/v1/projects/{id}/invitations/{invitationId}", "Withdraw an open invitation (owner)", Access::owner,
         nullptr, 204, "invitations", [inv](Ctx& c) {
           inv->revoke(c.user(), c.id("id"), c.id("invitationId"));
           return Response::no_content();
         }});
  r.add({"POST", "/api/v1/invitations/lookup", "What an invitation link is for (no sign-in: the token is the credential)",
         Access::anyone, token_schema, 200, "invitations", [inv](Ctx& c) { return Response::json_body(200, inv->lookup(c.body())); }});
  Route accept{"POST", "/api/v1/invitations/accept", "Accept an invitation: set a name and password, become a member",
               Access::anyone, accept_schema, 201, "invitations",
               [inv](Ctx& c) { return Response::json_body(201, inv->accept(c.body())); }};
  accept.cpu_heavy = true;  // argon2id
  r.add(std::move(accept));
}

}  // namespace sangam::http
