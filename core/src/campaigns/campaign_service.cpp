#include "campaigns/campaign_service.hpp"

#include "campaigns/campaign_plan.hpp"
#include "campaigns/content_check.hpp"
#include "projects/audit.hpp"
#include "projects/project.hpp"
#include "safety/local_time.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"
#include "util/log_text.hpp"
#include "util/mix.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace sangam::campaigns {

namespace {
constexpr int64_t kDay = 86400000;
constexpr int64_t kRecentBodiesMs = 30 * kDay;  // the similarity check looks back a month

json iso_or_null(const std::optional<int64_t>& ms) { return ms ? json(format_iso8601(*ms)) : json(nullptr); }

Project load_project(store::Conn& c, int64_t pid) {
  auto r = c.run("project-by-id", {pid});
  if (r.empty()) throw not_found("no such project");
  return project_from_row(r[0]);
}

store::Value json_or_null(const json& j) { return j.is_null() ? store::Value(nullptr) : store::Value(j.dump()); }

json checks_json(const std::vector<Finding>& f) {
  json out = json::array();
  for (const auto& x : f)
    out.push_back({{"code", x.code}, {"level", x.severity == Severity::block ? "block" : "warning"}, {"message", x.message}, {"field", "body"}});
  return out;
}

json template_errors_json(const std::vector<TemplateError>& errs) {
  json out = json::array();
  for (const auto& e : errs) out.push_back({{"field", "body"}, {"message", e.message}, {"line", e.line}, {"column", e.column}});
  return out;
}

[[noreturn]] void throw_template_errors(const std::vector<TemplateError>& errs) {
  std::vector<FieldError> list;
  for (const auto& e : errs) list.push_back({"body", "The message has a mistake at " + e.message});
  throw FieldErrors(std::move(list));
}

[[noreturn]] void throw_blocks(const std::vector<Finding>& f) {
  std::vector<FieldError> list;
  for (const auto& x : f)
    if (x.severity == Severity::block) list.push_back({"body", x.message});
  throw FieldErrors(std::move(list));
}

const char* kStatuses[] = {"draft", "scheduled", "running", "paused", "completed", "cancelled"};

std::string allowed_from(const std::string& action) {
  if (action == "launch") return "draft";
  if (action == "pause") return "scheduled or running";
  if (action == "resume") return "paused";
  if (action == "cancel") return "draft, scheduled, running or paused";
  return "draft or scheduled";
}

// What a message's status reads as: the delivery record refines "sent".
std::string shown_status(const store::Row& r) {
  std::string s = r.str("status");
  if (s != "sent") return s;
  if (!r.is_null("delivery_failed_at")) return "failed";
  if (!r.is_null("replied_at")) return "replied";
  if (!r.is_null("read_at")) return "read";
  if (!r.is_null("delivered_at")) return "delivered";
  return s;
}

int64_t safety_day(const std::string& tz, int64_t ms) { return safety::local_time(tz, ms).day; }
}  // namespace

CampaignService::CampaignService(store::Database& db, const Clock& clock, EventBus& bus,
                                 std::function<std::string(const std::string&)> phone_hash, CampaignOptions opts)
    : db_(db), clock_(clock), bus_(bus), phone_hash_(std::move(phone_hash)), opts_(opts) {}

// ---- templates -------------------------------------------------------------------------------

namespace {
json template_json(const store::Row& r) {
  Spec s;
  json vars = json::parse(r.str("variables"), nullptr, false);
  if (vars.is_object())
    for (auto it = vars.begin(); it != vars.end(); ++it)
      if (it.value().is_string()) s.variables[it.key()] = it.value().get<std::string>();
  s.body = r.str("body");
  std::vector<TemplateError> errs;
  Template t = parse_spec_template(s, errs);
  json media = r.is_null("media") ? json(nullptr) : json::parse(r.str("media"), nullptr, false);
  json poll = r.is_null("poll") ? json(nullptr) : json::parse(r.str("poll"), nullptr, false);
  return {{"id", r.i64("id")},
          {"project_id", r.i64("project_id")},
          {"name", r.str("name")},
          {"body", s.body},
          {"variables", s.variables},
          {"media", media},
          {"poll", poll},
          {"checks", errs.empty() ? checks_json(check_content(s.body, t, {}, false)) : json::array()},
          {"created_at", format_iso8601(r.i64("created_at"))},
          {"updated_at", format_iso8601(r.i64("updated_at"))}};
}

// A template body as a Spec: name, body, variables, media, poll (the campaign rules for each).
Spec template_spec(const json& body, const Spec& base, bool creating) {
  Spec s = base;
  json b = json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const std::set<std::string> known = {"name", "body", "variables", "media", "poll",
                                                "id", "project_id", "checks", "created_at", "updated_at"};
    if (!known.count(it.key())) throw FieldErrors(std::vector<FieldError>{{it.key(), "is not a template field"}});
    if (it.key() == "name" || it.key() == "body" || it.key() == "variables" || it.key() == "media" || it.key() == "poll")
      b[it.key()] = it.value();
  }
  if (creating && !b.contains("kind")) b["kind"] = "group_post";
  if (creating && !b.contains("body")) throw FieldErrors(std::vector<FieldError>{{"body", "is required: write the message"}});
  apply_spec(s, b, creating);
  if (trim(s.body).empty()) throw FieldErrors(std::vector<FieldError>{{"body", "must not be empty: write the message"}});
  return s;
}

