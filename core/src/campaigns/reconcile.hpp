#pragma once
// Reconciliation (issue 8 item 14; docs/safety.md, dispatch): an outbox row whose send outcome is
// unknown (the core or the connector died mid-send, a timeout, a lost connection) is checked against
// the engine — "has this chat a message from us with this body since the claim?" — and becomes
// `sent` (found, with its message id) or goes back to `queued` only when the engine is sure it is
// not there. Any other answer leaves it `unknown`, checked again later (5 s, doubling, at most 8
// times), then left for a person to review. The core's outbox is the record; the connector's
// in-memory ledger only speeds the answer up.
#include "campaigns/dispatcher.hpp"

#include <mutex>
#include <set>

namespace sangam::campaigns {

class Reconciler {
 public:
  Reconciler(store::Database& db, Sender& sender, const Clock& clock, DispatchOptions opts = {})
      : db_(db), sender_(sender), clock_(clock), opts_(std::move(opts)) {}

  // Asks the engine about up to `batch` due unknown rows of one account (answers arrive
  // asynchronously). Returns how many were asked.
  int check(int64_t account_id, int batch = 5);

  // First check after `n` unsettled ones: 5 s, 10 s, 20 s … at most 10 minutes.
  static int64_t backoff_ms(int n);

 private:
  void settle(int64_t id, int64_t attempts, const FindOutcome& o);

  store::Database& db_;
  Sender& sender_;
  const Clock& clock_;
  DispatchOptions opts_;
  std::mutex mu_;
  std::set<int64_t> asking_;  // rows whose check is out: never two at once
};

}  // namespace sangam::campaigns
