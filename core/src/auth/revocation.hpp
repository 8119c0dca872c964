#pragma once
// What just ended or changed, for whom: the one description that every path ending a credential or
// changing a user hands to AuthService::apply. From it follow the auth cache invalidation (this node
// and, through the NOTIFY payload, every other node) and the hub's session.revoked event (hub.hpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sangam {

struct Revocation {
  enum class What {
    session,   // one session ended (logout); id = the session
    token,     // one API token revoked; id = the token
    sessions,  // every session of the user ended (password change); id = the one kept, if any
    all,       // every session and token ended (user disabled or deleted)
    profile,   // nothing ended, but the user's name or admin flag changed: cached principals are stale
  };
  int64_t user_id = 0;
  What what = What::all;
  std::optional<int64_t> id;

  // The session.revoked event's data for the hub (hub.hpp), nullopt when no socket must close.
  std::optional<nlohmann::json> hub_data() const;
  // For NOTIFY, tagged with the sending process so it can skip its own (it applied them already).
  std::string payload(const std::string& origin) const;
  // nullopt for a payload this version does not understand (the caller then clears the whole cache).
  static std::optional<Revocation> parse(const std::string& payload, std::string* origin);
};

}  // namespace sangam
