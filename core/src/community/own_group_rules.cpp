#include "community/own_group_rules.hpp"

#include "util/errors.hpp"

#include <algorithm>

namespace sangam {

namespace {
constexpr int64_t kDay = 86400000;
constexpr int64_t kFoundationDays = 30;  // seed 4.3: "Month 1: Foundation"
constexpr int64_t kGrowthDays = 90;      // "Month 2-3: Growth", then "Month 4+: Conversion"
}  // namespace

GrowthPhase growth_phase(int64_t created, int64_t now) {
  int64_t age = now - created;
  if (age < kFoundationDays * kDay) return {"foundation", created, created + kFoundationDays * kDay, 20, 30};
  if (age < kGrowthDays * kDay) return {"growth", created + kFoundationDays * kDay, created + kGrowthDays * kDay, 100, 150};
  return {"conversion", created + kGrowthDays * kDay, std::nullopt, 150, 150};
}

JoinRule join_rule_from(const nlohmann::json& j) {
  if (!j.is_object()) throw validation("join_rule", "must be an object {enabled, countries, known_contacts_only, reject_others}");
  JoinRule r;
  auto flag = [&](const char* k, bool& out) {
    if (!j.contains(k)) return;
    if (!j[k].is_boolean()) throw validation(std::string("join_rule.") + k, "must be true or false");
    out = j[k].get<bool>();
  };
  flag("enabled", r.enabled);
  flag("known_contacts_only", r.known_contacts_only);
  flag("reject_others", r.reject_others);
  if (j.contains("countries")) {
    if (!j["countries"].is_array()) throw validation("join_rule.countries", "must be a list of two-letter country codes, e.g. [\"IN\"]");
    for (size_t i = 0; i < j["countries"].size(); ++i) {
      const auto& c = j["countries"][i];
      std::string s = c.is_string() ? c.get<std::string>() : "";
      if (s.size() != 2 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
        throw validation("join_rule.countries[" + std::to_string(i) + "]", "must be a two-letter country code in capitals, e.g. IN");
      r.countries.push_back(s);
    }
  }
  return r;
}

nlohmann::json join_rule_json(const JoinRule& r) {
  return {{"enabled", r.enabled}, {"countries", r.countries}, {"known_contacts_only", r.known_contacts_only}, {"reject_others", r.reject_others}};
}

JoinVerdict judge_join(const JoinRule& r, const JoinFacts& f) {
  if (!r.enabled) return {std::nullopt, ""};
  auto no = [&](std::string why) { return JoinVerdict{r.reject_others ? std::optional(false) : std::nullopt, std::move(why)}; };
  // Never let in someone who asked us to stop or is on the suppression list, whatever else holds.
  if (f.suppressed) return no("suppressed number");
  if (f.opted_out) return no("opted out");
  if (!r.countries.empty()) {
    if (f.phone_country.empty()) return no("phone number not shown (WhatsApp gave only a lid)");
    if (std::find(r.countries.begin(), r.countries.end(), f.phone_country) == r.countries.end())
      return no("phone from " + f.phone_country + ", not one of the project's countries");
  }
  if (r.known_contacts_only && !f.known_contact) return no("not a contact of the project");
  std::string why;
  if (!r.countries.empty()) why = "phone from " + f.phone_country + ", ";
  if (r.known_contacts_only) why += "a known contact, ";
  why += "not suppressed, not opted out";
  return {true, why};
}

}  // namespace sangam
