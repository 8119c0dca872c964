#include "contacts/persona.hpp"

#include "contacts/opt_out.hpp"
#include "util/errors.hpp"

#include <algorithm>

namespace sangam {
namespace {

// Whether the words of `keyword` appear in a row in `text` (the opt-out tokeniser: case folded,
// Indian scripts split correctly), so "layer" finds "Layer Farmers Namakkal" but not "multilayer".
bool has_keyword(const std::vector<std::string>& text, const std::vector<std::vector<std::string>>& keywords) {
  for (const auto& k : keywords)
    for (size_t i = 0; k.size() && i + k.size() <= text.size(); ++i)
      if (std::equal(k.begin(), k.end(), text.begin() + i)) return true;
  return false;
}

}  // namespace

std::optional<std::string> region_named_in(const std::string& text, const std::vector<std::string>& regions) {
  auto words = opt_out_tokens(text);
  std::optional<std::string> best;
  size_t best_at = words.size();
  for (const auto& r : regions) {
    auto k = opt_out_tokens(r);
    for (size_t i = 0; !k.empty() && i + k.size() <= words.size() && i < best_at; ++i)
      if (std::equal(k.begin(), k.end(), words.begin() + i)) {
        best = r, best_at = i;
        break;
      }
  }
  return best;
}

PersonaScore score_persona(const std::vector<PersonaRule>& rules, const PersonaSignals& s) {
  std::vector<std::vector<std::string>> groups, messages;
  for (auto& g : s.group_texts) groups.push_back(opt_out_tokens(g));
  for (auto& m : s.messages) messages.push_back(opt_out_tokens(m));
  int best = 0, second = 0;
  std::optional<std::string> winner;
  for (const auto& r : rules) {
    std::vector<std::vector<std::string>> kw;
    for (auto& k : r.keywords) kw.push_back(opt_out_tokens(k));
    int g = 0, m = 0;
    for (auto& t : groups) g += has_keyword(t, kw);
    for (auto& t : messages) m += has_keyword(t, kw);
    int points = 25 * std::min(g, 2) + 15 * std::min(m, 2);
    for (auto id : s.group_ids)
      if (std::find(r.groups.begin(), r.groups.end(), id) != r.groups.end()) { points += 40; break; }
    if (s.region && std::find(r.regions.begin(), r.regions.end(), *s.region) != r.regions.end()) points += 20;
    points = std::min(points, 100);
    if (points > best) {
      second = best;
      best = points;
      winner = r.persona;
    } else if (points > second) {
      second = points;
    }
  }
  if (best < 20) return {};
  return {winner, best - second / 2};
}

std::vector<PersonaRule> persona_rules_from(const nlohmann::json& body, const std::vector<std::string>& allowed) {
  if (!body.is_object() || !body.contains("rules") || !body["rules"].is_array())
    throw validation("rules", "must be a list of {persona, keywords, groups, regions}");
  std::vector<PersonaRule> out;
  const auto& rules = body["rules"];
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string at = "rules[" + std::to_string(i) + "]";
    const auto& r = rules[i];
    if (!r.is_object() || !r.contains("persona") || !r["persona"].is_string() || r["persona"].get<std::string>().empty())
      throw validation(at + ".persona", "is required");
    PersonaRule pr;
    pr.persona = r["persona"];
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), pr.persona) == allowed.end())
      throw validation(at + ".persona", "must be one of the project's personas");
    auto strings = [&](const char* k, std::vector<std::string>& dst) {
      if (!r.contains(k)) return;
      if (!r[k].is_array()) throw validation(at + "." + k, "must be a list of texts");
      for (auto& v : r[k]) {
        if (!v.is_string() || v.get<std::string>().empty()) throw validation(at + "." + k, "must be a list of texts");
        dst.push_back(v);
      }
    };
    strings("keywords", pr.keywords);
    strings("regions", pr.regions);
    if (r.contains("groups")) {
      if (!r["groups"].is_array()) throw validation(at + ".groups", "must be a list of group ids");
      for (auto& v : r["groups"]) {
        if (!v.is_number_integer()) throw validation(at + ".groups", "must be a list of group ids");
        pr.groups.push_back(v);
      }
    }
    out.push_back(std::move(pr));
  }
  return out;
}

nlohmann::json persona_rules_json(const std::vector<PersonaRule>& rules) {
  nlohmann::json a = nlohmann::json::array();
  for (auto& r : rules)
    a.push_back({{"persona", r.persona}, {"keywords", r.keywords}, {"groups", r.groups}, {"regions", r.regions}});
  return {{"rules", a}};
}

}  // namespace sangam
