#include "calendar/calendar_service.hpp"

#include "campaigns/campaign_plan.hpp"
#include "projects/audit.hpp"
#include "projects/project.hpp"
#include "safety/local_time.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"
#include "util/json_input.hpp"
#include "util/mix.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace sangam::calendar {

namespace {
using campaigns::Spec;

const std::set<std::string> kKinds = {"group_post", "channel_post", "community_announcement"};
const char* kDayNames[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// The seed's "value posts to each joined group at most 2-3 times a week": no group gets more than
// this many calendar posts in one local week (Monday to Sunday), whatever the entries say.
constexpr int64_t kMaxGroupWeeklyCap = 3;

Project load_project(store::Conn& c, int64_t pid) {
  auto r = c.run("project-by-id", {pid});
  if (r.empty()) throw not_found("no such project");
  return project_from_row(r[0]);
}

// ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
int iso_weekday(int64_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7) + 1; }
int64_t monday_of(int64_t day) { return day - (iso_weekday(day) - 1); }

std::optional<int> parse_hhmm(const std::string& s) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit((unsigned char)s[0]) || !std::isdigit((unsigned char)s[1]) ||
      !std::isdigit((unsigned char)s[3]) || !std::isdigit((unsigned char)s[4]))
    return std::nullopt;
  int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

std::vector<int> parse_weekdays(const std::string& stored) {
  std::vector<int> out;
  for (char ch : stored)
    if (ch >= '1' && ch <= '7') out.push_back(ch - '0');
  return out;
}

