// The safety policy: the rules of docs/safety.md, in the order the dispatcher needs them (the first
// rule that stops a send gives the reason and the time to try again).
#include "safety/policy.hpp"

#include "accounts/warmup.hpp"

#include "util/mix.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace sangam::safety {

namespace {
constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

uint64_t seed_of(const AccountView& a) { return mix64(static_cast<uint64_t>(a.id) * 0x100000001b3ULL ^ mix64(a.sends_total)); }

int scaled(int v, double f) { return static_cast<int>(std::floor(v * f + 1e-9)); }

bool watched(const AccountView& a, int64_t now_ms) {
  return a.warning_since_ms && now_ms - *a.warning_since_ms < kWarningWatchMs;
}
bool warming(const AccountView& a) { return a.role == AccountRole::warmup || a.status == AccountStatus::warming; }

Decision wait(int64_t until, std::string reason) {
  Decision d;
  d.verdict = Verdict::wait;
  d.not_before_ms = until;
  d.reason = std::move(reason);
  return d;
}
Decision refuse(std::string reason) {
  Decision d;
  d.verdict = Verdict::refuse;
  d.reason = std::move(reason);
  return d;
}

// Tomorrow's first chance: the first working window for campaign work, midnight for replies. Days
// are taken as 24 h; on a daylight-saving change the wait is off by that hour (India has none).
int64_t next_day(const Calendar& cal, const LocalTime& now, Priority p) {
  LocalTime t;
  t.day = now.day + 1;
  t.midnight_utc_ms = now.midnight_utc_ms + kDay;
  t.utc_ms = t.midnight_utc_ms;
  t.minute = 0;
  t.weekday = (now.weekday + 1) % 7;
  return p == Priority::reply ? t.utc_ms : next_window_start(cal, t);
}
}  // namespace

std::optional<int> warmup_messages(int64_t days) {
  // The ramp itself is accounts/warmup.hpp's (the limit an account shows is the one the policy uses).
  if (days < 0) days = 0;
  if (days >= 28) return std::nullopt;
  return static_cast<int>(warmup_ramp_limit(days + 1));
}

bool warmup_complete(const AccountView& a, int64_t now_ms) {
  return a.warmup_started_ms && !warmup_messages((now_ms - *a.warmup_started_ms) / kDay);
}

Limits effective_limits(const Limits& base, const Calendar& cal, const AccountView& a, const LocalTime& now) {
  Limits l = base;
  if (warming(a)) {
    int64_t days = a.warmup_started_ms ? (now.utc_ms - *a.warmup_started_ms) / kDay : 0;
    if (auto ramp = warmup_messages(days)) {
      // The other limits follow the ramp's share of a full day (200), at least one each.
      double share = *ramp / 200.0;
      l.messages = std::min(l.messages, *ramp);
      l.group_posts = std::min(l.group_posts, std::max(1, scaled(base.group_posts, share)));
      l.status_posts = std::min(l.status_posts, std::max(1, scaled(base.status_posts, share)));
      l.new_chats = std::min(l.new_chats, std::max(1, scaled(base.new_chats, share)));
    }
  }
  double f = a.health < kHalvedBelow ? 0.5 : (a.health < kWarningBelow || watched(a, now.utc_ms)) ? 0.7 : 1.0;
  if (f < 1.0) {
    l.messages = scaled(l.messages, f);
    l.group_posts = scaled(l.group_posts, f);
    l.group_joins = scaled(l.group_joins, f);
    l.status_posts = scaled(l.status_posts, f);
    l.new_chats = scaled(l.new_chats, f);
  }
  if (now.weekday >= 5) {
    double w = std::clamp(cal.weekend_factor, 0.0, 1.0);
    l.messages = scaled(l.messages, w);
    l.group_posts = scaled(l.group_posts, w);
    l.status_posts = scaled(l.status_posts, w);
    l.new_chats = scaled(l.new_chats, w);
  }
  // Above half of ≥ 20 one-to-one messages unanswered in 7 days, new chats are halved; above 80 %
  // they stop until people answer again.
  if (a.direct_sent_7d >= 20) {
    double unanswered = double(a.direct_unanswered_7d) / a.direct_sent_7d;
    if (unanswered > 0.8) l.new_chats = 0;
    else if (unanswered > 0.5) l.new_chats /= 2;
  }
  return l;
}

int campaign_share(int messages_limit) {
  if (messages_limit <= 0) return 0;
  return messages_limit - std::max(1, messages_limit / 10);
}

bool in_working_hours(const Calendar& cal, int minute) {
  return std::any_of(cal.windows.begin(), cal.windows.end(),
                     [&](const WorkingWindow& w) { return w.start_min <= minute && minute < w.end_min; });
}

int64_t next_window_start(const Calendar& cal, const LocalTime& now) {
  if (in_working_hours(cal, now.minute)) return now.utc_ms;
  std::optional<int> today, first;
  for (const auto& w : cal.windows) {
    if (w.start_min > now.minute && (!today || w.start_min < *today)) today = w.start_min;
    if (!first || w.start_min < *first) first = w.start_min;
  }
  if (today) return now.midnight_utc_ms + *today * kMinute;
  return now.midnight_utc_ms + kDay + first.value_or(0) * kMinute;
}