void check_template_or_throw(const Spec& s) {
  std::vector<TemplateError> errs;
  Template t = parse_spec_template(s, errs);
  if (!errs.empty()) throw_template_errors(errs);
  auto f = check_content(s.body, t, {}, false);
  if (blocks(f)) throw_blocks(f);
}
}  // namespace

json CampaignService::templates(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    load_project(c, pid);
    json items = json::array();
    auto r = c.run("template-list", {pid});
    for (size_t i = 0; i < r.size(); ++i) items.push_back(template_json(r[i]));
    return json{{"items", items}};
  });
}

json CampaignService::template_get(int64_t pid, int64_t tid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("template-get", {pid, tid});
    if (r.empty()) throw not_found("no such template");
    return template_json(r[0]);
  });
}

json CampaignService::template_create(const User& u, int64_t pid, const json& body) {
  Spec s = template_spec(body, Spec{}, true);
  check_template_or_throw(s);
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    load_project(c, pid);
    int64_t id;
    try {
      id = c.run("template-insert", {pid, s.name, s.body, json(s.variables).dump(), json_or_null(s.media), json_or_null(s.poll), now})[0].i64("id");
    } catch (const store::DbError& e) {
      if (e.kind() == store::DbError::Kind::unique_violation) throw conflict("name", "A template named \"" + s.name + "\" exists already; choose another name");
      throw;
    }
    auto r = c.run("template-get", {pid, id});
    json out = template_json(r[0]);
    audit(c, now, pid, {u.id, u.email}, "template.created", "template:" + std::to_string(id), nullptr, out);
    return out;
  });
}

json CampaignService::template_update(const User& u, int64_t pid, int64_t tid, const json& body) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto r = c.run("template-get", {pid, tid});
    if (r.empty()) throw not_found("no such template");
    json before = template_json(r[0]);
    Spec base;
    base.name = r[0].str("name");
    base.body = r[0].str("body");
    base.variables = before["variables"].get<std::map<std::string, std::string>>();
    base.media = before["media"];
    base.poll = before["poll"];
    Spec s = template_spec(body, base, false);
    check_template_or_throw(s);
    try {
      c.run("template-update", {pid, tid, s.name, s.body, json(s.variables).dump(), json_or_null(s.media), json_or_null(s.poll), now});
    } catch (const store::DbError& e) {
      if (e.kind() == store::DbError::Kind::unique_violation) throw conflict("name", "A template named \"" + s.name + "\" exists already; choose another name");
      throw;
    }
    json out = template_json(c.run("template-get", {pid, tid})[0]);
    audit(c, now, pid, {u.id, u.email}, "template.updated", "template:" + std::to_string(tid), before, out);
    return out;
  });
}

void CampaignService::template_delete(const User& u, int64_t pid, int64_t tid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto r = c.run("template-get", {pid, tid});
    if (r.empty()) throw not_found("no such template");
    json before = template_json(r[0]);
    c.run("template-delete", {pid, tid});
    audit(c, now, pid, {u.id, u.email}, "template.deleted", "template:" + std::to_string(tid), before, nullptr);
  });
}

