#pragma once
// Lead attribution (issue 9 item 5), as a pure function of a contact's touchpoints. Last touch is the
// primary model; first touch and linear are computed beside it for comparison.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sangam::analytics {

enum class TouchKind { imported, delivered, read, replied, clicked, form };

struct Touchpoint {
  TouchKind kind = TouchKind::delivered;
  std::optional<int64_t> campaign_id, group_id;
  int64_t at_ms = 0;
};

struct Credit {
  int64_t campaign_id = 0;
  double credit = 0;  // shares of one lead; a model's credits sum to 1 when it has any campaign
};

struct Attribution {
  std::optional<int64_t> last_touch, first_touch;  // the winning campaign of each model
  std::vector<Credit> linear;                       // by campaign id
  std::vector<Touchpoint> journey;                  // in the window, oldest first
  int touchpoints = 0;                              // campaign touches in the window
  std::optional<int64_t> source_group;              // the group the contact was first imported from
  std::optional<double> days_to_convert;            // from the first campaign touch in the window
};

// Touches count from `lead_at_ms - window_days` to `lead_at_ms`, both ends included. At the same
// moment a stronger touch wins: a click over a reply over a read over a delivery.
Attribution attribute(std::vector<Touchpoint> touches, int64_t lead_at_ms, int window_days = 30);

const char* touch_kind_name(TouchKind k);

}  // namespace sangam::analytics
