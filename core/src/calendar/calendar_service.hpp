#pragma once
// The content calendar (issue 10 item 8): recurring posts per project to groups, communities and
// channels — "every Monday, Wednesday and Friday at 10:00" — each occurrence planned into THE outbox
// the way a campaign launch plans its messages (campaigns/campaign_plan.hpp: the same targeting with
// its phase and admin checks, the same templates and rendering, priority P3), so the dispatcher's
// consent gate, safety policy (working hours, daily quotas, pacing) and at-most-once claim apply at
// send time unchanged. An occurrence can be moved, edited or skipped from the week view; its queued
// outbox rows follow. Knows nothing of HTTP.
#include "auth/user.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>

namespace sangam::calendar {

using json = nlohmann::json;

struct CalendarOptions {
  // Occurrences are planned this many local days ahead (today included): the week view shows a
  // whole week of planned posts, and a rule change re-plans at most a week of queued rows.
  int horizon_days = 7;
  // The planner runs at most this often from tick() (one read of the active entries per minute).
  int64_t tick_interval_ms = 60'000;
  // An occurrence may be moved at most this far ahead.
  int64_t max_move_ahead_ms = 60LL * 86400 * 1000;
};

class CalendarService {
 public:
  CalendarService(store::Database& db, const Clock& clock, CalendarOptions opts = {});

  json entries(int64_t pid);
  json entry_create(const User& u, int64_t pid, const json& body);
  json entry_update(const User& u, int64_t pid, int64_t eid, const json& body);
  void entry_delete(const User& u, int64_t pid, int64_t eid);

  // The week (Monday to Sunday, local) holding `day` ("YYYY-MM-DD"; empty: this week).
  json week(int64_t pid, const std::optional<std::string>& day);
  // Move (date + time, local) and/or edit (body) one occurrence; its queued rows follow.
  json occurrence_update(const User& u, int64_t pid, int64_t oid, const json& body);
  json occurrence_skip(const User& u, int64_t pid, int64_t oid);

  // Plans the occurrences due within the horizon (scheduler; throttled to tick_interval_ms).
  void tick();
  // The same, now, whatever the throttle says (tests, the demo). Answers the occurrences planned.
  int64_t plan_now();
  // Demo only: this week's slots of an entry before today, planned and shown as sent.
  int64_t seed_past_for_demo(int64_t pid, int64_t eid);

 private:
  int64_t plan_entry(store::Conn& c, const store::Row& entry, int64_t now);
  json occurrence_json(store::Conn& c, int64_t pid, int64_t oid);

  store::Database& db_;
  const Clock& clock_;
  CalendarOptions opts_;
  std::mutex mu_;
  int64_t last_tick_ = 0;
};

}  // namespace sangam::calendar
