#pragma once
// The per-account dispatcher (issue 8 items 13–14): one step takes the account's next due outbox row,
// re-checks consent, suppression and the safety policy at send time, claims it (the claim and its
// idempotency key are committed before the send leaves the core), sends through the typed Sender and
// records the outcome. Depends only on the Store, the Sender, a Clock and the policy (DESIGN.md).
#include "engines/sender.hpp"
#include "safety/policy.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sangam::campaigns {

// The consent gate for a one-to-one row (contacts/contact_base.hpp: messageable_at_send), asked
// inside the claim's transaction: by the row's contact, or by its chat when it has none (a contact
// erased or never known: the suppression list still holds).
struct ConsentVerdict {
  bool allowed = false;
  std::string reason;
};
using ConsentCheck = std::function<ConsentVerdict(store::Conn&, int64_t project_id, std::optional<int64_t> contact_id,
                                                  const std::string& chat)>;

struct DispatchOptions {
  std::string node_id = "local";
  int64_t claim_ttl_ms = 5 * 60'000;  // a claim older than this is a crashed send: marked unknown
  int max_attempts = 3;               // sends that surely did not happen, 5 minutes apart (item 15)
  int64_t retry_delay_ms = 5 * 60'000;
  safety::Limits limits;              // the project's defaults; messages = the account's daily_limit
  // TEST ONLY (SANGAM_TEST_RELAXED_POLICY=1, docs/safety.md): accounts on the simulated network
  // skip the limits, pacing and working hours, to show what the simulator's ban model does to an
  // unpaced number. Never applies to a real number (engine webjs), whatever is set.
  bool relaxed_for_sim = false;
  int max_reconcile_checks = 8;       // unsettled checks of an unknown row before it is left for review
};

// Why a row of `kind` may not go to a group whose sending number is in `phase` (issue 10 item 9), or
// nullopt: observation → nothing; contribution → only kind "reply"; value → anything.
std::optional<std::string> phase_refusal(const std::string& phase, const std::string& kind);

// The uploaded media file an outbox row's content names (media_id), if any.
std::optional<int64_t> media_id_of(const std::string& stored);

// The stored JSON content of an outbox row, typed.
Content stored_content(const std::string& stored);

enum class StepResult {
  idle,      // nothing due
  waiting,   // the next row waits (policy), its planned time moved
  skipped,   // refused by consent or the policy for good
  claimed,   // sent to the engine; the outcome is recorded when it answers
  busy,      // another dispatcher claimed it first, or the account cannot send now
};

class Dispatcher {
 public:
  Dispatcher(store::Database& db, Sender& sender, const Clock& clock, ConsentCheck consent, DispatchOptions opts = {})
      : db_(db), sender_(sender), clock_(clock), consent_(std::move(consent)), opts_(std::move(opts)) {}

  // One row of `account_id`. `done` (optional) runs once the outcome of a claimed row is recorded.
  StepResult step(int64_t account_id, std::function<void(SendStatus)> done = nullptr);

  // At start and every minute: claims whose holder died become `unknown` (reconciled, or shown for
  // review), never re-sent blindly.
  int64_t recover_stale();
  // At start: this node's own claims are its previous process's (one process per data dir).
  int64_t recover_own_claims();
  const DispatchOptions& options() const { return opts_; }

 private:
  void settle(int64_t id, int64_t account_id, const SendOutcome& o, int attempts);
  // The project's calendar, parsed once and kept while the row's time zone, working hours and weekend
  // factor (read with the account's lock, every decision) stay the same: a change shows at the next
  // decision, in this process and in any other, without a notification.
  struct ProjectCalendar {
    std::string time_zone, working_hours;
    double weekend_factor = 0;
    safety::Calendar calendar;
  };
  safety::Calendar calendar_of(store::Conn& c, const store::Row& account_row, int64_t project_id, std::string& time_zone);

  store::Database& db_;
  Sender& sender_;
  const Clock& clock_;
  ConsentCheck consent_;
  DispatchOptions opts_;
  std::mutex calendars_mu_;
  std::map<int64_t, ProjectCalendar> calendars_;
};

}  // namespace sangam::campaigns
