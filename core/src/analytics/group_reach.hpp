#pragma once
// Group post reach (issue 9 item 2). Acks of group messages are unreliable (WAHA switched group read
// receipts off; its users see zero receipts for hundreds of posts), so for each group post the
// engine is asked for the message's per-participant delivery and read lists (whatsapp-web.js
// Message.getInfo(), modelled by the simulator) 1 h, 6 h and 24 h after posting, at a bounded rate.
// Reach is delivered/read members out of the group's size.
#include "engines/engine.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

namespace sangam::analytics {

struct ReachOptions {
  // At most this many engine calls per round; serve.cpp runs a round a minute, so ≤ 10 calls a
  // minute per node: each getInfo is a round trip into WhatsApp Web that should never look like a burst.
  int per_round = 10;
  int64_t retry_ms = 30 * 60'000;       // a failed check is tried again after 30 minutes…
  int64_t give_up_after_ms = 26 * 3'600'000;  // …until 26 h after the post
};

class GroupReach {
 public:
  GroupReach(store::Database& db, const Clock& clock, Engine& engine, ReachOptions opts = {});
  // Tracks the day's new group posts and asks about the due ones. Returns the checks started.
  int poll();

 private:
  void record(int64_t outbox_id, int64_t posted_at, int64_t checks, int64_t size, const EngineResult& r);
  store::Database& db_;
  const Clock& clock_;
  Engine& engine_;
  ReachOptions opts_;
};

}  // namespace sangam::analytics
