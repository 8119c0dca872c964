#include "analytics/group_reach.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sangam::analytics {

namespace {
constexpr int64_t kHour = 3'600'000;
// The checks after posting: 1 h, 6 h, 24 h.
constexpr int64_t kCheckAfter[] = {1 * kHour, 6 * kHour, 24 * kHour};
}  // namespace

GroupReach::GroupReach(store::Database& db, const Clock& clock, Engine& engine, ReachOptions opts)
    : db_(db), clock_(clock), engine_(engine), opts_(opts) {}

int GroupReach::poll() {
  int64_t now = clock_.now_ms();
  auto due = db_.write([&](store::Conn& c) {
    c.run("reach-track-new", {now - 24 * kHour});
    auto rows = c.run("reach-due", {now, int64_t{opts_.per_round}});
    store::Result mine;
    mine.columns = rows.columns;
    for (size_t i = 0; i < rows.size(); ++i) {
      // The answer comes back asynchronously; until then the row is not due (5 minutes).
      auto r = rows[i];
      if (c.run("reach-claim", {r.i64("outbox_id"), r.i64("next_check_at"), now + 5 * 60'000}).affected == 0) continue;
      mine.rows.push_back(rows.rows[i]);
    }
    return mine;
  });
  int started = 0;
  for (size_t i = 0; i < due.size(); ++i) {
    auto r = due[i];
    int64_t oid = r.i64("outbox_id"), posted = r.i64("posted_at"), checks = r.i64("checks"), size = r.i64("size");
    ++started;
    engine_.command(r.i64("account_id"), "message.info", {{"message_id", r.str("wa_message_id")}},
                    [this, oid, posted, checks, size](const EngineResult& res) {
                      try {
                        record(oid, posted, checks, size, res);
                      } catch (const std::exception& e) {
                        spdlog::error("event=reach.record_failed outbox={} error=\"{}\"", oid, log_value(e.what()));
                      }
                    });
  }
  return started;
}

void GroupReach::record(int64_t oid, int64_t posted, int64_t checks, int64_t size, const EngineResult& r) {
  int64_t now = clock_.now_ms();
  if (!r.ok) {
    std::optional<int64_t> next;
    if (now + opts_.retry_ms - posted <= opts_.give_up_after_ms) next = now + opts_.retry_ms;
    db_.write([&](store::Conn& c) {
      c.run_text("UPDATE group_post_reach SET next_check_at = $2, error = $3 WHERE outbox_id = $1",
                 {oid, next ? store::Value(*next) : store::Value(nullptr), r.error_code + ": " + r.error_message.substr(0, 200)});
    });
    return;
  }
  int64_t delivered = r.data.value("delivered", int64_t{0}), read = r.data.value("read", int64_t{0});
  int64_t pending = r.data.value("pending", int64_t{0});
  // The group's size from the last sync; what the engine counted when the sync is older than the post.
  int64_t members = std::max(size, delivered + pending);
  int64_t done = checks + 1;
  // The next check of the schedule still ahead; none after the 24 h one.
  std::optional<int64_t> next;
  for (int64_t after : kCheckAfter)
    if (posted + after > now) {
      next = posted + after;
      break;
    }
  db_.write([&](store::Conn& c) {
    c.run("reach-record", {oid, members, delivered, read, done, next ? store::Value(*next) : store::Value(nullptr), now, nullptr});
  });
}

}  // namespace sangam::analytics