// When a local date and minute begin, in UTC ms. A minute that a DST change skips comes out an hour
// later, which the dispatcher's working-hours check then places like any other late post.
int64_t local_at(const std::string& tz, int64_t day, int minute) { return safety::local_midnight(tz, day) + minute * 60'000LL; }

json parse_or(const std::optional<std::string>& s, json fallback) {
  if (!s) return fallback;
  json j = json::parse(*s, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

struct Entry {
  Spec spec;
  std::vector<int> weekdays;
  std::string time = "10:00";
  int64_t cap = kMaxGroupWeeklyCap;
  bool active = true;
};

Entry entry_from_row(const store::Row& r) {
  Entry e;
  e.spec.name = r.str("name");
  e.spec.kind = r.str("kind");
  e.spec.template_id = r.opt_i64("template_id");
  e.spec.body = r.str("body");
  json v = parse_or(r.opt_str("variables"), json::object());
  if (v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.value().is_string()) e.spec.variables[it.key()] = it.value().get<std::string>();
  e.spec.media = parse_or(r.opt_str("media"), nullptr);
  e.spec.poll = parse_or(r.opt_str("poll"), nullptr);
  e.spec.targeting = parse_or(r.opt_str("targeting"), json::object());
  e.weekdays = parse_weekdays(r.str("weekdays"));
  e.time = r.str("time_of_day");
  e.cap = r.i64("group_weekly_cap");
  e.active = r.i64("active") != 0;
  return e;
}

json entry_json(const store::Row& r) {
  Entry e = entry_from_row(r);
  json days = json::array();
  for (int d : e.weekdays) days.push_back(d);
  json out = campaigns::spec_json(e.spec);
  out.erase("schedule");
  out["id"] = r.i64("id");
  out["project_id"] = r.i64("project_id");
  out["recurrence"] = {{"weekdays", days}, {"time", e.time}};
  out["group_weekly_cap"] = e.cap;
  out["active"] = e.active;
  out["created_at"] = format_iso8601(r.i64("created_at"));
  out["updated_at"] = format_iso8601(r.i64("updated_at"));
  return out;
}

// Reads an entry body over `base`: the campaign fields through the campaign's own validation
// (campaigns::apply_spec), the recurrence and cap here; every wrong field reported at once.
void apply_entry(Entry& e, const json& body, bool creating) {
  if (!body.is_object()) throw validation("body", "must be a JSON object");
  std::vector<FieldError> errs;
  json spec_body = json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& k = it.key();
    if (k == "recurrence" || k == "group_weekly_cap" || k == "active") continue;
    if (k == "schedule") { errs.push_back({"schedule", "is not a calendar field: a calendar entry repeats by its recurrence"}); continue; }
    spec_body[k] = it.value();
  }
  if (body.contains("kind") && body["kind"].is_string() && body["kind"] == "direct")
    errs.push_back({"kind", "must be group_post, channel_post or community_announcement: the calendar posts to groups and channels, "
                            "one-to-one messages are campaigns"});
  else {
    try {
      campaigns::apply_spec(e.spec, spec_body, false);
    } catch (const FieldErrors& fe) {
      for (auto& x : fe.errors()) errs.push_back(x);
    }
  }
  if (creating && (!body.contains("name") || !body["name"].is_string() || trim(body["name"].get<std::string>()).empty()))
    errs.push_back({"name", "is required: give the calendar post a name, like \"Monday industry insight\""});
  if (creating && !body.contains("kind")) errs.push_back({"kind", "is required: group_post, channel_post or community_announcement"});
  if (e.spec.targeting.is_object() && e.spec.targeting.contains("contacts") && !e.spec.targeting["contacts"].is_null())
    errs.push_back({"targeting.contacts", "is not allowed: the calendar posts to groups and channels, choose targeting.groups"});
  if (body.contains("recurrence")) {
    const json& r = body["recurrence"];
    if (!r.is_object()) errs.push_back({"recurrence", "must be an object {weekdays: [1..7], time: \"HH:MM\"}"});
    else {
      for (auto it = r.begin(); it != r.end(); ++it)
        if (it.key() != "weekdays" && it.key() != "time")
          errs.push_back({"recurrence." + it.key(), "is not a recurrence setting; the settings are weekdays and time"});
      if (r.contains("weekdays")) {
        bool ok = r["weekdays"].is_array() && !r["weekdays"].empty();
        std::set<int> days;
        if (ok)
          for (auto& d : r["weekdays"]) {
            ok = ok && d.is_number_integer() && d.get<int64_t>() >= 1 && d.get<int64_t>() <= 7;
            if (ok) days.insert(static_cast<int>(d.get<int64_t>()));
          }
        if (!ok) errs.push_back({"recurrence.weekdays", "must list the days it repeats on, 1 = Monday to 7 = Sunday, like [1, 3, 5]"});
        else e.weekdays.assign(days.begin(), days.end());
      } else if (creating) errs.push_back({"recurrence.weekdays", "is required: the days it repeats on, like [1, 3, 5] for Monday, Wednesday, Friday"});
      if (r.contains("time")) {
        if (!r["time"].is_string() || !parse_hhmm(r["time"].get<std::string>()))
          errs.push_back({"recurrence.time", "must be a local time like 10:00 (24-hour clock)"});
        else e.time = r["time"].get<std::string>();
      } else if (creating) errs.push_back({"recurrence.time", "is required: the local time it goes out, like 10:00"});
    }
  } else if (creating) errs.push_back({"recurrence", "is required: {weekdays: [1, 3, 5], time: \"10:00\"}"});
  if (body.contains("group_weekly_cap")) {
    const json& c = body["group_weekly_cap"];
    if (!c.is_number_integer() || c.get<int64_t>() < 1 || c.get<int64_t>() > kMaxGroupWeeklyCap)
      errs.push_back({"group_weekly_cap", "must be 1, 2 or 3: a group gets at most 3 calendar posts a week"});
    else e.cap = c.get<int64_t>();
  }
  if (body.contains("active")) {
    if (!body["active"].is_boolean()) errs.push_back({"active", "must be true or false"});
    else e.active = body["active"].get<bool>();
  }
  if (!errs.empty()) throw FieldErrors(std::move(errs));
}

// A parsed, filled spec whose body must be a valid template; the field named is `field`.
campaigns::Template checked_template(store::Conn& c, int64_t pid, Spec& s, const std::string& field) {
  campaigns::fill_from_template(c, pid, s);
  if (trim(s.body).empty()) throw FieldErrors(std::vector<FieldError>{{field, "Write the post (or choose a template)"}});
  std::vector<campaigns::TemplateError> terrs;
  campaigns::Template t = campaigns::parse_spec_template(s, terrs);
  if (!terrs.empty()) {
    std::vector<FieldError> list;
    for (auto& x : terrs) list.push_back({field, "The post has a mistake at " + x.message});
    throw FieldErrors(std::move(list));
  }
  return t;
}

store::Value json_or_null(const json& j) { return j.is_null() ? store::Value(nullptr) : store::Value(j.dump()); }

std::string weekdays_text(const std::vector<int>& d) {
  std::string s;
  for (int x : d) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

store::Params entry_params(const Entry& e) {
  return {e.spec.name, e.spec.kind, e.spec.template_id ? store::Value(*e.spec.template_id) : store::Value(nullptr), e.spec.body,
          json(e.spec.variables).dump(), json_or_null(e.spec.media), json_or_null(e.spec.poll), e.spec.targeting.dump(),
          weekdays_text(e.weekdays), e.time, e.cap, int64_t(e.active ? 1 : 0)};
}

// Plans one occurrence's outbox rows: the campaign's resolution (value-phase groups, admins where
// needed, numbers that can send), the per-group weekly cap, one rendered row per group.
void plan_occurrence(store::Conn& c, const Project& p, Entry e, int64_t oid, int64_t at, const std::optional<std::string>& body, int64_t now) {
  if (body) e.spec.body = *body;
  std::map<std::string, int64_t> excluded;
  std::vector<campaigns::TemplateError> terrs;
  campaigns::fill_from_template(c, p.id, e.spec);
  campaigns::Template t = campaigns::parse_spec_template(e.spec, terrs);
  if (!terrs.empty() || trim(e.spec.body).empty()) {
    c.run("calendar-occurrence-set-excluded",
          {oid, json::array({{{"reason", "template_error"}, {"count", 1}, {"message", "the post's text has a mistake; edit it"}}}).dump(), now});
    return;
  }
  campaigns::Resolution res = campaigns::resolve(c, p, e.spec, now, nullptr);
  for (auto& [k, n] : res.excluded) excluded[k] += n;
  std::map<int64_t, std::string> labels;
  for (auto& a : res.accounts) labels[a.id] = a.label.empty() ? a.phone : a.label;
  int64_t day = safety::local_time(p.time_zone, at).day, mon = monday_of(day);
  int64_t week_from = safety::local_midnight(p.time_zone, mon), week_to = safety::local_midnight(p.time_zone, mon + 7);
  const int64_t prio = campaigns::priority_of_kind(e.spec.kind);
  for (size_t i = 0; i < res.recipients.size(); ++i) {
    const auto& rc = res.recipients[i];
    std::string key = "calendar:" + std::to_string(oid) + ":g" + std::to_string(rc.group_id);
    int64_t n = c.run("calendar-group-week-count", {p.id, rc.group_id, week_from, week_to})[0].i64("n");
    if (n >= e.cap) {
      c.run("calendar-outbox-insert", {p.id, nullptr, rc.chat, rc.group_id, std::string("{}"), prio, at, std::string("skipped"), key,
                                       "the group already has " + std::to_string(n) + " calendar posts this week (the cap is " +
                                           std::to_string(e.cap) + " a week)",
                                       oid, now});
      ++excluded["weekly_cap"];
      continue;
    }
    // The group's numbers take turns, occurrence by occurrence.
    int64_t account = rc.accounts[static_cast<size_t>(oid) % rc.accounts.size()];
    std::string text = campaigns::render_for(t, e.spec, p, rc, labels[account], mix64(static_cast<uint64_t>(oid) ^ mix64(static_cast<uint64_t>(rc.group_id) + 1)));
    c.run("calendar-outbox-insert", {p.id, account, rc.chat, rc.group_id, campaigns::content_json(e.spec, text), prio, at,
                                     std::string("queued"), key, nullptr, oid, now});
  }
  json ex = json::array();
  for (auto& [k, n] : excluded)
    if (n > 0)
      ex.push_back({{"reason", k}, {"count", n},
                    {"message", k == "weekly_cap" ? "already had their weekly calendar posts (the per-group cap)" : campaigns::excluded_message(k)}});
  c.run("calendar-occurrence-set-excluded", {oid, ex.dump(), now});
}

std::string shown_status(const store::Row& r) {
  if (r.str("status") == "skipped") return "skipped";
  if (r.i64("queued") > 0) return "planned";
  if (r.i64("sent") > 0) return "sent";
  if (r.i64("failed") > 0) return "failed";
  return "nothing_to_send";
}

// The post as its first group gets it (the card would otherwise show the raw {a|b} and {{group}}).
json sample_json(const store::Row& r) {
  json content = parse_or(r.opt_str("sample_content"), json(nullptr));
  if (!content.is_object()) return nullptr;
  std::string text = content.value("text", "");
  if (text.empty() && content.contains("poll")) text = content["poll"].value("question", "");
  if (text.empty()) return nullptr;
  return {{"text", text}, {"group", r.is_null("sample_group") ? json(nullptr) : json(r.str("sample_group"))}};
}

json row_json(const store::Row& r, const std::string& tz) {
  safety::LocalTime lt = safety::local_time(tz, r.i64("planned_at"));
  return {{"id", r.i64("id")},
          {"entry_id", r.i64("entry_id")},
          {"entry_name", r.str("entry_name")},
          {"kind", r.str("entry_kind")},
          {"slot_day", r.str("slot_day")},
          {"date", campaigns::format_day(lt.day)},
          {"time", format_hhmm(lt.minute)},
          {"planned_at", format_iso8601(r.i64("planned_at"))},
          {"status", shown_status(r)},
          {"body", r.is_null("body") ? r.str("entry_body") : r.str("body")},
          {"edited", !r.is_null("body")},
          {"sample", sample_json(r)},
          {"messages", {{"queued", r.i64("queued")}, {"sent", r.i64("sent")}, {"skipped", r.i64("skipped")}, {"failed", r.i64("failed")}}},
          {"excluded", parse_or(r.opt_str("excluded"), json::array())}};
}
}  // namespace

CalendarService::CalendarService(store::Database& db, const Clock& clock, CalendarOptions opts)
    : db_(db), clock_(clock), opts_(opts) {}

json CalendarService::entries(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    load_project(c, pid);
    json out = json::array();
    auto r = c.run("calendar-entry-list", {pid});
    for (size_t i = 0; i < r.size(); ++i) out.push_back(entry_json(r[i]));
    return json{{"items", out}};
  });
}

