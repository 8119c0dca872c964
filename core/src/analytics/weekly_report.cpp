#include "analytics/weekly_report.hpp"

#include "contacts/csv.hpp"
#include "safety/local_time.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sangam::analytics {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += ch;
    }
  }
  return o;
}

// The best and worst `n` of `items` by `key`, among those with at least `min_base` of `base`
// (a campaign that sent 3 messages says nothing about its conversion).
json best_worst(json items, const char* key, const char* base, int64_t min_base, size_t n = 3) {
  json pool = json::array();
  for (auto& i : items)
    if (i.value(base, int64_t{0}) >= min_base) pool.push_back(i);
  std::sort(pool.begin(), pool.end(), [&](const json& a, const json& b) { return a[key].get<double>() > b[key].get<double>(); });
  json best = json::array(), worst = json::array();
  for (size_t i = 0; i < pool.size() && i < n; ++i) best.push_back(pool[i]);
  for (size_t i = 0; i < pool.size() && i < n; ++i) {
    const json& w = pool[pool.size() - 1 - i];
    if (std::find(best.begin(), best.end(), w) == best.end()) worst.push_back(w);
  }
  return {{"best", best}, {"worst", worst}};
}

}  // namespace

json weekly_report(store::Conn& c, int64_t pid, const std::string& zone, int64_t now, const NameOf& name) {
  int64_t today = safety::local_time(zone, now).day;
  DayRange r{today - 6, today};
  json campaigns = campaign_table(c, pid, r, name);
  json groups = group_table(c, pid, r, safety::local_midnight(zone, r.from), safety::local_midnight(zone, r.to + 1));
  json hrs = hours(c, pid, r);
  json accounts = account_table(c, pid, r, now - int64_t{7} * 86'400'000);
  json falling = json::array();
  for (auto& a : accounts)
    if (a["health_falling"].get<bool>()) falling.push_back({{"account_id", a["account_id"]}, {"label", a["label"]}, {"phone", a["phone"]}, {"health", a["health"]}});
  json active_groups = json::array();
  for (auto& g : groups)
    if (g["messages"].get<int64_t>() + g["leads"].get<int64_t>() + g["posts"].get<int64_t>() > 0) active_groups.push_back(g);
  return {{"from", day_text(r.from)},
          {"to", day_text(r.to)},
          {"time_zone", zone},
          {"campaigns", best_worst(campaigns, "conversion", "delivered", 20)},
          {"groups", best_worst(active_groups, "engagement", "members", 10)},
          {"hours", best_worst(hrs, "read_rate", "sent", 10)},
          {"falling_accounts", falling},
          {"templates", nullptr}};  // by template once campaigns record theirs (the campaigns issue)
}

