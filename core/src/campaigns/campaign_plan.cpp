#include "campaigns/campaign_plan.hpp"

#include "accounts/account.hpp"
#include "contacts/engagement.hpp"
#include "safety/local_time.hpp"
#include "safety/policy.hpp"
#include "util/field_errors.hpp"
#include "util/json_input.hpp"
#include "util/mix.hpp"

#include <date/date.h>

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace sangam::campaigns {

namespace {
const std::set<std::string> kKinds = {"group_post", "channel_post", "community_announcement", "direct"};
const std::set<std::string> kConsents = {"opted_in", "engaged", "unknown", "opted_out"};

// The group kind each post kind goes to (migration 0009's groups.kind).
std::string group_kind_of(const std::string& kind) {
  if (kind == "channel_post") return "channel";
  if (kind == "community_announcement") return "announcement";
  return "group";
}

struct Errors {
  std::vector<FieldError> list;
  void add(std::string field, std::string message) { list.push_back({std::move(field), std::move(message)}); }
};

void check_int_list(Errors& e, const json& v, const std::string& field) {
  if (!v.is_array()) return e.add(field, "must be a list of ids, like [1, 2]");
  for (const auto& x : v)
    if (!x.is_number_integer() || x.get<int64_t>() <= 0) return e.add(field, "must be a list of ids, like [1, 2]");
}

void check_keys(Errors& e, const json& obj, const std::string& field, std::initializer_list<const char*> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) e.add(field + "." + it.key(), "is not a setting here; the settings are " + [&] {
      std::string s;
      for (auto a : allowed) s += (s.empty() ? "" : ", ") + std::string(a);
      return s;
    }());
  }
}

void check_targeting(Errors& e, const json& t) {
  if (!t.is_object()) return e.add("targeting", "must be an object with groups or contacts");
  check_keys(e, t, "targeting", {"groups", "contacts"});
  if (t.contains("groups") && !t["groups"].is_null()) {
    const json& g = t["groups"];
    if (!g.is_object()) return e.add("targeting.groups", "must be an object with ids or filter");
    check_keys(e, g, "targeting.groups", {"ids", "filter"});
    if (g.contains("ids") && !g["ids"].is_null()) check_int_list(e, g["ids"], "targeting.groups.ids");
    if (g.contains("filter") && !g["filter"].is_null()) {
      const json& f = g["filter"];
      if (!f.is_object()) return e.add("targeting.groups.filter", "must be an object");
      check_keys(e, f, "targeting.groups.filter", {"persona", "region", "account_id", "phase", "min_messages_per_day"});
      for (auto k : {"persona", "region"})
        if (f.contains(k) && !f[k].is_null() && !f[k].is_string()) e.add(std::string("targeting.groups.filter.") + k, "must be text");
      if (f.contains("account_id") && !f["account_id"].is_null() && !f["account_id"].is_number_integer())
        e.add("targeting.groups.filter.account_id", "must be an account id");
      if (f.contains("phase") && !f["phase"].is_null() &&
          !(f["phase"].is_string() && std::set<std::string>{"observation", "contribution", "value"}.count(f["phase"].get<std::string>())))
        e.add("targeting.groups.filter.phase", "must be observation, contribution or value");
      if (f.contains("min_messages_per_day") && !f["min_messages_per_day"].is_null() &&
          !(f["min_messages_per_day"].is_number() && f["min_messages_per_day"].get<double>() >= 0))
        e.add("targeting.groups.filter.min_messages_per_day", "must be a number of 0 or more");
    }
  }
  if (t.contains("contacts") && !t["contacts"].is_null()) {
    const json& c = t["contacts"];
    if (!c.is_object()) return e.add("targeting.contacts", "must be an object with a filter");
    check_keys(e, c, "targeting.contacts", {"filter"});
    if (c.contains("filter") && !c["filter"].is_null()) {
      const json& f = c["filter"];
      if (!f.is_object()) return e.add("targeting.contacts.filter", "must be an object");
      check_keys(e, f, "targeting.contacts.filter",
                 {"persona", "min_confidence", "region", "tags", "min_engagement", "not_contacted_days", "consent"});
      for (auto k : {"persona", "region"})
        if (f.contains(k) && !f[k].is_null() && !f[k].is_string()) e.add(std::string("targeting.contacts.filter.") + k, "must be text");
      if (f.contains("min_confidence") && !f["min_confidence"].is_null() &&
          !(f["min_confidence"].is_number_integer() && f["min_confidence"].get<int64_t>() >= 0 && f["min_confidence"].get<int64_t>() <= 100))
        e.add("targeting.contacts.filter.min_confidence", "must be a whole number from 0 to 100");
      if (f.contains("min_engagement") && !f["min_engagement"].is_null() &&
          !(f["min_engagement"].is_number() && f["min_engagement"].get<double>() >= 0))
        e.add("targeting.contacts.filter.min_engagement", "must be a number of 0 or more");
      if (f.contains("not_contacted_days") && !f["not_contacted_days"].is_null() &&
          !(f["not_contacted_days"].is_number_integer() && f["not_contacted_days"].get<int64_t>() >= 0 &&
            f["not_contacted_days"].get<int64_t>() <= 3650))
        e.add("targeting.contacts.filter.not_contacted_days", "must be a whole number of days from 0 to 3650");
      if (f.contains("tags") && !f["tags"].is_null()) {
        bool ok = f["tags"].is_array();
        if (ok) for (auto& x : f["tags"]) ok = ok && x.is_string();
        if (!ok) e.add("targeting.contacts.filter.tags", "must be a list of tags, like [\"dealer\"]");
      }
      if (f.contains("consent") && !f["consent"].is_null()) {
        bool ok = f["consent"].is_array() && !f["consent"].empty();
        if (ok)
          for (auto& x : f["consent"]) ok = ok && x.is_string() && (x == "opted_in" || x == "engaged");
        if (!ok)
          e.add("targeting.contacts.filter.consent",
                "may list only opted_in and engaged: one-to-one messages go only to people who opted in or wrote first");
      }
    }
  }
}

