#pragma once
// A campaign's specification (what the builder sends), its targeting resolved against the project
// (who gets a message, who is left out and why), and the launch plan: plan() of schedule.hpp over
// the eligible accounts, each message rendered for its recipient. Used by CampaignService for the
// estimate, the preview and the launch, and by the planner benchmark.
#include "campaigns/schedule.hpp"
#include "campaigns/template.hpp"
#include "projects/project.hpp"
#include "store/db.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sangam::campaigns {

using json = nlohmann::json;

struct Spec {
  std::string name, kind = "group_post";
  std::optional<int64_t> template_id;
  std::string body;
  std::map<std::string, std::string> variables;  // custom variables with their defaults
  json media, poll;                              // null when none
  json targeting = json::object(), schedule = json::object();
};

// Reads a builder body over `base` (PATCH: only the fields given). Every wrong field is reported at
// once (FieldErrors), in words, with the dotted field name ("schedule.end_date").
void apply_spec(Spec& base, const json& body, bool creating);
Spec spec_from_row(const store::Row& r);
json spec_json(const Spec& s);  // the stored columns as the API shows them

bool one_to_one(const std::string& kind);  // direct
// The outbox priority: direct campaigns are follow-ups (P2), posts P3 (issue 8 item 11).
int priority_of_kind(const std::string& kind);

// A recipient: a contact (direct) or a group/channel (posts), with the accounts that may reach it.
struct Recipient {
  int64_t contact_id = 0, group_id = 0;
  std::string chat, name;
  std::map<std::string, std::string> attributes;
  std::vector<int64_t> accounts;  // empty: any of the campaign's accounts
};
struct PlanAccountInfo {
  int64_t id = 0;
  std::string phone, label;
  int per_day = 0;
};
struct Excluded {
  std::string reason, message;
  int64_t count = 0;
};
struct Resolution {
  std::vector<Recipient> recipients;
  std::vector<PlanAccountInfo> accounts;
  std::map<std::string, int64_t> excluded;  // reason → count
  std::vector<std::string> account_errors;  // schedule.account_ids naming a number that cannot send
};

// The template's body, variables, media and poll fill a spec that names one and has none of its own
// (campaigns and calendar entries). Throws FieldErrors (template_id) when it is not the project's.
void fill_from_template(store::Conn& c, int64_t pid, Spec& s);

// Who the campaign reaches now. `phone_hash` may be null (no suppression list to consult).
Resolution resolve(store::Conn& c, const Project& p, const Spec& s, int64_t now_ms,
                   const std::function<std::string(const std::string&)>& phone_hash);

// The words for an exclusion reason (also used for planner skips).
std::string excluded_message(const std::string& reason);
json excluded_json(const std::map<std::string, int64_t>& excluded);

// The schedule of the resolution: plan() with the project's calendar from the start date (today at
// the earliest, not before `now_ms`).
Plan schedule_plan(const Project& p, const Spec& s, const Resolution& r, int64_t now_ms, uint64_t seed);

// The parsed template of a spec; errors (with line and column) go to `errors`.
Template parse_spec_template(const Spec& s, std::vector<TemplateError>& errors);
// One rendering for a recipient (the seed picks the same spintax variant each time).
std::string render_for(const Template& t, const Spec& s, const Project& p, const Recipient& r, const std::string& account_label,
                       uint64_t seed);
// The outbox's content JSON for a rendered text.
std::string content_json(const Spec& s, const std::string& text);

// Local calendar day ("YYYY-MM-DD" ↔ days since 1970-01-01); nullopt when malformed.
std::optional<int64_t> parse_day(const std::string& ymd);
std::string format_day(int64_t day);

}  // namespace sangam::campaigns
