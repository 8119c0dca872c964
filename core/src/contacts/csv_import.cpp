#include "contacts/csv_import.hpp"

#include "contacts/phone.hpp"
#include "util/errors.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace sangam {
namespace {

std::string key_of(const std::string& h) {
  std::string k;
  for (unsigned char ch : h) {
    if (std::isalnum(ch)) k.push_back(static_cast<char>(std::tolower(ch)));
    else if (!k.empty() && k.back() != '_') k.push_back('_');
  }
  while (!k.empty() && k.back() == '_') k.pop_back();
  return k;
}

std::string trim(std::string s) {
  auto sp = [](unsigned char c) { return std::isspace(c); };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), sp));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), sp).base(), s.end());
  return s;
}

std::vector<std::string> split_any(const std::string& s, const std::string& seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (seps.find(ch) != std::string::npos) {
      if (auto t = trim(cur); !t.empty()) out.push_back(t);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  if (auto t = trim(cur); !t.empty()) out.push_back(t);
  return out;
}

// Google joins several values of one cell with " ::: ".
std::vector<std::string> split_google(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(":::", start);
    auto part = trim(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (!part.empty()) out.push_back(part);
    if (p == std::string::npos) break;
    start = p + 3;
  }
  return out;
}

}  // namespace

CsvImportPlan plan_csv_import(std::string text) {
  CsvImportPlan plan;
  if (text.empty()) throw validation("body", "the file is empty");
  if (auto bad = find_invalid_utf8(text))
    throw validation("body", "the file is not UTF-8 text (line " + std::to_string(bad->line) + ", byte " +
                                 std::to_string(bad->offset + 1) + "); save it as CSV UTF-8");
  plan.text = std::move(text);
  CsvReader reader(plan.text);
  CsvRecord rec;
  if (!reader.next(rec)) {
    if (!reader.error().empty()) throw validation("body", reader.error());
    throw validation("body", "the file is empty");
  }
  for (auto& h : rec.fields) plan.header.push_back(trim(h));
  static const std::vector<std::string> phone_names = {"phone", "phone_number", "mobile", "mobile_number", "mobile_phone",
                                                       "whatsapp", "whatsapp_number", "number", "contact_number", "msisdn",
                                                       "primary_phone", "home_phone", "business_phone", "other_phone",
                                                       "home_phone_2", "business_phone_2", "car_phone"};
  std::vector<std::pair<int, int>> phones;  // (preference, column)
  std::vector<std::pair<int, int>> names;
  bool google = false, outlook = false;
  for (int i = 0; i < static_cast<int>(plan.header.size()); ++i) {
    std::string k = key_of(plan.header[i]);
    auto pref = std::find(phone_names.begin(), phone_names.end(), k);
    if (pref != phone_names.end()) {
      phones.push_back({static_cast<int>(pref - phone_names.begin()), i});
      if (k == "mobile_phone" || k == "business_phone" || k == "primary_phone") outlook = true;
    } else if (k.rfind("phone_", 0) == 0 && k.size() > 8 && k.substr(k.size() - 6) == "_value") {
      phones.push_back({100 + std::atoi(k.c_str() + 6), i});  // Google: Phone 1 - Value, Phone 2 - Value, …
      google = true;
    } else if (k == "name" || k == "full_name" || k == "display_name") {
      names.push_back({0, i});
    } else if (k == "first_name" || k == "given_name") {
      names.push_back({1, i});
    } else if (k == "middle_name" || k == "additional_name") {
      names.push_back({2, i});
    } else if (k == "last_name" || k == "family_name") {
      names.push_back({3, i});
    } else if (k == "tags" || k == "labels" || k == "group_membership" || k == "categories") {
      plan.tags_col = i;
    } else if (k == "persona") {
      plan.persona_col = i;
    } else if (k == "region" || k == "state" || k == "district") {
      if (plan.region_col < 0) plan.region_col = i;
    } else if (k == "consent") {
      plan.consent_col = i;
    } else if (k == "consent_source" || k == "consent_evidence") {
      plan.source_col = i;
    } else if (k.find("phone") != std::string::npos && k.find("type") != std::string::npos) {
      // Google's "Phone 1 - Type": what kind of number, not kept
    } else if (!k.empty()) {
      plan.attribute_cols.push_back(i);
    }
  }
  if (phones.empty())
    throw validation("header", "line 1: no phone column; name one of phone, mobile, whatsapp, number (or use a Google "
                               "Contacts or Outlook export as it is)");
  std::sort(phones.begin(), phones.end());
  for (auto& [_, c] : phones) plan.phone_cols.push_back(c);
  // A "Name" column wins; otherwise first, middle and last names are joined.
  std::sort(names.begin(), names.end());
  if (!names.empty() && names[0].first == 0) plan.name_cols = {names[0].second};
  else for (auto& [_, c] : names) plan.name_cols.push_back(c);
  plan.format = google ? "google" : outlook ? "outlook" : "sangam";
  while (reader.next(rec)) ++plan.records;
  if (!reader.error().empty()) throw validation("body", reader.error());
  if (plan.records == 0) throw validation("body", "the file has a header but no contacts");
  return plan;
}

