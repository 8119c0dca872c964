#include "auth/auth_service.hpp"

#include "projects/audit.hpp"
#include "util/crypto.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {

constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 1024;  // argon2 cost grows with input; refuse megabyte "passwords"

std::string read_password(const Input& in, bool required) {
  if (!in.has("password")) {
    if (required) throw validation("password", "is required");
    return {};
  }
  if (!in.raw("password").is_string()) throw validation("password", "must be a string");
  auto p = in.raw("password").get<std::string>();
  if (p.size() < kMinPassword) throw validation("password", "must be at least 10 characters");
  if (p.size() > kMaxPassword) throw validation("password", "must be at most 1024 characters");
  return p;
}

json token_json(const store::Row& r) {
  auto ts = [&](const char* col) -> json {
    auto v = r.opt_i64(col);
    return v ? json(format_iso8601(*v)) : json(nullptr);
  };
  return {{"id", r.i64("id")}, {"name", r.str("name")}, {"prefix", r.str("prefix")},
          {"created_at", ts("created_at")}, {"last_used_at", ts("last_used_at")}, {"expires_at", ts("expires_at")}};
}

}  // namespace

AuthService::AuthService(store::Database& db, const Clock& clock, EventBus& bus, AuthOptions opts)
    : db_(db), clock_(clock), bus_(bus), opts_(opts), throttle_(clock, opts.throttle),
      dummy_hash_(crypto::hash_password(crypto::random_token(16))) {}

AuthService::Login AuthService::login(const json& body, const std::string& ip, const std::string& user_agent) {
  Input in(body);
  in.only({"email", "password"});
  if (!in.has("email") || !in.raw("email").is_string()) throw validation("email", "is required");
  if (!in.has("password") || !in.raw("password").is_string()) throw validation("password", "is required");
  std::string email = trim(in.raw("email").get<std::string>());
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string password = in.raw("password").get<std::string>();
  if (password.size() > kMaxPassword) throw Error(ErrorCode::invalid_credentials, "wrong email or password");

  if (int64_t wait = throttle_.retry_after_s(email, ip)) throw ThrottledError(wait);

  auto row = db_.read([&](store::Conn& c) { return c.run("user-by-email", {email}); });
  bool ok = false;
  if (auto r = row.first(); r && !r->boolean("disabled")) ok = crypto::verify_password(r->str("password_hash"), password);
  else crypto::verify_password(dummy_hash_, password);
  if (!ok) {
    throttle_.record_failure(email, ip);
    spdlog::warn("event=auth.login_failed email_hash={} ip={}", crypto::hash_secret(email).substr(0, 12), ip);
    throw Error(ErrorCode::invalid_credentials, "wrong email or password");
  }
  throttle_.record_success(email, ip);
  User u = user_from_row(*row.first());
  std::string token = crypto::random_token(32);
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    c.run("session-purge-expired", {now});
    c.run("session-insert", {u.id, crypto::hash_secret(token), now, now + opts_.session_ttl_ms, ip,
                             user_agent.substr(0, 256)});
  });
  return {u, token, opts_.session_ttl_ms / 1000};
}

void AuthService::logout(const std::string& session_token) {
  auto r = db_.write([&](store::Conn& c) { return c.run("session-delete", {crypto::hash_secret(session_token)}); });
  // The hub closes the WebSockets opened with this session, and only those (see session.revoked in hub.hpp).
  if (!r.empty())
    bus_.publish({"session.revoked", std::nullopt, r[0].i64("user_id"), {{"session_id", r[0].i64("id")}}, clock_.now_ms()});
}

std::optional<Principal> AuthService::authenticate_session(const std::string& session_token) {
  auto r = db_.read([&](store::Conn& c) {
    return c.run("session-auth", {crypto::hash_secret(session_token), clock_.now_ms()});
  });
  if (r.empty()) return std::nullopt;
  return Principal{user_from_row(r[0]), true, std::nullopt, r[0].i64("session_id")};
}

