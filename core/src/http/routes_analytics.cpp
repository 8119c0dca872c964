// Analytics, short links and leads (issue 9 items 3-6).
#include "analytics/analytics.hpp"
#include "analytics/dashboard.hpp"
#include "analytics/weekly_report.hpp"
#include "http/app.hpp"
#include "projects/project.hpp"
#include "safety/local_time.hpp"
#include "util/errors.hpp"

namespace sangam::http {
namespace {

const json kLeadSchema = {
    {"type", "object"},
    {"required", {"submission_id", "phone"}},
    {"properties",
     {{"submission_id", {{"type", "string"}, {"maxLength", 200}, {"description", "the form's id of this submission; a repeat answers the first result"}}},
      {"phone", {{"type", "string"}, {"description", "any format; parsed in the project's default region"}}},
      {"form", {{"type", "string"}}},
      {"product", {{"type", "string"}}},
      {"submitted_at", {{"type", "string"}, {"format", "date-time"}}},
      {"page", {{"type", "string"}}},
      {"utm", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
      {"fields", {{"type", "object"}, {"description", "other form fields, kept as sent; demo_requested: true makes the lead hot"}}}}}};
const json kLinkSchema = {{"type", "object"},
                          {"required", {"url"}},
                          {"properties",
                           {{"url", {{"type", "string"}, {"format", "uri"}}},
                            {"campaign_id", {{"type", "integer"}}},
                            {"group_id", {{"type", "integer"}}},
                            {"utm", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}};
const json kCsvBody = {{"type", "string"}, {"contentMediaType", "text/csv"}};

std::string zone_of(store::Database& db, int64_t pid) {
  return db.read([&](store::Conn& c) {
    auto r = c.run("project-by-id", {pid});
    if (r.empty()) throw not_found("no such project");
    return project_from_row(r[0]).time_zone;
  });
}

std::string actor_of(const Ctx& c) { return "user:" + std::to_string(c.user().id); }

}  // namespace

void add_analytics_routes(Router& r, App& app) {
  analytics::Analytics& an = *app.services().analytics;
  store::Database& db = app.services().db;
  const Clock& clock = app.services().clock;
  const std::string base = "/api/v1/projects/{id}/analytics";

  auto range_of = [&db, &clock](Ctx& c, std::string& zone) {
    zone = zone_of(db, c.id("id"));
    int days = 30;
    if (auto d = c.req.query_param("days")) {
      try {
        days = std::stoi(*d);
      } catch (...) {
        days = 0;
      }
      if (days < 1 || days > 366) throw validation("days", "days must be a number from 1 to 366");
    }
    return analytics::day_range(zone, clock.now_ms(), c.req.query_param("from"), c.req.query_param("to"), days);
  };

  r.add({"GET", base + "/overview",
         "KPI cards (this month against the last), sends/reads/replies per day and by local hour; days (30) or from/to YYYY-MM-DD",
         Access::viewer, nullptr, 200, "analytics", [&, range_of](Ctx& c) {
           std::string zone;
           auto range = range_of(c, zone);
           int64_t pid = c.id("id");
           return Response::json_body(200, db.read([&](store::Conn& cn) {
             return json{{"from", analytics::day_text(range.from)},
                         {"to", analytics::day_text(range.to)},
                         {"time_zone", zone},
                         {"kpis", analytics::kpis(cn, pid, zone, clock.now_ms())},
                         {"series", analytics::series(cn, pid, range)},
                         {"hours", analytics::hours(cn, pid, range)}};
           }));
         }});
  r.add({"GET", base + "/campaigns", "Campaign performance: sent, delivered, read, clicked, replied, leads, conversion",
         Access::viewer, nullptr, 200, "analytics", [&, range_of](Ctx& c) {
           std::string zone;
           auto range = range_of(c, zone);
           return Response::json_body(200, {{"items", db.read([&](store::Conn& cn) {
                                               return analytics::campaign_table(cn, c.id("id"), range, an.campaign_name);
                                             })}});
         }});
  r.add({"GET", base + "/accounts", "Account health now and over the last 30 days, with each number's traffic",
         Access::viewer, nullptr, 200, "analytics", [&, range_of](Ctx& c) {
           std::string zone;
           auto range = range_of(c, zone);
           int64_t from_ms = clock.now_ms() - int64_t{30} * 86'400'000;
           return Response::json_body(200, {{"items", db.read([&](store::Conn& cn) {
                                               return analytics::account_table(cn, c.id("id"), range, from_ms);
                                             })}});
         }});
  r.add({"GET", base + "/groups", "Group intelligence: groups by leads and conversion, with members and engagement",
         Access::viewer, nullptr, 200, "analytics", [&, range_of](Ctx& c) {
           std::string zone;
           auto range = range_of(c, zone);
           int64_t from_ms = safety::local_midnight(zone, range.from), to_ms = safety::local_midnight(zone, range.to + 1);
           return Response::json_body(200, {{"items", db.read([&](store::Conn& cn) {
                                               return analytics::group_table(cn, c.id("id"), range, from_ms, to_ms);
                                             })}});
         }});
  r.add({"GET", base + "/contacts/{contact}/journey", "One contact's journey: groups, campaign touches, clicks, leads",
         Access::viewer, nullptr, 200, "analytics", [&](Ctx& c) {
           int64_t pid = c.id("id"), contact = c.id("contact");
           json j = db.read([&](store::Conn& cn) { return analytics::contact_journey(cn, pid, contact); });
           json leads = json::array();
           for (auto& id : j["lead_ids"]) leads.push_back(an.leads.get(pid, id.get<int64_t>()));
           j["leads"] = leads;
           j.erase("lead_ids");
           return Response::json_body(200, j);
         }});
  r.add({"GET", base + "/weekly-report", "The last seven days' best and worst campaigns, groups and hours, and falling "
                                         "health; format=json (default), html or csv",
         Access::viewer, nullptr, 200, "analytics", [&](Ctx& c) {
           int64_t pid = c.id("id");
           std::string format = c.req.query_param("format").value_or("json");
           if (format != "json" && format != "html" && format != "csv")
             throw validation("format", "format must be json, html or csv");
           std::string zone, name;
           db.read([&](store::Conn& cn) {
             auto r = cn.run("project-by-id", {pid});
             if (r.empty()) throw not_found("no such project");
             Project p = project_from_row(r[0]);
             zone = p.time_zone, name = p.name;
           });
           json rep = db.read([&](store::Conn& cn) { return analytics::weekly_report(cn, pid, zone, clock.now_ms(), an.campaign_name); });
           if (format == "json") return Response::json_body(200, rep);
           Response res;
           std::string file = "weekly-report-" + rep["to"].get<std::string>();
           if (format == "html") {
             res.content_type = "text/html; charset=utf-8";
             res.body = analytics::report_html(rep, name);
             res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + ".html\"");
           } else {
             res.content_type = "text/csv; charset=utf-8";
             res.body = analytics::report_csv(rep);
             res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + ".csv\"");
           }
           return res;
         }});
  r.add({"GET", base + "/lead-secret", "The project's lead secret (website forms sign their bodies with it)",
         Access::owner, nullptr, 200, "leads", [&](Ctx& c) {
           return Response::json_body(200, {{"secret", an.leads.secret(c.id("id"))}, {"header", "X-Sangam-Signature"}});
         }});
  r.add({"POST", base + "/lead-secret", "A new lead secret; the old one stops working at once", Access::owner, nullptr, 200,
         "leads", [&](Ctx& c) {
           return Response::json_body(200, {{"secret", an.leads.rotate_secret(c.id("id"))}, {"header", "X-Sangam-Signature"}});
         }});

  // Website forms: no session, the body's HMAC-SHA256 under the project's lead secret instead.
  r.add({"POST", "/api/v1/projects/{id}/leads",
         "Lead intake for website forms, signed: X-Sangam-Signature: sha256=<hex of HMAC-SHA256(secret, body)>; 201, "
         "or 200 with the first answer for a submission id seen before",
         Access::anyone, kLeadSchema, 201, "leads", [&](Ctx& c) {
           int64_t pid = c.id("id");
           json lead = an.leads.intake(pid, c.req.body, std::string(c.req.header("x-sangam-signature").value_or("")));
           return Response::json_body(lead["created"].get<bool>() ? 201 : 200, lead);
         }});
  r.add({"POST", "/api/v1/projects/{id}/leads/manual", "A lead entered by hand", Access::manager, kLeadSchema, 201, "leads",
         [&](Ctx& c) {
           json lead = an.leads.manual(c.id("id"), c.body(), actor_of(c));
           return Response::json_body(lead["created"].get<bool>() ? 201 : 200, lead);
         }});
  Route imp{"POST", "/api/v1/projects/{id}/leads/import",
            "Leads from a CSV (header: phone, submission_id, form, product, submitted_at, page, utm_*); all or nothing",
            Access::manager, kCsvBody, 200, "leads", [&](Ctx& c) {
              auto res = an.leads.import_csv(c.id("id"), c.req.body);
              return Response::json_body(200, {{"created", res.created}, {"duplicates", res.duplicates}});
            }};
  imp.cpu_heavy = true;
  r.add(std::move(imp));
  r.add({"GET", "/api/v1/projects/{id}/leads", "Leads, newest first, with attribution and journey; limit, cursor",
         Access::viewer, nullptr, 200, "leads", [&](Ctx& c) {
           int limit = 50;
           if (auto l = c.req.query_param("limit")) {
             try {
               limit = std::stoi(*l);
             } catch (...) {
               limit = 0;
             }
             if (limit < 1 || limit > 200) throw validation("limit", "limit must be a number from 1 to 200");
           }
           std::optional<int64_t> cursor;
           if (auto cu = c.req.query_param("cursor")) {
             try {
               cursor = std::stoll(*cu);
             } catch (...) {
               throw validation("cursor", "cursor must be the next_cursor of an earlier page");
             }
           }
           return Response::json_body(200, an.leads.list(c.id("id"), limit, cursor));
         }});
  r.add({"GET", "/api/v1/projects/{id}/leads/{lead}", "One lead with its attribution (three models) and journey",
         Access::viewer, nullptr, 200, "leads",
         [&](Ctx& c) { return Response::json_body(200, an.leads.get(c.id("id"), c.id("lead"))); }});

  // A link for a post written by hand (the planner makes per-recipient links itself, LinkService::shorten).
  r.add({"POST", "/api/v1/projects/{id}/links", "A short link (/r/{code}) to a URL with UTM parameters, for a post",
         Access::manager, kLinkSchema, 201, "links", [&](Ctx& c) {
           json b = c.body();
           analytics::LinkTarget t;
           t.project_id = c.id("id");
           if (!b.contains("url") || !b["url"].is_string()) throw validation("url", "url is required");
           t.url = b["url"].get<std::string>();
           auto id_of = [&](const char* k) -> std::optional<int64_t> {
             if (!b.contains(k) || b[k].is_null()) return std::nullopt;
             if (!b[k].is_number_integer()) throw validation(k, std::string(k) + " must be a number");
             return b[k].get<int64_t>();
           };
           t.campaign_id = id_of("campaign_id");
           t.group_id = id_of("group_id");
           if (b.contains("utm")) {
             if (!b["utm"].is_object()) throw validation("utm", "utm must be an object of texts");
             for (auto& [k, v] : b["utm"].items()) {
               if (!v.is_string()) throw validation("utm." + k, "utm." + k + " must be text");
               t.utm[k.rfind("utm_", 0) == 0 ? k : "utm_" + k] = v.get<std::string>();
             }
           }
           std::string url = an.links.shorten(t);
           return Response::json_body(201, {{"short_url", url}, {"code", url.substr(url.rfind('/') + 1)}});
         }});

  // The short link: 302 to the target with its UTM parameters. Preview fetchers get the same answer
  // (so the card shows the real page) but are not counted as clicks.
  Handler follow = [&](Ctx& c) {
           auto out = an.links.follow(c.params["code"], std::string(c.req.header("user-agent").value_or("")), c.req.method);
           Response res;
           if (!out) {
             // A person tapped it in a chat: a page that says so, never a redirect anywhere. Unknown and
             // tampered codes (a per-recipient code whose tag does not match) answer the same.
             res.status = 404;
             res.content_type = "text/html; charset=utf-8";
             res.headers.emplace_back("Cache-Control", "no-store");
             res.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                        "content=\"width=device-width, initial-scale=1\"><title>Link not found</title></head><body "
                        "style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\"><main>"
                        "<h1>This link does not work</h1><p>It may have been copied incompletely. Ask whoever sent it "
                        "for the link again.</p></main></body></html>";
             return res;
           }
           res.status = 302;
           res.content_type = "text/plain; charset=utf-8";
           res.headers.emplace_back("Location", out->location);
           res.headers.emplace_back("Cache-Control", "no-store");
           res.headers.emplace_back("Referrer-Policy", "no-referrer");
           return res;
  };
  r.add({"GET", "/r/{code}", "Short link: 302 to the target (clicks recorded, link previews not counted)", Access::anyone,
         nullptr, 302, "links", follow});
  r.add({"HEAD", "/r/{code}", "Short link, headers only (recorded as a preview)", Access::anyone, nullptr, 302, "links", follow});
}

}  // namespace sangam::http