void check_schedule(Errors& e, const json& s) {
  if (!s.is_object()) return e.add("schedule", "must be an object with start_date");
  check_keys(e, s, "schedule", {"start_date", "end_date", "per_day_cap", "account_ids"});
  std::optional<int64_t> start, end;
  if (s.contains("start_date") && !s["start_date"].is_null()) {
    if (!s["start_date"].is_string() || !(start = parse_day(s["start_date"].get<std::string>())))
      e.add("schedule.start_date", "must be a date like 2026-12-01");
  }
  if (s.contains("end_date") && !s["end_date"].is_null()) {
    if (!s["end_date"].is_string() || !(end = parse_day(s["end_date"].get<std::string>())))
      e.add("schedule.end_date", "must be a date like 2026-12-31, or empty for no end");
    else if (start && *end < *start)
      e.add("schedule.end_date", "must be on or after the start date (" + format_day(*start) + "); the schedule ends before it starts");
  }
  if (s.contains("per_day_cap") && !s["per_day_cap"].is_null() &&
      !(s["per_day_cap"].is_number_integer() && s["per_day_cap"].get<int64_t>() >= 1 && s["per_day_cap"].get<int64_t>() <= 100000))
    e.add("schedule.per_day_cap", "must be a whole number from 1 to 100000, or empty for no cap");
  if (s.contains("account_ids") && !s["account_ids"].is_null()) check_int_list(e, s["account_ids"], "schedule.account_ids");
}

void check_media(Errors& e, const json& m) {
  if (m.is_null()) return;
  if (!m.is_object()) return e.add("media", "must be an object {kind, media_id or url, caption}");
  check_keys(e, m, "media", {"kind", "url", "media_id", "caption"});
  if (!m.contains("kind") || !m["kind"].is_string() || !std::set<std::string>{"image", "document", "video"}.count(m["kind"].get<std::string>()))
    e.add("media.kind", "must be image, document or video");
  // An uploaded file (POST /projects/{id}/media) goes out with the post; a link goes as its caption only.
  if (m.contains("media_id") && !m["media_id"].is_null()) {
    if (!m["media_id"].is_number_integer() || m["media_id"].get<int64_t>() <= 0) e.add("media.media_id", "must be the id of an uploaded file");
  } else if (!m.contains("url") || !m["url"].is_string() || m["url"].get<std::string>().rfind("http", 0) != 0)
    e.add("media.url", "must be a link starting with http:// or https://, or give media_id (an uploaded file)");
  if (m.contains("caption") && !m["caption"].is_null() && !m["caption"].is_string()) e.add("media.caption", "must be text");
}

