#include "analytics/attribution.hpp"

#include <algorithm>
#include <map>

namespace sangam::analytics {

namespace {
constexpr int64_t kDay = 86'400'000;
int strength(TouchKind k) {
  switch (k) {
    case TouchKind::clicked: return 4;
    case TouchKind::replied: return 3;
    case TouchKind::read: return 2;
    case TouchKind::delivered: return 1;
    default: return 0;
  }
}
bool campaign_touch(const Touchpoint& t) { return t.campaign_id && strength(t.kind) > 0; }
}  // namespace

const char* touch_kind_name(TouchKind k) {
  switch (k) {
    case TouchKind::imported: return "imported";
    case TouchKind::delivered: return "delivered";
    case TouchKind::read: return "read";
    case TouchKind::replied: return "replied";
    case TouchKind::clicked: return "clicked";
    case TouchKind::form: return "form";
  }
  return "delivered";
}

Attribution attribute(std::vector<Touchpoint> touches, int64_t lead_at, int window_days) {
  Attribution a;
  // Oldest first; at the same moment the weaker touch first, so "latest" is the stronger one.
  std::stable_sort(touches.begin(), touches.end(), [](const Touchpoint& x, const Touchpoint& y) {
    return x.at_ms != y.at_ms ? x.at_ms < y.at_ms : strength(x.kind) < strength(y.kind);
  });
  for (const auto& t : touches)
    if (t.kind == TouchKind::imported && t.group_id) {
      a.source_group = t.group_id;
      break;
    }
  int64_t from = lead_at - int64_t(window_days) * kDay;
  std::map<int64_t, int> per_campaign;
  for (const auto& t : touches) {
    if (t.at_ms < from || t.at_ms > lead_at) continue;
    a.journey.push_back(t);
    if (!campaign_touch(t)) continue;
    ++a.touchpoints;
    ++per_campaign[*t.campaign_id];
    if (!a.first_touch) {
      a.first_touch = t.campaign_id;
      a.days_to_convert = double(lead_at - t.at_ms) / kDay;
    }
    a.last_touch = t.campaign_id;
  }
  for (const auto& [cid, n] : per_campaign) a.linear.push_back({cid, double(n) / a.touchpoints});
  return a;
}

}  // namespace sangam::analytics
