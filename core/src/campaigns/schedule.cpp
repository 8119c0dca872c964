#include "campaigns/schedule.hpp"

#include "util/mix.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace sangam::campaigns {

namespace {
constexpr int64_t kMinute = 60'000;
constexpr int kEveningFrom = 17 * 60;   // the evening, after farm and shop work, reads more (seed 2.3)
constexpr double kEveningWeight = 1.5;
constexpr int64_t kStartJitterMs = 30 * kMinute;

struct Rng {
  uint64_t s;
  double unit() { return (mix64(s++) >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
};

struct Segment {
  int64_t from, to;  // UTC ms
  double weight;
};
}  // namespace

std::vector<int64_t> day_times(const safety::Calendar& cal, int64_t midnight_ms, int n, int64_t not_before_ms, uint64_t seed) {
  std::vector<int64_t> out;
  if (n <= 0 || cal.windows.empty()) return out;
  Rng rng{mix64(seed)};
  std::vector<WorkingWindow> windows = cal.windows;
  std::sort(windows.begin(), windows.end(), [](auto& a, auto& b) { return a.start_min < b.start_min; });
  // A random start within 30 minutes of the day's first window, so the first post is not at 09:00:00.
  int64_t jitter = static_cast<int64_t>(rng.unit() * kStartJitterMs);
  std::vector<Segment> segs;
  double total = 0;
  for (size_t i = 0; i < windows.size(); ++i) {
    int64_t from = midnight_ms + windows[i].start_min * kMinute + (i == 0 ? jitter : 0);
    int64_t to = midnight_ms + windows[i].end_min * kMinute;
    from = std::max(from, not_before_ms);
    int64_t evening = midnight_ms + kEveningFrom * kMinute;
    auto add = [&](int64_t a, int64_t b, double w) {
      if (b <= a) return;
      segs.push_back({a, b, w});
      total += double(b - a) * w;
    };
    add(from, std::min(to, evening), 1.0);
    add(std::max(from, evening), to, kEveningWeight);
  }
  if (total <= 0) return out;
  out.reserve(n);
  // Stratified: the i-th send falls at a random point of the i-th n-th of the weighted day, so sends
  // are spread (never bunched) and in order.
  size_t k = 0;
  double before = 0;  // weighted length of segs[0..k)
  for (int i = 0; i < n; ++i) {
    double pos = (i + rng.unit()) / n * total;
    while (k + 1 < segs.size() && before + double(segs[k].to - segs[k].from) * segs[k].weight <= pos) {
      before += double(segs[k].to - segs[k].from) * segs[k].weight;
      ++k;
    }
    int64_t t = segs[k].from + static_cast<int64_t>((pos - before) / segs[k].weight);
    out.push_back(std::min(t, segs[k].to - 1));
  }
  return out;
}

Plan plan(const PlanInput& in) {
  Plan p;
  const size_t na = in.accounts.size();
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < na; ++i) index[in.accounts[i].id] = i;

  // Each target's eligible accounts as indexes; empty = every account.
  std::vector<std::vector<uint32_t>> eligible(in.targets.size());
  std::vector<size_t> pending;
  pending.reserve(in.targets.size());
  for (size_t t = 0; t < in.targets.size(); ++t) {
    for (int64_t a : in.targets[t].accounts)
      if (auto it = index.find(a); it != index.end()) eligible[t].push_back(static_cast<uint32_t>(it->second));
    if (na == 0 || (!in.targets[t].accounts.empty() && eligible[t].empty())) p.skipped.push_back({in.targets[t].id, "no_eligible_account"});
    else pending.push_back(t);
  }
  std::vector<int64_t> used(na, 0);
  std::vector<int> left(na, 0);
  std::vector<std::vector<size_t>> today(na);
  p.messages.reserve(pending.size());

