#pragma once
// The WebSocket hub: which connection is subscribed to which project, and delivery of domain events.
// Transport-agnostic: a connection is a pair of callbacks, so the hub is tested without sockets.
#include "util/events.hpp"

#include <functional>
#include <mutex>
#include <set>
#include <unordered_map>

namespace sangam::http {

class Hub final : public EventBus {
 public:
  using CanSee = std::function<bool(int64_t user_id, int64_t project_id)>;
  explicit Hub(CanSee can_see) : can_see_(std::move(can_see)) {}

  uint64_t add(int64_t user_id, std::function<void(std::string)> send, std::function<void()> close);
  void remove(uint64_t client);
  // Handles a client message and returns the reply to send to that client; never throws (a failure
  // is an error reply, and the connection stays).
  std::string handle(uint64_t client, const std::string& message);
  void publish(const Event& e) override;
  size_t size() const;
  // Forgets every connection (at shutdown, while the I/O contexts still exist: a connection's socket
  // must be destroyed before the context it belongs to).
  void drop_all();

 private:
  struct Client {
    int64_t user_id;
    std::set<int64_t> projects;
    std::function<void(std::string)> send;
    std::function<void()> close;
  };
  std::string handle_message(uint64_t client, const std::string& message);

  CanSee can_see_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Client> clients_;
  uint64_t next_ = 1;
};

}  // namespace sangam::http
