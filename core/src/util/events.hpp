#pragma once
// Domain code announces what changed through an EventBus; the WebSocket hub (http/) is one subscriber.
// Nothing here knows about sockets.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sangam {

struct Event {
  std::string name;                   // "project.updated", "member.added", …
  std::optional<int64_t> project_id;  // delivered to subscribers of this project who may see it
  std::optional<int64_t> user_id;     // or to this one user, wherever they are subscribed
  nlohmann::json data;
  int64_t at_ms = 0;
  // Project events only: the least role a member needs to receive it (1 viewer, 2 manager, 3 owner).
  // QR and pairing codes link a number to whoever scans them, so they go to managers and owners only.
  int min_role = 1;
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  virtual void publish(const Event& e) = 0;
};

class NullEventBus final : public EventBus {
 public:
  void publish(const Event&) override {}
};

}  // namespace sangam
