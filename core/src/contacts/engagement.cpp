#include "contacts/engagement.hpp"

#include <cmath>

namespace sangam {

std::optional<double> engagement_weight(const std::string& kind) {
  if (kind == "conversation_started") return 8;
  if (kind == "reply") return 5;
  if (kind == "poll_vote") return 3;
  if (kind == "link_click") return 3;
  if (kind == "reaction") return 2;
  if (kind == "group_message") return 1;
  if (kind == "read") return 0.5;
  return std::nullopt;
}

static double factor(int64_t at_ms) {
  return std::exp2(static_cast<double>(at_ms - kEngagementT0Ms) / static_cast<double>(kEngagementHalfLifeMs));
}

double engagement_ref_of(double weight, int64_t at_ms) { return weight * factor(at_ms); }
double engagement_now(double ref, int64_t now_ms) { return ref / factor(now_ms); }
double engagement_ref_threshold(double score, int64_t now_ms) { return score * factor(now_ms); }

}  // namespace sangam