json CalendarService::entry_create(const User& u, int64_t pid, const json& body) {
  int64_t now = clock_.now_ms();
  json out = db_.write([&](store::Conn& c) {
    load_project(c, pid);
    Entry e;
    apply_entry(e, body, true);
    Spec s = e.spec;
    checked_template(c, pid, s, "body");
    store::Params params = entry_params(e);
    params.insert(params.begin(), pid);
    params.push_back(now);
    int64_t id = 0;
    try {
      id = c.run("calendar-entry-insert", params)[0].i64("id");
    } catch (const store::DbError& err) {
      if (err.kind() != store::DbError::Kind::unique_violation) throw;
      throw validation("name", "is taken: another calendar post of this project has that name");
    }
    auto row = c.run("calendar-entry-get", {pid, id});
    audit(c, now, pid, {u.id, u.email}, "calendar.created", "calendar:" + std::to_string(id), nullptr, entry_json(row[0]));
    plan_entry(c, row[0], now);
    return entry_json(row[0]);
  });
  spdlog::info("event=calendar.created project={} entry={}", pid, out["id"].get<int64_t>());
  return out;
}

json CalendarService::entry_update(const User& u, int64_t pid, int64_t eid, const json& body) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto r = c.run("calendar-entry-get", {pid, eid});
    if (r.empty()) throw not_found("no such calendar post");
    json before = entry_json(r[0]);
    Entry e = entry_from_row(r[0]);
    apply_entry(e, body, false);
    Spec s = e.spec;
    checked_template(c, pid, s, "body");
    store::Params params = entry_params(e);
    params.insert(params.begin(), {pid, eid});
    params.push_back(now);
    try {
      c.run("calendar-entry-update", params);
    } catch (const store::DbError& err) {
      if (err.kind() != store::DbError::Kind::unique_violation) throw;
      throw validation("name", "is taken: another calendar post of this project has that name");
    }
    // The rule changed: occurrences not yet due are planned again (their queued rows replaced; a row
    // that left or may have left stays, and so does its occurrence).
    auto fut = c.run("calendar-occurrences-future-of-entry", {eid, now});
    for (size_t i = 0; i < fut.size(); ++i) {
      int64_t oid = fut[i].i64("id");
      c.run("calendar-outbox-delete-queued", {oid});
      if (c.run("calendar-outbox-rows", {oid}).empty()) c.run("calendar-occurrence-delete", {oid});
    }
    auto row = c.run("calendar-entry-get", {pid, eid});
    audit(c, now, pid, {u.id, u.email}, "calendar.updated", "calendar:" + std::to_string(eid), before, entry_json(row[0]));
    if (e.active) plan_entry(c, row[0], now);
    return entry_json(row[0]);
  });
}