std::string report_html(const json& rep, const std::string& project) {
  std::string h = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Weekly report — " + esc(project) +
                  "</title><style>body{font:15px system-ui,sans-serif;max-width:860px;margin:2em auto;color:#101828}"
                  "table{border-collapse:collapse;width:100%;margin-bottom:1.5em}td,th{border-bottom:1px solid #e4e7ec;"
                  "padding:6px 8px;text-align:left}th{color:#475467;font-weight:600}</style>";
  h += "<h1>Weekly report — " + esc(project) + "</h1><p>" + esc(rep["from"].get<std::string>()) + " to " +
       esc(rep["to"].get<std::string>()) + " (" + esc(rep["time_zone"].get<std::string>()) + ")</p>";
  auto table = [&](const char* title, const json& rows, const std::vector<std::pair<const char*, const char*>>& cols) {
    h += std::string("<h2>") + title + "</h2>";
    if (rows.empty()) {
      h += "<p>Nothing to compare this week.</p>";
      return;
    }
    h += "<table><tr>";
    for (auto& [k, label] : cols) h += std::string("<th>") + label + "</th>";
    h += "</tr>";
    for (auto& row : rows) {
      h += "<tr>";
      for (auto& [k, label] : cols) h += "<td>" + esc(row[k].is_string() ? row[k].get<std::string>() : row[k].dump()) + "</td>";
      h += "</tr>";
    }
    h += "</table>";
  };
  std::vector<std::pair<const char*, const char*>> camp = {{"name", "Campaign"}, {"sent", "Sent"}, {"read", "Read"}, {"leads", "Leads"}, {"conversion", "Conversion %"}};
  std::vector<std::pair<const char*, const char*>> grp = {{"name", "Group"}, {"members", "Members"}, {"messages", "Messages"}, {"leads", "Leads"}, {"engagement", "Engagement"}};
  std::vector<std::pair<const char*, const char*>> hr = {{"hour", "Hour"}, {"sent", "Sent"}, {"read_rate", "Read %"}};
  table("Best campaigns", rep["campaigns"]["best"], camp);
  table("Worst campaigns", rep["campaigns"]["worst"], camp);
  table("Best groups", rep["groups"]["best"], grp);
  table("Worst groups", rep["groups"]["worst"], grp);
  table("Best posting hours", rep["hours"]["best"], hr);
  table("Worst posting hours", rep["hours"]["worst"], hr);
  table("Numbers whose health is falling", rep["falling_accounts"], {{"label", "Number"}, {"phone", "Phone"}, {"health", "Health"}});
  return h + "</html>\n";
}

std::string report_csv(const json& rep) {
  std::string out = "\xEF\xBB\xBFsection,rank,name,sent,read,leads,rate\r\n";
  auto rows = [&](const std::string& section, const json& items, const char* name_key, const char* rate_key) {
    int i = 0;
    for (auto& it : items) {
      std::string n = it[name_key].is_string() ? it[name_key].get<std::string>() : it[name_key].dump();
      out += csv_field(section) + "," + std::to_string(++i) + "," + csv_field(n) + "," +
             std::to_string(it.value("sent", int64_t{0})) + "," + std::to_string(it.value("read", int64_t{0})) + "," +
             std::to_string(it.value("leads", int64_t{0})) + "," + it[rate_key].dump() + "\r\n";
    }
  };
  rows("best campaigns", rep["campaigns"]["best"], "name", "conversion");
  rows("worst campaigns", rep["campaigns"]["worst"], "name", "conversion");
  rows("best groups", rep["groups"]["best"], "name", "engagement");
  rows("worst groups", rep["groups"]["worst"], "name", "engagement");
  rows("best hours", rep["hours"]["best"], "hour", "read_rate");
  rows("worst hours", rep["hours"]["worst"], "hour", "read_rate");
  rows("falling health", rep["falling_accounts"], "label", "health");
  return out;
}

void post_weekly_reports(store::Database& db, int64_t now, const NameOf& name,
                         const std::function<void(int64_t, const json&)>& post) {
  auto projects = db.read([&](store::Conn& c) { return c.run("report-due-projects", {}); });
  for (size_t i = 0; i < projects.size(); ++i) {
    int64_t pid = projects[i].i64("id");
    std::string zone = projects[i].str("time_zone");
    auto lt = safety::local_time(zone, now);
    // Friday (Monday = 0) from 17:00 local, once.
    if (lt.weekday != 4 || lt.minute < 17 * 60) continue;
    if (auto sent = projects[i].opt_i64("report_sent_day"); sent && *sent >= lt.day) continue;
    try {
      json rep;
      bool mine = db.write([&](store::Conn& c) {
        if (c.run("report-mark-sent", {pid, lt.day, now}).affected == 0) return false;
        rep = weekly_report(c, pid, zone, now, name);
        return true;
      });
      if (mine) post(pid, rep);
    } catch (const std::exception& e) {
      spdlog::error("event=report.weekly_failed project={} error=\"{}\"", pid, e.what());
    }
  }
}

}  // namespace sangam::analytics