void check_poll(Errors& e, const json& p) {
  if (p.is_null()) return;
  if (!p.is_object()) return e.add("poll", "must be an object {question, options, multiple}");
  check_keys(e, p, "poll", {"question", "options", "multiple"});
  if (!p.contains("question") || !p["question"].is_string() || trim(p["question"].get<std::string>()).empty())
    e.add("poll.question", "must be a question");
  bool ok = p.contains("options") && p["options"].is_array() && p["options"].size() >= 2 && p["options"].size() <= 12;
  if (ok) for (auto& o : p["options"]) ok = ok && o.is_string() && !trim(o.get<std::string>()).empty();
  if (!ok) e.add("poll.options", "must be 2 to 12 answers, none empty");
  if (p.contains("multiple") && !p["multiple"].is_boolean()) e.add("poll.multiple", "must be true or false");
}

json parse_json_column(const std::optional<std::string>& s, json fallback) {
  if (!s) return fallback;
  json j = json::parse(*s, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

int64_t day_of(const std::string& tz, int64_t ms) { return safety::local_time(tz, ms).day; }
}  // namespace

std::optional<int64_t> parse_day(const std::string& ymd) {
  if (ymd.size() != 10 || ymd[4] != '-' || ymd[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(ymd[i]))) return std::nullopt;
  date::year_month_day d{date::year{std::stoi(ymd.substr(0, 4))}, date::month{unsigned(std::stoi(ymd.substr(5, 2)))},
                         date::day{unsigned(std::stoi(ymd.substr(8, 2)))}};
  if (!d.ok()) return std::nullopt;
  return date::sys_days{d}.time_since_epoch().count();
}

std::string format_day(int64_t day) { return date::format("%F", date::sys_days{date::days{day}}); }

bool one_to_one(const std::string& kind) { return kind == "direct"; }
int priority_of_kind(const std::string& kind) { return one_to_one(kind) ? 2 : 3; }

void apply_spec(Spec& s, const json& body, bool creating) {
  Errors e;
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const std::set<std::string> known = {"name", "kind", "template_id", "body", "variables", "media", "poll", "targeting", "schedule",
                                                // read-only fields of a Campaign sent back by a client: ignored
                                                "id", "project_id", "status", "status_reason", "progress", "created_at", "updated_at",
                                                "launched_at", "completed_at", "starts_at"};
    if (!known.count(it.key())) e.add(it.key(), "is not a campaign field");
  }
  if (body.contains("name")) {
    if (!body["name"].is_string() || trim(body["name"].get<std::string>()).empty() || utf8_length(body["name"].get<std::string>()) > 120)
      e.add("name", "must be a name of 1 to 120 characters");
    else s.name = trim(body["name"].get<std::string>());
  } else if (creating) e.add("name", "is required: give the campaign a name");
  if (body.contains("kind")) {
    if (!body["kind"].is_string() || !kKinds.count(body["kind"].get<std::string>()))
      e.add("kind", "must be group_post, channel_post, community_announcement or direct");
    else s.kind = body["kind"].get<std::string>();
  } else if (creating) e.add("kind", "is required: group_post, channel_post, community_announcement or direct");
  if (body.contains("template_id")) {
    if (body["template_id"].is_null()) s.template_id.reset();
    else if (!body["template_id"].is_number_integer()) e.add("template_id", "must be a template id");
    else s.template_id = body["template_id"].get<int64_t>();
  }
  if (body.contains("body")) {
    if (!body["body"].is_string() || body["body"].get<std::string>().size() > 8192) e.add("body", "must be text of at most 8192 bytes");
    else s.body = body["body"].get<std::string>();
  }
  if (body.contains("variables")) {
    const json& v = body["variables"];
    bool ok = v.is_object() || v.is_null();
    if (ok && v.is_object())
      for (auto it = v.begin(); it != v.end(); ++it) ok = ok && it.value().is_string() && !it.key().empty() && it.key().size() <= 40;
    if (!ok) e.add("variables", "must map each variable name to its default text, like {\"offer\": \"10% off\"}");
    else {
      s.variables.clear();
      if (v.is_object())
        for (auto it = v.begin(); it != v.end(); ++it) s.variables[it.key()] = it.value().get<std::string>();
    }
  }
  if (body.contains("media")) {
    check_media(e, body["media"]);
    s.media = body["media"];
  }
  if (body.contains("poll")) {
    check_poll(e, body["poll"]);
    s.poll = body["poll"];
  }
  if (body.contains("targeting")) {
    check_targeting(e, body["targeting"].is_null() ? json::object() : body["targeting"]);
    s.targeting = body["targeting"].is_null() ? json::object() : body["targeting"];
  }
  if (body.contains("schedule")) {
    check_schedule(e, body["schedule"].is_null() ? json::object() : body["schedule"]);
    s.schedule = body["schedule"].is_null() ? json::object() : body["schedule"];
  }
  if (!e.list.empty()) throw FieldErrors(std::move(e.list));
}