void CalendarService::entry_delete(const User& u, int64_t pid, int64_t eid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto r = c.run("calendar-entry-get", {pid, eid});
    if (r.empty()) throw not_found("no such calendar post");
    c.run("calendar-outbox-cancel-entry", {eid, std::string("the calendar post was deleted"), now});
    c.run("calendar-entry-delete", {pid, eid});
    audit(c, now, pid, {u.id, u.email}, "calendar.deleted", "calendar:" + std::to_string(eid), entry_json(r[0]), nullptr);
  });
}

json CalendarService::week(int64_t pid, const std::optional<std::string>& day) {
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    Project p = load_project(c, pid);
    int64_t d = safety::local_time(p.time_zone, now).day;
    if (day && !day->empty()) {
      auto parsed = campaigns::parse_day(*day);
      if (!parsed) throw validation("week", "must be a date like 2026-12-07 (any day of the week to show)");
      d = *parsed;
    }
    int64_t mon = monday_of(d);
    json days = json::array();
    for (int i = 0; i < 7; ++i) days.push_back({{"date", campaigns::format_day(mon + i)}, {"weekday", kDayNames[i]}});
    auto r = c.run("calendar-occurrences-between",
                   {pid, safety::local_midnight(p.time_zone, mon), safety::local_midnight(p.time_zone, mon + 7)});
    json occ = json::array();
    for (size_t i = 0; i < r.size(); ++i) occ.push_back(row_json(r[i], p.time_zone));
    json entries = json::array();
    auto er = c.run("calendar-entry-list", {pid});
    for (size_t i = 0; i < er.size(); ++i) entries.push_back(entry_json(er[i]));
    return json{{"week_start", campaigns::format_day(mon)},
                {"previous_week", campaigns::format_day(mon - 7)},
                {"next_week", campaigns::format_day(mon + 7)},
                {"today", campaigns::format_day(safety::local_time(p.time_zone, now).day)},
                {"time_zone", p.time_zone},
                {"group_weekly_cap_max", kMaxGroupWeeklyCap},
                {"days", days},
                {"occurrences", occ},
                {"entries", entries}};
  });
}

