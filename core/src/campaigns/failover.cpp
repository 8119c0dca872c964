#include "campaigns/failover.hpp"

#include "campaigns/reroute.hpp"
#include "safety/policy.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <map>

namespace sangam::campaigns {

namespace {
std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

std::string failover_message(const std::string& phone, const std::string& cause, const FailoverReport& r) {
  std::string s = phone + (cause == "banned" ? " was banned by WhatsApp." : "'s health is critical; it stops sending.");
  int64_t total = r.moved + r.unreachable + r.waiting;
  if (total == 0) s += " It had no queued messages.";
  if (r.moved) {
    s += " " + std::string(r.moved == total ? "Its " : "") + plural(r.moved, "queued message", "queued messages") +
         (r.moved == 1 ? " is" : " are") + " moving to ";
    for (size_t i = 0; i < r.takers.size(); ++i) {
      if (i) s += i + 1 == r.takers.size() ? " and " : ", ";
      s += r.takers[i].first;
      if (r.takers.size() > 1) s += " (" + std::to_string(r.takers[i].second) + ")";
    }
    s += ".";
  }
  if (r.unreachable)
    s += " " + plural(r.unreachable, "message", "messages") + " could not move: no other number can reach " +
         (r.unreachable == 1 ? "its target" : "their targets") + " (marked unreachable).";
  if (r.waiting)
    s += " " + plural(r.waiting, "message waits", "messages wait") + " for it to recover: no other number can reach " +
         (r.waiting == 1 ? "its target." : "their targets.");
  if (r.backup) s += " Backup " + r.backup->phone + " is now active.";
  else s += " No backup number was waiting in standby.";
  return s;
}

void Failover::on_account_lost(int64_t pid, int64_t aid, const std::string& cause, const std::string& detail) {
  FailoverReport r = run(pid, aid, cause, detail);
  alerts_.raise(pid, aid, "failover", "critical", r.message);
}

FailoverReport Failover::run(int64_t pid, int64_t aid, const std::string& cause, const std::string& detail) {
  FailoverReport rep;
  std::string phone = db_.read([&](store::Conn& c) {
    auto a = c.run("account-columns", {aid});
    return a.empty() ? std::string("a number") : a[0].str("phone");
  });
  // The backup first, so it can take rows too (when it can reach their targets).
  rep.backup = accounts_.activate_backup(pid, phone, cause == "banned" ? "banned by WhatsApp" : "health critical");
  int64_t now = clock_.now_ms();
  std::string why = cause == "banned" ? phone + " was banned by WhatsApp (" + detail + ")" : phone + "'s health is critical (" + detail + ")";
  db_.write([&](store::Conn& c) {
    auto rows = c.run("outbox-queued-of-account", {aid});
    // Each taker's next free slot: its rows follow one another by its own random pacing gap (the
    // policy's 30–120 s), so a taker does not receive a burst; the dispatcher re-checks at send time.
    std::map<int64_t, int64_t> slot, taken;
    std::map<int64_t, std::string> phones;
    for (size_t i = 0; i < rows.size(); ++i) {
      int64_t id = rows[i].i64("id");
      std::string target = rows[i].str("target");
      std::set<int64_t> tried = parse_tried(rows[i].str("tried_accounts"));
      tried.insert(aid);
      auto takers = eligible_takers(c, pid, target, tried);
      if (takers.empty()) {
        if (cause == "banned") {
          std::string reason = "unreachable: " + why + " and no other number of the project can reach " +
                               (target.ends_with("@g.us") ? "this group" : "this chat");
          c.run("outbox-fail-unreachable", {id, reason, now});
          c.run("unreachable-upsert", {pid, target, reason, id, now});
          ++rep.unreachable;
        } else {
          ++rep.waiting;
        }
        continue;
      }
      // Least loaded, counting what this failover already gave it.
      const Taker* best = &takers.front();
      for (const auto& t : takers)
        if (t.queued + taken[t.id] < best->queued + taken[best->id]) best = &t;
      safety::AccountView v;
      v.id = best->id;
      v.health = best->health;
      v.sends_total = taken[best->id];
      auto prio = static_cast<safety::Priority>(std::clamp<int64_t>(rows[i].i64("priority"), 1, 4));
      int64_t at = std::max(rows[i].i64("planned_at"), slot.count(best->id) ? slot[best->id] : now);
      slot[best->id] = at + safety::pacing_gap_ms(v, prio, now);
      taken[best->id]++;
      phones[best->id] = best->phone;
      c.run("outbox-move", {id, best->id, at, format_tried(tried), "moved from " + phone + " to " + best->phone + " (" + why + ")", now});
      // The circuit breaker watches the taker for this row's campaign from now on.
      c.run("campaign-account-of-moved-row", {id});
      ++rep.moved;
    }
    for (auto& [id, n] : taken) rep.takers.emplace_back(phones[id], n);
  });
  rep.message = failover_message(phone, cause, rep);
  spdlog::warn("event=account.failover project={} account={} cause={} moved={} unreachable={} waiting={} backup={}", pid, aid,
               cause, rep.moved, rep.unreachable, rep.waiting, rep.backup ? rep.backup->id : 0);
  return rep;
}

}  // namespace sangam::campaigns
