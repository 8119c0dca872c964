// The safety policy: each rule of docs/safety.md on its own, then a property test over a million
// random schedules, clocks and accounts that no send ever breaks a rule.
#include "safety/local_time.hpp"
#include "safety/policy.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace sangam;
using namespace sangam::safety;

namespace {
constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
// 2026-11-30 was a Monday; India is UTC+05:30 all year.
constexpr int64_t kMondayMidnightIst = 1'795'977'000'000;  // 2026-11-30T00:00+05:30

LocalTime ist(int day_offset, int hh, int mm) {
  LocalTime t;
  t.midnight_utc_ms = kMondayMidnightIst + day_offset * kDay;
  t.minute = hh * 60 + mm;
  t.utc_ms = t.midnight_utc_ms + t.minute * kMin;
  t.day = 20'787 + day_offset;
  t.weekday = ((day_offset % 7) + 7) % 7;
  return t;
}

AccountView active() {
  AccountView a;
  a.id = 7;
  return a;
}

Intent campaign_dm() { return Intent{Action::direct_message, Priority::campaign, false, 120}; }
Intent reply() { return Intent{Action::direct_message, Priority::reply, false, 40}; }
}  // namespace

TEST(SafetyLocalTime, IndiaAndADaylightSavingZone) {
  auto t = local_time("Asia/Kolkata", kMondayMidnightIst + kDay + 9 * kHour);  // Tuesday 09:00 IST
  EXPECT_EQ(t.weekday, 1);
  EXPECT_EQ(t.minute, 9 * 60);
  EXPECT_EQ(t.midnight_utc_ms, kMondayMidnightIst + kDay);
  // 2026-03-08 07:30 UTC is 03:30 EDT, an hour after New York's spring change; the day began at
  // 05:00 UTC (EST) and has 23 hours.
  auto ny = local_time("America/New_York", 1'772'955'000'000);
  EXPECT_EQ(ny.minute, 3 * 60 + 30);
  EXPECT_EQ(ny.weekday, 6);
  EXPECT_EQ(ny.midnight_utc_ms, 1'772'946'000'000);
  EXPECT_THROW(local_time("Mars/Olympus", 0), std::runtime_error);
}

TEST(SafetyLimits, WarmupRampWeekByWeekThenComplete) {
  EXPECT_EQ(warmup_messages(0), 20);
  EXPECT_EQ(warmup_messages(6), 20);
  EXPECT_EQ(warmup_messages(7), 50);
  EXPECT_EQ(warmup_messages(14), 100);
  EXPECT_EQ(warmup_messages(21), 200);
  EXPECT_EQ(warmup_messages(28), std::nullopt);
  AccountView a = active();
  a.role = AccountRole::warmup;
  a.status = AccountStatus::warming;
  LocalTime now = ist(1, 10, 0);
  a.warmup_started_ms = now.utc_ms - 3 * kDay;
  Limits l = effective_limits(Limits{}, Calendar{}, a, now);
  EXPECT_EQ(l.messages, 20);
  EXPECT_EQ(l.group_posts, 1);  // 8 × 20/200, at least one
  EXPECT_EQ(l.group_joins, 3);
  a.warmup_started_ms = now.utc_ms - 15 * kDay;
  EXPECT_EQ(effective_limits(Limits{}, Calendar{}, a, now).messages, 100);
  EXPECT_FALSE(warmup_complete(a, now.utc_ms));
  a.warmup_started_ms = now.utc_ms - 29 * kDay;
  EXPECT_TRUE(warmup_complete(a, now.utc_ms));
  EXPECT_EQ(effective_limits(Limits{}, Calendar{}, a, now).messages, 200);
}

TEST(SafetyLimits, HealthWarningIsMinusThirtyPercentBelowEightyHalvedAndWatchedFor48h) {
  LocalTime now = ist(1, 10, 0);
  AccountView a = active();
  a.health = 85;
  EXPECT_EQ(effective_limits(Limits{}, Calendar{}, a, now).messages, 140);
  a.health = 75;
  Limits half = effective_limits(Limits{}, Calendar{}, a, now);
  EXPECT_EQ(half.messages, 100);
  EXPECT_EQ(half.group_posts, 4);
  EXPECT_EQ(half.group_joins, 1);
  a.health = 95;
  a.warning_since_ms = now.utc_ms - 47 * kHour;
  EXPECT_EQ(effective_limits(Limits{}, Calendar{}, a, now).messages, 140);
  a.warning_since_ms = now.utc_ms - 49 * kHour;
  EXPECT_EQ(effective_limits(Limits{}, Calendar{}, a, now).messages, 200);
}

