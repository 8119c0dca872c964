#pragma once
// The demo's content calendar (issue 10 items 8 and 10): once PoultryCare's groups and channel are
// synced, the seed's channel rhythm (Monday industry insight, Wednesday product tip, Friday success
// story) and twice-weekly value posts to the groups — this week's earlier ones shown as sent, the
// rest planned in the outbox. Runs from the scheduler; gives up after `window_ms`.
#include "calendar/calendar_service.hpp"
#include "store/db.hpp"

#include <functional>

namespace sangam {

class DemoCalendar {
 public:
  DemoCalendar(store::Database& db, calendar::CalendarService& calendar, int64_t start_ms, int64_t window_ms = 10 * 60 * 1000)
      : db_(db), calendar_(calendar), until_(start_ms + window_ms) {}
  void tick(int64_t now_ms);
  // Runs after the calendar is seeded (the channels' follower history, slice C).
  void on_seeded(std::function<void(int64_t project_id)> fn) { seeded_ = std::move(fn); }

 private:
  store::Database& db_;
  calendar::CalendarService& calendar_;
  int64_t until_, last_ = 0;
  bool done_ = false;
  std::function<void(int64_t)> seeded_;
};

}  // namespace sangam
