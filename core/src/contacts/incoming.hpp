#pragma once
// What the accounts module tells the contact base about incoming traffic (message.received,
// message.reaction, poll.vote as the bridge protocol defines them), after it recorded the event.
// Called on the thread that handles the bridge frame; implementations catch and log their own
// failures only when they can go on, otherwise the caller logs.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace sangam {

class IncomingListener {
 public:
  virtual ~IncomingListener() = default;
  virtual void on_incoming(int64_t project_id, int64_t account_id, const std::string& event,
                           const nlohmann::json& data) = 0;
};

}  // namespace sangam