json CampaignService::template_preview(int64_t pid, const json& body) {
  Input in(body);
  in.only({"body", "variables", "contact_id", "group_id", "kind"});
  Spec s;
  json b = {{"body", body.contains("body") ? body["body"] : json("")}};
  if (body.contains("variables")) b["variables"] = body["variables"];
  apply_spec(s, b, false);
  auto contact_id = in.opt_int("contact_id", 1, INT64_MAX);
  auto group_id = in.opt_int("group_id", 1, INT64_MAX);
  auto kind = in.opt_str("kind", 1, 40);
  bool direct = (kind && *kind == "direct") || contact_id.has_value();
  return db_.read([&](store::Conn& c) {
    Project p = load_project(c, pid);
    Recipient r;
    r.name = "Ravi Kumar";  // a sample when no contact or group is named
    if (contact_id) {
      auto row = c.run("contact-by-id", {pid, *contact_id});
      if (row.empty()) throw validation("contact_id", "no such contact in this project");
      r.contact_id = *contact_id;
      std::string name = row[0].str("name");
      r.name = name.empty() ? row[0].str("push_name") : name;
      json attrs = json::parse(row[0].str("attributes"), nullptr, false);
      if (attrs.is_object())
        for (auto it = attrs.begin(); it != attrs.end(); ++it)
          if (it.value().is_string()) r.attributes[it.key()] = it.value().get<std::string>();
    }
    if (group_id) {
      auto row = c.run("group-by-id", {pid, *group_id});
      if (row.empty()) throw validation("group_id", "no such group in this project");
      r.group_id = *group_id;
      r.name = row[0].str("name");
    } else if (!contact_id && !direct) {
      r.group_id = 1;
      r.name = "Namakkal Poultry Farmers";
    }
    std::vector<TemplateError> errs;
    Template t = parse_spec_template(s, errs);
    json out = {{"text", ""}, {"samples", json::array()}, {"checks", json::array()}, {"errors", template_errors_json(errs)}};
    if (!errs.empty()) return out;
    uint64_t seed = static_cast<uint64_t>(r.contact_id ? r.contact_id : r.group_id);
    out["text"] = render_for(t, s, p, r, "", seed);
    for (uint64_t k = 1; k <= 3; ++k) out["samples"].push_back(render_for(t, s, p, r, "", mix64(seed * 7919 + k)));
    out["checks"] = checks_json(check_content(s.body, t, {}, direct));
    return out;
  });
}

// ---- campaigns -------------------------------------------------------------------------------

json CampaignService::progress(store::Conn& c, int64_t cid) {
  json p = {{"planned", 0}, {"sent", 0}, {"delivered", 0}, {"read", 0}, {"replied", 0}, {"failed", 0},
            {"skipped", 0}, {"queued", 0}, {"unknown", 0}, {"cancelled", 0}};
  auto r = c.run("campaign-progress", {cid});
  int64_t planned = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    std::string s = r[i].str("status");
    int64_t n = r[i].i64("n");
    planned += n;
    if (s == "queued" || s == "claimed") p["queued"] = p["queued"].get<int64_t>() + n;
    else if (s == "sent") {
      int64_t lost = r[i].i64("delivery_failed");
      p["sent"] = n - lost;
      p["failed"] = p["failed"].get<int64_t>() + lost;
      p["delivered"] = r[i].i64("delivered");
      p["read"] = r[i].i64("read_n");
      p["replied"] = r[i].i64("replied");
    } else if (s == "failed" || s == "refused") p["failed"] = p["failed"].get<int64_t>() + n;
    else if (p.contains(s)) p[s] = p[s].get<int64_t>() + n;
  }
  p["planned"] = planned;
  return p;
}

json CampaignService::campaign_json(store::Conn& c, const store::Row& r, bool live) {
  Spec s = spec_from_row(r);
  json out = spec_json(s);
  out["id"] = r.i64("id");
  out["project_id"] = r.i64("project_id");
  out["status"] = r.str("status");
  out["status_reason"] = r.is_null("status_reason") ? json(nullptr) : json(r.str("status_reason"));
  json stored = json::parse(r.str("progress"), nullptr, false);
  out["progress"] = live || !stored.is_object() || stored.empty() ? progress(c, r.i64("id")) : stored;
  out["created_at"] = format_iso8601(r.i64("created_at"));
  out["updated_at"] = format_iso8601(r.i64("updated_at"));
  out["launched_at"] = iso_or_null(r.opt_i64("launched_at"));
  out["completed_at"] = iso_or_null(r.opt_i64("completed_at"));
  out["starts_at"] = iso_or_null(r.opt_i64("starts_at"));
  return out;
}