void run_csv_import(ContactBase& base, JobContext& job, int64_t pid, const ProjectDefaults& defaults,
                    const CsvImportPlan& plan, const std::string& actor) {
  CsvReader reader(plan.text);
  CsvRecord rec;
  reader.next(rec);  // the header
  std::unordered_map<std::string, int64_t> first_line;  // phone → line, for duplicates in the file
  int64_t done = 0;
  const std::set<std::string> personas(defaults.personas.begin(), defaults.personas.end());
  auto cell = [&](int col) { return col >= 0 && col < static_cast<int>(rec.fields.size()) ? trim(rec.fields[col]) : std::string(); };
  struct Row {
    int64_t line;
    std::string phone, name, region, persona;
    std::optional<Consent> consent;
    json evidence, attributes;
    std::vector<std::string> tags;
  };
  std::vector<Row> chunk;
  auto write = [&] {
    if (chunk.empty()) return;
    // The chunk's known contacts and suppressed numbers in two look-ups, not two per row: row by row,
    // a 10,050-row file took over 20 s on PostgreSQL (five round trips a row).
    json phones = json::array(), hashes = json::array();
    std::unordered_map<std::string, std::string> hash_of;
    for (auto& r : chunk) {
      phones.push_back(r.phone);
      hashes.push_back(hash_of.emplace(r.phone, base.phone_hash(r.phone)).first->second);
    }
    base.db().write([&](store::Conn& c) {
      int64_t now = base.clock().now_ms();
      struct Known {
        int64_t id;
        std::string consent, attributes;
      };
      std::unordered_map<std::string, Known> known;
      auto k = c.run("contacts-by-phones", {pid, phones.dump()});
      for (size_t i = 0; i < k.size(); ++i) known[k[i].str("phone")] = {k[i].i64("id"), k[i].str("consent"), k[i].str("attributes")};
      std::unordered_set<std::string> suppressed;
      auto s = c.run("suppressions-by-hashes", {hashes.dump()});
      for (size_t i = 0; i < s.size(); ++i) suppressed.insert(s[i].str("phone_hash"));
      for (auto& r : chunk) {
        auto found = known.find(r.phone);
        bool supp = suppressed.count(hash_of[r.phone]) > 0;
        if (r.consent) {
          // Checked before anything of the row is written, so a refused row leaves no trace. A CSV
          // never lifts an opt-out or a suppression: an old list re-imported must not undo a STOP.
          Consent from = found == known.end() ? (supp ? Consent::opted_out : Consent::unknown)
                                              : parse_consent(found->second.consent).value_or(Consent::unknown);
          auto t = consent_transition(from, *r.consent, true, false);
          if (!t.allowed || (*r.consent == Consent::opted_in && supp)) {
            job.reject(r.line, t.allowed ? "this number is on the suppression list; a CSV cannot opt it in" : t.reason);
            continue;
          }
        }
        int64_t id;
        store::Value region = r.region.empty() ? store::Value(nullptr) : store::Value(r.region);
        if (found == known.end()) {
          json attrs = r.attributes.is_object() ? r.attributes : json::object();
          std::string consent = supp ? "opted_out" : "unknown";
          id = c.run("contact-insert-csv", {pid, r.phone, r.name, region, consent, attrs.dump(), now})[0].i64("id");
          known[r.phone] = {id, consent, attrs.dump()};
          job.count("created");
        } else {
          id = found->second.id;
          json attrs = json::parse(found->second.attributes, nullptr, false);
          if (!attrs.is_object()) attrs = json::object();
          attrs.update(r.attributes);
          found->second.attributes = attrs.dump();
          c.run("contact-csv-update", {pid, id, r.name, region, found->second.attributes, now});
          job.count("updated");
        }
        for (auto& t : r.tags) c.run("contact-tag-add", {id, pid, t});
        if (!r.persona.empty()) c.run("contact-set-persona", {pid, id, r.persona, int64_t(100), int64_t(1), now});
        if (r.consent) base.apply_consent(c, pid, id, *r.consent, "csv", r.evidence, actor, false);
      }
    });
    chunk.clear();
    job.progress(done, plan.records);
  };
  while (reader.next(rec)) {
    ++done;
    if (rec.fields.size() == 1 && trim(rec.fields[0]).empty()) { job.count("skipped_empty"); continue; }
    Row r;
    r.line = rec.line;
    std::vector<std::string> valid, reasons;
    for (int col : plan.phone_cols)
      for (auto& v : split_google(cell(col))) {
        auto p = parse_phone(v, defaults.region);
        if (p.e164) {
          if (std::find(valid.begin(), valid.end(), *p.e164) == valid.end()) valid.push_back(*p.e164);
        } else {
          reasons.push_back("\"" + v.substr(0, 40) + "\": " + p.reason);
        }
      }
    if (valid.empty()) {
      job.reject(rec.line, reasons.empty() ? "no phone number" : "invalid phone " + reasons[0]);
      continue;
    }
    r.phone = valid[0];
    if (auto [it, fresh] = first_line.emplace(r.phone, rec.line); !fresh) {
      job.reject(rec.line, "the phone " + r.phone + " is already on line " + std::to_string(it->second));
      continue;
    }
    for (int col : plan.name_cols)
      if (auto v = cell(col); !v.empty()) r.name += (r.name.empty() ? "" : " ") + v;
    if (r.name.size() > 200) r.name.resize(200);
    r.region = cell(plan.region_col).substr(0, 100);
    r.persona = cell(plan.persona_col);
    if (!r.persona.empty() && !personas.empty() && !personas.count(r.persona)) {
      job.reject(rec.line, "persona \"" + r.persona.substr(0, 40) + "\" is not one of the project's personas");
      continue;
    }
    if (auto cs = cell(plan.consent_col); !cs.empty()) {
      r.consent = parse_consent(cs);
      if (!r.consent) {
        job.reject(rec.line, "consent \"" + cs.substr(0, 40) + "\" is not one of unknown, engaged, opted_in, opted_out");
        continue;
      }
      std::string src = cell(plan.source_col);
      if (*r.consent == Consent::opted_in && src.empty()) {
        job.reject(rec.line, "consent opted_in needs a consent_source (where and how the person agreed)");
        continue;
      }
      if (*r.consent == Consent::unknown) r.consent.reset();
      r.evidence = {{"consent_source", src}, {"csv_line", rec.line}};
    }
    if (plan.tags_col >= 0)
      for (auto& t : split_any(cell(plan.tags_col), ",;|"))
        for (auto& g : split_google(t)) {
          std::string tag = g[0] == '*' ? trim(g.substr(1)) : g;  // Google's "* myContacts"
          if (!tag.empty() && tag != "myContacts" && tag.size() <= 64) r.tags.push_back(tag);
        }
    r.attributes = json::object();
    for (int col : plan.attribute_cols)
      if (auto v = cell(col); !v.empty() && r.attributes.size() < 50)
        r.attributes[key_of(plan.header[col]).substr(0, 64)] = v.substr(0, 1000);
    if (valid.size() > 1) r.attributes["other_phones"] = std::vector<std::string>(valid.begin() + 1, valid.end());
    chunk.push_back(std::move(r));
    if (chunk.size() >= 2000) write();
  }
  write();
  job.progress(done, plan.records);
}

}  // namespace sangam
