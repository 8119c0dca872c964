#pragma once
// Personas (issue 7 item 7): per-project rules assign each contact a persona with a confidence 0–100.
// Scoring, per persona (documented in docs/contacts.md):
//   +25 for each of the contact's groups whose name or description has one of the rule's keywords (at most 2 groups)
//   +40 when the contact is in one of the rule's groups
//   +15 for each of the contact's own messages with a keyword (at most 2)
//   +20 when the contact's region is one of the rule's regions
// capped at 100. The best persona wins with confidence = best − runner-up / 2 (two personas that fit
// alike are not a confident answer); below 20 points nothing is assigned. A persona set by hand
// (persona_manual) is never overwritten by the rules.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sangam {

struct PersonaRule {
  std::string persona;
  std::vector<std::string> keywords;
  std::vector<int64_t> groups;
  std::vector<std::string> regions;
};

struct PersonaSignals {
  std::vector<std::string> group_texts;  // name + description of each of the contact's groups
  std::vector<int64_t> group_ids;
  std::vector<std::string> messages;     // the contact's own recent messages
  std::optional<std::string> region;
};

struct PersonaScore {
  std::optional<std::string> persona;
  int confidence = 0;
};

// The first of `regions` whose words appear in `text` (a group's name and description), by position:
// "Erode Handloom Sellers" → "Erode"; nullopt when none does.
std::optional<std::string> region_named_in(const std::string& text, const std::vector<std::string>& regions);
PersonaScore score_persona(const std::vector<PersonaRule>& rules, const PersonaSignals& s);
// Parses {"rules":[{persona, keywords, groups, regions}]}; throws validation naming the field
// ("rules[1].persona"); `allowed`: the project's persona names (empty: any).
std::vector<PersonaRule> persona_rules_from(const nlohmann::json& body, const std::vector<std::string>& allowed);
nlohmann::json persona_rules_json(const std::vector<PersonaRule>& rules);

}  // namespace sangam