json CampaignService::list(int64_t pid, const std::optional<std::string>& status, const std::optional<std::string>& kind) {
  if (status && !status->empty() && std::none_of(std::begin(kStatuses), std::end(kStatuses), [&](const char* s) { return *status == s; }))
    throw validation("status", "must be draft, scheduled, running, paused, completed or cancelled");
  if (kind && !kind->empty() && !std::set<std::string>{"group_post", "channel_post", "community_announcement", "direct"}.count(*kind))
    throw validation("kind", "must be group_post, channel_post, community_announcement or direct");
  return db_.read([&](store::Conn& c) {
    load_project(c, pid);
    auto opt = [](const std::optional<std::string>& v) { return v && !v->empty() ? store::Value(*v) : store::Value(nullptr); };
    auto r = c.run("campaign-list", {pid, opt(status), opt(kind)});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(campaign_json(c, r[i], false));
    return json{{"items", items}};
  });
}

json CampaignService::get(int64_t pid, int64_t cid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    return campaign_json(c, r[0], true);
  });
}

namespace {
store::Params spec_params(const Spec& s) {
  return {s.name, s.kind, s.template_id ? store::Value(*s.template_id) : store::Value(nullptr), s.body, json(s.variables).dump(),
          json_or_null(s.media), json_or_null(s.poll), s.targeting.dump(), s.schedule.dump()};
}
}  // namespace

json CampaignService::create(const User& u, int64_t pid, const json& body) { return create_impl(&u, pid, body); }
json CampaignService::create_as_system(int64_t pid, const json& body) { return create_impl(nullptr, pid, body); }

json CampaignService::create_impl(const User* u, int64_t pid, const json& body) {
  Spec s;
  apply_spec(s, body, true);
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    load_project(c, pid);
    fill_from_template(c, pid, s);
    store::Params p = {pid};
    for (auto& v : spec_params(s)) p.push_back(v);
    p.push_back(u ? store::Value(u->id) : store::Value(nullptr));
    p.push_back(now);
    int64_t id = c.run("campaign-insert", p)[0].i64("id");
    json out = campaign_json(c, c.run("campaign-get", {pid, id})[0], true);
    audit(c, now, pid, u ? Actor{u->id, u->email} : Actor{0, ""}, "campaign.created", "campaign:" + std::to_string(id), nullptr,
          {{"name", s.name}, {"kind", s.kind}, {"status", "draft"}});
    return out;
  });
}

json CampaignService::update(const User& u, int64_t pid, int64_t cid, const json& body) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    std::string status = r[0].str("status");
    if (status != "draft" && status != "scheduled")
      throw conflict("status", "This campaign is " + status + "; only draft or scheduled campaigns can be changed");
    if (status == "scheduled")
      throw conflict("status", "This campaign is scheduled (its messages are planned); cancel it and create a new one, or change a draft");
    Spec s = spec_from_row(r[0]);
    json before = spec_json(s);
    apply_spec(s, body, false);
    fill_from_template(c, pid, s);
    store::Params p = {pid, cid};
    for (auto& v : spec_params(s)) p.push_back(v);
    p.push_back(now);
    p.push_back(status);
    if (c.run("campaign-update", p).affected != 1) throw conflict("status", "The campaign changed meanwhile; reload it");
    audit(c, now, pid, {u.id, u.email}, "campaign.updated", "campaign:" + std::to_string(cid), before, spec_json(s));
    return campaign_json(c, c.run("campaign-get", {pid, cid})[0], true);
  });
}

void CampaignService::remove(const User& u, int64_t pid, int64_t cid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    std::string status = r[0].str("status");
    if (status != "draft")
      throw conflict("status", "This campaign is " + status + "; only a draft can be deleted (cancel a scheduled or running one)");
    c.run("campaign-delete", {pid, cid, status});
    audit(c, now, pid, {u.id, u.email}, "campaign.deleted", "campaign:" + std::to_string(cid),
          {{"name", r[0].str("name")}, {"status", status}}, nullptr);
  });
}

