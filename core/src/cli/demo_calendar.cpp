#include "cli/demo_calendar.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <iterator>

namespace sangam {

namespace {
using json = nlohmann::json;

json entry(const std::string& name, const std::string& kind, const std::string& body, json weekdays, const std::string& time, int cap = 3) {
  json targeting = kind == "group_post" ? json{{"groups", {{"filter", {{"phase", "value"}}}}}} : json{{"groups", json::object()}};
  return {{"name", name}, {"kind", kind}, {"body", body}, {"targeting", targeting},
          {"recurrence", {{"weekdays", weekdays}, {"time", time}}}, {"group_weekly_cap", cap}};
}
}  // namespace

void DemoCalendar::tick(int64_t now) {
  if (done_ || now > until_ || now - last_ < 3000) return;
  last_ = now;
  try {
    auto rows = db_.read([](store::Conn& c) { return c.run("project-list-all", {}); });
    int64_t pid = 0;
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].str("slug") == "poultrycare") pid = rows[i].i64("id");
    if (!pid) return void(done_ = true);
    // Once per database: a restarted demo keeps what it has.
    if (db_.read([&](store::Conn& c) { return c.run("demo-calendar-count", {pid})[0].i64("n"); }) > 0) return void(done_ = true);
    // Ready when the groups and the channel where our numbers may post are synced (the world has a dozen).
    auto ready = db_.read([&](store::Conn& c) { return c.run("demo-calendar-ready", {pid}); });
    if (ready[0].i64("n") < 4 || ready[0].i64("channels") < 1) return;
    User demo{0, "demo@sangam.local"};
    const json list[] = {
        entry("Monday industry insight", "channel_post",
              "{This week|Seven days} in poultry: maize prices in Namakkal {held steady|eased a little}, and egg demand picks up before the "
              "festive season. Plan your feed stock now.", json::array({1}), "09:30"),
        entry("Wednesday product tip", "channel_post",
              "Product tip: {{project}} layer mash in the cold months — add 2% more energy and keep the water lukewarm. Ask your dealer.",
              json::array({3}), "10:00"),
        entry("Friday success story", "channel_post",
              "Success story: Murugan's farm near Erode went from 82% to 91% laying in six weeks with a steady vaccination calendar.",
              json::array({5}), "18:00"),
        entry("Value post: farm tip", "group_post",
              "{Good morning|Vanakkam} {{group}}! Farm tip: dry litter and covered feed keep coccidiosis away. Reply with your questions.",
              json::array({2, 4}), "10:30", 2),
    };
    int64_t past = 0;
    for (const auto& body : list) {
      json e = calendar_.entry_create(demo, pid, body);
      past += calendar_.seed_past_for_demo(pid, e["id"].get<int64_t>());
    }
    if (seeded_) seeded_(pid);
    spdlog::info("event=demo.calendar project={} entries={} sent_this_week={}", pid, std::size(list), past);
    done_ = true;
  } catch (const std::exception& e) {
    spdlog::warn("event=demo.calendar_failed error={}", log_value(e.what()));
    done_ = true;  // one attempt: a half-seeded demo is better than a loop of failures
  }
}

}  // namespace sangam