Spec spec_from_row(const store::Row& r) {
  Spec s;
  s.name = r.str("name");
  s.kind = r.str("kind");
  s.template_id = r.opt_i64("template_id");
  s.body = r.str("body");
  json v = parse_json_column(r.opt_str("variables"), json::object());
  if (v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.value().is_string()) s.variables[it.key()] = it.value().get<std::string>();
  s.media = parse_json_column(r.opt_str("media"), nullptr);
  s.poll = parse_json_column(r.opt_str("poll"), nullptr);
  s.targeting = parse_json_column(r.opt_str("targeting"), json::object());
  s.schedule = parse_json_column(r.opt_str("schedule"), json::object());
  return s;
}

json spec_json(const Spec& s) {
  json sched = s.schedule.is_object() ? s.schedule : json::object();
  for (auto k : {"start_date", "end_date", "per_day_cap", "account_ids"})
    if (!sched.contains(k)) sched[k] = nullptr;
  return {{"name", s.name},       {"kind", s.kind},       {"template_id", s.template_id ? json(*s.template_id) : json(nullptr)},
          {"body", s.body},       {"variables", s.variables}, {"media", s.media}, {"poll", s.poll},
          {"targeting", s.targeting}, {"schedule", sched}};
}

std::string excluded_message(const std::string& reason) {
  static const std::map<std::string, std::string> m = {
      {"consent_unknown", "never opted in nor wrote first: one-to-one messages need opted_in or engaged consent"},
      {"opted_out", "opted out: never messaged again"},
      {"consent_filter", "their consent is not among the states the filter asks for"},
      {"suppressed", "on the suppression list: never messaged again"},
      {"no_phone", "known only by a WhatsApp id without a phone number"},
      {"not_value_phase", "none of our numbers in the group is in its value-posts phase yet (observation or contribution)"},
      {"admin_only", "only admins may post there, and none of our numbers in it is an admin"},
      {"no_member_account", "none of our numbers is in it any more"},
      {"no_eligible_account", "no number that can send now reaches it (banned, cooling, critical health, a backup, or not chosen)"},
      {"past_end_date", "the daily capacity runs out before the end date"},
      {"beyond_horizon", "would be more than a year ahead"},
  };
  auto it = m.find(reason);
  return it == m.end() ? reason : it->second;
}

json excluded_json(const std::map<std::string, int64_t>& excluded) {
  json out = json::array();
  for (const auto& [reason, n] : excluded)
    if (n > 0) out.push_back({{"reason", reason}, {"count", n}, {"message", excluded_message(reason)}});
  return out;
}

