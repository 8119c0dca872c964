#include "auth/invitations.hpp"

#include "projects/audit.hpp"
#include "projects/project_service.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {

// 32 random bytes: as strong as a session id, so only its hash is kept (crypto::hash_secret).
constexpr size_t kTokenBytes = 32;
constexpr size_t kMinPassword = 10;  // as for every other password (auth_service.cpp)
constexpr size_t kMaxPassword = 1024;

std::string state_of(const store::Row& r, int64_t now) {
  if (!r.is_null("accepted_at")) return "accepted";
  if (!r.is_null("revoked_at")) return "revoked";
  if (r.i64("expires_at") <= now) return "expired";
  return "pending";
}

json invitation_json(const store::Row& r, int64_t now) {
  json j = {{"id", r.i64("id")},
            {"project_id", r.i64("project_id")},
            {"email", r.str("email")},
            {"role", r.str("role")},
            {"invited_by", r.is_null("created_by_email") ? json(nullptr) : json(r.str("created_by_email"))},
            {"created_at", format_iso8601(r.i64("created_at"))},
            {"expires_at", format_iso8601(r.i64("expires_at"))},
            {"accepted_at", r.is_null("accepted_at") ? json(nullptr) : json(format_iso8601(r.i64("accepted_at")))},
            {"state", state_of(r, now)}};
  return j;
}

std::string read_token(const Input& in) {
  if (!in.has("token") || !in.raw("token").is_string() || in.raw("token").get<std::string>().empty())
    throw validation("token", "is required");
  return in.raw("token").get<std::string>();
}

void require_owner(store::Conn& c, const User& u, int64_t pid) {
  auto role = ProjectService::role_of(c, u, pid);
  if (!role) throw not_found("project not found");
  if (*role < Role::owner) throw forbidden("Only the project's owners can invite people");
}

// One answer for unknown, used, revoked and expired links except the word that says which: the
// holder of a real link learns what to ask for, a guesser learns nothing (the token space is 2^256).
store::Row usable(const store::Result& r, int64_t now) {
  if (r.empty()) throw Error(ErrorCode::not_found, "This invitation link is not valid; ask the project owner for a new one", "token");
  std::string st = state_of(r[0], now);
  if (st == "accepted") throw Error(ErrorCode::conflict, "This invitation was already used; sign in instead", "token");
  if (st == "revoked") throw Error(ErrorCode::conflict, "This invitation was withdrawn; ask the project owner for a new one", "token");
  if (st == "expired") throw Error(ErrorCode::conflict, "This invitation has expired; ask the project owner for a new one", "token");
  return r[0];
}

}  // namespace

json InvitationService::create(const User& owner, int64_t pid, const json& body) {
  Input in(body);
  in.only({"email", "role", "expires_in_hours"});
  if (!in.has("email") || !in.raw("email").is_string()) throw validation("email", "is required");
  std::string email = normalize_email(in.raw("email").get<std::string>());
  Role role = *parse_role(in.one_of("role", {"owner", "manager", "viewer"}));
  int64_t ttl_h = in.opt_int("expires_in_hours", 1, opts_.max_ttl_hours).value_or(opts_.default_ttl_hours);
  std::string token = crypto::random_token(kTokenBytes);
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    require_owner(c, owner, pid);
    auto existing = c.run("user-by-email", {email});
    if (!existing.empty()) {
      if (!c.run("member-get", {pid, existing[0].i64("id")}).empty())
        throw conflict("email", "This person is already a member; change their role instead");
      throw conflict("email", "This person already has a Sangam account; add them with Add member instead");
    }
    int64_t id = c.run("invitation-insert", {pid, email, std::string(role_name(role)), crypto::hash_secret(token),
                                             owner.id, owner.email, now, now + ttl_h * 3600000})[0].i64("id");
    json inv = invitation_json(c.run("invitation-get", {id, pid})[0], now);
    audit(c, now, pid, {owner.id, owner.email}, "invitation.created", "invitation:" + std::to_string(id), nullptr, inv);
    inv["token"] = token;  // shown once: only its hash is stored
    return inv;
  });
}

json InvitationService::list(const User& owner, int64_t pid) {
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    require_owner(c, owner, pid);
    auto r = c.run("invitation-list", {pid});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(invitation_json(r[i], now));
    return json{{"items", items}};
  });
}

void InvitationService::revoke(const User& owner, int64_t pid, int64_t iid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    require_owner(c, owner, pid);
    auto r = c.run("invitation-get", {iid, pid});
    if (r.empty()) throw not_found("invitation not found");
    json before = invitation_json(r[0], now);
    if (c.run("invitation-revoke", {iid, pid, now}).affected != 1)
      throw conflict("invitation", "This invitation is no longer open (" + before["state"].get<std::string>() + ")");
    audit(c, now, pid, {owner.id, owner.email}, "invitation.revoked", "invitation:" + std::to_string(iid), before,
          invitation_json(c.run("invitation-get", {iid, pid})[0], now));
  });
}

json InvitationService::lookup(const json& body) {
  Input in(body);
  in.only({"token"});
  std::string hash = crypto::hash_secret(read_token(in));
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    auto found = c.run("invitation-by-token", {hash});
    store::Row row = usable(found, now);
    json j = invitation_json(row, now);
    j["project_name"] = row.str("project_name");
    return j;
  });
}

json InvitationService::accept(const json& body) {
  Input in(body);
  in.only({"token", "name", "password"});
  std::string hash = crypto::hash_secret(read_token(in));
  std::string name = trim(in.str("name", 1, 100));
  if (name.empty()) throw validation("name", "must not be empty");
  if (!in.has("password") || !in.raw("password").is_string()) throw validation("password", "is required");
  std::string password = in.raw("password").get<std::string>();
  if (password.size() < kMinPassword) throw validation("password", "must be at least 10 characters");
  if (password.size() > kMaxPassword) throw validation("password", "must be at most 1024 characters");
  // Checked before the ~70 ms argon2id hash, so a dead link answers at once.
  int64_t now = clock_.now_ms();
  db_.read([&](store::Conn& c) { usable(c.run("invitation-by-token", {hash}), now); });
  std::string pw_hash = crypto::hash_password(password);
  now = clock_.now_ms();
  try {
    return db_.write([&](store::Conn& c) {
      auto r = c.run("invitation-by-token", {hash});
      store::Row inv = usable(r, now);
      int64_t pid = inv.i64("project_id"), iid = inv.i64("id");
      std::string email = inv.str("email"), role = inv.str("role");
      int64_t uid = c.run("user-insert", {email, name, pw_hash, int64_t(0), int64_t(0), now})[0].i64("id");
      if (c.run("invitation-accept", {iid, now, uid}).affected != 1)
        throw Error(ErrorCode::conflict, "This invitation was already used; sign in instead", "token");
      c.run("member-upsert", {pid, uid, role, now});
      json u = to_json(user_from_row(c.run("user-by-id", {uid})[0]));
      audit(c, now, pid, {uid, email}, "invitation.accepted", "user:" + std::to_string(uid), nullptr,
            {{"email", email}, {"name", name}, {"role", role}, {"invitation_id", iid}});
      spdlog::info("event=invitation.accepted project={} invitation={} user={}", pid, iid, uid);
      return json{{"user", u}, {"project_id", pid}, {"role", role}};
    });
  } catch (const store::DbError& e) {
    // The email got an account between the invitation and now (an admin added it).
    if (e.kind() == store::DbError::Kind::unique_violation)
      throw conflict("token", "This email already has a Sangam account; sign in, and ask the owner to add you");
    throw;
  }
}

}  // namespace sangam