json CalendarService::occurrence_json(store::Conn& c, int64_t pid, int64_t oid) {
  Project p = load_project(c, pid);
  auto o = c.run("calendar-occurrence-get", {pid, oid});
  if (o.empty()) throw not_found("no such calendar occurrence");
  // One row of the week query, for the same shape.
  int64_t at = o[0].i64("planned_at");
  auto r = c.run("calendar-occurrences-between", {pid, at, at + 1});
  for (size_t i = 0; i < r.size(); ++i)
    if (r[i].i64("id") == oid) return row_json(r[i], p.time_zone);
  throw not_found("no such calendar occurrence");
}

json CalendarService::occurrence_update(const User& u, int64_t pid, int64_t oid, const json& body) {
  int64_t now = clock_.now_ms();
  if (!body.is_object()) throw validation("body", "must be a JSON object");
  return db_.write([&](store::Conn& c) {
    Project p = load_project(c, pid);
    auto o = c.run("calendar-occurrence-get", {pid, oid});
    if (o.empty()) throw not_found("no such calendar occurrence");
    json before = occurrence_json(c, pid, oid);
    std::vector<FieldError> errs;
    for (auto it = body.begin(); it != body.end(); ++it)
      if (it.key() != "date" && it.key() != "time" && it.key() != "body")
        errs.push_back({it.key(), "is not a field of a calendar occurrence; the fields are date, time and body"});
    std::optional<int64_t> day;
    std::optional<int> minute;
    if (body.contains("date") && !(body["date"].is_string() && (day = campaigns::parse_day(body["date"].get<std::string>()))))
      errs.push_back({"date", "must be a date like 2026-12-09"});
    if (body.contains("time") && !(body["time"].is_string() && (minute = parse_hhmm(body["time"].get<std::string>()))))
      errs.push_back({"time", "must be a local time like 10:00 (24-hour clock)"});
    std::optional<std::string> text;
    if (body.contains("body")) {
      if (!body["body"].is_string() || trim(body["body"].get<std::string>()).empty()) errs.push_back({"body", "write the post's text"});
      else text = body["body"].get<std::string>();
    }
    if (!errs.empty()) throw FieldErrors(std::move(errs));
    if (o[0].str("status") == "skipped") throw conflict("status", "This post was skipped; it cannot be moved or edited");
    if (before["messages"]["queued"].get<int64_t>() == 0 && before["messages"]["sent"].get<int64_t>() > 0)
      throw conflict("status", "This post has already gone out; it cannot be moved or edited");
    auto er = c.run("calendar-entry-get", {pid, o[0].i64("entry_id")});
    Entry e = entry_from_row(er[0]);
    if (day || minute) {
      safety::LocalTime cur = safety::local_time(p.time_zone, o[0].i64("planned_at"));
      int64_t at = local_at(p.time_zone, day.value_or(cur.day), minute.value_or(cur.minute));
      if (at <= now) throw validation(day ? "date" : "time", "must be later than now: a post cannot be moved into the past");
      if (at > now + opts_.max_move_ahead_ms) throw validation("date", "must be within 60 days from today");
      c.run("calendar-occurrence-move", {pid, oid, at, now});
      c.run("calendar-outbox-move", {oid, at, now});
    }
    if (text) {
      Spec s = e.spec;
      s.body = *text;
      campaigns::Template t = checked_template(c, pid, s, "body");
      c.run("calendar-occurrence-set-body", {pid, oid, *text, now});
      // The queued rows get the new text, rendered for their group and number as the planner did.
      auto rows = c.run("calendar-outbox-rows", {oid});
      for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].str("status") != "queued" || rows[i].is_null("group_id")) continue;
        campaigns::Recipient rc;
        rc.group_id = rows[i].i64("group_id");
        rc.chat = rows[i].str("target");
        auto g = c.run("group-by-id", {pid, rc.group_id});
        rc.name = g.empty() ? "" : g[0].str("name");
        std::string label;
        if (auto aid = rows[i].opt_i64("account_id")) {
          auto a = c.run("account-columns", {*aid});
          if (!a.empty()) label = a[0].str("label").empty() ? a[0].str("phone") : a[0].str("label");
        }
        std::string rendered = campaigns::render_for(t, s, p, rc, label, mix64(static_cast<uint64_t>(oid) ^ mix64(static_cast<uint64_t>(rc.group_id) + 1)));
        c.run("calendar-outbox-set-content", {rows[i].i64("id"), campaigns::content_json(s, rendered), now});
      }
    }
    json after = occurrence_json(c, pid, oid);
    audit(c, now, pid, {u.id, u.email}, "calendar.occurrence_changed", "calendar_occurrence:" + std::to_string(oid),
          {{"date", before["date"]}, {"time", before["time"]}, {"body", before["body"]}},
          {{"date", after["date"]}, {"time", after["time"]}, {"body", after["body"]}});
    return after;
  });
}

