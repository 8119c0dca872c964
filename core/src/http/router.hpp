#pragma once
// Routes with their documentation: the same table dispatches requests and generates openapi.json,
// so the description cannot drift from what the server does.
#include "auth/user.hpp"
#include "http/types.hpp"

#include <functional>
#include <map>

namespace sangam::http {

// Who may call a route. viewer / manager / owner: a member of the project named by the path's {id}
// with at least that role (admins count as owners). The dispatcher checks it before the handler reads
// the body or the query, so a validation message never answers someone who may not act, and a
// non-member gets the 404 of a nonexistent project whatever they send (issue 12 item 9).
enum class Access { anyone, user, admin, viewer, manager, owner };

struct Ctx {
  const Request& req;
  std::map<std::string, std::string> params;
  std::optional<Principal> principal;

  const User& user() const { return principal->user; }
  int64_t id(const std::string& name) const;  // a path parameter; a non-number is a 404
  json body() const;                           // the JSON object body, or invalid_json
};

using Handler = std::function<Response(Ctx&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/projects/{id}"
  std::string summary;
  Access access = Access::user;
  json request_schema;  // JSON Schema of the body, null when none
  int success = 200;
  std::string tag;
  Handler handler;
  // Runs on the worker pool instead of an I/O thread: argon2id hashing takes ~75 ms of CPU, which on an
  // I/O thread would stall every other connection of that thread for as long.
  bool cpu_heavy = false;
  // A file upload: its body may be up to SANGAM_MAX_UPLOAD_BYTES instead of SANGAM_MAX_BODY_BYTES.
  bool upload = false;
  std::vector<std::string> segments;
};

class Router {
 public:
  void add(Route r);
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods of a path that matched with another method
  };
  Match match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }
  json openapi(const std::string& version) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace sangam::http