Resolution resolve(store::Conn& c, const Project& p, const Spec& s, int64_t now,
                   const std::function<std::string(const std::string&)>& phone_hash) {
  Resolution r;
  safety::LocalTime local = safety::local_time(p.time_zone, now);
  safety::Calendar cal{p.working_hours, p.weekend_factor};

  // The numbers: producing or warming up, connected, not critical; the schedule may narrow them.
  std::set<int64_t> chosen;
  bool narrowed = s.schedule.contains("account_ids") && s.schedule["account_ids"].is_array();
  if (narrowed)
    for (auto& x : s.schedule["account_ids"])
      if (x.is_number_integer()) chosen.insert(x.get<int64_t>());
  auto rows = c.run("campaign-accounts-eligible", {p.id});
  std::set<int64_t> eligible_ids;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto row = rows[i];
    int64_t id = row.i64("id");
    if (narrowed && !chosen.count(id)) continue;
    safety::AccountView v;
    v.id = id;
    v.role = parse_account_role(row.str("role")).value_or(AccountRole::production);
    v.status = parse_status(row.str("status")).value_or(AccountStatus::active);
    v.health = static_cast<int>(row.i64("health"));
    v.warmup_started_ms = row.opt_i64("warmup_started_at");
    safety::Limits base;
    base.messages = static_cast<int>(row.i64("daily_limit"));
    safety::Limits l = safety::effective_limits(base, cal, v, local);
    int per_day = safety::campaign_share(l.messages);
    if (one_to_one(s.kind)) per_day = std::min(per_day, l.new_chats);
    else if (s.kind != "channel_post") per_day = std::min(per_day, l.group_posts);
    if (per_day <= 0) continue;
    r.accounts.push_back({id, row.str("phone"), row.str("label"), per_day});
    eligible_ids.insert(id);
  }
  if (narrowed) {
    for (int64_t id : chosen)
      if (!eligible_ids.count(id)) {
        auto a = c.run("account-columns", {id});
        if (a.empty() || a[0].i64("project_id") != p.id)
          r.account_errors.push_back("number " + std::to_string(id) + " is not in this project");
        else
          r.account_errors.push_back(a[0].str("phone") + " cannot send campaigns now (" + a[0].str("status") + ", role " +
                                     a[0].str("role") + ", health " + std::to_string(a[0].i64("health")) + ")");
      }
  }

  if (one_to_one(s.kind)) {
    json f = s.targeting.value("contacts", json::object()).value("filter", json::object());
    if (f.is_null()) f = json::object();
    auto opt_s = [&](const char* k) -> store::Value { return f.contains(k) && f[k].is_string() ? store::Value(f[k].get<std::string>()) : store::Value(nullptr); };
    store::Value conf = f.contains("min_confidence") && f["min_confidence"].is_number_integer() ? store::Value(f["min_confidence"].get<int64_t>()) : store::Value(nullptr);
    store::Value eng = f.contains("min_engagement") && f["min_engagement"].is_number()
                           ? store::Value(engagement_ref_threshold(f["min_engagement"].get<double>(), now)) : store::Value(nullptr);
    store::Value before = f.contains("not_contacted_days") && f["not_contacted_days"].is_number_integer()
                              ? store::Value(now - f["not_contacted_days"].get<int64_t>() * 86400000LL) : store::Value(nullptr);
    std::set<std::string> consents = {"opted_in", "engaged"};
    if (f.contains("consent") && f["consent"].is_array()) {
      consents.clear();
      for (auto& x : f["consent"]) consents.insert(x.get<std::string>());
    }
    std::unordered_set<int64_t> tagged;
    bool by_tag = f.contains("tags") && f["tags"].is_array() && !f["tags"].empty();
    if (by_tag) {
      std::set<std::string> tags;
      for (auto& t : f["tags"]) tags.insert(t.get<std::string>());
      auto tr = c.run("campaign-contact-tags", {p.id});
      for (size_t i = 0; i < tr.size(); ++i)
        if (tags.count(tr[i].str("tag"))) tagged.insert(tr[i].i64("contact_id"));
    }
    std::unordered_set<std::string> suppressed;
    if (phone_hash) {
      auto sr = c.run("campaign-suppressions");
      for (size_t i = 0; i < sr.size(); ++i) suppressed.insert(sr[i].str("phone_hash"));
    }
    auto cr = c.run("campaign-contacts", {p.id, opt_s("persona"), conf, opt_s("region"), eng, before});
    r.recipients.reserve(cr.size());
    for (size_t i = 0; i < cr.size(); ++i) {
      auto row = cr[i];
      int64_t id = row.i64("id");
      if (by_tag && !tagged.count(id)) continue;
      std::string consent = row.str("consent");
      if (consent == "opted_out") { ++r.excluded["opted_out"]; continue; }
      if (consent == "unknown") { ++r.excluded["consent_unknown"]; continue; }
      if (!consents.count(consent)) { ++r.excluded["consent_filter"]; continue; }
      auto phone = row.opt_str("phone");
      if (!phone || phone->empty()) { ++r.excluded["no_phone"]; continue; }
      if (!suppressed.empty() && suppressed.count(phone_hash(*phone))) { ++r.excluded["suppressed"]; continue; }
      Recipient rec;
      rec.contact_id = id;
      rec.chat = (phone->front() == '+' ? phone->substr(1) : *phone) + "@c.us";
      std::string name = row.str("name");
      rec.name = name.empty() ? row.str("push_name") : name;
      json attrs = json::parse(row.str("attributes"), nullptr, false);
      if (attrs.is_object())
        for (auto it = attrs.begin(); it != attrs.end(); ++it)
          if (it.value().is_string()) rec.attributes[it.key()] = it.value().get<std::string>();
      r.recipients.push_back(std::move(rec));
    }
    return r;
  }

  // Posts: groups (or channels, or community announcement groups) by hand or by filter.
  json g = s.targeting.value("groups", json::object());
  if (g.is_null()) g = json::object();
  std::set<int64_t> ids;
  bool by_id = g.contains("ids") && g["ids"].is_array() && !g["ids"].empty();
  if (by_id)
    for (auto& x : g["ids"]) ids.insert(x.get<int64_t>());
  json f = g.value("filter", json::object());
  if (f.is_null()) f = json::object();
  std::map<int64_t, std::vector<std::tuple<int64_t, std::string, bool>>> ours;  // group → (account, phase, admin)
  auto ga = c.run("campaign-group-accounts", {p.id});
  for (size_t i = 0; i < ga.size(); ++i)
    ours[ga[i].i64("group_id")].emplace_back(ga[i].i64("account_id"), ga[i].str("phase"), ga[i].boolean("is_admin"));
  std::map<int64_t, std::pair<std::string, std::string>> dominant;  // group → (persona, region)
  if (f.contains("persona") || f.contains("region")) {
    std::map<int64_t, std::map<std::string, int64_t>> pc, rc;
    auto pr = c.run("campaign-group-personas", {p.id});
    for (size_t i = 0; i < pr.size(); ++i) {
      int64_t gid = pr[i].i64("group_id"), n = pr[i].i64("n");
      if (auto x = pr[i].opt_str("persona")) pc[gid][*x] += n;
      if (auto x = pr[i].opt_str("region")) rc[gid][*x] += n;
    }
    auto top = [](const std::map<std::string, int64_t>& m) {
      std::string best;
      int64_t n = -1;
      for (auto& [k, v] : m)
        if (v > n) best = k, n = v;
      return best;
    };
    for (auto& [gid, m] : pc) dominant[gid].first = top(m);
    for (auto& [gid, m] : rc) dominant[gid].second = top(m);
  }
  std::map<int64_t, int64_t> activity;
  std::optional<double> min_per_day;
  if (f.contains("min_messages_per_day") && f["min_messages_per_day"].is_number()) {
    min_per_day = f["min_messages_per_day"].get<double>();
    auto ar = c.run("campaign-group-activity", {p.id, format_day(day_of(p.time_zone, now) - 6)});
    for (size_t i = 0; i < ar.size(); ++i) activity[ar[i].i64("group_id")] = ar[i].i64("messages");
  }
  auto gr = c.run("campaign-groups", {p.id, group_kind_of(s.kind)});
  for (size_t i = 0; i < gr.size(); ++i) {
    auto row = gr[i];
    int64_t gid = row.i64("id");
    if (by_id && !ids.count(gid)) continue;
    const auto& mine = ours[gid];
    if (f.contains("persona") && f["persona"].is_string() && dominant[gid].first != f["persona"].get<std::string>()) continue;
    if (f.contains("region") && f["region"].is_string() && dominant[gid].second != f["region"].get<std::string>()) continue;
    if (f.contains("account_id") && f["account_id"].is_number_integer() &&
        std::none_of(mine.begin(), mine.end(), [&](auto& t) { return std::get<0>(t) == f["account_id"].get<int64_t>(); }))
      continue;
    if (f.contains("phase") && f["phase"].is_string() &&
        std::none_of(mine.begin(), mine.end(), [&](auto& t) { return std::get<1>(t) == f["phase"].get<std::string>(); }))
      continue;
    if (min_per_day && activity[gid] < *min_per_day * 7) continue;
    if (mine.empty()) { ++r.excluded["no_member_account"]; continue; }
    bool admin_needed = row.boolean("announce_only") || s.kind != "group_post";
    Recipient rec;
    rec.group_id = gid;
    rec.chat = row.str("wa_id");
    rec.name = row.str("name");
    // A channel is ours to broadcast on: it has no conversation to earn a place in, so no engagement
    // phase (the dispatcher's send-time phase gate is for group chats only); only its admins post.
    const bool channel = s.kind == "channel_post";
    bool any_value = false, any_admin = false;
    for (auto& [aid, phase, admin] : mine) {
      if (!channel && phase != "value") continue;
      any_value = true;
      if (admin_needed && !admin) continue;
      any_admin = true;
      if (eligible_ids.count(aid)) rec.accounts.push_back(aid);
    }
    if (!any_value) { ++r.excluded["not_value_phase"]; continue; }
    if (!any_admin) { ++r.excluded["admin_only"]; continue; }
    if (rec.accounts.empty()) { ++r.excluded["no_eligible_account"]; continue; }
    r.recipients.push_back(std::move(rec));
  }
  return r;
}

