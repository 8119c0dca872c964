#include "analytics/lead_service.hpp"

#include "analytics/attribution.hpp"
#include "analytics/signature.hpp"
#include "contacts/csv.hpp"
#include "contacts/engagement.hpp"
#include "contacts/phone.hpp"
#include "projects/project.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace sangam::analytics {

namespace {

constexpr int64_t kFutureSlackMs = 5 * 60'000;  // a form's clock may run up to 5 minutes ahead of ours
constexpr size_t kMaxText = 500;

store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }

TouchKind touch_of(const std::string& kind) {
  if (kind == "read" || kind == "played") return TouchKind::read;
  if (kind == "reply") return TouchKind::replied;
  if (kind == "click") return TouchKind::clicked;
  return TouchKind::delivered;
}

std::string hex_hash(std::string_view s) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(s.data()), s.size(), nullptr, 0);
  static const char* d = "0123456789abcdef";
  std::string h;
  for (unsigned char b : out) h += d[b >> 4], h += d[b & 15];
  return h;
}

std::string project_region(store::Conn& c, int64_t pid) {
  auto r = c.run("project-by-id", {pid});
  if (r.empty()) throw not_found("no such project");
  return project_from_row(r[0]).default_region;
}

bool truthy(const json& v) {
  return (v.is_boolean() && v.get<bool>()) || (v.is_string() && (v == "yes" || v == "true" || v == "1")) ||
         (v.is_number() && v.get<double>() != 0);
}

}  // namespace

std::optional<int64_t> parse_instant(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  int64_t ms = 0;
  if (*rest == '.') {
    int digits = 0;
    ++rest;
    while (std::isdigit(static_cast<unsigned char>(*rest))) {
      if (digits < 3) ms = ms * 10 + (*rest - '0');
      ++digits, ++rest;
    }
    if (!digits) return std::nullopt;
    for (int d = digits; d < 3; ++d) ms *= 10;
  }
  int64_t offset_min = 0;
  if (*rest == 'Z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int sign = *rest == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2 || hh > 23 || mm > 59) return std::nullopt;
    offset_min = sign * (hh * 60 + mm);
    rest += 6;
  } else {
    return std::nullopt;  // a time without a zone would be read in whichever zone the form meant
  }
  if (*rest) return std::nullopt;
  return int64_t{timegm(&tm)} * 1000 + ms - offset_min * 60'000;
}

LeadService::LeadService(store::Database& db, const Clock& clock, EventLog& log, crypto::SecretKey key)
    : db_(db), clock_(clock), log_(log), key_(std::move(key)) {}

std::string LeadService::secret(int64_t pid) {
  auto existing = db_.read([&](store::Conn& c) { return c.run("lead-secret-get", {pid}); });
  if (!existing.empty() && !existing[0].is_null("lead_secret")) {
    auto s = crypto::open(key_, existing[0].str("lead_secret"), "lead-secret:" + std::to_string(pid));
    if (s) return *s;
  }
  return rotate_secret(pid);
}

std::string LeadService::rotate_secret(int64_t pid) {
  std::string s = "lsk_" + crypto::random_token(32);
  std::string sealed = crypto::seal(key_, s, "lead-secret:" + std::to_string(pid));
  db_.write([&](store::Conn& c) { c.run("lead-secret-set", {pid, store::Blob{sealed}, clock_.now_ms()}); });
  return s;
}

json LeadService::intake(int64_t pid, const std::string& raw, const std::string& header) {
  auto stored = db_.read([&](store::Conn& c) { return c.run("lead-secret-get", {pid}); });
  std::optional<std::string> secret;
  if (!stored.empty() && !stored[0].is_null("lead_secret"))
    secret = crypto::open(key_, stored[0].str("lead_secret"), "lead-secret:" + std::to_string(pid));
  if (!secret)
    throw Error(ErrorCode::unauthorized, "this project has no lead secret yet: create one in the analytics settings",
                "X-Sangam-Signature");
  auto check = verify_body(*secret, raw, header);
  if (check != SignatureCheck::ok) throw Error(ErrorCode::unauthorized, signature_problem(check), "X-Sangam-Signature");
  json body;
  try {
    body = json::parse(raw);
  } catch (const json::exception&) {
    throw Error(ErrorCode::invalid_json, "the body is not valid JSON");
  }
  if (!body.is_object()) throw validation("body", "the body must be a JSON object");
  return store_lead(pid, body, "form", true);
}

