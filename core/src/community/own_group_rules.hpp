#pragma once
// Pure rules of our own groups (issue 10 items 3, 5): the seed's growth phases (4.3 "Own Group
// Creation": month 1 foundation with the 20-30 most engaged contacts, months 2-3 growth to 100-150
// members, month 4 on conversion) and the join-request rule.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sangam {

struct GrowthPhase {
  std::string name;      // foundation | growth | conversion
  int64_t since_ms = 0;  // when the group entered it
  std::optional<int64_t> next_at_ms;  // when the next phase starts (none for conversion)
  int64_t target_min = 0, target_max = 0;  // members the seed aims for by the end of this phase
};

// Phases by the group's age: 0-30 days foundation (target 20-30), 30-90 days growth (100-150), then
// conversion (keeps the 150; the seed sets no further number).
GrowthPhase growth_phase(int64_t created_at_ms, int64_t now_ms);

struct JoinRule {
  bool enabled = false;
  std::vector<std::string> countries;  // ISO regions of the phone ("IN"); empty: any
  bool known_contacts_only = false;    // the requester must be a contact of the project
  bool reject_others = false;          // a request failing the rule is rejected (else left for a person)
};

struct JoinFacts {
  std::optional<std::string> phone;    // E.164, none when WhatsApp showed only a lid
  std::string phone_country;           // "IN", "" when unknown
  bool known_contact = false;
  bool opted_out = false;
  bool suppressed = false;
};

struct JoinVerdict {
  std::optional<bool> approve;  // none: leave it for a person
  std::string rule;             // what decided, in words: "country IN, not suppressed, not opted out"
};

JoinRule join_rule_from(const nlohmann::json& j);  // throws validation naming the field
nlohmann::json join_rule_json(const JoinRule& r);
JoinVerdict judge_join(const JoinRule& r, const JoinFacts& f);

}  // namespace sangam