TEST(SafetyLimits, WeekendFactorAndReplyRate) {
  AccountView a = active();
  Calendar cal;
  EXPECT_EQ(effective_limits(Limits{}, cal, a, ist(5, 10, 0)).messages, 120);  // Saturday × 0.6
  EXPECT_EQ(effective_limits(Limits{}, cal, a, ist(4, 10, 0)).messages, 200);  // Friday
  a.direct_sent_7d = 20;
  a.direct_unanswered_7d = 11;
  EXPECT_EQ(effective_limits(Limits{}, cal, a, ist(1, 10, 0)).new_chats, 15);
  a.direct_unanswered_7d = 17;
  EXPECT_EQ(effective_limits(Limits{}, cal, a, ist(1, 10, 0)).new_chats, 0);
  a.direct_sent_7d = 19;  // too few to judge
  EXPECT_EQ(effective_limits(Limits{}, cal, a, ist(1, 10, 0)).new_chats, 30);
  a.direct_sent_7d = 20;
  Intent fresh{Action::direct_message, Priority::follow_up, true, 50};
  Decision d = decide(Limits{}, cal, a, fresh, ist(1, 10, 0));
  EXPECT_EQ(d.verdict, Verdict::wait);
  EXPECT_EQ(d.reason, "reply_rate");
}

TEST(SafetyDecide, WorkingHoursForCampaignsButRepliesAnyTime) {
  Calendar cal;  // 09:00–12:00, 14:00–21:00
  AccountView a = active();
  Decision d = decide(Limits{}, cal, a, campaign_dm(), ist(1, 8, 0));
  EXPECT_EQ(d.verdict, Verdict::wait);
  EXPECT_EQ(d.reason, "outside_working_hours");
  EXPECT_EQ(d.not_before_ms, ist(1, 9, 0).utc_ms);
  EXPECT_EQ(decide(Limits{}, cal, a, campaign_dm(), ist(1, 12, 30)).not_before_ms, ist(1, 14, 0).utc_ms);
  EXPECT_EQ(decide(Limits{}, cal, a, campaign_dm(), ist(1, 21, 0)).not_before_ms, ist(2, 9, 0).utc_ms);
  EXPECT_EQ(decide(Limits{}, cal, a, campaign_dm(), ist(1, 11, 59)).verdict, Verdict::send);
  Decision r = decide(Limits{}, cal, a, reply(), ist(1, 23, 0));
  EXPECT_EQ(r.verdict, Verdict::send);
  EXPECT_TRUE(r.mark_seen);
  EXPECT_GE(r.typing_ms, 1'500);
}

TEST(SafetyDecide, RepliesKeepATenthOfTheDayThatCampaignsCannotUse) {
  AccountView a = active();
  a.today.messages = 180;
  Decision c = decide(Limits{}, Calendar{}, a, campaign_dm(), ist(1, 10, 0));
  EXPECT_EQ(c.verdict, Verdict::wait);
  EXPECT_EQ(c.reason, "daily_limit");
  EXPECT_EQ(c.not_before_ms, ist(2, 9, 0).utc_ms);
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, reply(), ist(1, 10, 0)).verdict, Verdict::send);
  a.today.messages = 200;
  Decision r = decide(Limits{}, Calendar{}, a, reply(), ist(1, 10, 0));
  EXPECT_EQ(r.reason, "daily_limit");
  EXPECT_EQ(r.not_before_ms, ist(2, 0, 0).utc_ms);
}

TEST(SafetyDecide, PacingGapsOneAtATimeAndGroupLimits) {
  AccountView a = active();
  LocalTime now = ist(1, 10, 0);
  for (int64_t n = 0; n < 1000; ++n) {
    a.sends_total = n;
    int64_t g = pacing_gap_ms(a, Priority::campaign, now.utc_ms);
    ASSERT_GE(g, 30'000);
    ASSERT_LE(g, 120'000);
    int64_t r = pacing_gap_ms(a, Priority::reply, now.utc_ms);
    ASSERT_GE(r, 8'000);
    ASSERT_LE(r, 20'000);
  }
  a.last_send_ms = now.utc_ms - 10'000;
  Decision d = decide(Limits{}, Calendar{}, a, campaign_dm(), now);
  EXPECT_EQ(d.reason, "pacing");
  EXPECT_EQ(d.not_before_ms, *a.last_send_ms + pacing_gap_ms(a, Priority::campaign, now.utc_ms));
  a.last_send_ms.reset();
  a.send_in_flight = true;
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, reply(), now).reason, "in_flight");
  a.send_in_flight = false;
  a.today.group_posts = 8;
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, Intent{Action::group_post, Priority::campaign, false, 300}, now).reason, "group_post_limit");
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, Intent{Action::channel_post, Priority::campaign, false, 300}, now).verdict, Verdict::send);
  a.today.group_joins = 3;
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, Intent{Action::group_join, Priority::batch, false, 0}, now).reason, "join_limit");
}

