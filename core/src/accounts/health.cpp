#include "accounts/health.hpp"

#include <algorithm>
#include <cmath>

namespace sangam {

HealthScore score_health(const HealthInputs& in) {
  HealthScore s;
  if (in.banned) return s;
  // Connection (40): alive 25, response time 5, stability 10 (each reconnect in 24 h costs 3).
  if (in.connected) {
    s.connection += 25;
    if (!in.rtt_ms || *in.rtt_ms <= 1000) s.connection += 5;
    else if (*in.rtt_ms <= 3000) s.connection += 3;
  }
  s.connection += std::max(0, 10 - 3 * in.reconnects_24h);

  // Delivery (30): delivered share of what was sent; each failure costs 2. Fewer than 10 sends is too
  // little evidence to judge, so the account keeps full marks.
  if (in.sent < 10) {
    s.delivery = std::max(0, 30 - 2 * in.failed);
  } else {
    double ratio = std::clamp(double(in.delivered) / in.sent, 0.0, 1.0);
    s.delivery = std::max(0, static_cast<int>(std::lround(30 * ratio)) - 2 * in.failed);
  }

  // Behaviour (30): read rate (15, full at ≥ 50%), reply rate (10, full at ≥ 10%), and 5 that blocks
  // and reports take away — a report costs 10, a block 5, beyond the 5 (seed 2.2: reports are the
  // strongest ban signal).
  int penalty = 10 * in.reports + 5 * in.blocks;
  if (in.sent < 20) {
    s.behaviour = std::max(0, 30 - penalty);
  } else {
    double read_rate = double(in.read) / in.sent, reply_rate = double(in.replies) / in.sent;
    int base = static_cast<int>(std::lround(15 * std::min(1.0, read_rate / 0.5) + 10 * std::min(1.0, reply_rate / 0.1))) + 5;
    s.behaviour = std::max(0, base - penalty);
  }
  return s;
}

const char* health_level(int score) {
  if (score >= 90) return "healthy";
  if (score >= 70) return "warning";
  return "critical";
}

}  // namespace sangam
