#include "http/router.hpp"

#include "util/errors.hpp"
#include "util/json_input.hpp"

#include <stdexcept>

namespace sangam::http {
namespace {

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

}  // namespace

int64_t Ctx::id(const std::string& name) const {
  const auto& s = params.at(name);
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), ::isdigit)) throw not_found();
  return std::stoll(s);
}

json Ctx::body() const { return parse_json_object(req.body); }

void Router::add(Route r) {
  // A project role is checked on the path's {id}, so only project routes may ask for one.
  if (r.access >= Access::viewer && r.pattern.rfind("/api/v1/projects/{id}", 0) != 0)
    throw std::logic_error("route " + r.pattern + ": a project role needs a /api/v1/projects/{id} path");
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  auto segs = split_path(path);
  if (!segs.empty() && segs.back().empty() && segs.size() > 1) segs.pop_back();  // tolerate a trailing slash
  Match m;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{') params[s.substr(1, s.size() - 2)] = segs[i];
      else ok = s == segs[i];
    }
    if (!ok) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      m.route = &r;
      m.params = std::move(params);
      return m;
    }
    m.allowed.push_back(r.method);
  }
  return m;
}

json Router::openapi(const std::string& version) const {
  json paths = json::object();
  for (const auto& r : routes_) {
    json op = {{"summary", r.summary}, {"tags", {r.tag}}};
    if (r.access >= Access::viewer) {
      const char* role = r.access == Access::owner ? "owner" : r.access == Access::manager ? "manager" : "viewer";
      op["x-sangam-role"] = role;
      op["description"] = std::string("Needs the ") + role +
                          " role or higher in the project (administrators count as owners), checked before the "
                          "body or query is read. A non-member gets 404, as for a project that does not exist.";
    }
    json params = json::array();
    for (const auto& s : r.segments)
      if (s.size() > 2 && s.front() == '{')
        params.push_back({{"name", s.substr(1, s.size() - 2)}, {"in", "path"}, {"required", true},
                          {"schema", {{"type", "integer"}}}});
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.is_null())
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", r.request_schema}}}}}};
    json responses = {{std::to_string(r.success), {{"description", r.success == 204 ? "No content" : "Success"}}}};
    json err = {{"description", "Error"}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    if (!r.request_schema.is_null()) responses["400"] = err;
    if (r.access != Access::anyone) {
      responses["401"] = err;
      responses["403"] = err;
    }
    if (!params.empty()) responses["404"] = err;
    op["responses"] = responses;
    if (r.access == Access::anyone) op["security"] = json::array();
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    paths[r.pattern][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Sangam API"}, {"version", version},
                    {"description", "WhatsApp community marketing: projects, members, tokens and users."}}},
          {"paths", paths},
          {"security", {{{"bearer", json::array()}}, {{"cookie", json::array()}}}},
          {"components",
           {{"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "sangam_session"}}}}},
            {"schemas",
             {{"Error",
               {{"type", "object"},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"required", {"code", "message"}},
                    {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace sangam::http
