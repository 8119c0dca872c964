#include "projects/project_service.hpp"

#include "projects/audit.hpp"
#include "util/errors.hpp"

namespace sangam {
namespace {

json member_json(const store::Row& r) {
  return {{"user_id", r.i64("user_id")}, {"email", r.str("email")}, {"name", r.str("name")},
          {"role", r.str("role")}, {"added_at", format_iso8601(r.i64("added_at"))}};
}

Actor actor_of(const User& u) { return {u.id, u.email}; }
std::string target_project(int64_t id) { return "project:" + std::to_string(id); }

[[noreturn]] void rethrow_slug(const store::DbError& e) {
  if (e.kind() == store::DbError::Kind::unique_violation) throw conflict("slug", "another project already uses this slug");
  throw e;
}

}  // namespace

std::optional<Role> ProjectService::role_of(store::Conn& c, const User& u, int64_t project_id) {
  if (u.is_admin) {
    if (c.run("project-by-id", {project_id}).empty()) return std::nullopt;
    return Role::owner;
  }
  auto r = c.run("member-role", {project_id, u.id});
  if (r.empty()) return std::nullopt;
  return parse_role(r[0].str("role"));
}

std::optional<Role> ProjectService::role_of(const User& u, int64_t project_id) {
  return db_.read([&](store::Conn& c) { return role_of(c, u, project_id); });
}

Role ProjectService::require(store::Conn& c, const User& u, int64_t id, Role at_least) {
  auto role = role_of(c, u, id);
  if (!role) throw not_found("project not found");
  if (*role < at_least) throw forbidden(std::string("this needs the ") + role_name(at_least) + " role in the project");
  return *role;
}

Role ProjectService::require(const User& u, int64_t id, Role at_least) {
  return db_.read([&](store::Conn& c) { return require(c, u, id, at_least); });
}

std::string ProjectService::list(const User& u) {
  auto r = db_.read([&](store::Conn& c) {
    return u.is_admin ? c.run("project-list-all") : c.run("project-list-member", {u.id});
  });
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < r.size(); ++i) {
    if (i) out += ',';
    out += project_json(r[i], parse_role(r[i].str("role")));
  }
  out += "]}";
  return out;
}

std::string ProjectService::get(const User& u, int64_t id) {
  return db_.read([&](store::Conn& c) {
    Role role = require(c, u, id, Role::viewer);
    return project_json(c.run("project-by-id", {id})[0], role);
  });
}

std::string ProjectService::create(const User& u, const json& body) {
  Project p;
  apply_project_input(p, body, true);
  int64_t now = clock_.now_ms();
  std::string out;
  try {
    db_.write([&](store::Conn& c) {
      auto params = project_params(p);
      params.push_back(now);
      p.id = c.run("project-insert", params)[0].i64("id");
      c.run("member-upsert", {p.id, u.id, std::string("owner"), now});
      auto row = c.run("project-by-id", {p.id});
      audit(c, now, p.id, actor_of(u), "project.created", target_project(p.id), nullptr, project_object(row[0]));
      out = project_json(row[0], Role::owner);
    });
  } catch (const store::DbError& e) {
    rethrow_slug(e);
  }
  bus_.publish({"membership.changed", std::nullopt, u.id, {{"project_id", p.id}, {"role", "owner"}}, now});
  return out;
}

std::string ProjectService::update(const User& u, int64_t id, const json& body) {
  int64_t now = clock_.now_ms();
  std::string out;
  json after;
  try {
    db_.write([&](store::Conn& c) {
      Role role = require(c, u, id, Role::owner);
      auto before_row = c.run("project-by-id", {id});
      Project p = project_from_row(before_row[0]);
      apply_project_input(p, body, false);
      auto params = project_params(p);
      params.insert(params.begin(), id);
      params.push_back(now);
      c.run("project-update", params);
      auto row = c.run("project-by-id", {id});
      after = project_object(row[0]);
      audit(c, now, id, actor_of(u), "project.updated", target_project(id), project_object(before_row[0]), after);
      out = project_json(row[0], role);
    });
  } catch (const store::DbError& e) {
    rethrow_slug(e);
  }
  // The event goes to every member, so it carries no role: theirs is not the caller's.
  bus_.publish({"project.updated", id, std::nullopt, after, now});
  return out;
}

void ProjectService::remove(const User& u, int64_t id) {
  int64_t now = clock_.now_ms();
  store::Result members;
  db_.write([&](store::Conn& c) {
    require(c, u, id, Role::owner);
    json before = project_object(c.run("project-by-id", {id})[0]);
    members = c.run("member-list", {id});
    c.run("project-delete", {id});
    audit(c, now, id, actor_of(u), "project.deleted", target_project(id), before, nullptr);
  });
  bus_.publish({"project.deleted", id, std::nullopt, {{"id", id}}, now});
  for (size_t i = 0; i < members.size(); ++i)
    bus_.publish({"membership.changed", std::nullopt, members[i].i64("user_id"), {{"project_id", id}, {"role", nullptr}}, now});
}

