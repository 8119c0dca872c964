#include "projects/project.hpp"

#include "projects/validate.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"
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

// Every message below is a sentence a person reads next to the field (issue 13): it names the field
// as the form labels it ("Region", "Window 2"), never the API's path (default_region,
// working_hours.1.start), which stays in the error's `field` for the dashboard to place it.
class Collector {
 public:
  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  // Runs one field's checks; a failure is recorded as "<Label> <what Input said>" and the rest go on.
  template <class F>
  void check(const char* label, F&& f) {
    try {
      f();
    } catch (const FieldErrors& e) {
      for (auto& x : e.errors()) errors_.push_back(x);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::validation_failed) throw;
      std::string what = e.what();
      if (!e.field().empty() && what.rfind(e.field() + ": ", 0) == 0) what = what.substr(e.field().size() + 2);
      add(e.field(), std::string(label) + " " + what);
    }
  }
  void raise() {
    if (!errors_.empty()) throw FieldErrors(std::move(errors_));
  }

 private:
  std::vector<FieldError> errors_;
};

std::optional<int> parse_hhmm(const json& v) {
  if (!v.is_string()) return std::nullopt;
  auto s = v.get<std::string>();
  bool shape = s.size() == 5 && s[2] == ':' && std::isdigit((unsigned char)s[0]) && std::isdigit((unsigned char)s[1]) &&
               std::isdigit((unsigned char)s[3]) && std::isdigit((unsigned char)s[4]);
  int h = shape ? (s[0] - '0') * 10 + (s[1] - '0') : -1, m = shape ? (s[3] - '0') * 10 + (s[4] - '0') : -1;
  // 24:00 is allowed as an end of day.
  if (!shape || m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string shown(const json& v) { return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump(); }

std::vector<WorkingWindow> parse_windows(const json& v, Collector& errs) {
  if (!v.is_array()) {
    errs.add("working_hours", "Working hours must be a list of windows, each with a start and an end");
    return {};
  }
  if (v.empty() || v.size() > 6) {
    errs.add("working_hours", "Working hours need between 1 and 6 windows");
    return {};
  }
  std::vector<WorkingWindow> out;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string f = fmt::format("working_hours.{}", i);
    std::string name = fmt::format("Window {}", i + 1);
    if (!v[i].is_object()) {
      errs.add(f, name + " must have a start and an end time");
      continue;
    }
    bool shape_ok = true;
    for (auto it = v[i].begin(); it != v[i].end(); ++it)
      if (it.key() != "start" && it.key() != "end") {
        errs.add(f + "." + it.key(), name + " has only a start and an end, not '" + it.key() + "'");
        shape_ok = false;
      }
    std::optional<int> a, b;
    for (const char* k : {"start", "end"}) {
      const bool is_start = std::string_view(k) == "start";
      std::optional<int>& t = is_start ? a : b;
      if (!v[i].contains(k) || v[i][k].is_null()) {
        errs.add(f + "." + k, fmt::format("{} needs {} time", name, is_start ? "a start" : "an end"));
      } else if (!(t = parse_hhmm(v[i][k]))) {
        errs.add(f + "." + k, fmt::format("{}: {} is not a 24-hour time like {}", name, shown(v[i][k]), is_start ? "09:00" : "17:30"));
      }
    }
    if (!a || !b || !shape_ok) continue;
    if (*a >= 24 * 60) {
      errs.add(f + ".start", name + " must start before 24:00");
      continue;
    }
    if (*b <= *a) {
      errs.add(f + ".end", fmt::format("{} must end after it starts ({})", name, format_hhmm(*a)));
      continue;
    }
    if (!out.empty() && *a < out.back().end_min) {
      errs.add(f + ".start", fmt::format("{} must start at or after {}, when window {} ends (windows go in order and do not overlap)",
                                         name, format_hhmm(out.back().end_min), i));
      continue;
    }
    out.push_back({*a, *b});
  }
  return out;
}

std::vector<WorkingWindow> parse_windows(const json& v) {
  Collector errs;
  auto out = parse_windows(v, errs);
  errs.raise();
  return out;
}

std::vector<std::string> parse_names(const json& v, const char* field, const char* label, Collector& errs) {
  if (!v.is_array()) {
    errs.add(field, std::string(label) + " must be a list of names");
    return {};
  }
  if (v.size() > 100) {
    errs.add(field, std::string(label) + " can have at most 100 entries");
    return {};
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string f = fmt::format("{}.{}", field, i);
    if (!v[i].is_string()) {
      errs.add(f, fmt::format("{}: entry {} must be text", label, i + 1));
      continue;
    }
    std::string s = trim(v[i].get<std::string>());
    size_t n = utf8_length(s);
    if (n < 1 || n > 64) {
      errs.add(f, fmt::format("{}: entry {} must be 1 to 64 characters", label, i + 1));
      continue;
    }
    std::string key = s;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!seen.insert(key).second) {
      errs.add(f, fmt::format("{}: '{}' is listed twice", label, s));
      continue;
    }
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
  Collector errs;
  static const std::set<std::string> known = {"name", "slug", "time_zone", "default_region", "working_hours",
                                               "weekend_factor", "regions", "personas"};
  if (!body.is_object()) throw validation("body", "must be an object");
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!known.count(it.key())) errs.add(it.key(), "'" + it.key() + "' is not a project setting");
  errs.check("Name", [&] {
    if (creating) {
      p.name = in.str("name", 1, 100);
    } else if (auto n = in.opt_str("name", 1, 100)) {
      p.name = *n;
    } else if (body.contains("name")) {
      throw validation("name", "must not be empty");
    }
  });
  errs.check("Slug", [&] {
    if (!creating && !body.contains("slug")) return;
    std::string s = in.str("slug", 2, 50);
    bool ok = std::islower((unsigned char)s[0]) &&
              std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; }) &&
              s.back() != '-';
    if (!ok) throw validation("slug", "must be 2 to 50 lower-case letters, digits and dashes, starting with a letter, like poultry-care");
    p.slug = s;
  });
  if (body.contains("time_zone")) {
    const json& v = body["time_zone"];
    std::string tz = v.is_string() ? trim(v.get<std::string>()) : "";
    if (!v.is_string() || tz.empty())
      errs.add("time_zone", "Time zone must be a place name from the list, like Asia/Kolkata");
    else if (!is_valid_time_zone(tz))
      errs.add("time_zone", fmt::format("'{}' is not a time zone we know; pick one from the list, like Asia/Kolkata or Europe/Berlin", tz));
    else
      p.time_zone = tz;
  }
  if (body.contains("default_region")) {
    const json& v = body["default_region"];
    std::string r = v.is_string() ? trim(v.get<std::string>()) : "";
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::toupper(c); });
    if (r.size() != 2 || !is_supported_phone_region(r))
      errs.add("default_region", v.is_string() && !r.empty()
                                     ? fmt::format("Region must be a two-letter country code like IN; '{}' is not one", r)
                                     : "Region must be a two-letter country code like IN");
    else
      p.default_region = r;
  }
  if (body.contains("working_hours")) {
    auto ws = parse_windows(body["working_hours"], errs);
    if (!ws.empty()) p.working_hours = ws;
  }
  if (body.contains("weekend_factor")) {
    const json& v = body["weekend_factor"];
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
      errs.add("weekend_factor", "Weekend volume must be between 0% and 100% of a weekday (a factor from 0 to 1)");
    else
      p.weekend_factor = v.get<double>();
  }
  if (body.contains("regions")) p.regions = parse_names(body["regions"], "regions", "Regions", errs);
  if (body.contains("personas")) p.personas = parse_names(body["personas"], "personas", "Personas", errs);
  errs.raise();
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