// The template's body and variables fill a campaign that names one and has no body of its own.
void fill_from_template(store::Conn& c, int64_t pid, Spec& s) {
  if (!s.template_id) return;
  auto t = c.run("template-get", {pid, *s.template_id});
  if (t.empty()) throw FieldErrors(std::vector<FieldError>{{"template_id", "no such template in this project"}});
  if (trim(s.body).empty()) s.body = t[0].str("body");
  json vars = json::parse(t[0].str("variables"), nullptr, false);
  if (vars.is_object())
    for (auto it = vars.begin(); it != vars.end(); ++it)
      if (it.value().is_string() && !s.variables.count(it.key())) s.variables[it.key()] = it.value().get<std::string>();
  if (s.media.is_null() && !t[0].is_null("media")) s.media = json::parse(t[0].str("media"), nullptr, false);
  if (s.poll.is_null() && !t[0].is_null("poll")) s.poll = json::parse(t[0].str("poll"), nullptr, false);
}

Plan schedule_plan(const Project& p, const Spec& s, const Resolution& r, int64_t now, uint64_t seed) {
  PlanInput in;
  in.targets.reserve(r.recipients.size());
  for (size_t i = 0; i < r.recipients.size(); ++i) in.targets.push_back({static_cast<int64_t>(i), r.recipients[i].accounts});
  for (const auto& a : r.accounts) in.accounts.push_back({a.id, a.per_day});
  in.per_day_cap = s.schedule.contains("per_day_cap") && s.schedule["per_day_cap"].is_number_integer()
                       ? static_cast<int>(s.schedule["per_day_cap"].get<int64_t>()) : 0;
  int64_t today = day_of(p.time_zone, now);
  std::optional<int64_t> start = s.schedule.contains("start_date") && s.schedule["start_date"].is_string()
                                     ? parse_day(s.schedule["start_date"].get<std::string>()) : std::nullopt;
  in.start_day = std::max(today, start.value_or(today));
  if (s.schedule.contains("end_date") && s.schedule["end_date"].is_string()) in.end_day = parse_day(s.schedule["end_date"].get<std::string>());
  in.not_before_ms = now;
  in.calendar = {p.working_hours, p.weekend_factor};
  std::string tz = p.time_zone;
  in.midnight_utc_ms = [tz](int64_t day) { return safety::local_midnight(tz, day); };
  in.seed = seed;
  return plan(in);
}

