#pragma once
// The core's side of the bridge protocol (docs/bridge-protocol.md): connected connectors, which
// account runs where, and command/result correlation. Transport-agnostic like http::Hub: a
// connector is a send and a close callback, so it is tested without sockets.
//
// A connector holding the bridge secret is trusted with the accounts the core placed on it, and no
// others: it may report events, load or save sessions, and answer commands only for those accounts,
// on the connection they were placed on (docs/security.md, "Connectors").
#include "engines/engine.hpp"
#include "util/clock.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace sangam {

struct ConnectorInfo {
  std::string id;
  std::string version;
  std::vector<std::string> engines;
  int64_t pid = 0;
  int64_t connected_at = 0;
  size_t accounts = 0;
};

// Where a connection's slow frames run: a worker thread, not the socket's I/O thread (serve.cpp: a
// WorkerPool). The job must run exactly once, or be dropped only at shutdown.
using Executor = std::function<void(std::function<void()>)>;

class BridgeHub final : public Engine {
 public:
  // Without an executor every frame is handled on the calling thread (tests, benchmarks).
  BridgeHub(const Clock& clock, EngineListener* listener = nullptr, Executor executor = nullptr)
      : clock_(clock), listener_(listener), executor_(std::move(executor)) {}
  void set_listener(EngineListener* l) { listener_ = l; }
  // Sent in the welcome: a connector that hears nothing from this core for this long stops its clients
  // (connector-side fencing), so a paused node's clients are gone before another node can adopt its
  // accounts when their leases run out (serve.cpp: 2/3 of the lease TTL). 0 = never.
  void set_fence_ms(int64_t ms) { fence_ms_ = ms; }

  // Transport side. message() never throws: a frame it cannot handle gets an error frame (or an
  // error response) and is logged, and the connection keeps working.
  // With an executor, requests (session archives: tens of MB to seal or open, the database) and any
  // frame over kInlineFrameBytes (its JSON parse) run there, so the I/O thread goes on serving its
  // other sockets; the frames after them on the same connection queue behind them, so a connection's
  // frames are still handled one at a time and in order, as the protocol expects.
  uint64_t open(std::function<void(std::string)> send, std::function<void()> close);
  void message(uint64_t conn, const std::string& text);
  void closed(uint64_t conn);
  // At shutdown: connectors going away is no crash; then every connection is forgotten while the
  // I/O contexts that own their sockets still exist.
  void shutdown() { shutting_down_ = true; }
  void drop_all();

  // Engine side.
  void command(int64_t account_id, const std::string& command, const json& args, EngineCallback cb) override;
  bool available() const override;
  void forget_account(int64_t account_id);  // after stop/logout/delete: no connector hosts it

  // Fails commands whose result did not arrive in time (60 s; account.start 180 s), and forgets
  // resume tokens older than kResumeGraceMs.
  void expire(int64_t now_ms);
  std::vector<ConnectorInfo> connectors() const;

  static constexpr int64_t kCommandTimeoutMs = 60000;
  static constexpr int64_t kStartTimeoutMs = 180000;
  // A connector whose socket dropped keeps its clients running and reconnects within 0.5-10 s
  // (its backoff); either side notices a dead socket within 45 s. Two minutes covers both.
  static constexpr int64_t kResumeGraceMs = 120000;
  // Events, results and hellos are a few hundred bytes and parse in microseconds; an archive is MBs.
  static constexpr size_t kInlineFrameBytes = 64 * 1024;

 private:
  struct Conn {
    std::function<void(std::string)> send;
    std::function<void()> close;
    std::optional<ConnectorInfo> info;  // set by hello
    std::string resume;                 // the token sent in welcome
    // Frames waiting for the executor, in arrival order; `busy` while a worker drains them.
    std::deque<std::function<void()>> queued;
    bool busy = false;
  };
  struct Pending {
    uint64_t conn;
    int64_t account_id;
    int64_t deadline;
    EngineCallback cb;
  };
  // The placements of a closed connection, which the same connector takes back by presenting the
  // connection's resume token in its next hello.
  struct Resumable {
    std::vector<int64_t> accounts;
    int64_t until;
  };
  // Parses and handles one frame (message() without the executor).
  void handle(uint64_t conn, const std::string& text);
  void handle_parsed(uint64_t conn, json& m);
  // Queues a job of the connection for the executor; false when the connection is gone.
  bool enqueue(uint64_t conn, std::function<void()> job);
  void drain(uint64_t conn);
  bool busy(uint64_t conn);
  void dispatch(uint64_t conn, json& m, const std::string& type);
  void on_hello(uint64_t conn, const json& m);
  void on_result(uint64_t conn, const json& m);
  void on_request(uint64_t conn, const json& m);
  void on_event(uint64_t conn, json& m);
  // Sends an error frame to the connection (when it is still open).
  void send_to(uint64_t conn, const json& frame);
  void refuse(uint64_t conn, const std::string& code, const std::string& message, json about = nullptr);
  // Whether the account is placed on this connection; the connector's id when it is. Takes mu_.
  std::optional<std::string> placed_here(uint64_t conn, int64_t account_id);
  // Logs and reports (alert) a connector asking about an account it was not given.
  void out_of_scope(uint64_t conn, int64_t account_id, const std::string& what);
  // The connector for an account: where it runs, else the least loaded one offering `engine`
  // (empty: any). Called with mu_ held.
  std::optional<uint64_t> route(int64_t account_id, const std::string& engine);

  const Clock& clock_;
  EngineListener* listener_;
  int64_t fence_ms_ = 0;
  Executor executor_;
  mutable std::mutex mu_;
  std::map<uint64_t, Conn> conns_;
  std::unordered_map<int64_t, uint64_t> placement_;  // account → connection
  std::unordered_map<std::string, Pending> pending_;
  std::unordered_map<std::string, Resumable> resumable_;  // resume token → placements of a closed connection
  uint64_t next_conn_ = 1;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace sangam