json CalendarService::occurrence_skip(const User& u, int64_t pid, int64_t oid) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto o = c.run("calendar-occurrence-get", {pid, oid});
    if (o.empty()) throw not_found("no such calendar occurrence");
    if (o[0].str("status") == "skipped") throw conflict("status", "This post is already skipped");
    json before = occurrence_json(c, pid, oid);
    if (before["messages"]["queued"].get<int64_t>() == 0 && before["messages"]["sent"].get<int64_t>() > 0)
      throw conflict("status", "This post has already gone out; there is nothing left to skip");
    c.run("calendar-occurrence-skip", {pid, oid, now});
    c.run("calendar-outbox-skip", {oid, "skipped on the calendar by " + u.email, now});
    audit(c, now, pid, {u.id, u.email}, "calendar.occurrence_skipped", "calendar_occurrence:" + std::to_string(oid),
          {{"status", before["status"]}}, {{"status", "skipped"}});
    return occurrence_json(c, pid, oid);
  });
}

int64_t CalendarService::plan_entry(store::Conn& c, const store::Row& row, int64_t now) {
  Entry e = entry_from_row(row);
  if (!e.active) return 0;
  Project p = load_project(c, row.i64("project_id"));
  auto minute = parse_hhmm(e.time);
  if (!minute) return 0;
  int64_t today = safety::local_time(p.time_zone, now).day, planned = 0;
  for (int64_t d = today; d < today + opts_.horizon_days; ++d) {
    if (std::find(e.weekdays.begin(), e.weekdays.end(), iso_weekday(d)) == e.weekdays.end()) continue;
    int64_t at = local_at(p.time_zone, d, *minute);
    if (at <= now) continue;  // today's slot has passed: nothing is planned into the past
    auto ins = c.run("calendar-occurrence-insert", {p.id, row.i64("id"), campaigns::format_day(d), at, now});
    if (ins.empty()) continue;  // planned before (or by another node)
    plan_occurrence(c, p, e, ins[0].i64("id"), at, std::nullopt, now);
    ++planned;
  }
  auto empty = c.run("calendar-occurrences-empty-future", {row.i64("id"), now});
  for (size_t i = 0; i < empty.size(); ++i)
    plan_occurrence(c, p, e, empty[i].i64("id"), empty[i].i64("planned_at"), empty[i].opt_str("body"), now);
  return planned;
}

