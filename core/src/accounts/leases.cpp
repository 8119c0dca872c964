// Account leases: one sangam process runs an account's WhatsApp client at a time (two clients on one
// session get the number logged out or banned). Lease times come from the database's clock; whether
// this process still holds its leases is judged by its own monotonic clock, which a stall (SIGSTOP, a
// long GC-like pause, a frozen VM) cannot fool.
#include "accounts/account_service.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

bool AccountService::claim(store::Conn& c, int64_t aid) {
  return c.run("account-lease-claim", {aid, opts_.node_id, opts_.lease_ttl_ms}).affected == 1;
}

bool AccountService::claim(int64_t aid) {
  return db_.write([&](store::Conn& c) { return claim(c, aid); });
}

void AccountService::release(int64_t aid) {
  {
    std::lock_guard g(lease_mu_);
    local_clients_.erase(aid);
    ready_clients_.erase(aid);
  }
  db_.write([&](store::Conn& c) { c.run("account-lease-release", {aid, opts_.node_id}); });
}

void AccountService::set_ready(int64_t aid, bool ready) {
  std::lock_guard g(lease_mu_);
  if (ready) ready_clients_.insert(aid);
  else ready_clients_.erase(aid);
}

bool AccountService::client_ready(int64_t aid) const {
  std::lock_guard g(lease_mu_);
  return ready_clients_.count(aid) > 0;
}

void AccountService::note_local_client(int64_t aid) {
  std::lock_guard g(lease_mu_);
  local_clients_.insert(aid);
}

bool AccountService::holds_lease(int64_t aid) const {
  std::lock_guard g(lease_mu_);
  if (!local_clients_.count(aid) || !last_renewal_) return false;
  return std::chrono::steady_clock::now() - *last_renewal_ < std::chrono::milliseconds(opts_.lease_ttl_ms);
}

bool AccountService::renew_leases() {
  using namespace std::chrono;
  auto started = steady_clock::now();
  {
    std::lock_guard g(lease_mu_);
    if (last_renewal_ && started - *last_renewal_ < milliseconds(opts_.lease_ttl_ms / 3)) return false;
    if (last_renewal_ && started - *last_renewal_ >= milliseconds(opts_.lease_ttl_ms))
      spdlog::warn("event=account.lease_stale node={} since_ms={}", opts_.node_id,
                   duration_cast<milliseconds>(started - *last_renewal_).count());
  }
  std::set<int64_t> held;
  auto rows = db_.write([&](store::Conn& c) { return c.run("account-lease-renew", {opts_.node_id, opts_.lease_ttl_ms}); });
  for (size_t i = 0; i < rows.size(); ++i) held.insert(rows[i].i64("id"));
  std::vector<int64_t> lost;
  {
    std::lock_guard g(lease_mu_);
    for (int64_t aid : local_clients_)
      if (!held.count(aid)) lost.push_back(aid);
    for (int64_t aid : lost) local_clients_.erase(aid), ready_clients_.erase(aid);
    last_renewal_ = started;
  }
  for (int64_t aid : lost) {
    // Another node adopted the account while this one did not renew (or it stopped running here
    // another way): its client must stop now, before it can send a single message.
    spdlog::warn("event=account.lease_lost account={} node={}", aid, opts_.node_id);
    engine_.command(aid, "account.stop", json::object(), nullptr);
  }
  return true;
}

void AccountService::adopt_orphans() {
  if (!engine_.available()) return;
  auto rows = db_.read([&](store::Conn& c) { return c.run("account-list-orphaned"); });
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t aid = rows[i].i64("id");
    Account a = db_.read([&](store::Conn& c) { return load(c, aid); });
    spdlog::warn("event=account.adopt account={} from_node={} node={}", aid, a.lease_node.value_or(""), opts_.node_id);
    start_client(a, true);  // claims the expired lease, then restores the stored session
  }
}

}  // namespace sangam
