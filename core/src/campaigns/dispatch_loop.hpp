#pragma once
// Runs the dispatcher for every account this process holds (issue 8 item 13): once a second from the
// scheduler, at most one send in flight per account, and stale claims of crashed sends marked
// unknown every minute. The one sending path for everything in the outbox.
#include "campaigns/dispatcher.hpp"
#include "campaigns/reconcile.hpp"

#include <functional>
#include <mutex>
#include <set>

namespace sangam::campaigns {

class DispatchLoop {
 public:
  // `holds(account)`: this process runs the account's client (its lease), so it may send for it.
  DispatchLoop(store::Database& db, Dispatcher& dispatcher, const Clock& clock, std::function<bool(int64_t)> holds)
      : db_(db), dispatcher_(dispatcher), clock_(clock), holds_(std::move(holds)) {}
  // Unknown outcomes of held accounts are checked against their engine on every tick (set once at start).
  void set_reconciler(Reconciler* r) { reconciler_ = r; }
  void tick();

 private:
  store::Database& db_;
  Dispatcher& dispatcher_;
  const Clock& clock_;
  std::function<bool(int64_t)> holds_;
  std::mutex mu_;
  std::set<int64_t> in_flight_;
  int64_t last_recovery_ = 0;
  bool recovered_own_ = false;
  Reconciler* reconciler_ = nullptr;
};

}  // namespace sangam::campaigns
