#pragma once
// The safety policy (seed 2.2–2.3; issue 8 items 8–11): may this account send this message now?
// A pure, deterministic function of what it is given — no clock, no database, no randomness except a
// hash of (account, send number) — so every rule is unit- and property-tested (core/tests/
// safety_test.cpp) and the dispatcher and planner call it, never the other way round. The rules and
// their numbers are in docs/safety.md.
#include "accounts/account.hpp"
#include "projects/project.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sangam::safety {

// P1 replies to incoming messages, P2 follow-ups, P3 campaign posts, P4 batch work.
enum class Priority : int { reply = 1, follow_up = 2, campaign = 3, batch = 4 };
enum class Action : int { direct_message, group_post, channel_post, status_post, group_join };

// Per account per local day. The project's defaults; effective_limits() applies warm-up, health,
// weekend and reply-rate factors.
struct Limits {
  int messages = 200;     // everything sent: one-to-one and posts to groups/channels
  int group_posts = 8;    // posts to groups and community announcements
  int group_joins = 3;
  int status_posts = 3;
  int new_chats = 30;     // one-to-one messages to people who never wrote to this number
};

struct Usage {  // what the account did this local day
  int messages = 0, group_posts = 0, group_joins = 0, status_posts = 0, new_chats = 0;
};

// "Now" in the project's time zone (local_time.hpp computes it).
struct LocalTime {
  int64_t utc_ms = 0;
  int64_t day = 0;      // local calendar day, days since 1970-01-01
  int minute = 0;       // minutes after local midnight, 0–1439
  int weekday = 0;      // 0 = Monday … 6 = Sunday
  int64_t midnight_utc_ms = 0;  // when this local day began, in UTC ms
};

struct Calendar {
  std::vector<WorkingWindow> windows = {{9 * 60, 12 * 60}, {14 * 60, 21 * 60}};
  double weekend_factor = 0.6;
};

struct AccountView {
  int64_t id = 0;
  AccountRole role = AccountRole::production;
  AccountStatus status = AccountStatus::active;
  int health = 100;
  std::optional<int64_t> warning_since_ms;  // when health last fell into the warning band
  std::optional<int64_t> warmup_started_ms;
  std::optional<int64_t> cooldown_until_ms;  // after WhatsApp refused for rate, or a critical health
  Usage today;
  std::optional<int64_t> last_send_ms;
  bool send_in_flight = false;
  int64_t sends_total = 0;  // seeds the random gap: the same account and send get the same gap
  // One-to-one messages sent over the last 7 days, and how many got no reply (WhatsApp caps
  // messages to people who do not answer).
  int direct_sent_7d = 0, direct_unanswered_7d = 0;
};

struct Intent {
  Action action = Action::direct_message;
  Priority priority = Priority::campaign;
  bool new_chat = false;  // a one-to-one message to someone who never wrote to this number
  int body_chars = 0;     // for the typing indicator's length
};

enum class Verdict { send, wait, refuse };

struct Decision {
  Verdict verdict = Verdict::refuse;
  // Stable codes (shown as a skip reason with its words from reason_text()):
  // account_cannot_send, account_standby, cooling, critical_health, in_flight, pacing,
  // outside_working_hours, daily_limit, group_post_limit, join_limit, status_limit,
  // new_chat_limit, reply_rate
  std::string reason;
  int64_t not_before_ms = 0;   // wait: try again at this time
  int64_t cool_down_ms = 0;    // refuse critical_health: cool the account for this long (24–48 h)
  int64_t typing_ms = 0;       // send: show typing for this long first
  bool mark_seen = false;      // send: mark the chat seen first (replies)
};

// Health bands of seed 2.2 (accounts/health.hpp): healthy ≥ 90, warning 70–89, critical < 70.
constexpr int kWarningBelow = 90, kHalvedBelow = 80, kCriticalBelow = 70;
// A warning is watched for 48 h: the reduced limits and longer gaps stay that long after recovery.
constexpr int64_t kWarningWatchMs = 48LL * 3600 * 1000;

// Week 1: 20 a day, week 2: 50, week 3: 100, week 4: 200 (seed 2.2); nullopt once the ramp is over.
std::optional<int> warmup_messages(int64_t days_since_start);
bool warmup_complete(const AccountView& a, int64_t now_ms);

Limits effective_limits(const Limits& base, const Calendar& cal, const AccountView& a, const LocalTime& now);
// What campaigns (P3/P4) may use of the day's messages: the rest is kept for replies and follow-ups,
// so a P1 never waits because campaigns used the day up.
int campaign_share(int messages_limit);

bool in_working_hours(const Calendar& cal, int minute);
// The next start of a working window at or after `now` (UTC ms); now if inside one.
int64_t next_window_start(const Calendar& cal, const LocalTime& now);

// The random gap before this account's next send: 30–120 s (45–180 s while health is watched);
// replies 8–20 s, so a P1 does not wait out a campaign's pacing.
int64_t pacing_gap_ms(const AccountView& a, Priority p, int64_t now_ms);
// Typing shown before a message: grows with its length, 1.5–8 s.
int64_t typing_ms(int body_chars, uint64_t seed);
// How long WhatsApp's n-th rate refusal in a row cools the account: 1 h, 2 h, 4 h … at most 24 h.
int64_t rate_refusal_cooldown_ms(int consecutive_refusals);

Decision decide(const Limits& base, const Calendar& cal, const AccountView& a, const Intent& in, const LocalTime& now);

// The reason in words for the dashboard and skip lists.
std::string reason_text(const std::string& code);

}  // namespace sangam::safety