std::optional<Principal> AuthService::authenticate_bearer(const std::string& token) {
  int64_t now = clock_.now_ms();
  auto r = db_.read([&](store::Conn& c) { return c.run("token-auth", {crypto::hash_secret(token), now}); });
  if (r.empty()) return std::nullopt;
  int64_t token_id = r[0].i64("token_id");
  // last_used_at is refreshed at most once a minute: a write per request would serialise every API
  // call behind SQLite's single writer (measured: 20k req/s reads vs ~3k/s with a write each).
  auto last = r[0].opt_i64("last_used_at");
  if (!last || *last < now - 60000) {
    try {
      db_.write([&](store::Conn& c) { c.run("token-touch", {token_id, now}); });
    } catch (const store::DbError& e) {
      if (e.kind() != store::DbError::Kind::busy) throw;  // a busy writer only delays the timestamp
    }
  }
  return Principal{user_from_row(r[0]), false, token_id};
}

bool AuthService::still_valid(int64_t user_id, std::optional<int64_t> session_id, std::optional<int64_t> token_id) {
  if (!session_id && !token_id) return false;
  int64_t now = clock_.now_ms();
  return !db_.read([&](store::Conn& c) {
            return session_id ? c.run("session-alive", {*session_id, user_id, now}) : c.run("token-alive", {*token_id, user_id, now});
          }).empty();
}

json AuthService::me(const User& u) {
  auto r = db_.read([&](store::Conn& c) { return c.run("memberships-of-user", {u.id}); });
  json ms = json::array();
  for (size_t i = 0; i < r.size(); ++i) ms.push_back({{"project_id", r[i].i64("project_id")}, {"role", r[i].str("role")}});
  return {{"user", to_json(u)}, {"memberships", ms}};
}

json AuthService::list_tokens(const User& u) {
  auto r = db_.read([&](store::Conn& c) { return c.run("token-list", {u.id}); });
  json items = json::array();
  for (size_t i = 0; i < r.size(); ++i) items.push_back(token_json(r[i]));
  return {{"items", items}};
}

json AuthService::create_token(const User& u, const json& body) {
  Input in(body);
  in.only({"name", "expires_in_days"});
  std::string name = in.str("name", 1, 100);
  auto days = in.opt_int("expires_in_days", 1, 3650);
  std::string token = "sgm_" + crypto::random_token(32);
  int64_t now = clock_.now_ms();
  store::Value expires = days ? store::Value(now + *days * 86400000LL) : store::Value(nullptr);
  return db_.write([&](store::Conn& c) {
    auto id = c.run("token-insert", {u.id, name, crypto::hash_secret(token), token.substr(0, 10), now, expires})[0].i64("id");
    json j = token_json(c.run("token-get", {id, u.id})[0]);
    j["token"] = token;
    return j;
  });
}

void AuthService::revoke_token(const User& u, int64_t token_id) {
  auto r = db_.write([&](store::Conn& c) { return c.run("token-revoke", {token_id, u.id, clock_.now_ms()}); });
  if (r.affected == 0) throw not_found("token not found");
  bus_.publish({"session.revoked", std::nullopt, u.id, {{"token_id", token_id}}, clock_.now_ms()});
}

json AuthService::list_users() {
  auto r = db_.read([](store::Conn& c) { return c.run("user-list"); });
  json items = json::array();
  for (size_t i = 0; i < r.size(); ++i) items.push_back(to_json(user_from_row(r[i])));
  return {{"items", items}};
}

json AuthService::get_user(int64_t id) {
  auto r = db_.read([&](store::Conn& c) { return c.run("user-by-id", {id}); });
  if (r.empty()) throw not_found("user not found");
  return to_json(user_from_row(r[0]));
}

json AuthService::create_user(const User& actor, const json& body) {
  Input in(body);
  in.only({"email", "name", "password", "is_admin"});
  if (!in.has("email") || !in.raw("email").is_string()) throw validation("email", "is required");
  std::string email = normalize_email(in.raw("email").get<std::string>());
  std::string name = in.str("name", 1, 100);
  std::string hash = crypto::hash_password(read_password(in, true));
  bool admin = in.opt_bool("is_admin").value_or(false);
  int64_t now = clock_.now_ms();
  try {
    return db_.write([&](store::Conn& c) {
      auto id = c.run("user-insert", {email, name, hash, int64_t(admin), int64_t(0), now})[0].i64("id");
      json u = to_json(user_from_row(c.run("user-by-id", {id})[0]));
      audit(c, now, std::nullopt, {actor.id, actor.email}, "user.created", "user:" + std::to_string(id), nullptr, u);
      return u;
    });
  } catch (const store::DbError& e) {
    if (e.kind() == store::DbError::Kind::unique_violation) throw conflict("email", "a user with this email already exists");
    throw;
  }
}

