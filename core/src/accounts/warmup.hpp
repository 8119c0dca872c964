#pragma once
// The warm-up ramp (seed design, "Layer 4: warmup"): a new number sends 20 messages a day in its
// first week, 50 in the second, 100 in the third and 200 from the fourth. A warming account's limit
// for today is the smaller of the ramp and its configured limit, computed when it is read, so every
// way into warm-up (created as warm-up, a role change, a move to warming, a restore) gets the same
// limit: a number switched to Warm-up kept its 200 a day before (issue 13 item 8).
#include <algorithm>
#include <cstdint>

namespace sangam {

constexpr int64_t warmup_ramp_limit(int64_t warmup_day) {
  if (warmup_day <= 7) return 20;
  if (warmup_day <= 14) return 50;
  if (warmup_day <= 21) return 100;
  return 200;
}

// warmup_day counts from 1 on the first day in warm-up.
constexpr int64_t todays_limit(int64_t configured, bool warming, int64_t warmup_day) {
  return warming ? std::min(configured, warmup_ramp_limit(warmup_day)) : configured;
}

}  // namespace sangam
