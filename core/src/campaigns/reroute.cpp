#include "campaigns/reroute.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

namespace sangam::campaigns {

std::set<int64_t> parse_tried(const std::string& s) {
  std::set<int64_t> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty()) out.insert(std::stoll(part));
  return out;
}

std::string format_tried(const std::set<int64_t>& ids) {
  if (ids.empty()) return "";
  std::string s = ",";
  for (int64_t id : ids) s += std::to_string(id) + ",";
  return s;
}

std::vector<Taker> eligible_takers(store::Conn& c, int64_t project_id, const std::string& target,
                                   const std::set<int64_t>& exclude) {
  // The caller's own account is excluded by the query's $2 too (0: none).
  int64_t first_excluded = exclude.empty() ? 0 : *exclude.begin();
  auto rows = c.run("reroute-candidates", {project_id, first_excluded});
  std::optional<std::set<int64_t>> members;
  if (target.ends_with("@g.us") || target.ends_with("@newsletter")) {
    members.emplace();
    auto m = c.run("reroute-group-members", {project_id, target});
    for (size_t i = 0; i < m.size(); ++i) members->insert(m[i].i64("account_id"));
  }
  std::vector<Taker> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t id = rows[i].i64("id");
    if (exclude.count(id) || (members && !members->count(id))) continue;
    out.push_back({id, rows[i].str("phone"), rows[i].i64("queued"), static_cast<int>(rows[i].i64("health"))});
  }
  std::stable_sort(out.begin(), out.end(), [](const Taker& a, const Taker& b) { return a.queued < b.queued; });
  return out;
}

std::optional<int64_t> reroute_after_failures(store::Conn& c, int64_t outbox_id, const std::string& why, int64_t now) {
  auto r = c.run("outbox-row-for-move", {outbox_id});
  if (r.empty()) return std::nullopt;
  int64_t pid = r[0].i64("project_id");
  std::string target = r[0].str("target");
  auto from = r[0].opt_i64("account_id");
  std::set<int64_t> tried = parse_tried(r[0].str("tried_accounts"));
  if (from) tried.insert(*from);
  auto takers = eligible_takers(c, pid, target, tried);
  std::string from_phone;
  if (from) {
    auto a = c.run("account-columns", {*from});
    if (!a.empty()) from_phone = a[0].str("phone");
  }
  if (!takers.empty()) {
    const Taker& t = takers.front();
    c.run("outbox-move", {outbox_id, t.id, now, format_tried(tried),
                          "moved from " + from_phone + " to " + t.phone + " (" + why + ")", now});
    // The circuit breaker watches the taker for this row's campaign from now on.
    c.run("campaign-account-of-moved-row", {outbox_id});
    spdlog::info("event=outbox.rerouted id={} from={} to={}", outbox_id, from.value_or(0), t.id);
    return t.id;
  }
  std::string reason = "unreachable: " + why + "; no other number of the project can reach " +
                       (target.ends_with("@g.us") ? "this group" : "this chat") + " (" +
                       std::to_string(tried.size()) + (tried.size() == 1 ? " number" : " numbers") + " tried)";
  c.run("outbox-fail-unreachable", {outbox_id, reason, now});
  c.run("unreachable-upsert", {pid, target, reason, outbox_id, now});
  spdlog::warn("event=outbox.unreachable id={} project={} reason={}", outbox_id, pid, log_value(reason));
  return std::nullopt;
}

}  // namespace sangam::campaigns
