#include "http/app.hpp"

namespace sangam::http {
namespace {

const json kUserProps = {{"email", {{"type", "string"}, {"format", "email"}}},
                         {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                         {"password", {{"type", "string"}, {"minLength", 10}}},
                         {"is_admin", {{"type", "boolean"}}},
                         {"disabled", {{"type", "boolean"}}}};
const json kCreateSchema = {{"type", "object"}, {"required", {"email", "name", "password"}}, {"properties", kUserProps}};
const json kUpdateSchema = {{"type", "object"}, {"properties", kUserProps}};

}  // namespace

void add_user_routes(Router& r, App& app) {
  auto& auth = app.services().auth;
  r.add({"GET", "/api/v1/users", "List users", Access::admin, nullptr, 200, "users",
         [&auth](Ctx&) { return Response::json_body(200, auth.list_users()); }});
  Route create{"POST", "/api/v1/users", "Create a user", Access::admin, kCreateSchema, 201, "users",
               [&auth](Ctx& c) { return Response::json_body(201, auth.create_user(c.user(), c.body())); }};
  create.cpu_heavy = true;  // hashes the password
  r.add(std::move(create));
  r.add({"GET", "/api/v1/users/{id}", "Get a user", Access::admin, nullptr, 200, "users",
         [&auth](Ctx& c) { return Response::json_body(200, auth.get_user(c.id("id"))); }});
  Route update{"PATCH", "/api/v1/users/{id}", "Change a user's name, password, admin flag or disabled flag", Access::admin,
               kUpdateSchema, 200, "users",
               [&auth](Ctx& c) {
                 auto id = c.id("id");
                 return Response::json_body(200, auth.update_user(c.user(), id, c.body(), c.principal->session_id));
               }};
  update.cpu_heavy = true;  // may hash a new password
  r.add(std::move(update));
  r.add({"DELETE", "/api/v1/users/{id}", "Delete a user", Access::admin, nullptr, 204, "users", [&auth](Ctx& c) {
           auth.delete_user(c.user(), c.id("id"));
           return Response::no_content();
         }});
}

}  // namespace sangam::http
