// The policy half of the dispatcher's per-message decision (issue 8: policy + claim < 100 µs CPU):
// one decide() with effective limits, and the project-local clock it needs.
#include "safety/local_time.hpp"
#include "safety/policy.hpp"

#include <benchmark/benchmark.h>

using namespace sangam;
using namespace sangam::safety;

static void BM_SafetyDecide(benchmark::State& state) {
  Limits base;
  Calendar cal;
  AccountView a;
  a.id = 3;
  a.health = 85;
  a.warning_since_ms = 1'795'977'000'000;
  a.direct_sent_7d = 40;
  a.direct_unanswered_7d = 22;
  LocalTime now = local_time("Asia/Kolkata", 1'796'020'200'000);  // a Monday, 12:00 IST
  Intent in{Action::direct_message, Priority::campaign, true, 240};
  for (auto _ : state) {
    a.sends_total++;
    a.last_send_ms = now.utc_ms - 200'000;
    benchmark::DoNotOptimize(decide(base, cal, a, in, now));
  }
}
BENCHMARK(BM_SafetyDecide);

static void BM_SafetyLocalTime(benchmark::State& state) {
  int64_t t = 1'796'020'200'000;
  for (auto _ : state) benchmark::DoNotOptimize(local_time("Asia/Kolkata", t += 1000));
}
BENCHMARK(BM_SafetyLocalTime);

// The planner's pure half for an agency-scale direct campaign: 1,000,000 recipients over 20 accounts
// (180 campaign sends a day each), assigned and timed; storage is measured separately.
#include "campaigns/schedule.hpp"

static void BM_PlanMillionRecipients(benchmark::State& state) {
  campaigns::PlanInput in;
  for (int a = 1; a <= 20; ++a) in.accounts.push_back({a, 180});
  in.targets.reserve(1'000'000);
  for (int t = 1; t <= 1'000'000; ++t) in.targets.push_back({t, {}});
  in.start_day = 20'787;
  in.midnight_utc_ms = [](int64_t day) { return local_midnight("Asia/Kolkata", day); };
  for (auto _ : state) {
    auto p = campaigns::plan(in);
    benchmark::DoNotOptimize(p.messages.data());
    state.counters["planned"] = double(p.messages.size());
  }
  state.counters["rows/s"] = benchmark::Counter(1'000'000.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PlanMillionRecipients)->Unit(benchmark::kMillisecond);