TEST(SafetyDecide, StatusHealthAndCoolDowns) {
  LocalTime now = ist(1, 10, 0);
  AccountView a = active();
  a.status = AccountStatus::standby;
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, reply(), now).reason, "account_standby");
  a.status = AccountStatus::banned;
  EXPECT_EQ(decide(Limits{}, Calendar{}, a, reply(), now).verdict, Verdict::refuse);
  a.status = AccountStatus::active;
  a.cooldown_until_ms = now.utc_ms + kHour;
  Decision c = decide(Limits{}, Calendar{}, a, reply(), now);
  EXPECT_EQ(c.reason, "cooling");
  EXPECT_EQ(c.not_before_ms, now.utc_ms + kHour);
  a.cooldown_until_ms.reset();
  a.health = 69;
  Decision crit = decide(Limits{}, Calendar{}, a, reply(), now);
  EXPECT_EQ(crit.reason, "critical_health");
  EXPECT_GE(crit.cool_down_ms, kDay);
  EXPECT_LT(crit.cool_down_ms, 2 * kDay);
  EXPECT_EQ(rate_refusal_cooldown_ms(1), kHour);
  EXPECT_EQ(rate_refusal_cooldown_ms(3), 4 * kHour);
  EXPECT_EQ(rate_refusal_cooldown_ms(5), 16 * kHour);
  EXPECT_EQ(rate_refusal_cooldown_ms(6), kDay);
  EXPECT_EQ(rate_refusal_cooldown_ms(60), kDay);
  EXPECT_LT(typing_ms(10, 1), typing_ms(120, 1));
  EXPECT_EQ(typing_ms(100'000, 1), 8'000);
  EXPECT_FALSE(reason_text("pacing").empty());
  EXPECT_NE(reason_text("pacing"), "pacing");
}

