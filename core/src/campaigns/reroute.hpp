#pragma once
// Moving outbox rows between the numbers of a project (issue 8 items 15-16; docs/safety.md, dispatch):
// after a row's retries on one number it goes to another number that can reach the same target (a
// member of the group for a group post, any working number for a direct message), and when none is
// left the target is marked unreachable, with the reason. Failover moves a lost number's queue the
// same way. Called inside the caller's write transaction; no I/O but the store.
#include "store/db.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sangam::campaigns {

struct Taker {
  int64_t id = 0;
  std::string phone;
  int64_t queued = 0;  // rows it already has to send
  int health = 100;
};

// ",3,7," ⇄ {3, 7}: the numbers that already gave a row up.
std::set<int64_t> parse_tried(const std::string& s);
std::string format_tried(const std::set<int64_t>& ids);

// Working (active or warming), healthy (≥ 70) numbers of the project other than those in `exclude`
// that can reach `target`: members of the group or channel for …@g.us / …@newsletter, any for a chat.
std::vector<Taker> eligible_takers(store::Conn& c, int64_t project_id, const std::string& target,
                                   const std::set<int64_t>& exclude);

// The row's retries on its number are used up (`why` says how): it moves to the least loaded
// eligible number, or fails with the target marked unreachable. Returns the new account, if any.
std::optional<int64_t> reroute_after_failures(store::Conn& c, int64_t outbox_id, const std::string& why, int64_t now);

}  // namespace sangam::campaigns