namespace {
json preview_json(store::Conn& c, const Project& p, const Spec& s, const Resolution& res, const Plan& plan,
                  const std::vector<std::string>& recent) {
  std::map<std::string, int64_t> excluded = res.excluded;
  for (const auto& k : plan.skipped) ++excluded[k.reason];
  json days = json::array();
  std::map<int64_t, const PlanAccountInfo*> acc;
  for (const auto& a : res.accounts) acc[a.id] = &a;
  std::map<int64_t, json> by_day;
  for (const auto& d : per_account_day(plan)) {
    json& day = by_day[d.day];
    if (day.is_null()) day = {{"date", format_day(d.day)}, {"accounts", json::array()}};
    const PlanAccountInfo* a = acc[d.account];
    day["accounts"].push_back({{"account_id", d.account}, {"phone", a ? a->phone : ""}, {"name", a ? a->label : ""}, {"count", d.messages}});
  }
  for (auto& [_, d] : by_day) days.push_back(d);
  int64_t first = INT64_MAX, last = 0;
  for (const auto& m : plan.messages) first = std::min(first, m.at_ms), last = std::max(last, m.at_ms);
  std::vector<TemplateError> terrs;
  Template t = parse_spec_template(s, terrs);
  json errors = template_errors_json(terrs);
  if (trim(s.body).empty()) errors.push_back({{"field", "body"}, {"message", "Write the message (or choose a template)"}});
  for (const auto& e : res.account_errors) errors.push_back({{"field", "schedule.account_ids"}, {"message", e}});
  if (res.accounts.empty())
    errors.push_back({{"field", "schedule.account_ids"},
                      {"message", "No number can send this campaign now: link a number (active or warming up, health 70 or more)"}});
  else if (plan.messages.empty())
    errors.push_back({{"field", "targeting"}, {"message", "The targeting selects nobody who can be messaged; widen the filter"}});
  json checks = terrs.empty() && !trim(s.body).empty() ? checks_json(check_content(s.body, t, recent, one_to_one(s.kind))) : json::array();
  (void)c;
  (void)p;
  return {{"targets", {{"selected", static_cast<int64_t>(plan.messages.size())}, {"excluded", excluded_json(excluded)}}},
          {"plan", {{"total", static_cast<int64_t>(plan.messages.size())},
                    {"first_at", plan.messages.empty() ? json(nullptr) : json(format_iso8601(first))},
                    {"last_at", plan.messages.empty() ? json(nullptr) : json(format_iso8601(last))},
                    {"days", days}}},
          {"checks", checks},
          {"errors", errors}};
}

// Recent campaigns as their recipients read them: rendered the way check_content renders its own
// samples (each variable as its name, the first spintax variants), so the two compare like for like.
std::vector<std::string> recent_bodies(store::Conn& c, int64_t pid, int64_t cid, int64_t now) {
  std::vector<std::string> out;
  auto r = c.run("campaign-bodies-recent", {pid, cid, now - kRecentBodiesMs});
  for (size_t i = 0; i < r.size(); ++i) {
    Spec s;
    s.body = r[i].str("body");
    json vars = json::parse(r[i].str("variables"), nullptr, false);
    if (vars.is_object())
      for (auto it = vars.begin(); it != vars.end(); ++it) s.variables[it.key()] = "";
    std::vector<TemplateError> errs;
    Template t = parse_spec_template(s, errs);
    out.push_back(errs.empty() ? t.render([](const std::string& n) -> std::optional<std::string> { return n; }, {}, 0) : s.body);
  }
  return out;
}

uint64_t plan_seed(int64_t cid) { return mix64(static_cast<uint64_t>(cid) * 0x9E3779B97F4A7C15ULL + 17); }
}  // namespace

json CampaignService::estimate(int64_t pid, const json& body) {
  Spec s;
  s.name = "estimate";
  json b = body;
  if (!b.contains("name") || b["name"].is_null() || (b["name"].is_string() && trim(b["name"].get<std::string>()).empty())) b["name"] = "estimate";
  if (!b.contains("kind")) b["kind"] = "group_post";
  apply_spec(s, b, true);
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    Project p = load_project(c, pid);
    fill_from_template(c, pid, s);
    Resolution res = resolve(c, p, s, now, phone_hash_);
    Plan plan = schedule_plan(p, s, res, now, plan_seed(0));
    return preview_json(c, p, s, res, plan, recent_bodies(c, pid, 0, now));
  });
}

