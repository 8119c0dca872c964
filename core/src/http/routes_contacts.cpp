// Contacts, consent, suppressions, opt-out words, CSV import/export and jobs (issue 7).
#include "contacts/contact_base.hpp"
#include "contacts/csv.hpp"
#include "contacts/csv_import.hpp"
#include "contacts/search.hpp"
#include "http/app.hpp"
#include "jobs/job_service.hpp"
#include "projects/project.hpp"
#include "util/errors.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

namespace sangam::http {
namespace {

const json kConsentSchema = {
    {"type", "object"},
    {"required", {"state"}},
    {"properties",
     {{"state", {{"type", "string"}, {"enum", {"engaged", "opted_in", "opted_out"}}}},
      {"evidence", {{"type", "object"}, {"description", "what proves it: form, message id, note; required for opted_in"}}}}}};
const json kSuppressionSchema = {{"type", "object"},
                                 {"required", {"phone"}},
                                 {"properties",
                                  {{"phone", {{"type", "string"}}},
                                   {"region", {{"type", "string"}, {"description", "for a local number; default IN"}}},
                                   {"reason", {{"type", "string"}, {"enum", {"opt_out", "manual"}}}}}}};
const json kWordsSchema = {{"type", "object"},
                           {"properties",
                            {{"keywords", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                             {"phrases", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                             {"confirmation", {{"type", "string"}, {"maxLength", 1000}}}}}};
const json kPersonaSchema = {{"type", "object"},
                             {"properties", {{"persona", {{"type", {"string", "null"}}}}}}};
const json kAnyObject = {{"type", "object"}};
const json kCsvBody = {{"type", "string"}, {"contentMediaType", "text/csv"}};

std::string actor_of(const Ctx& c) { return "user:" + std::to_string(c.user().id); }

std::string project_region(store::Database& db, int64_t pid, std::vector<std::string>* personas = nullptr) {
  return db.read([&](store::Conn& c) {
    auto r = c.run("project-by-id", {pid});
    if (r.empty()) throw not_found("no such project");
    Project p = project_from_row(r[0]);
    if (personas) *personas = p.personas;
    return p.default_region;
  });
}

std::string calling_code(const std::string& region) {
  int cc = i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region);
  return cc ? std::to_string(cc) : "91";
}

// The file of a multipart/form-data body (the dashboard's upload): the first part with a filename,
// else the part named "file". A text/csv (or any other) body is the file itself.
std::string csv_of(const Request& req) {
  auto ct = req.header("content-type").value_or("");
  if (ct.find("multipart/form-data") == std::string_view::npos) return req.body;
  auto b = ct.find("boundary=");
  if (b == std::string_view::npos) throw validation("body", "a multipart body needs a boundary");
  std::string boundary = "--" + std::string(ct.substr(b + 9));
  if (boundary.size() > 2 && boundary[2] == '"') boundary = "--" + boundary.substr(3, boundary.find('"', 3) - 3);
  const std::string& body = req.body;
  size_t pos = body.find(boundary);
  while (pos != std::string::npos) {
    size_t head = pos + boundary.size();
    if (body.compare(head, 2, "--") == 0) break;
    size_t head_end = body.find("\r\n\r\n", head);
    if (head_end == std::string::npos) break;
    std::string headers = body.substr(head, head_end - head);
    size_t next = body.find("\r\n" + boundary, head_end + 4);
    if (next == std::string::npos) break;
    if (headers.find("filename=") != std::string::npos || headers.find("name=\"file\"") != std::string::npos)
      return body.substr(head_end + 4, next - head_end - 4);
    pos = next + 2;
  }
  throw validation("file", "the form has no file part");
}

ContactFilter filter_of(const Ctx& c) {
  return parse_contact_filter([&](const char* n) { return c.req.query_param(n); });
}

}  // namespace

void add_contact_routes(Router& r, App& app) {
  ContactBase& cb = *app.services().contacts;
  JobService& jobs = *app.services().jobs;
  store::Database& db = app.services().db;
  const Clock& clock = app.services().clock;
  const std::string base = "/api/v1/projects/{id}/contacts";

  r.add({"GET", base, "Search contacts: persona, min_confidence, region, group, tag, consent, min_engagement, "
                      "contacted_before/after, q (name prefix or phone digits), sort, limit, cursor, total (capped|exact)",
         Access::viewer, nullptr, 200, "contacts", [&](Ctx& c) {
           auto f = filter_of(c);
           auto pid = c.id("id");
           std::string cc = calling_code(project_region(db, pid));
           auto page = db.read([&](store::Conn& cn) { return search_contacts(cn, db.backend(), pid, f, cc, clock.now_ms()); });
           return Response::json_body(200, {{"items", page.items},
                                            {"total", page.total},
                                            {"total_capped", page.total_capped},
                                            {"next_cursor", page.next_cursor ? json(*page.next_cursor) : json(nullptr)}});
         }});
  Route imp{"POST", base + "/import", "Import contacts from a CSV (text/csv or multipart); 202 with a job",
            Access::manager, kCsvBody, 202, "contacts", [&](Ctx& c) {
              auto pid = c.id("id");
              std::vector<std::string> personas;
              std::string region = project_region(db, pid, &personas);
              auto plan = std::make_shared<CsvImportPlan>(plan_csv_import(csv_of(c.req)));
              std::string actor = actor_of(c);
              json job = jobs.start(pid, "contacts.import", c.user().id, plan->records,
                                    [&cb, pid, plan, region, personas, actor](JobContext& j) {
                                      j.count("format_" + plan->format, 0);
                                      run_csv_import(cb, j, pid, {region, personas}, *plan, actor);
                                    });
              job["format"] = plan->format;
              return Response::json_body(202, job);
            }};
  imp.upload = true;
  imp.cpu_heavy = true;  // the whole file is checked before the answer
  r.add(std::move(imp));
  Route exp{"GET", base + "/export", "The filtered contacts as CSV (same filters as the search)", Access::viewer, nullptr,
            200, "contacts", [&](Ctx& c) {
              auto f = filter_of(c);
              auto pid = c.id("id");
              std::string cc = calling_code(project_region(db, pid));
              f.limit = 500;
              f.cursor.reset();
              Response res;
              res.content_type = "text/csv; charset=utf-8";
              res.headers.emplace_back("Content-Disposition", "attachment; filename=\"contacts.csv\"");
              res.body = "\xEF\xBB\xBFphone,name,consent,persona,persona_confidence,engagement,region,tags,lid\r\n";
              // Page by page on one connection (keyset), never the whole list in one result.
              db.read([&](store::Conn& cn) {
                for (;;) {
                  auto page = search_contacts(cn, db.backend(), pid, f, cc, clock.now_ms(), false);
                  for (auto& it : page.items) {
                    std::string tags;
                    for (auto& t : it["tags"]) tags += (tags.empty() ? "" : ";") + t.get<std::string>();
                    auto s = [](const json& v) { return v.is_null() ? std::string() : v.is_string() ? v.get<std::string>() : v.dump(); };
                    res.body += csv_field(s(it["phone"])) + "," + csv_field(s(it["name"])) + "," + s(it["consent"]) + "," +
                                csv_field(s(it["persona"])) + "," + s(it["persona_confidence"]) + "," + s(it["engagement"]) +
                                "," + csv_field(s(it["region"])) + "," + csv_field(tags) + "," + csv_field(s(it["lid"])) + "\r\n";
                  }
                  if (!page.next_cursor) break;
                  f.cursor = page.next_cursor;
                }
              });
              return res;
            }};
  exp.cpu_heavy = true;
  r.add(std::move(exp));
  r.add({"GET", base + "/{contactId}", "A contact with its groups, consent history and messages", Access::viewer, nullptr,
         200, "contacts", [&](Ctx& c) { return Response::json_body(200, cb.export_contact(c.id("id"), c.id("contactId"))); }});
  r.add({"GET", base + "/{contactId}/export", "Everything stored about one contact (privacy export)", Access::manager,
         nullptr, 200, "contacts", [&](Ctx& c) {
           auto res = Response::json_body(200, cb.export_contact(c.id("id"), c.id("contactId")));
           res.headers.emplace_back("Content-Disposition", "attachment; filename=\"contact.json\"");
           return res;
         }});
  r.add({"DELETE", base + "/{contactId}", "Erase a contact: personal data removed, the number kept only as a salted "
                                          "hash on the suppression list",
         Access::manager, nullptr, 204, "contacts", [&](Ctx& c) {
           cb.erase(c.id("id"), c.id("contactId"), actor_of(c));
           return Response::no_content();
         }});
  r.add({"POST", base + "/{contactId}/consent", "Record a consent change (opt-outs made off WhatsApp, opt-ins with evidence)",
         Access::manager, kConsentSchema, 200, "contacts", [&](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("contactId");
           json body = c.body();
           if (!body.contains("state") || !body["state"].is_string()) throw validation("state", "is required: engaged, opted_in or opted_out");
           json evidence = body.contains("evidence") ? body["evidence"] : json(nullptr);
           return Response::json_body(200, cb.record_consent(pid, cid, body["state"], evidence, actor_of(c)));
         }});
  r.add({"PUT", base + "/{contactId}/persona", "Set the persona by hand (kept over the rules); null gives it back to them",
         Access::manager, kPersonaSchema, 200, "contacts", [&](Ctx& c) {
           auto pid = c.id("id"), cid = c.id("contactId");
           json body = c.body();
           std::vector<std::string> personas;
           project_region(db, pid, &personas);
           json p = body.value("persona", json(nullptr));
           if (!p.is_null() && (!p.is_string() || (std::find(personas.begin(), personas.end(), p.get<std::string>()) == personas.end())))
             throw validation("persona", "must be one of the project's personas or null");
           db.write([&](store::Conn& cn) {
             if (cn.run("contact-by-id", {pid, cid}).empty()) throw not_found("no such contact");
             cn.run("contact-set-persona", {pid, cid, p.is_null() ? store::Value(nullptr) : store::Value(p.get<std::string>()),
                                            int64_t(p.is_null() ? 0 : 100), int64_t(p.is_null() ? 0 : 1), clock.now_ms()});
           });
           return Response::json_body(200, cb.get(pid, cid));
         }});
  r.add({"GET", "/api/v1/projects/{id}/opt-out-words", "Opt-out keywords, phrases and the confirmation reply",
         Access::viewer, nullptr, 200, "contacts", [&](Ctx& c) { return Response::json_body(200, cb.opt_out_settings(c.id("id"))); }});
  r.add({"PUT", "/api/v1/projects/{id}/opt-out-words", "Replace the opt-out keywords, phrases or confirmation", Access::manager,
         kWordsSchema, 200, "contacts", [&](Ctx& c) {
           auto pid = c.id("id");
           return Response::json_body(200, cb.set_opt_out_settings(pid, c.body()));
         }});
  r.add({"GET", "/api/v1/projects/{id}/persona-rules", "Persona rules: keywords, groups, regions per persona",
         Access::viewer, nullptr, 200, "contacts", [&](Ctx& c) { return Response::json_body(200, cb.persona_rules(c.id("id"))); }});
  r.add({"PUT", "/api/v1/projects/{id}/persona-rules", "Replace the persona rules", Access::manager, kAnyObject, 200,
         "contacts", [&](Ctx& c) {
           auto pid = c.id("id");
           std::vector<std::string> personas;
           project_region(db, pid, &personas);
           return Response::json_body(200, cb.set_persona_rules(pid, c.body(), personas));
         }});
  r.add({"POST", "/api/v1/projects/{id}/personas/recompute", "Apply the persona rules to every contact not set by hand; 202 with a job",
         Access::manager, nullptr, 202, "contacts", [&](Ctx& c) {
           auto pid = c.id("id");
           GroupText text = app.services().group_text;
           return Response::json_body(202, jobs.start(pid, "personas.recompute", c.user().id, std::nullopt, [&cb, pid, text](JobContext& j) {
             j.count("contacts", cb.recompute_personas(pid, text, [&j](int64_t d) { j.progress(d); }));
           }));
         }});
  r.add({"GET", "/api/v1/projects/{id}/jobs/{jobId}", "A background job: status, progress, counts, rejected lines",
         Access::viewer, nullptr, 200, "jobs", [&](Ctx& c) { return Response::json_body(200, jobs.get(c.id("id"), c.id("jobId"))); }});
  r.add({"POST", "/api/v1/suppressions", "Put a number on the global suppression list (every project)", Access::user,
         kSuppressionSchema, 201, "contacts", [&](Ctx& c) {
           json body = c.body();
           if (!body.contains("phone") || !body["phone"].is_string()) throw validation("phone", "is required");
           std::string region = body.value("region", "IN");
           std::string reason = body.value("reason", "manual");
           return Response::json_body(201, cb.suppress(body["phone"], region, reason, actor_of(c)));
         }});
}

}  // namespace sangam::http
