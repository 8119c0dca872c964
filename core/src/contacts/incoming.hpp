#pragma once
// What the accounts module tells the contact base about incoming traffic (message.received,
// message.reaction, poll.vote as the bridge protocol defines them), after it recorded the event.
// Called on the thread that handles the bridge frame; implementations catch and log their own
// failures only when they can go on, otherwise the caller logs.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sangam {

class IncomingListener {
 public:
  virtual ~IncomingListener() = default;
  virtual void on_incoming(int64_t project_id, int64_t account_id, const std::string& event,
                           const nlohmann::json& data) = 0;
};

// Hands each incoming event to several listeners in order (the contact base first, so the inbox
// finds the sender as a contact). A listener's failure is logged and the next one still hears it.
class IncomingFanout final : public IncomingListener {
 public:
  explicit IncomingFanout(std::vector<IncomingListener*> listeners) : listeners_(std::move(listeners)) {}
  void on_incoming(int64_t project_id, int64_t account_id, const std::string& event, const nlohmann::json& data) override;

 private:
  std::vector<IncomingListener*> listeners_;
};

}  // namespace sangam
