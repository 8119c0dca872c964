#pragma once
// A campaign's specification (what the builder sends), its targeting resolved against the project
// (who gets a message, who is left out and why), and the launch plan: plan() of schedule.hpp over
// the eligible accounts, each message rendered for its recipient. Used by CampaignService for the
// estimate, the preview and the launch, and by the planner benchmark.
#include "campaigns/schedule.hpp"
#include "campaigns/template.hpp"
#include "projects/project.hpp"
#include "store/bulk_stream.hpp"
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

// content_json(s, text) without a JSON object per row: nlohmann writes keys in order and "text" sorts
// after kind, media_id, media_url and poll, so every row's content is one per-launch prefix, the text
// escaped as nlohmann escapes it, and `"}`. append() gives the same bytes as content_json (tested);
// a text that is not valid UTF-8 goes through content_json, which refuses it the same way.
class ContentFrame {
 public:
  explicit ContentFrame(const Spec& s);
  void append(std::string& out, std::string_view text) const;

 private:
  const Spec* spec_;
  std::string prefix_;  // {"kind":"text","text":"
};

// The outbox rows of a launch (outbox-plan-row's 15 columns), chunk by chunk for store::bulk_stream:
// one 'queued' row per planned message, rendered (spintax + variables, then `rewrite` for the links
// when set), then one 'skipped' row per target the plan could not place, with its reason. Pure: it
// touches no Conn, so it may run on the render thread (store::PipelinedChunks).
struct LaunchRows {
  const Template& t;
  const Spec& s;
  const Project& p;
  const Resolution& res;
  const Plan& plan;
  int64_t project_id = 0, campaign_id = 0, now_ms = 0;
  std::map<int64_t, std::string> labels;  // account id → what {{account}} says
  std::function<std::string(const std::string& text, int64_t contact_id, int64_t group_id)> rewrite;  // may be empty
};
class LaunchRowSource {
 public:
  static constexpr size_t kWidth = 15;
  // 2,048 rows (~0.5 MB of cells and text) per chunk: big enough that the hand-over between the
  // threads is rare, small enough that 3 chunks in flight are a few MB rather than the 1.3 GB of a
  // 1M-row vector of Params.
  static constexpr size_t kChunkRows = 2048;
  explicit LaunchRowSource(const LaunchRows& rows);
  bool operator()(store::BulkChunk& out);
  size_t total() const { return rows_.plan.messages.size() + rows_.plan.skipped.size(); }

 private:
  const LaunchRows& rows_;
  ContentFrame frame_;
  int64_t priority_;
  size_t next_ = 0;
  std::string text_, key_;
};

// The seed of a launch's spintax for a target: the same variant for the same campaign and target.
uint64_t launch_seed(int64_t campaign_id, int64_t target);

// Local calendar day ("YYYY-MM-DD" ↔ days since 1970-01-01); nullopt when malformed.
std::optional<int64_t> parse_day(const std::string& ymd);
std::string format_day(int64_t day);

}  // namespace sangam::campaigns
