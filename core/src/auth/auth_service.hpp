#pragma once
// Sign-in, sessions, API tokens and user administration.
#include "auth/auth_cache.hpp"
#include "auth/revocation.hpp"
#include "auth/throttle.hpp"
#include "auth/user.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/events.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace sangam {

class ThrottledError : public Error {
 public:
  ThrottledError(int64_t retry_after_s)
      : Error(ErrorCode::too_many_attempts,
              "too many failed sign-in attempts; try again in " + std::to_string(retry_after_s) + " s"),
        retry_after_s_(retry_after_s) {}
  int64_t retry_after_s() const { return retry_after_s_; }

 private:
  int64_t retry_after_s_;
};

struct AuthOptions {
  int64_t session_ttl_ms = 14LL * 24 * 3600 * 1000;  // a team member signs in once per fortnight
  ThrottleLimits throttle;
  AuthCache::Options cache;  // ttl_ms = 0 turns the look-up cache off
};

class AuthService {
 public:
  AuthService(store::Database& db, const Clock& clock, EventBus& bus, AuthOptions opts = {});
  ~AuthService();

  struct Login {
    User user;
    std::string session_token;  // the cookie value; only its hash is stored
    int64_t max_age_s;
  };
  Login login(const json& body, const std::string& ip, const std::string& user_agent);
  void logout(const std::string& session_token);
  std::optional<Principal> authenticate_session(const std::string& session_token);
  std::optional<Principal> authenticate_bearer(const std::string& token);
  // Whether the session (or else the token) with this id still authenticates this user.
  bool still_valid(int64_t user_id, std::optional<int64_t> session_id, std::optional<int64_t> token_id);
  json me(const User& u);

  json list_tokens(const User& u);
  json create_token(const User& u, const json& body);  // includes the token, shown once
  void revoke_token(const User& u, int64_t token_id);

  json list_users();
  json get_user(int64_t id);
  json create_user(const User& actor, const json& body);
  // A new password ends every session of the user except `current_session` (the caller's, when they
  // change their own); disabling ends all sessions and tokens. API tokens survive a password change.
  json update_user(const User& actor, int64_t id, const json& body, std::optional<int64_t> current_session = std::nullopt);
  void delete_user(const User& actor, int64_t id);

  // First start: creates the admin when there is no user yet. Returns the generated password when none
  // was given (printed once by the caller), nullopt when a user already existed or a password was given.
  std::optional<std::string> ensure_admin(const std::string& email, const std::string& password, bool& created);

  // The one place that acts on an ended credential or a changed user once its write has committed:
  // forgets the user's cached look-ups and tells the hub which sockets to close (session.revoked).
  // Other nodes do the same when the NOTIFY sent in that write reaches them (PostgreSQL).
  void apply(const Revocation& r);
  const AuthCache& cache() const { return cache_; }

 private:
  // Runs fn(conn, ended) in one write transaction. Every Revocation fn adds to `ended` is sent to the
  // other nodes in that transaction (NOTIFY: heard on COMMIT, never on ROLLBACK) and applied here after
  // the commit: not before, or a concurrent look-up could cache what the write is about to end.
  template <class F>
  auto write_revoking(F&& fn);
  void on_notification(const std::string& payload);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  AuthOptions opts_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against for unknown emails, so timing does not reveal who exists
  AuthCache cache_;
  std::string origin_;  // this process in NOTIFY payloads, so it skips its own
  std::unique_ptr<store::Listener> listener_;  // last: stopped first, before what its thread uses
};

}  // namespace sangam
