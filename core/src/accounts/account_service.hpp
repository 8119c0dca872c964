#pragma once
// The account pool: CRUD and linking for people (HTTP), and the reaction to what engines report
// (EngineListener): linking, recovery after disconnects, bans, health, alerts. tick() drives the
// timed parts (retries, keepalive, health, inactivity) from the scheduler thread.
#include "accounts/account.hpp"
#include "accounts/alerts.hpp"
#include "contacts/incoming.hpp"
#include "auth/user.hpp"
#include "engines/engine.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/events.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <set>

namespace sangam {

struct AccountOptions {
  int64_t reconnect_delay_ms = 30000;               // seed 1.2: wait 30 s, then restore the session
  int max_reconnects = 3;                           // … up to 3 times, doubling the wait each time
  int64_t keepalive_ms = 15 * 60 * 1000;            // seed 1.2: keepalive every 15 minutes
  int64_t health_interval_ms = 5 * 60 * 1000;       // recompute health at least this often
  int64_t phone_inactive_ms = 12LL * 86400 * 1000;  // WhatsApp unlinks after 14 idle days; warn at 12
  std::string node_id = "local";                    // this sangam process, for account leases
  int64_t lease_ttl_ms = 60000;                     // renewed every 20 s; a dead node's accounts move after 60 s
};

// Told when a number is lost for sending (issue 8 item 16): banned by WhatsApp, or its health went
// critical. The campaigns module moves its queue (campaigns/failover.hpp). Called after the status
// change is committed, on the thread that saw it.
class AccountLossListener {
 public:
  virtual ~AccountLossListener() = default;
  // cause: "banned" | "critical"; detail: words (the ban reason, the health score).
  virtual void on_account_lost(int64_t project_id, int64_t account_id, const std::string& cause, const std::string& detail) = 0;
};

struct ActivatedBackup {
  int64_t id = 0;
  std::string phone;
};

class AccountService final : public EngineListener {
 public:
  AccountService(store::Database& db, const Clock& clock, EventBus& bus, Engine& engine, AlertService& alerts,
                 crypto::SecretKey key, AccountOptions opts = {});

  json list(const User& u, int64_t pid);
  json get(const User& u, int64_t pid, int64_t aid);
  json create(const User& u, int64_t pid, const json& body);
  json update(const User& u, int64_t pid, int64_t aid, const json& body);
  void remove(const User& u, int64_t pid, int64_t aid);
  json link(const User& u, int64_t pid, int64_t aid, const json& body);
  json qr_history(const User& u, int64_t pid, int64_t aid);
  json transition(const User& u, int64_t pid, int64_t aid, const json& body);
  json logout(const User& u, int64_t pid, int64_t aid);
  json health(const User& u, int64_t pid, int64_t aid);
  void sim(const User& u, int64_t pid, int64_t aid, const std::string& action, const json& body);

  // EngineListener
  void on_engine_event(int64_t aid, const std::string& event, const json& data) override;
  json on_engine_request(int64_t aid, const std::string& request, const json& args) override;
  void on_connector_up(const std::string& connector_id) override;
  void on_connector_down(const std::string& connector_id, const std::string& reason) override;
  void on_connector_refused(const std::string& connector_id, int64_t aid, const std::string& what) override;

  void tick();
  // Who hears about incoming messages, reactions and poll votes (the contact base: opt-outs,
  // engagement). Set once at start, before any connector connects.
  void set_incoming(IncomingListener* l) { incoming_ = l; }
  // Who hears of banned or critical numbers (failover). Set once at start.
  void set_loss_listener(AccountLossListener* l) { loss_ = l; }
  // Failover: the project's first linked backup number waiting in standby becomes active (through the
  // state machine, audited), replacing `replaced_phone`. Implemented in backup.cpp.
  std::optional<ActivatedBackup> activate_backup(int64_t project_id, const std::string& replaced_phone, const std::string& why);
  // Whether this process may act for the account now: it runs its client and its lease was renewed
  // less than a lease lifetime ago. The dispatcher asks before every send (fencing).
  bool holds_lease(int64_t aid) const;
  // Whether the account's client reported ready since this process last started it (and has not been
  // lost since): the dispatcher sends only then, so a restoring session is not sent to (not_ready,
  // a 5-minute retry) and unknown outcomes are checked against a client that can read its chats.
  bool client_ready(int64_t aid) const;

  // Demo seeding: creates an account unless its phone exists (no permission checks).
  void seed(int64_t pid, const std::string& phone, const std::string& label, const std::string& engine, AccountRole role);

 private:
  Account load(store::Conn& c, int64_t aid);
  Account require(store::Conn& c, const User& u, int64_t pid, int64_t aid, int min_role);
  // Moves through the state machine or throws conflict (field "to").
  void set_status(store::Conn& c, const Account& a, AccountStatus to, const std::optional<std::string>& reason);
  // A status write touched no row: the account moved under us (conditional update); conflict.
  static void expect_status(const store::Result& r, int64_t aid, AccountStatus to);
  void publish(int64_t aid);
  void start_client(const Account& a, bool restore);
  // Leases: one sangam process runs an account's client at a time (docs/accounts.md, scale-out).
  // Implemented in leases.cpp.
  bool claim(store::Conn& c, int64_t aid);
  bool claim(int64_t aid);
  void release(int64_t aid);
  bool ours(const Account& a) const { return a.lease_node == opts_.node_id; }
  void note_local_client(int64_t aid);
  // Renews this node's leases when a third of their lifetime has passed (by the monotonic clock) and
  // stops the client of every account whose lease another node took meanwhile. True when it renewed.
  bool renew_leases();
  void adopt_orphans();
  void on_ready(int64_t aid, const json& data);
  void request_pairing_code_if_wanted(int64_t aid);
  void on_disconnected(int64_t aid, const std::string& reason);
  void on_failure(int64_t aid, const std::string& kind, const std::string& message);
  void recompute_health(int64_t aid);
  void retry_due(int64_t now);
  void keepalive(int64_t now);
  void check_inactive(int64_t now);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  Engine& engine_;
  AlertService& alerts_;
  crypto::SecretKey key_;
  AccountOptions opts_;
  IncomingListener* incoming_ = nullptr;
  AccountLossListener* loss_ = nullptr;
  void tell_lost(int64_t pid, int64_t aid, const std::string& cause, const std::string& detail);
  std::mutex tick_mu_;
  std::mutex pairing_mu_;
  std::set<int64_t> wants_pairing_code_;  // linking with a code: asked for at the first QR
  int64_t last_keepalive_ = 0, last_health_ = 0, last_inactive_check_ = 0;
  mutable std::mutex lease_mu_;
  std::set<int64_t> local_clients_;  // accounts whose client this process started and has not stopped
  std::set<int64_t> ready_clients_;  // … and that reported ready since (client_ready)
  void set_ready(int64_t aid, bool ready);
  std::optional<std::chrono::steady_clock::time_point> last_renewal_;  // the last renewal that answered
};

}  // namespace sangam