Template parse_spec_template(const Spec& s, std::vector<TemplateError>& errors) {
  std::set<std::string> known = builtin_variables();
  for (auto& [k, _] : s.variables) known.insert(k);
  return Template::parse(s.body, known, errors);
}

std::string render_for(const Template& t, const Spec& s, const Project& p, const Recipient& r, const std::string& account_label,
                       uint64_t seed) {
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "name") return r.name;
    if (name == "first_name") return r.name.substr(0, r.name.find(' '));
    if (name == "group") return r.group_id ? std::optional<std::string>(r.name) : std::nullopt;
    if (name == "project") return p.name;
    if (name == "account") return account_label;
    if (auto it = r.attributes.find(name); it != r.attributes.end()) return it->second;
    return std::nullopt;
  };
  return t.render(lookup, s.variables, seed);
}

std::string content_json(const Spec& s, const std::string& text) {
  json c = {{"text", text}};
  if (s.poll.is_object()) {
    c["kind"] = "poll";
    c["poll"] = {{"question", s.poll.value("question", "")}, {"options", s.poll.value("options", json::array())},
                 {"multiple", s.poll.value("multiple", false)}};
  } else if (s.media.is_object()) {
    // Media by link: the connector fetches it (docs/api.md, Campaigns); text is the caption.
    c["kind"] = s.media.value("kind", "image");
    if (s.media.contains("media_id") && s.media["media_id"].is_number_integer()) c["media_id"] = s.media["media_id"];
    else c["media_url"] = s.media.value("url", "");
  } else {
    c["kind"] = "text";
  }
  return c.dump();
}

