#pragma once
// The core's side of the bridge protocol (docs/bridge-protocol.md): connected connectors, which
// account runs where, and command/result correlation. Transport-agnostic like http::Hub: a
// connector is a send and a close callback, so it is tested without sockets.
#include "engines/engine.hpp"
#include "util/clock.hpp"

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

class BridgeHub final : public Engine {
 public:
  BridgeHub(const Clock& clock, EngineListener* listener = nullptr) : clock_(clock), listener_(listener) {}
  void set_listener(EngineListener* l) { listener_ = l; }

  // Transport side.
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

  // Fails commands whose result did not arrive in time (60 s; account.start 180 s).
  void expire(int64_t now_ms);
  std::vector<ConnectorInfo> connectors() const;

  static constexpr int64_t kCommandTimeoutMs = 60000;
  static constexpr int64_t kStartTimeoutMs = 180000;

 private:
  struct Conn {
    std::function<void(std::string)> send;
    std::function<void()> close;
    std::optional<ConnectorInfo> info;  // set by hello
  };
  struct Pending {
    uint64_t conn;
    int64_t account_id;
    int64_t deadline;
    EngineCallback cb;
  };
  void on_hello(uint64_t conn, const json& m);
  void on_result(const json& m);
  void on_request(uint64_t conn, const json& m);
  // The connector for an account: where it runs, else the least loaded one offering `engine`
  // (empty: any). Called with mu_ held.
  std::optional<uint64_t> route(int64_t account_id, const std::string& engine);

  const Clock& clock_;
  EngineListener* listener_;
  mutable std::mutex mu_;
  std::map<uint64_t, Conn> conns_;
  std::unordered_map<int64_t, uint64_t> placement_;  // account → connection
  std::unordered_map<std::string, Pending> pending_;
  uint64_t next_conn_ = 1;
  uint64_t next_cmd_ = 1;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace sangam