json LeadService::manual(int64_t pid, const json& body, const std::string& actor) {
  json b = body;
  if (!b.contains("submission_id")) b["submission_id"] = "manual-" + crypto::random_token(12);
  if (!b.contains("fields") || !b["fields"].is_object()) b["fields"] = json::object();
  b["fields"]["entered_by"] = actor;
  return store_lead(pid, b, "manual", true);
}

json LeadService::store_lead(int64_t pid, const json& body, const std::string& source, bool) {
  std::vector<FieldError> errs;
  auto text = [&](const char* name, bool required) -> std::string {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
      if (required) errs.push_back({name, std::string(name) + " is required"});
      return {};
    }
    if (!it->is_string()) {
      errs.push_back({name, std::string(name) + " must be text"});
      return {};
    }
    std::string s = it->get<std::string>();
    if (s.size() > kMaxText) errs.push_back({name, std::string(name) + " is longer than 500 characters"});
    if (required && s.empty()) errs.push_back({name, std::string(name) + " is required"});
    return s;
  };
  std::string submission = text("submission_id", true), phone_in = text("phone", true), form = text("form", false),
              product = text("product", false), page = text("page", false);
  if (submission.size() > 200) errs.push_back({"submission_id", "submission_id is longer than 200 characters"});
  int64_t now = clock_.now_ms();
  int64_t submitted = now;
  if (auto it = body.find("submitted_at"); it != body.end() && !it->is_null()) {
    auto t = parse_instant(*it);
    if (!t) errs.push_back({"submitted_at", "submitted_at must be a time like 2026-11-24T10:00:00Z (with its zone)"});
    else if (*t > now + kFutureSlackMs) errs.push_back({"submitted_at", "submitted_at is in the future"});
    else submitted = *t;
  }
  // UTM parameters: an object "utm", or utm_* keys at the top. Unknown utm keys are kept as sent.
  json utm = json::object();
  if (auto it = body.find("utm"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) errs.push_back({"utm", "utm must be an object of texts"});
    else
      for (auto& [k, v] : it->items()) {
        if (!v.is_string()) errs.push_back({"utm." + k, "utm." + k + " must be text"});
        else utm[k.rfind("utm_", 0) == 0 ? k : "utm_" + k] = v;
      }
  }
  for (auto& [k, v] : body.items())
    if (k.rfind("utm_", 0) == 0) {
      if (!v.is_string()) errs.push_back({k, k + " must be text"});
      else utm[k] = v;
    }
  json fields = json::object();
  if (auto it = body.find("fields"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) errs.push_back({"fields", "fields must be an object"});
    else fields = *it;
  }
  std::string region;
  std::optional<std::string> phone;
  db_.read([&](store::Conn& c) { region = project_region(c, pid); });
  if (!phone_in.empty()) {
    auto p = parse_phone(phone_in, region);
    if (!p.e164) errs.push_back({"phone", p.reason.empty() ? "phone is not a valid number" : p.reason});
    phone = p.e164;
  }
  if (!errs.empty()) throw FieldErrors(std::move(errs));

  bool demo = truthy(fields.value("demo_requested", json(false))) || truthy(body.value("demo_requested", json(false))) ||
              form.find("demo") != std::string::npos;
  json out;
  bool created = false;
  std::optional<StoredEvent> lead_event;
  auto store_once = [&] {
    db_.write([&](store::Conn& c) {
      auto seen = c.run("lead-by-submission", {pid, submission});
      if (!seen.empty()) {
        out = json::parse(seen[0].str("response"));
        return;
      }
      int window = 30;
      if (auto s = c.run("lead-secret-get", {pid}); !s.empty()) window = static_cast<int>(s[0].i64("window_days"));
      std::optional<int64_t> contact;
      double engagement = 0;
      if (auto r = c.run("lead-contact", {pid, *phone}); !r.empty()) {
        contact = r[0].i64("id");
        engagement = std::round(engagement_now(r[0].f64("engagement_ref"), now) * 10) / 10;
      }
      std::vector<Touchpoint> touches;
      if (contact) {
        auto t = c.run("lead-touches", {pid, *contact, submitted - int64_t{window} * 86'400'000, submitted});
        for (size_t i = 0; i < t.size(); ++i)
          touches.push_back({touch_of(t[i].str("kind")), t[i].opt_i64("campaign_id"), t[i].opt_i64("group_id"), t[i].i64("at")});
        auto imp = c.run("lead-first-import", {*contact});
        if (!imp.empty()) touches.push_back({TouchKind::imported, std::nullopt, imp[0].i64("group_id"), imp[0].i64("first_seen")});
      }
      touches.push_back({TouchKind::form, std::nullopt, std::nullopt, submitted});
      Attribution a = attribute(touches, submitted, window);
      // The journey starts where the contact came from, even when that import is older than the window.
      for (auto& t : touches)
        if (t.kind == TouchKind::imported &&
            std::none_of(a.journey.begin(), a.journey.end(), [](const Touchpoint& j) { return j.kind == TouchKind::imported; }))
          a.journey.insert(a.journey.begin(), t);
      std::string quality = demo ? "hot" : (a.touchpoints > 0 ? "warm" : "cold");
      int64_t id = c.run("lead-insert", {pid, submission, source, *phone, opt(contact), form, product, page, utm.dump(),
                                         fields.dump(), quality, submitted, opt(a.last_touch), opt(a.first_touch),
                                         opt(a.source_group), int64_t{a.touchpoints},
                                         a.days_to_convert ? store::Value(*a.days_to_convert) : store::Value(nullptr),
                                         engagement, std::string("{}"), now})[0]
                       .i64("id");
      int64_t seq = 0;
      for (auto& t : a.journey)
        c.run("lead-touch-insert", {id, ++seq, std::string(touch_kind_name(t.kind)), opt(t.campaign_id), opt(t.group_id), t.at_ms});
      if (a.last_touch) c.run("lead-credit-insert", {id, std::string("last_touch"), *a.last_touch, 1.0});
      if (a.first_touch) c.run("lead-credit-insert", {id, std::string("first_touch"), *a.first_touch, 1.0});
      for (auto& cr : a.linear) c.run("lead-credit-insert", {id, std::string("linear"), cr.campaign_id, cr.credit});
      out = lead_json(c, id);
      c.run("lead-set-response", {id, out.dump()});
      created = true;
      StoredEvent e;
      e.project_id = pid;
      e.kind = "lead";
      e.at_ms = submitted;
      e.contact_id = contact;
      e.campaign_id = a.last_touch;
      e.group_id = a.source_group;
      e.data = {{"lead_id", id}, {"quality", quality}, {"source", source}};
      lead_event = std::move(e);
    });
  };
  try {
    store_once();
  } catch (const store::DbError& e) {
    // The same submission id posted twice at once: the other request stored it; answer its result.
    if (e.kind() != store::DbError::Kind::unique_violation) throw;
    created = false;
    lead_event.reset();
    store_once();
  }
  if (lead_event) {
    log_.record(std::move(*lead_event));
    if (attributed_) attributed_(pid, out);
  }
  out["created"] = created;
  return out;
}