  // Targets waiting, in their order: `carry` (held back from earlier days, all before the rest) then
  // pending[head..]. Only the carried ones are re-sorted each day, never the whole list: a 1M-target
  // campaign spans ~300 days.
  std::vector<size_t> carry;
  size_t head = 0;
  for (int64_t day = in.start_day; !carry.empty() || head < pending.size(); ++day) {
    const char* stop = in.end_day && day > *in.end_day ? "past_end_date"
                       : day - in.start_day >= kHorizonDays ? "beyond_horizon" : nullptr;
    if (stop) {
      for (size_t t : carry) p.skipped.push_back({in.targets[t].id, stop});
      for (; head < pending.size(); ++head) p.skipped.push_back({in.targets[pending[head]].id, stop});
      break;
    }
    double f = weekday_of(day) >= 5 ? std::clamp(in.calendar.weekend_factor, 0.0, 1.0) : 1.0;
    int64_t total_left = 0;
    for (size_t a = 0; a < na; ++a) {
      left[a] = static_cast<int>(std::floor(in.accounts[a].per_day * f + 1e-9));
      total_left += left[a];
      today[a].clear();
    }
    int64_t budget = in.per_day_cap > 0 ? static_cast<int64_t>(std::floor(in.per_day_cap * f + 1e-9)) : total_left;
    std::vector<size_t> next;
    size_t sticky = SIZE_MAX;  // the account taking today's targets while it can
    auto place = [&](size_t t) {
      auto ok = [&](size_t a) { return left[a] > 0; };
      size_t pick = SIZE_MAX;
      auto consider = [&](size_t a) {
        if (ok(a) && (pick == SIZE_MAX || used[a] < used[pick] || (used[a] == used[pick] && left[a] > left[pick]))) pick = a;
      };
      if (eligible[t].empty()) {
        if (sticky != SIZE_MAX && ok(sticky)) pick = sticky;
        else for (size_t a = 0; a < na; ++a) consider(a);
      } else {
        if (sticky != SIZE_MAX && ok(sticky) && std::find(eligible[t].begin(), eligible[t].end(), sticky) != eligible[t].end()) pick = sticky;
        else for (uint32_t a : eligible[t]) consider(a);
      }
      if (pick == SIZE_MAX) return false;  // its accounts are full today
      sticky = pick;
      --left[pick];
      --total_left;
      --budget;
      today[pick].push_back(t);
      return true;
    };
    for (size_t t : carry)
      if (budget <= 0 || total_left <= 0 || !place(t)) next.push_back(t);
    while (head < pending.size() && budget > 0 && total_left > 0) {
      size_t t = pending[head++];
      if (!place(t)) next.push_back(t);
    }

    int64_t midnight = in.midnight_utc_ms(day);
    for (size_t a = 0; a < na; ++a) {
      if (today[a].empty()) continue;
      uint64_t seed = mix64(in.seed ^ mix64(static_cast<uint64_t>(in.accounts[a].id) * 1'000'003ULL + static_cast<uint64_t>(day)));
      auto times = day_times(in.calendar, midnight, static_cast<int>(today[a].size()), in.not_before_ms, seed);
      for (size_t k = 0; k < today[a].size(); ++k) {
        size_t t = today[a][k];
        if (k >= times.size()) {  // today's windows have passed (a launch late in the day)
          next.push_back(t);
          continue;
        }
        p.messages.push_back({in.targets[t].id, in.accounts[a].id, day, times[k]});
        ++used[a];
      }
    }
    std::sort(next.begin(), next.end());  // all before pending[head..]: the order holds
    carry.swap(next);
  }
  return p;
}

std::vector<DayLoad> per_account_day(const Plan& p) {
  std::map<std::pair<int64_t, int64_t>, DayLoad> m;
  for (const auto& msg : p.messages) {
    auto& d = m[{msg.account, msg.day}];
    if (d.messages == 0) d = {msg.account, msg.day, 0, msg.at_ms, msg.at_ms};
    ++d.messages;
    d.first_ms = std::min(d.first_ms, msg.at_ms);
    d.last_ms = std::max(d.last_ms, msg.at_ms);
  }
  std::vector<DayLoad> out;
  out.reserve(m.size());
  for (auto& [_, d] : m) out.push_back(d);
  return out;
}

}  // namespace sangam::campaigns