int64_t CalendarService::seed_past_for_demo(int64_t pid, int64_t eid) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto r = c.run("calendar-entry-get", {pid, eid});
    if (r.empty()) return int64_t(0);
    Project p = load_project(c, pid);
    Entry e = entry_from_row(r[0]);
    auto minute = parse_hhmm(e.time);
    int64_t today = safety::local_time(p.time_zone, now).day, n = 0;
    for (int64_t d = monday_of(today); d < today && minute; ++d) {
      if (std::find(e.weekdays.begin(), e.weekdays.end(), iso_weekday(d)) == e.weekdays.end()) continue;
      int64_t at = local_at(p.time_zone, d, *minute);
      auto ins = c.run("calendar-occurrence-insert", {pid, eid, campaigns::format_day(d), at, now});
      if (ins.empty()) continue;
      plan_occurrence(c, p, e, ins[0].i64("id"), at, std::nullopt, now);
      c.run("demo-calendar-mark-sent", {ins[0].i64("id"), now});
      ++n;
    }
    return n;
  });
}

int64_t CalendarService::plan_now() {
  int64_t now = clock_.now_ms(), planned = 0;
  auto rows = db_.read([](store::Conn& c) { return c.run("calendar-entries-active"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t pid = rows[i].i64("project_id"), eid = rows[i].i64("id");
    try {
      planned += db_.write([&](store::Conn& c) {
        auto r = c.run("calendar-entry-get", {pid, eid});
        return r.empty() ? int64_t(0) : plan_entry(c, r[0], now);
      });
    } catch (const std::exception& ex) {
      spdlog::error("event=calendar.plan_failed project={} entry={} reason=\"{}\"", pid, eid, ex.what());
    }
  }
  if (planned) spdlog::info("event=calendar.planned occurrences={}", planned);
  return planned;
}

void CalendarService::tick() {
  {
    std::lock_guard g(mu_);
    int64_t now = clock_.now_ms();
    if (now - last_tick_ < opts_.tick_interval_ms) return;
    last_tick_ = now;
  }
  plan_now();
}

}  // namespace sangam::calendar
