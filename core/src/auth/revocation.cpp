#include "auth/revocation.hpp"

namespace sangam {
namespace {

const char* name_of(Revocation::What w) {
  switch (w) {
    case Revocation::What::session: return "session";
    case Revocation::What::token: return "token";
    case Revocation::What::sessions: return "sessions";
    case Revocation::What::all: return "all";
    case Revocation::What::profile: return "profile";
  }
  return "all";
}

}  // namespace

std::optional<nlohmann::json> Revocation::hub_data() const {
  switch (what) {
    case What::session: return nlohmann::json{{"session_id", id.value_or(0)}};
    case What::token: return nlohmann::json{{"token_id", id.value_or(0)}};
    case What::sessions: {
      nlohmann::json d = {{"sessions", true}};
      if (id) d["except_session_id"] = *id;
      return d;
    }
    case What::all: return nlohmann::json::object();
    case What::profile: return std::nullopt;
  }
  return nlohmann::json::object();
}

std::string Revocation::payload(const std::string& origin) const {
  nlohmann::json j = {{"origin", origin}, {"user_id", user_id}, {"what", name_of(what)}};
  if (id) j["id"] = *id;
  return j.dump();
}

std::optional<Revocation> Revocation::parse(const std::string& payload, std::string* origin) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("user_id") || !j["user_id"].is_number_integer() || !j.contains("what") ||
      !j["what"].is_string())
    return std::nullopt;
  Revocation r;
  r.user_id = j["user_id"].get<int64_t>();
  std::string w = j["what"].get<std::string>();
  bool known = false;
  for (auto c : {What::session, What::token, What::sessions, What::all, What::profile})
    if (w == name_of(c)) r.what = c, known = true;
  if (!known) return std::nullopt;
  if (j.contains("id") && j["id"].is_number_integer()) r.id = j["id"].get<int64_t>();
  if ((r.what == What::session || r.what == What::token) && !r.id) return std::nullopt;
  if (origin) *origin = j.value("origin", std::string());
  return r;
}

}  // namespace sangam
