#pragma once
// The WebSocket hub: which connection is subscribed to which project, and delivery of domain events.
// Transport-agnostic: a connection is a pair of callbacks, so the hub is tested without sockets.
#include "util/events.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

namespace sangam::http {

// Events with a min_role reach only members with at least that role (account.qr: managers and owners).
//
// session.revoked (user_id set) closes the user's sockets that were opened with a credential that just
// ended, chosen by its data:
//   {"session_id": N}                              opened with session N (logout)
//   {"token_id": N}                                opened with API token N (token revoked)
//   {"sessions": true, "except_session_id": N?}    opened with any session but N (password change;
//                                                  token sockets stay, like the tokens)
//   {}                                             all of them (user disabled or deleted)
// That closes this process's sockets at once. sweep() is the backstop for the rest: a revocation made
// on another sangam node, a session that expired, or one revoked while its socket was being opened.
class Hub final : public EventBus {
 public:
  // The user's role in the project as its number (1 viewer, 2 manager, 3 owner; admins count as
  // owners), 0 when the project does not exist for them.
  using CanSee = std::function<int(int64_t user_id, int64_t project_id)>;
  explicit Hub(CanSee can_see) : can_see_(std::move(can_see)) {}

  // What a socket was opened with, so a revocation closes the right sockets.
  struct Credential {
    std::optional<int64_t> session_id;
    std::optional<int64_t> token_id;
  };
  uint64_t add(int64_t user_id, std::function<void(std::string)> send, std::function<void()> close,
               Credential credential = {});
  void remove(uint64_t client);
  // Handles a client message and returns the reply to send to that client; never throws (a failure
  // is an error reply, and the connection stays).
  std::string handle(uint64_t client, const std::string& message);
  void publish(const Event& e) override;
  // Closes the sockets whose credential no longer authenticates; `valid` is asked once per distinct
  // credential, outside the lock. Sockets added without a credential are left alone. Returns how many
  // were closed.
  size_t sweep(const std::function<bool(int64_t user_id, const Credential&)>& valid);
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
    Credential credential;
  };
  void revoke(const Event& e);
  std::string handle_message(uint64_t client, const std::string& message);

  CanSee can_see_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Client> clients_;
  uint64_t next_ = 1;
};

}  // namespace sangam::http