json LeadService::lead_json(store::Conn& c, int64_t id) {
  auto r = c.run("lead-get", {id});
  if (r.empty()) throw not_found("no such lead");
  auto x = r[0];
  auto nullable = [&](const char* col) { return x.is_null(col) ? json(nullptr) : json(x.i64(col)); };
  json credits = {{"last_touch", json::array()}, {"first_touch", json::array()}, {"linear", json::array()}};
  auto cr = c.run("lead-credits", {id});
  for (size_t i = 0; i < cr.size(); ++i)
    credits[cr[i].str("model")].push_back({{"campaign_id", cr[i].i64("campaign_id")}, {"credit", cr[i].f64("credit")}});
  json journey = json::array();
  auto tj = c.run("lead-journey", {id});
  for (size_t i = 0; i < tj.size(); ++i)
    journey.push_back({{"kind", tj[i].str("kind")},
                       {"campaign_id", tj[i].is_null("campaign_id") ? json(nullptr) : json(tj[i].i64("campaign_id"))},
                       {"group_id", tj[i].is_null("group_id") ? json(nullptr) : json(tj[i].i64("group_id"))},
                       {"group_name", tj[i].opt_str("group_name") ? json(*tj[i].opt_str("group_name")) : json(nullptr)},
                       {"at", format_iso8601(tj[i].i64("at"))}});
  return {{"id", x.i64("id")},
          {"submission_id", x.str("submission_id")},
          {"source", x.str("source")},
          {"phone", x.str("phone")},
          {"contact_id", nullable("contact_id")},
          {"form", x.str("form")},
          {"product", x.str("product")},
          {"page", x.str("page")},
          {"utm", json::parse(x.str("utm"))},
          {"fields", json::parse(x.str("fields"))},
          {"quality", x.str("quality")},
          {"submitted_at", format_iso8601(x.i64("submitted_at"))},
          {"campaign_id", nullable("campaign_id")},
          {"first_campaign_id", nullable("first_campaign_id")},
          {"source_group_id", nullable("source_group_id")},
          {"touchpoints", x.i64("touchpoints")},
          {"days_to_convert", x.is_null("days_to_convert") ? json(nullptr) : json(std::round(x.f64("days_to_convert") * 10) / 10)},
          {"engagement", x.f64("engagement")},
          {"attribution", credits},
          {"journey", journey}};
}