namespace {
// nlohmann's strict UTF-8 rules (Hoehrmann's decoder): no overlong forms, no surrogates, nothing past
// U+10FFFF.
bool valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    unsigned char d = i + 1 < n ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F)) return false;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return false;
      if ((c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}
}  // namespace

ContentFrame::ContentFrame(const Spec& s) : spec_(&s), prefix_(content_json(s, "")) {
  prefix_.resize(prefix_.size() - 2);  // drop the empty text's closing `"}`
}

void ContentFrame::append(std::string& out, std::string_view text) const {
  bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii && !valid_utf8(text)) {
    out += content_json(*spec_, std::string(text));  // throws as it always did
    return;
  }
  static const char* hex = "0123456789abcdef";
  out += prefix_;
  size_t from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, from, i - from);
    from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += "\\u00", out += hex[c >> 4], out += hex[c & 15];
    }
  }
  out.append(text, from, std::string_view::npos);
  out += "\"}";
}

uint64_t launch_seed(int64_t campaign_id, int64_t target) {
  return mix64(static_cast<uint64_t>(campaign_id) ^ mix64(static_cast<uint64_t>(target) + 1));
}

LaunchRowSource::LaunchRowSource(const LaunchRows& rows)
    : rows_(rows), frame_(rows.s), priority_(priority_of_kind(rows.s.kind)) {}

bool LaunchRowSource::operator()(store::BulkChunk& out) {
  const auto& msgs = rows_.plan.messages;
  const auto& skipped = rows_.plan.skipped;
  size_t end = std::min(next_ + kChunkRows, total());
  if (next_ >= end) return false;
  const std::string none;
  auto key = [&](const Recipient& rc) -> std::string_view {
    key_.assign("campaign:");
    key_ += std::to_string(rows_.campaign_id);
    key_ += rc.contact_id ? ":c" : ":g";
    key_ += std::to_string(rc.contact_id ? rc.contact_id : rc.group_id);
    return key_;
  };
  for (; next_ < end; ++next_) {
    bool planned = next_ < msgs.size();
    int64_t target = planned ? msgs[next_].target : skipped[next_ - msgs.size()].target;
    const Recipient& rc = rows_.res.recipients[static_cast<size_t>(target)];
    out.i64(rows_.project_id);
    if (planned) out.i64(msgs[next_].account);
    else out.null();
    out.text(rc.chat);
    out.opt_i64(rc.contact_id);
    out.opt_i64(rc.group_id);
    out.text("campaign");
    if (planned) {
      const auto& m = msgs[next_];
      auto label = rows_.labels.find(m.account);
      text_ = render_for(rows_.t, rows_.s, rows_.p, rc, label == rows_.labels.end() ? none : label->second, launch_seed(rows_.campaign_id, m.target));
      if (rows_.rewrite) text_ = rows_.rewrite(text_, rc.contact_id, rc.group_id);
      size_t at = out.arena().size();
      frame_.append(out.arena(), text_);
      out.text_since(at);
    } else {
      out.text("{}");
    }
    out.i64(priority_);
    out.i64(planned ? msgs[next_].at_ms : rows_.now_ms);
    out.text(planned ? "queued" : "skipped");
    out.text(key(rc));
    if (planned) out.null();
    else out.text(excluded_message(skipped[next_ - msgs.size()].reason));
    out.i64(rows_.campaign_id);
    out.i64(rows_.now_ms);
    out.i64(rows_.now_ms);
  }
  return true;
}

}  // namespace sangam::campaigns