// A million random accounts, calendars, limits and clocks, each run through a few sends across day
// boundaries as the dispatcher would (usage per local day, the last send, one send at a time). Every
// send the policy allows must keep every rule; every wait must name a later time.
TEST(SafetyProperty, AMillionRandomSchedulesNeverBreakARule) {
  std::mt19937_64 rng(20261201);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  constexpr int kSchedules = 1'000'000, kSteps = 6;
  int64_t sends = 0, waits = 0;
  for (int s = 0; s < kSchedules; ++s) {
    Calendar cal;
    cal.windows.clear();
    int w1 = pick(0, 20 * 60);
    cal.windows.push_back({w1, std::min(1440, w1 + pick(30, 6 * 60))});
    if (pick(0, 1)) {
      int w2 = pick(cal.windows[0].end_min, 1440);
      if (w2 < 1440) cal.windows.push_back({w2, std::min(1440, w2 + pick(1, 5 * 60))});
    }
    cal.weekend_factor = pick(0, 100) / 100.0;
    Limits base{pick(0, 300), pick(0, 12), pick(0, 5), pick(0, 5), pick(0, 50)};
    AccountView a;
    a.id = s + 1;
    a.role = static_cast<AccountRole>(pick(0, 2));
    a.status = pick(0, 9) == 0 ? static_cast<AccountStatus>(pick(0, 8)) : (a.role == AccountRole::warmup ? AccountStatus::warming : AccountStatus::active);
    a.health = pick(60, 100);
    LocalTime now = ist(pick(0, 400), 0, 0);
    now.minute = pick(0, 1439);
    now.utc_ms += now.minute * kMin;
    if (pick(0, 3) == 0) a.warning_since_ms = now.utc_ms - int64_t(pick(0, 96)) * kHour;
    if (a.status == AccountStatus::warming || pick(0, 1)) a.warmup_started_ms = now.utc_ms - int64_t(pick(0, 40)) * kDay;
    a.direct_sent_7d = pick(0, 60);
    a.direct_unanswered_7d = pick(0, a.direct_sent_7d);
    a.today = Usage{pick(0, 250), pick(0, 10), pick(0, 4), pick(0, 4), pick(0, 40)};
    if (pick(0, 1)) a.last_send_ms = now.utc_ms - int64_t(pick(0, 300)) * 1000;
    for (int step = 0; step < kSteps; ++step) {
      a.send_in_flight = pick(0, 15) == 0;
      Intent in{static_cast<Action>(pick(0, 4)), static_cast<Priority>(pick(1, 4)), pick(0, 2) == 0, pick(0, 2000)};
      if (in.action != Action::direct_message) in.new_chat = false;
      Decision d = decide(base, cal, a, in, now);
      Limits l = effective_limits(base, cal, a, now);
      if (d.verdict == Verdict::send) {
        ++sends;
        bool campaign = in.priority == Priority::campaign || in.priority == Priority::batch;
        ASSERT_TRUE(a.status == AccountStatus::active || a.status == AccountStatus::warming) << s;
        ASSERT_GE(a.health, kCriticalBelow) << s;
        ASSERT_FALSE(a.send_in_flight) << s;
        ASSERT_TRUE(!a.cooldown_until_ms || *a.cooldown_until_ms <= now.utc_ms) << s;
        if (in.priority != Priority::reply) { ASSERT_TRUE(in_working_hours(cal, now.minute)) << s; }
        if (a.last_send_ms) { ASSERT_GE(now.utc_ms - *a.last_send_ms, in.priority == Priority::reply ? 8'000 : 30'000) << s; }
        switch (in.action) {
          case Action::group_join: ASSERT_LT(a.today.group_joins, l.group_joins) << s; ++a.today.group_joins; break;
          case Action::status_post: ASSERT_LT(a.today.status_posts, l.status_posts) << s; ++a.today.status_posts; break;
          case Action::group_post: ASSERT_LT(a.today.group_posts, l.group_posts) << s; ++a.today.group_posts; [[fallthrough]];
          default:
            ASSERT_LT(a.today.messages, campaign ? campaign_share(l.messages) : l.messages) << s;
            ++a.today.messages;
            if (in.new_chat) { ASSERT_LT(a.today.new_chats, l.new_chats) << s; ++a.today.new_chats; }
        }
        // The limits themselves: never above the warm-up ramp, the health factor or the weekend factor.
        if (a.role == AccountRole::warmup || a.status == AccountStatus::warming) {
          int64_t days = a.warmup_started_ms ? (now.utc_ms - *a.warmup_started_ms) / kDay : 0;
          if (auto ramp = warmup_messages(days)) { ASSERT_LE(l.messages, *ramp) << s; }
        }
        if (a.health < kHalvedBelow) { ASSERT_LE(l.messages, base.messages / 2) << s; }
        if (now.weekday >= 5) { ASSERT_LE(l.messages, int(base.messages * cal.weekend_factor + 1e-9)) << s; }
        a.last_send_ms = now.utc_ms;
        ++a.sends_total;
      } else if (d.verdict == Verdict::wait) {
        ++waits;
        ASSERT_GT(d.not_before_ms, now.utc_ms) << s << " " << d.reason;
        // A campaign stopped by the day's cap never stops a reply while the reply share is left.
        if (d.reason == "daily_limit" && in.priority != Priority::reply && in.action != Action::group_post) {
          Intent r{Action::direct_message, Priority::reply, false, 10};
          Decision rd = decide(base, cal, a, r, now);
          if (a.today.messages < l.messages) { ASSERT_NE(rd.reason, "daily_limit") << s; }
        }
      }
      // The next attempt: some seconds to some hours later; a new local day starts a new count.
      int64_t later = pick(0, 3) == 0 ? int64_t(pick(1, 8)) * kHour : int64_t(pick(5, 200)) * 1000;
      if (d.verdict == Verdict::wait && pick(0, 1)) later = std::max<int64_t>(later, d.not_before_ms - now.utc_ms);
      int64_t t = now.utc_ms + later;
      int64_t days = (t - now.midnight_utc_ms) / kDay;
      if (days > 0) {
        now.midnight_utc_ms += days * kDay;
        now.day += days;
        now.weekday = int((now.weekday + days) % 7);
        a.today = Usage{};
      }
      now.utc_ms = t;
      now.minute = int((t - now.midnight_utc_ms) / kMin);
    }
  }
  // The schedules exercised both outcomes often (not a vacuous pass).
  EXPECT_GT(sends, 500'000);
  EXPECT_GT(waits, 500'000);
}