json CampaignService::preview(int64_t pid, int64_t cid) {
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    Project p = load_project(c, pid);
    Spec s = spec_from_row(r[0]);
    std::string status = r[0].str("status");
    if (status != "draft") {
      // After the launch the plan is the outbox: the preview shows what was planned.
      Resolution res;
      Plan plan;
      auto m = c.run("campaign-messages", {cid, int64_t(0), nullptr, int64_t(1) << 40});
      std::map<int64_t, PlanAccountInfo> accs;
      for (size_t i = 0; i < m.size(); ++i) {
        if (m[i].str("status") == "skipped") {
          plan.skipped.push_back({0, m[i].str("reason")});
          continue;
        }
        int64_t aid = m[i].opt_i64("account_id").value_or(0), at = m[i].i64("planned_at");
        accs[aid] = {aid, m[i].is_null("account_phone") ? "" : m[i].str("account_phone"), "", 1};
        plan.messages.push_back({0, aid, safety_day(p.time_zone, at), at});
      }
      for (auto& [_, a] : accs) res.accounts.push_back(a);
      json out = preview_json(c, p, s, res, plan, {});
      out["errors"] = json::array();
      return out;
    }
    Resolution res = resolve(c, p, s, now, phone_hash_);
    Plan plan = schedule_plan(p, s, res, now, plan_seed(cid));
    return preview_json(c, p, s, res, plan, recent_bodies(c, pid, cid, now));
  });
}

json CampaignService::launch(const User& u, int64_t pid, int64_t cid) { return launch_impl(&u, pid, cid); }
json CampaignService::launch_as_system(int64_t pid, int64_t cid) { return launch_impl(nullptr, pid, cid); }

json CampaignService::launch_impl(const User* u, int64_t pid, int64_t cid) {
  int64_t now = clock_.now_ms();
  Actor actor = u ? Actor{u->id, u->email} : Actor{0, ""};
  json out = db_.write([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    std::string status = r[0].str("status");
    if (status != "draft") throw conflict("status", "This campaign is " + status + "; only a draft can be launched");
    Project p = load_project(c, pid);
    Spec s = spec_from_row(r[0]);
    fill_from_template(c, pid, s);
    if (trim(s.body).empty()) throw FieldErrors(std::vector<FieldError>{{"body", "Write the message (or choose a template) before launching"}});
    if (s.targeting.empty() || (!s.targeting.contains("groups") && !s.targeting.contains("contacts")))
      throw FieldErrors(std::vector<FieldError>{{"targeting", one_to_one(s.kind) ? "Choose who gets it: a contacts filter" : "Choose the groups: by hand or by filter"}});
    std::vector<TemplateError> terrs;
    Template t = parse_spec_template(s, terrs);
    if (!terrs.empty()) throw_template_errors(terrs);
    auto findings = check_content(s.body, t, recent_bodies(c, pid, cid, now), one_to_one(s.kind));
    if (blocks(findings)) throw_blocks(findings);
    Resolution res = resolve(c, p, s, now, phone_hash_);
    if (!res.account_errors.empty()) {
      std::vector<FieldError> list;
      for (auto& e : res.account_errors) list.push_back({"schedule.account_ids", e + "; choose numbers that can send"});
      throw FieldErrors(std::move(list));
    }
    if (res.accounts.empty())
      throw FieldErrors(std::vector<FieldError>{{"schedule.account_ids",
                          "No number can send this campaign now: link a number of the project (active or warming up, health 70 or more), "
                          "or choose one in the schedule"}});
    Plan plan = schedule_plan(p, s, res, now, plan_seed(cid));
    if (plan.messages.empty()) {
      std::string why;
      std::map<std::string, int64_t> ex = res.excluded;
      for (auto& k : plan.skipped) ++ex[k.reason];
      for (auto& [reason, n] : ex) why += (why.empty() ? "" : "; ") + std::to_string(n) + " " + excluded_message(reason);
      throw FieldErrors(std::vector<FieldError>{{"targeting", "The targeting selects nobody who can be messaged" + (why.empty() ? std::string(": no match") : " (" + why + ")") +
                                           "; widen the filter or fix what excludes them"}});
    }
    // Render, assign and persist: one outbox row per message (and one 'skipped' row per target the
    // planner could not place, with its reason), streamed through the bulk path in this transaction.
    // The render (spintax, variables, links) runs on a second thread a few chunks ahead of the insert
    // (store::PipelinedChunks): 1M rows took render 2.1 s + persist 13.1 s one after the other on
    // SQLite (docs/performance.md); pipelined, the launch takes about the longer of the two.
    int64_t first = INT64_MAX;
    std::set<int64_t> used;
    for (const auto& m : plan.messages) first = std::min(first, m.at_ms), used.insert(m.account);
    LinkRewriter track = links_ ? links_(c, pid, cid, one_to_one(s.kind)) : LinkRewriter{};
    LaunchRows rows{t, s, p, res, plan, pid, cid, now, {}, track.rewrite};
    for (auto& a : res.accounts) rows.labels[a.id] = a.label.empty() ? a.phone : a.label;
    LaunchRowSource source(rows);
    auto produce = [&source](store::BulkChunk& ch) { return source(ch); };
    if (source.total() <= LaunchRowSource::kChunkRows) {
      store::bulk_stream(c, "outbox-plan-row", LaunchRowSource::kWidth, produce, source.total());  // one chunk: no thread
    } else {
      store::PipelinedChunks rendered(LaunchRowSource::kWidth, produce);
      store::bulk_stream(c, "outbox-plan-row", LaunchRowSource::kWidth, rendered.source(), source.total());
    }
    if (track.save) track.save(c);
    for (int64_t a : used) c.run("campaign-account-insert", {cid, a});
    int64_t today = safety_day(p.time_zone, now);
    std::string to = plan.messages.front().day > today ? "scheduled" : "running";
    c.run("campaign-set-launch", {cid, first, now, s.body});
    if (c.run("campaign-set-status", {pid, cid, status, to, nullptr, now}).affected != 1)
      throw conflict("status", "The campaign changed meanwhile; reload it");
    audit(c, now, pid, actor, "campaign.launched", "campaign:" + std::to_string(cid), {{"status", status}},
          {{"status", to}, {"planned", plan.messages.size()}, {"skipped", plan.skipped.size()}, {"accounts", used.size()}});
    json o = campaign_json(c, c.run("campaign-get", {pid, cid})[0], true);
    c.run("campaign-set-progress", {cid, o["progress"].dump()});
    return o;
  });
  spdlog::info("event=campaign.launched project={} campaign={} planned={} status={}", pid, cid,
               out["progress"]["planned"].get<int64_t>(), out["status"].get<std::string>());
  publish(pid, cid, out["status"], out["status_reason"], out["progress"]);
  return out;
}

