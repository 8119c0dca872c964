#pragma once
// The account health score of seed section 2.2, as a pure function of what was observed.
#include <optional>
#include <string>

namespace sangam {

struct HealthInputs {
  bool connected = false;
  bool banned = false;
  std::optional<int64_t> rtt_ms;  // last keepalive round trip
  int reconnects_24h = 0;
  // Over the last 7 days:
  int sent = 0, delivered = 0, failed = 0, read = 0, replies = 0, blocks = 0, reports = 0;
};

struct HealthScore {
  int connection = 0;  // of 40
  int delivery = 0;    // of 30
  int behaviour = 0;   // of 30
  int total() const { return connection + delivery + behaviour; }
};

HealthScore score_health(const HealthInputs& in);
const char* health_level(int score);  // healthy ≥ 90, warning 70–89, critical < 70

}  // namespace sangam