json AuthService::update_user(const User& actor, int64_t id, const json& body, std::optional<int64_t> current_session) {
  Input in(body);
  in.only({"name", "password", "is_admin", "disabled"});
  auto name = in.opt_str("name", 1, 100);
  std::string password = read_password(in, false);
  auto admin = in.opt_bool("is_admin");
  auto disabled = in.opt_bool("disabled");
  std::string new_hash = password.empty() ? std::string() : crypto::hash_password(password);
  int64_t now = clock_.now_ms();
  json after = db_.write([&](store::Conn& c) {
    auto r = c.run("user-by-id", {id});
    if (r.empty()) throw not_found("user not found");
    User before = user_from_row(r[0]);
    User u = before;
    if (name) u.name = *name;
    if (admin) u.is_admin = *admin;
    if (disabled) u.disabled = *disabled;
    if (id == actor.id && (!u.is_admin || u.disabled))
      throw conflict("is_admin", "you cannot remove your own admin rights or disable yourself");
    c.run("user-update", {id, u.name, new_hash.empty() ? r[0].str("password_hash") : new_hash, int64_t(u.is_admin),
                          int64_t(u.disabled), now});
    if (u.disabled && !before.disabled) {  // a disabled user's sessions and tokens stop working at once
      c.run("session-delete-user", {id});
      c.run("token-revoke-user", {id, now});
    } else if (!new_hash.empty()) {
      // Whoever knew the old password may hold a session: end them all but the one making the change.
      // API tokens stay: they are separate credentials, listed and revoked on their own, and scripts
      // must not break on a password rotation (docs/api.md).
      c.run("session-delete-user-except", {id, id == actor.id ? current_session.value_or(0) : int64_t(0)});
    }
    json a = to_json(u);
    if (!new_hash.empty()) a["password_changed"] = true;
    audit(c, now, std::nullopt, {actor.id, actor.email}, "user.updated", "user:" + std::to_string(id), to_json(before), a);
    return to_json(u);
  });
  // The hub closes the WebSockets of the sessions and tokens that just ended.
  if (after["disabled"].get<bool>()) {
    bus_.publish({"session.revoked", std::nullopt, id, json::object(), now});
  } else if (!new_hash.empty()) {
    json which = {{"sessions", true}};
    if (id == actor.id && current_session) which["except_session_id"] = *current_session;
    bus_.publish({"session.revoked", std::nullopt, id, which, now});
  }
  return after;
}

void AuthService::delete_user(const User& actor, int64_t id) {
  if (id == actor.id) throw conflict("id", "you cannot delete your own account");
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto r = c.run("user-by-id", {id});
    if (r.empty()) throw not_found("user not found");
    json before = to_json(user_from_row(r[0]));
    auto projects = c.run("projects-of-user", {id});
    for (size_t i = 0; i < projects.size(); ++i) {
      int64_t pid = projects[i].i64("project_id");
      auto role = c.run("member-role", {pid, id});
      if (!role.empty() && role[0].str("role") == "owner" && c.run("member-owner-count", {pid})[0].i64("n") <= 1)
        throw conflict("id", "this user is the last owner of project " + std::to_string(pid) +
                                 "; make someone else owner first");
    }
    c.run("user-delete", {id});
    audit(c, now, std::nullopt, {actor.id, actor.email}, "user.deleted", "user:" + std::to_string(id), before, nullptr);
  });
  bus_.publish({"session.revoked", std::nullopt, id, json::object(), now});
}

std::optional<std::string> AuthService::ensure_admin(const std::string& email, const std::string& password,
                                                     bool& created) {
  created = false;
  if (db_.read([](store::Conn& c) { return c.run("user-count")[0].i64("n"); }) > 0) return std::nullopt;
  std::string pw = password.empty() ? crypto::random_token(12) : password;
  std::string e = normalize_email(email);
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    if (c.run("user-count")[0].i64("n") > 0) return;  // another process won the race
    c.run("user-insert", {e, std::string("Administrator"), crypto::hash_password(pw), int64_t(1), int64_t(0), now});
    created = true;
  });
  if (!created || !password.empty()) return std::nullopt;
  return pw;
}

}  // namespace sangam
