#pragma once
// The planner's pure half (issue 8 item 6): which account sends to which target on which day, and at
// what time. Storage-free, so the 1M-recipient benchmark measures exactly this plus the bulk insert.
// The rules (docs/safety.md, "Planning"):
// - days from the start day; each day's volume is at most the campaign's per-day cap and the sum of
//   the accounts' daily capacities, times the weekend factor on Saturday and Sunday;
// - each target goes to an eligible account (a member of the group; any account when the target
//   names none); the account used least so far in the campaign takes the day's next targets while it
//   has capacity (the seed's "day 1: groups 1–5 → account 1, day 2: groups 6–10 → account 2");
// - times fall in the project's working windows (the lunch break is the gap between them), from a
//   random start within 30 minutes of the first window, with the evening (after 17:00) 1.5× denser.
#include "safety/policy.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sangam::campaigns {

struct PlanTarget {
  int64_t id = 0;
  std::vector<int64_t> accounts;  // eligible accounts; empty = any
};

struct PlanAccount {
  int64_t id = 0;
  int per_day = 0;  // what campaigns may use of its day (safety::campaign_share of its limit)
};

struct PlanInput {
  std::vector<PlanTarget> targets;
  std::vector<PlanAccount> accounts;
  int per_day_cap = 0;  // the campaign's own cap (e.g. 5 groups a day); 0 = none
  int64_t start_day = 0;  // local calendar day (days since 1970-01-01)
  std::optional<int64_t> end_day;  // last day included
  int64_t not_before_ms = 0;  // nothing planned earlier (launch time): today's windows start from it
  safety::Calendar calendar;
  std::function<int64_t(int64_t day)> midnight_utc_ms;  // when a local day begins (safety::local_midnight)
  uint64_t seed = 0;
};

struct PlannedMessage {
  int64_t target = 0, account = 0, day = 0, at_ms = 0;
};
struct SkippedTarget {
  int64_t target = 0;
  std::string reason;  // no_eligible_account | past_end_date | beyond_horizon
};
struct Plan {
  std::vector<PlannedMessage> messages;  // in time order within each account and day
  std::vector<SkippedTarget> skipped;
};

// Without an end date nothing is planned more than a year ahead.
constexpr int kHorizonDays = 366;

Plan plan(const PlanInput& in);

// `n` send times on one local day, in order, inside the calendar's windows and not before
// `not_before_ms`; fewer when the day's windows have passed.
std::vector<int64_t> day_times(const safety::Calendar& cal, int64_t midnight_ms, int n, int64_t not_before_ms, uint64_t seed);

// The preview: messages per account per day.
struct DayLoad {
  int64_t account = 0, day = 0;
  int messages = 0;
  int64_t first_ms = 0, last_ms = 0;
};
std::vector<DayLoad> per_account_day(const Plan& p);

inline int weekday_of(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }  // 1970-01-01 was a Thursday

}  // namespace sangam::campaigns
