#include "projects/project.hpp"

#include "projects/validate.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sangam {

const char* role_name(Role r) {
  switch (r) {
    case Role::owner: return "owner";
    case Role::manager: return "manager";
    case Role::viewer: return "viewer";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "owner") return Role::owner;
  if (s == "manager") return Role::manager;
  if (s == "viewer") return Role::viewer;
  return std::nullopt;
}

std::string format_hhmm(int minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }

namespace {

int parse_hhmm(const json& v, const std::string& field) {
  if (!v.is_string()) throw validation(field, "must be a time as HH:MM");
  auto s = v.get<std::string>();
  bool shape = s.size() == 5 && s[2] == ':' && std::isdigit((unsigned char)s[0]) && std::isdigit((unsigned char)s[1]) &&
               std::isdigit((unsigned char)s[3]) && std::isdigit((unsigned char)s[4]);
  int h = shape ? (s[0] - '0') * 10 + (s[1] - '0') : -1, m = shape ? (s[3] - '0') * 10 + (s[4] - '0') : -1;
  // 24:00 is allowed as an end of day.
  if (!shape || m > 59 || h > 24 || (h == 24 && m != 0)) throw validation(field, fmt::format("'{}' is not a time as HH:MM", s));
  return h * 60 + m;
}

std::vector<WorkingWindow> parse_windows(const json& v) {
  if (!v.is_array()) throw validation("working_hours", "must be a list of {start, end} windows");
  if (v.empty() || v.size() > 6) throw validation("working_hours", "must have between 1 and 6 windows");
  std::vector<WorkingWindow> out;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string f = fmt::format("working_hours.{}", i);
    if (!v[i].is_object()) throw validation(f, "must be an object {start, end}");
    Input in(v[i], f);
    in.only({"start", "end"});
    if (!in.has("start")) throw validation(f + ".start", "is required");
    if (!in.has("end")) throw validation(f + ".end", "is required");
    WorkingWindow w{parse_hhmm(v[i]["start"], f + ".start"), parse_hhmm(v[i]["end"], f + ".end")};
    if (w.start_min >= 24 * 60) throw validation(f + ".start", "must be before 24:00");
    if (w.end_min <= w.start_min) throw validation(f + ".end", "must be after the start");
    if (!out.empty() && w.start_min < out.back().end_min)
      throw validation(f + ".start", "windows must be in order and must not overlap");
    out.push_back(w);
  }
  return out;
}

std::vector<std::string> parse_names(const json& v, const char* field) {
  if (!v.is_array()) throw validation(field, "must be a list of names");
  if (v.size() > 100) throw validation(field, "can have at most 100 entries");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string f = fmt::format("{}.{}", field, i);
    if (!v[i].is_string()) throw validation(f, "must be a string");
    std::string s = trim(v[i].get<std::string>());
    size_t n = utf8_length(s);
    if (n < 1 || n > 64) throw validation(f, "must be 1 to 64 characters");
    std::string key = s;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!seen.insert(key).second) throw validation(f, fmt::format("'{}' is listed twice", s));
    out.push_back(s);
  }
  return out;
}

json windows_json(const std::vector<WorkingWindow>& ws) {
  json a = json::array();
  for (auto& w : ws) {
    json o = json::object();
    o["start"] = format_hhmm(w.start_min);
    o["end"] = format_hhmm(w.end_min);
    a.push_back(std::move(o));
  }
  return a;
}

}  // namespace

void apply_project_input(Project& p, const json& body, bool creating) {
  Input in(body);
  in.only({"name", "slug", "time_zone", "default_region", "working_hours", "weekend_factor", "regions", "personas"});
  if (creating) {
    p.name = in.str("name", 1, 100);
  } else if (auto n = in.opt_str("name", 1, 100)) {
    p.name = *n;
  } else if (body.contains("name")) {
    throw validation("name", "must not be empty");
  }
  if (creating || body.contains("slug")) {
    std::string s = in.str("slug", 2, 50);
    bool ok = std::islower((unsigned char)s[0]) &&
              std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; }) &&
              s.back() != '-';
    if (!ok) throw validation("slug", "use 2-50 lower-case letters, digits and dashes, starting with a letter");
    p.slug = s;
  }
  if (body.contains("time_zone")) {
    auto tz = in.str("time_zone", 1, 64);
    if (!is_valid_time_zone(tz)) throw validation("time_zone", fmt::format("'{}' is not an IANA time zone such as Asia/Kolkata", tz));
    p.time_zone = tz;
  }
  if (body.contains("default_region")) {
    auto r = in.str("default_region", 2, 2);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::toupper(c); });
    if (!is_supported_phone_region(r)) throw validation("default_region", fmt::format("'{}' is not an ISO 3166 region code such as IN", r));
    p.default_region = r;
  }
  if (body.contains("working_hours")) p.working_hours = parse_windows(body["working_hours"]);
  if (body.contains("weekend_factor")) {
    if (body["weekend_factor"].is_null()) throw validation("weekend_factor", "must be a number between 0 and 1");
    p.weekend_factor = *in.opt_number("weekend_factor", 0, 1);
  }
  if (body.contains("regions")) p.regions = parse_names(body["regions"], "regions");
  if (body.contains("personas")) p.personas = parse_names(body["personas"], "personas");
}

Project project_from_row(const store::Row& r) {
  Project p;
  p.id = r.i64("id");
  p.name = r.str("name");
  p.slug = r.str("slug");
  p.time_zone = r.str("time_zone");
  p.default_region = r.str("default_region");
  p.working_hours = parse_windows(json::parse(r.str("working_hours")));
  p.weekend_factor = r.f64("weekend_factor");
  p.regions = json::parse(r.str("regions")).get<std::vector<std::string>>();
  p.personas = json::parse(r.str("personas")).get<std::vector<std::string>>();
  p.created_at = r.i64("created_at");
  p.updated_at = r.i64("updated_at");
  return p;
}

store::Params project_params(const Project& p) {
  // working_hours, regions and personas are stored as the JSON the API shows, so project_json can
  // copy them through without parsing.
  return {p.name, p.slug, p.time_zone, p.default_region, windows_json(p.working_hours).dump(), p.weekend_factor,
          json(p.regions).dump(), json(p.personas).dump()};
}

std::string project_json(const store::Row& r, std::optional<Role> role) {
  std::string out;
  out.reserve(512);
  out += "{\"id\":";
  out += std::to_string(r.i64("id"));
  auto field = [&](const char* name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    append_json_string(out, value);
  };
  auto raw = [&](const char* name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    out += value;
  };
  field("name", r.str("name"));
  field("slug", r.str("slug"));
  field("time_zone", r.str("time_zone"));
  field("default_region", r.str("default_region"));
  raw("working_hours", r.str("working_hours"));
  raw("weekend_factor", fmt::format("{}", r.f64("weekend_factor")));
  raw("regions", r.str("regions"));
  raw("personas", r.str("personas"));
  field("created_at", format_iso8601(r.i64("created_at")));
  field("updated_at", format_iso8601(r.i64("updated_at")));
  if (role) field("role", role_name(*role));
  out += '}';
  return out;
}

json project_object(const store::Row& r) { return json::parse(project_json(r)); }

}  // namespace sangam
