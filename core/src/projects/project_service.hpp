#pragma once
// Projects, their members and their audit log. Visibility rule: a project the caller is not a member
// of does not exist for them (404, never 403), so ids do not leak; admins see every project as owner.
#include "auth/user.hpp"
#include "projects/audit.hpp"
#include "projects/project.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

namespace sangam {

class ProjectService {
 public:
  ProjectService(store::Database& db, const Clock& clock, EventBus& bus) : db_(db), clock_(clock), bus_(bus) {}

  // Project representations are returned as JSON text (see project_json).
  std::string list(const User& u);
  std::string get(const User& u, int64_t id);
  std::string create(const User& u, const json& body);
  std::string update(const User& u, int64_t id, const json& body);
  void remove(const User& u, int64_t id);

  // Members are added by email, never by user id: ids are sequential, so "add user 1, 2, 3…" listed
  // every user's email to anyone who can create a project (issue 12 item 4). An unknown email, a
  // disabled user's, and (for the id routes) a user who is not a member all get the same 404.
  json members(const User& u, int64_t id);
  json add_member(const User& u, int64_t id, const json& body);                     // {email, role}
  json update_member(const User& u, int64_t id, int64_t user_id, const json& body);  // {role}, members only
  void remove_member(const User& u, int64_t id, int64_t user_id);

  json audit_log(const User& u, int64_t id, std::optional<int64_t> before, int64_t limit, const AuditFilter& filter = {});

  // The caller's role in a project, or nullopt when it does not exist for them.
  std::optional<Role> role_of(const User& u, int64_t project_id);
  // The caller's role, at least `at_least`: not_found when the project does not exist for them,
  // forbidden when their role is lower.
  Role require(const User& u, int64_t project_id, Role at_least);
  static std::optional<Role> role_of(store::Conn& c, const User& u, int64_t project_id);

  // Demo and first-run seeding: creates a project owned by `owner` unless the slug exists.
  void seed(const User& owner, const json& body);

 private:
  Role require(store::Conn& c, const User& u, int64_t id, Role at_least);
  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
};

}  // namespace sangam