json ProjectService::members(const User& u, int64_t id) {
  return db_.read([&](store::Conn& c) {
    require(c, u, id, Role::viewer);
    auto r = c.run("member-list", {id});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(member_json(r[i]));
    return json{{"items", items}};
  });
}

json ProjectService::add_member(const User& u, int64_t id, const json& body) {
  Input in(body);
  in.only({"email", "role"});
  if (!in.has("email") || !in.raw("email").is_string()) throw validation("email", "is required");
  std::string email = normalize_email(in.raw("email").get<std::string>());
  Role role = *parse_role(in.one_of("role", {"owner", "manager", "viewer"}));
  int64_t now = clock_.now_ms();
  json m = db_.write([&](store::Conn& c) {
    require(c, u, id, Role::owner);
    auto target = c.run("user-by-email", {email});
    // One answer for "no such user" and "disabled": the owner learns no more than that this email
    // cannot be added.
    if (target.empty() || target[0].boolean("disabled"))
      throw Error(ErrorCode::not_found, "no active user has this email; an administrator adds users first", "email");
    int64_t user_id = target[0].i64("id");
    if (!c.run("member-get", {id, user_id}).empty())
      throw conflict("email", "this user is already a member; change their role instead");
    c.run("member-upsert", {id, user_id, std::string(role_name(role)), now});
    json m = member_json(c.run("member-get", {id, user_id})[0]);
    audit(c, now, id, actor_of(u), "member.added", "user:" + std::to_string(user_id), nullptr, m);
    return m;
  });
  bus_.publish({"member.added", id, std::nullopt, m, now});
  bus_.publish({"membership.changed", std::nullopt, m["user_id"].get<int64_t>(), {{"project_id", id}, {"role", role_name(role)}}, now});
  return m;
}

json ProjectService::update_member(const User& u, int64_t id, int64_t user_id, const json& body) {
  Input in(body);
  in.only({"role"});
  Role role = *parse_role(in.one_of("role", {"owner", "manager", "viewer"}));
  int64_t now = clock_.now_ms();
  json m = db_.write([&](store::Conn& c) {
    c.run("project-lock-members", {id});  // before the role check: a concurrent demotion may end it
    require(c, u, id, Role::owner);
    auto existing = c.run("member-get", {id, user_id});
    if (existing.empty()) throw not_found("this user is not a member of the project");
    json before = member_json(existing[0]);
    if (existing[0].str("role") == "owner" && role != Role::owner && c.run("member-owner-count", {id})[0].i64("n") <= 1)
      throw conflict("role", "a project needs at least one owner; make someone else owner first");
    c.run("member-upsert", {id, user_id, std::string(role_name(role)), now});
    json m = member_json(c.run("member-get", {id, user_id})[0]);
    audit(c, now, id, actor_of(u), "member.updated", "user:" + std::to_string(user_id), before, m);
    return m;
  });
  bus_.publish({"member.updated", id, std::nullopt, m, now});
  bus_.publish({"membership.changed", std::nullopt, user_id, {{"project_id", id}, {"role", role_name(role)}}, now});
  return m;
}

void ProjectService::remove_member(const User& u, int64_t id, int64_t user_id) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    c.run("project-lock-members", {id});  // before the role check: a concurrent demotion may end it
    require(c, u, id, Role::owner);
    auto existing = c.run("member-get", {id, user_id});
    if (existing.empty()) throw not_found("this user is not a member of the project");
    if (existing[0].str("role") == "owner" && c.run("member-owner-count", {id})[0].i64("n") <= 1)
      throw conflict("user_id", "the last owner cannot be removed; make someone else owner first");
    c.run("member-delete", {id, user_id});
    audit(c, now, id, actor_of(u), "member.removed", "user:" + std::to_string(user_id), member_json(existing[0]), nullptr);
  });
  bus_.publish({"member.removed", id, std::nullopt, {{"user_id", user_id}}, now});
  bus_.publish({"membership.changed", std::nullopt, user_id, {{"project_id", id}, {"role", nullptr}}, now});
}

json ProjectService::audit_log(const User& u, int64_t id, std::optional<int64_t> before, int64_t limit,
                               const AuditFilter& filter) {
  return db_.read([&](store::Conn& c) {
    require(c, u, id, Role::owner);
    auto page = audit_page(c, id, before, limit, filter);
    return json{{"items", page.items}, {"next_before", page.next_before ? json(*page.next_before) : json(nullptr)}};
  });
}

void ProjectService::seed(const User& owner, const json& body) {
  try {
    create(owner, body);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::conflict) throw;
  }
}

}  // namespace sangam
