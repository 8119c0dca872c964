#include "auth/auth_service.hpp"

#include "projects/audit.hpp"
#include "util/crypto.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {

constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 1024;  // argon2 cost grows with input; refuse megabyte "passwords"
// The NOTIFY channel of revocations and user changes (Revocation payloads, JSON).
constexpr const char* kRevocationChannel = "sangam_auth";

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
      dummy_hash_(crypto::hash_password(crypto::random_token(16))), cache_(clock, opts.cache),
      origin_(crypto::random_token(9)) {
  // Other nodes on the same PostgreSQL end sessions too. Nothing is cached until the listener hears
  // them (its first LISTEN normally completes inside listen()); while it is down (lost connection,
  // reconnecting once a second) the cache is paused and emptied, so a missed notification can only
  // matter for entries stored before the loss was seen, which the TTL (5 s) ends.
  if (cache_.enabled() && db_.backend() == store::Backend::postgres) {
    cache_.pause(true);
    listener_ = db_.listen(kRevocationChannel, {[this](const std::string& p) { on_notification(p); },
                                                [this](bool listening) {
                                                  cache_.pause(!listening);
                                                  if (listening) spdlog::info("event=auth.cache_listening");
                                                  else spdlog::warn("event=auth.cache_paused reason=listener_lost");
                                                }});
  }
}

AuthService::~AuthService() = default;

template <class F>
auto AuthService::write_revoking(F&& fn) {
  std::vector<Revocation> ended;
  auto announce = [&](store::Conn& c) {
    if (db_.backend() == store::Backend::postgres)
      for (const auto& r : ended) c.run("notify", {std::string(kRevocationChannel), r.payload(origin_)});
  };
  if constexpr (std::is_void_v<decltype(fn(std::declval<store::Conn&>(), ended))>) {
    db_.write([&](store::Conn& c) {
      fn(c, ended);
      announce(c);
    });
    for (const auto& r : ended) apply(r);
  } else {
    auto out = db_.write([&](store::Conn& c) {
      auto v = fn(c, ended);
      announce(c);
      return v;
    });
    for (const auto& r : ended) apply(r);
    return out;
  }
}

void AuthService::apply(const Revocation& r) {
  cache_.forget_user(r.user_id);
  // The hub closes the WebSockets opened with what ended, and only those (see session.revoked in hub.hpp).
  if (auto data = r.hub_data()) bus_.publish({"session.revoked", std::nullopt, r.user_id, *data, clock_.now_ms()});
}

void AuthService::on_notification(const std::string& payload) {
  std::string origin;
  auto r = Revocation::parse(payload, &origin);
  if (!r) {  // from a newer version, perhaps: whatever it was, nothing cached may outlive it
    spdlog::warn("event=auth.notification_unknown bytes={}", payload.size());
    cache_.clear();
    return;
  }
  if (origin != origin_) apply(*r);
}

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
  write_revoking([&](store::Conn& c, std::vector<Revocation>& ended) {
    auto r = c.run("session-delete", {crypto::hash_secret(session_token)});
    if (!r.empty()) ended.push_back({r[0].i64("user_id"), Revocation::What::session, r[0].i64("id")});
  });
}

std::optional<Principal> AuthService::authenticate_session(const std::string& session_token) {
  std::string hash = crypto::hash_secret(session_token);
  if (auto hit = cache_.find(AuthCache::Kind::session, hash)) return std::move(hit->principal);
  uint64_t ticket = cache_.ticket();  // before the read: see AuthCache
  auto r = db_.read([&](store::Conn& c) { return c.run("session-auth", {hash, clock_.now_ms()}); });
  if (r.empty()) return std::nullopt;
  Principal p{user_from_row(r[0]), true, std::nullopt, r[0].i64("session_id")};
  cache_.put(AuthCache::Kind::session, hash, {p, r[0].i64("expires_at"), std::nullopt}, ticket);
  return p;
}

std::optional<Principal> AuthService::authenticate_bearer(const std::string& token) {
  std::string hash = crypto::hash_secret(token);
  int64_t now = clock_.now_ms();
  auto e = cache_.find(AuthCache::Kind::token, hash);
  if (!e) {
    uint64_t ticket = cache_.ticket();  // before the read: see AuthCache
    auto r = db_.read([&](store::Conn& c) { return c.run("token-auth", {hash, now}); });
    if (r.empty()) return std::nullopt;
    e = AuthCache::Entry{Principal{user_from_row(r[0]), false, r[0].i64("token_id")}, r[0].opt_i64("expires_at"),
                         r[0].opt_i64("last_used_at")};
    cache_.put(AuthCache::Kind::token, hash, *e, ticket);
  }
  // last_used_at is refreshed at most once a minute: a write per request would serialise every API
  // call behind SQLite's single writer (measured: 20k req/s reads vs ~3k/s with a write each).
  if (!e->last_used_at || *e->last_used_at < now - 60000) {
    try {
      db_.write([&](store::Conn& c) { c.run("token-touch", {*e->principal.token_id, now}); });
      cache_.touched(AuthCache::Kind::token, hash, now);
    } catch (const store::DbError& err) {
      if (err.kind() != store::DbError::Kind::busy) throw;  // a busy writer only delays the timestamp
    }
  }
  return std::move(e->principal);
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
  write_revoking([&](store::Conn& c, std::vector<Revocation>& ended) {
    if (c.run("token-revoke", {token_id, u.id, clock_.now_ms()}).affected == 0) throw not_found("token not found");
    ended.push_back({u.id, Revocation::What::token, token_id});
  });
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
  return write_revoking([&](store::Conn& c, std::vector<Revocation>& ended) {
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
    if (u.disabled) {
      ended.push_back({id, Revocation::What::all, std::nullopt});
    } else {
      if (!new_hash.empty())
        ended.push_back({id, Revocation::What::sessions,
                         id == actor.id && current_session ? current_session : std::nullopt});
      // What a cached principal carries (the name, the admin flag) must not outlive the change.
      if (u.name != before.name || u.is_admin != before.is_admin)
        ended.push_back({id, Revocation::What::profile, std::nullopt});
    }
    json a = to_json(u);
    if (!new_hash.empty()) a["password_changed"] = true;
    audit(c, now, std::nullopt, {actor.id, actor.email}, "user.updated", "user:" + std::to_string(id), to_json(before), a);
    return to_json(u);
  });
}

void AuthService::delete_user(const User& actor, int64_t id) {
  if (id == actor.id) throw conflict("id", "you cannot delete your own account");
  int64_t now = clock_.now_ms();
  write_revoking([&](store::Conn& c, std::vector<Revocation>& ended) {
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
    c.run("user-delete", {id});  // its sessions and tokens go with it (ON DELETE CASCADE)
    audit(c, now, std::nullopt, {actor.id, actor.email}, "user.deleted", "user:" + std::to_string(id), before, nullptr);
    ended.push_back({id, Revocation::What::all, std::nullopt});
  });
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