json LeadService::get(int64_t pid, int64_t id) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("lead-get", {id});
    if (r.empty() || r[0].i64("project_id") != pid) throw not_found("no such lead");
    return lead_json(c, id);
  });
}

json LeadService::list(int64_t pid, int limit, std::optional<int64_t> before) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("lead-list", {pid, before ? *before : INT64_MAX, int64_t{limit}});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(lead_json(c, r[i].i64("id")));
    return json{{"items", items},
                {"next_cursor", r.size() == static_cast<size_t>(limit) ? json(r[r.size() - 1].i64("id")) : json(nullptr)}};
  });
}

LeadImport LeadService::import_csv(int64_t pid, const std::string& csv) {
  LeadImport out;
  if (auto bad = find_invalid_utf8(csv))
    throw validation("file", "line " + std::to_string(bad->line) + " is not UTF-8 text (save the file as UTF-8)");
  CsvReader reader(csv);
  CsvRecord rec;
  if (!reader.next(rec)) throw validation("file", "the file is empty: it needs a header row with a phone column");
  std::vector<std::string> header;
  for (auto& h : rec.fields) {
    std::string k;
    for (char ch : h) k += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    while (!k.empty() && k.back() == ' ') k.pop_back();
    header.push_back(k);
  }
  if (std::find(header.begin(), header.end(), "phone") == header.end())
    throw validation("file", "the header row has no phone column");
  std::vector<std::pair<int64_t, json>> rows;
  while (reader.next(rec)) {
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // a blank line
    json b = json::object();
    for (size_t i = 0; i < rec.fields.size() && i < header.size(); ++i)
      if (!rec.fields[i].empty()) b[header[i]] = rec.fields[i];
    // Re-importing the same file finds the same leads: the id is a hash of what the line says.
    if (!b.contains("submission_id")) b["submission_id"] = "csv-" + hex_hash(b.dump());
    rows.push_back({rec.line, b});
  }
  if (!reader.error().empty()) throw validation("file", reader.error());
  // Check every line before storing any (all or nothing): a dry parse of each.
  std::string region = db_.read([&](store::Conn& c) { return project_region(c, pid); });
  int64_t now = clock_.now_ms();
  for (auto& [line, b] : rows) {
    std::string phone = b.value("phone", "");
    auto p = parse_phone(phone, region);
    if (!p.e164) out.errors.push_back({{"line", line}, {"field", "phone"}, {"message", p.reason}});
    if (b.contains("submitted_at")) {
      auto t = parse_instant(b["submitted_at"]);
      if (!t) out.errors.push_back({{"line", line}, {"field", "submitted_at"}, {"message", "not a time like 2026-11-24T10:00:00Z"}});
      else if (*t > now + kFutureSlackMs) out.errors.push_back({{"line", line}, {"field", "submitted_at"}, {"message", "in the future"}});
    }
  }
  if (!out.errors.empty()) {
    auto first = out.errors[0];
    std::vector<FieldError> fe;
    for (auto& e : out.errors)
      fe.push_back({"line " + std::to_string(e["line"].get<int64_t>()) + ": " + e["field"].get<std::string>(),
                    "line " + std::to_string(e["line"].get<int64_t>()) + ": " + e["message"].get<std::string>()});
    throw FieldErrors(std::move(fe));
  }
  for (auto& [line, b] : rows) {
    json r = store_lead(pid, b, "csv", true);
    (r["created"].get<bool>() ? out.created : out.duplicates)++;
  }
  return out;
}

}  // namespace sangam::analytics