json CampaignService::pause(const User& u, int64_t pid, int64_t cid) { return transition(&u, pid, cid, "pause"); }
json CampaignService::resume(const User& u, int64_t pid, int64_t cid) { return transition(&u, pid, cid, "resume"); }
json CampaignService::cancel(const User& u, int64_t pid, int64_t cid) { return transition(&u, pid, cid, "cancel"); }

json CampaignService::transition(const User* u, int64_t pid, int64_t cid, const std::string& action) {
  int64_t now = clock_.now_ms();
  Actor actor = u ? Actor{u->id, u->email} : Actor{0, ""};
  json out = db_.write([&](store::Conn& c) {
    auto r = c.run("campaign-get", {pid, cid});
    if (r.empty()) throw not_found("no such campaign");
    std::string from = r[0].str("status"), to;
    std::optional<std::string> reason;
    if (action == "pause" && (from == "running" || from == "scheduled")) to = "paused", reason = "paused by " + (u ? u->email : "Sangam");
    else if (action == "resume" && from == "paused") {
      // Back to running, or to scheduled when its first message is on a later day (as at launch).
      auto starts = r[0].opt_i64("starts_at");
      std::string tz = load_project(c, pid).time_zone;
      to = starts && safety_day(tz, *starts) > safety_day(tz, now) ? "scheduled" : "running";
    } else if (action == "cancel" && (from == "draft" || from == "scheduled" || from == "running" || from == "paused")) {
      to = "cancelled", reason = "cancelled by " + (u ? u->email : "Sangam");
    }
    if (to.empty())
      throw conflict("status", "This campaign is " + from + "; it can be " + (action == "pause" ? "paused" : action == "resume" ? "resumed" : "cancelled") +
                                   " only when " + allowed_from(action));
    if (c.run("campaign-set-status", {pid, cid, from, to, reason ? store::Value(*reason) : store::Value(nullptr), now}).affected != 1)
      throw conflict("status", "The campaign changed meanwhile; reload it");
    if (to == "cancelled") c.run("campaign-cancel-rows", {cid, std::string("the campaign was cancelled"), now});
    audit(c, now, pid, actor, "campaign." + std::string(to == "paused" ? "paused" : to == "cancelled" ? "cancelled" : "resumed"),
          "campaign:" + std::to_string(cid), {{"status", from}}, {{"status", to}, {"reason", reason ? json(*reason) : json(nullptr)}});
    json o = campaign_json(c, c.run("campaign-get", {pid, cid})[0], true);
    c.run("campaign-set-progress", {cid, o["progress"].dump()});
    return o;
  });
  spdlog::info("event=campaign.{} project={} campaign={} status={}", action, pid, cid, out["status"].get<std::string>());
  publish(pid, cid, out["status"], out["status_reason"], out["progress"]);
  if (out["status"] == "paused") tell_status(pid, cid, "paused", out["status_reason"]);
  return out;
}