int64_t pacing_gap_ms(const AccountView& a, Priority p, int64_t now_ms) {
  uint64_t s = seed_of(a);
  int64_t gap = p == Priority::reply ? 8'000 + int64_t(s % 12'001) : 30'000 + int64_t(s % 90'001);
  if (a.health < kWarningBelow || watched(a, now_ms)) gap = gap * 3 / 2;
  return gap;
}

int64_t typing_ms(int body_chars, uint64_t seed) {
  // ~40 ms a character (a quick typist), ±20 %, between 1.5 and 8 s.
  int64_t base = 1'500 + 40LL * std::max(0, body_chars);
  int64_t jitter = int64_t(mix64(seed) % 41) - 20;  // −20 … +20 %
  return std::clamp<int64_t>(base + base * jitter / 100, 1'500, 8'000);
}

int64_t rate_refusal_cooldown_ms(int n) {
  if (n <= 1) return kHour;
  if (n >= 6) return kDay;  // 2^5 h = 32 h, over the cap
  return std::min<int64_t>(kDay, kHour << (n - 1));
}

Decision decide(const Limits& base, const Calendar& cal, const AccountView& a, const Intent& in, const LocalTime& now) {
  int64_t t = now.utc_ms;
  switch (a.status) {
    case AccountStatus::active:
    case AccountStatus::warming: break;
    case AccountStatus::standby: return refuse("account_standby");
    case AccountStatus::cooling: return wait(a.cooldown_until_ms && *a.cooldown_until_ms > t ? *a.cooldown_until_ms : t + kHour, "cooling");
    default: return refuse("account_cannot_send");
  }
  if (a.cooldown_until_ms && *a.cooldown_until_ms > t) return wait(*a.cooldown_until_ms, "cooling");
  if (a.health < kCriticalBelow) {
    Decision d = refuse("critical_health");
    d.cool_down_ms = kDay + int64_t(seed_of(a) % uint64_t(kDay));  // 24–48 h
    return d;
  }
  if (a.send_in_flight) return wait(t + 1'000, "in_flight");
  if (in.priority != Priority::reply && !in_working_hours(cal, now.minute))
    return wait(next_window_start(cal, now), "outside_working_hours");

  Limits l = effective_limits(base, cal, a, now);
  bool campaign = in.priority == Priority::campaign || in.priority == Priority::batch;
  int64_t tomorrow = next_day(cal, now, in.priority);
  switch (in.action) {
    case Action::group_join:
      if (a.today.group_joins >= l.group_joins) return wait(tomorrow, "join_limit");
      break;
    case Action::status_post:
      if (a.today.status_posts >= l.status_posts) return wait(tomorrow, "status_limit");
      break;
    case Action::group_post:
      if (a.today.group_posts >= l.group_posts) return wait(tomorrow, "group_post_limit");
      [[fallthrough]];
    case Action::channel_post:
    case Action::direct_message: {
      int cap = campaign ? campaign_share(l.messages) : l.messages;
      if (a.today.messages >= cap) return wait(tomorrow, "daily_limit");
      if (in.action == Action::direct_message && in.new_chat && a.today.new_chats >= l.new_chats) {
        AccountView answered = a;  // the same account as if people answered: is the reply rate the cause?
        answered.direct_sent_7d = answered.direct_unanswered_7d = 0;
        Limits without_rate = effective_limits(base, cal, answered, now);
        return wait(tomorrow, a.today.new_chats < without_rate.new_chats ? "reply_rate" : "new_chat_limit");
      }
      break;
    }
  }
  if (a.last_send_ms) {
    int64_t next = *a.last_send_ms + pacing_gap_ms(a, in.priority, t);
    if (t < next) return wait(next, "pacing");
  }
  Decision d;
  d.verdict = Verdict::send;
  d.typing_ms = in.action == Action::direct_message || in.action == Action::group_post ? typing_ms(in.body_chars, seed_of(a)) : 0;
  d.mark_seen = in.priority == Priority::reply;
  return d;
}

std::string reason_text(const std::string& code) {
  static const std::map<std::string, std::string> words = {
      {"account_cannot_send", "The number is not connected or cannot send (banned, retired, unlinked)."},
      {"account_standby", "The number is a backup and waits until another number needs replacing."},
      {"cooling", "The number is cooling down after a warning from WhatsApp or a health drop."},
      {"critical_health", "The number's health is critical; it stops sending and cools down for 24–48 hours."},
      {"in_flight", "The number is sending another message; one at a time."},
      {"pacing", "Waiting the random gap between two sends of this number."},
      {"outside_working_hours", "Outside the project's working hours."},
      {"daily_limit", "The number reached today's message limit."},
      {"group_post_limit", "The number reached today's group post limit."},
      {"join_limit", "The number reached today's group join limit."},
      {"status_limit", "The number reached today's status post limit."},
      {"new_chat_limit", "The number reached today's limit of new one-to-one chats."},
      {"reply_rate", "Too few people answered this number's recent messages; new chats are reduced."},
  };
  auto it = words.find(code);
  return it == words.end() ? code : it->second;
}

}  // namespace sangam::safety