json CampaignService::messages(int64_t pid, int64_t cid, const std::optional<std::string>& status, const std::optional<std::string>& cursor,
                               const std::optional<std::string>& limit) {
  static const std::set<std::string> shown = {"queued", "claimed", "sent", "delivered", "read", "replied", "failed",
                                              "refused", "unknown", "cancelled", "skipped"};
  if (status && !status->empty() && !shown.count(*status))
    throw validation("status", "must be one of queued, claimed, sent, delivered, read, replied, failed, refused, unknown, cancelled, skipped");
  auto number = [](const std::optional<std::string>& v, const char* field, int64_t lo, int64_t hi, int64_t dflt) {
    if (!v || v->empty()) return dflt;
    size_t n = 0;
    int64_t x = 0;
    try {
      x = std::stoll(*v, &n);
    } catch (const std::exception&) {
      n = 0;
    }
    if (n != v->size() || x < lo || x > hi)
      throw validation(field, std::string(field) == "cursor" ? "must be the next_cursor of the previous page"
                                                              : "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return x;
  };
  int64_t after = number(cursor, "cursor", 0, INT64_MAX, 0), lim = number(limit, "limit", 1, 500, 100);
  return db_.read([&](store::Conn& c) {
    if (c.run("campaign-get", {pid, cid}).empty()) throw not_found("no such campaign");
    auto r = c.run("campaign-messages", {cid, after, status && !status->empty() ? store::Value(*status) : store::Value(nullptr), lim + 1});
    json items = json::array();
    size_t n = std::min<size_t>(r.size(), static_cast<size_t>(lim));
    for (size_t i = 0; i < n; ++i) {
      auto row = r[i];
      auto opt_id = [&](const char* k) { return row.is_null(k) ? json(nullptr) : json(row.i64(k)); };
      items.push_back({{"id", row.i64("id")},
                       {"target", row.str("target")},
                       {"target_name", row.is_null("target_name") ? json(nullptr) : json(row.str("target_name"))},
                       {"contact_id", opt_id("contact_id")},
                       {"group_id", opt_id("group_id")},
                       {"account_id", opt_id("account_id")},
                       {"account_phone", row.is_null("account_phone") ? json(nullptr) : json(row.str("account_phone"))},
                       {"planned_at", format_iso8601(row.i64("planned_at"))},
                       {"status", shown_status(row)},
                       {"reason", row.is_null("reason") ? json(nullptr) : json(row.str("reason"))},
                       {"sent_at", iso_or_null(row.opt_i64("sent_at"))},
                       {"delivered_at", iso_or_null(row.opt_i64("delivered_at"))},
                       {"read_at", iso_or_null(row.opt_i64("read_at"))},
                       {"replied_at", iso_or_null(row.opt_i64("replied_at"))}});
    }
    json next = r.size() > n ? json(std::to_string(r[n - 1].i64("id"))) : json(nullptr);
    return json{{"items", items}, {"next_cursor", next}};
  });
}

void CampaignService::tell_status(int64_t pid, int64_t cid, const std::string& status, const json& reason) {
  if (!status_listener_) return;
  try {
    json data = db_.read([&](store::Conn& c) {
      auto r = c.run("campaign-get", {pid, cid});
      if (r.empty()) return json(nullptr);
      json full = campaign_json(c, r[0], true), out = json::object();
      for (auto k : {"id", "project_id", "name", "kind", "status", "progress", "launched_at", "completed_at"}) out[k] = full[k];
      return out;
    });
    if (data.is_null()) return;
    data["status_reason"] = reason;
    status_listener_(pid, "campaign." + status, data);
  } catch (const std::exception& e) {
    spdlog::error("event=campaign.status_listener_failed project={} campaign={} error={}", pid, cid, log_value(e.what()));
  }
}

void CampaignService::publish(int64_t pid, int64_t cid, const std::string& status, const json& reason, const json& progress) {
  bus_.publish({"campaign.progress", pid, std::nullopt,
                {{"campaign_id", cid}, {"status", status}, {"status_reason", reason}, {"progress", progress}}, clock_.now_ms()});
}

}  // namespace sangam::campaigns
