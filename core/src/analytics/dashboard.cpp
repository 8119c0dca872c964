#include "analytics/dashboard.hpp"

#include "contacts/engagement.hpp"
#include "safety/local_time.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"

#include <date/date.h>

#include <cmath>
#include <map>

namespace sangam::analytics {

namespace {

// The width of a contact_counts bucket (migration 0023): a quarter hour, so that every local midnight
// is a boundary (all zone offsets in use are whole quarter hours).
constexpr int64_t kContactBucketMs = 900'000;

double pct(double part, double whole) { return whole > 0 ? std::round(part * 1000.0 / whole) / 10.0 : 0.0; }
json change(double now, double before) {
  if (before <= 0) return nullptr;  // no base to compare with
  return std::round((now - before) * 1000.0 / before) / 10.0;
}
std::optional<int64_t> parse_day(const std::string& s) {
  int y, m, d;
  char tail;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}
json counters(const store::Row& r) {
  json j;
  for (const char* k : {"sent", "delivered", "read", "replied", "failed", "clicks", "leads", "incoming", "joins", "leaves"})
    j[k] = r.i64(k);
  return j;
}

}  // namespace

std::string day_text(int64_t day) {
  return date::format("%F", date::sys_days{date::days{day}});
}

DayRange day_range(const std::string& zone, int64_t now_ms, const std::optional<std::string>& from,
                   const std::optional<std::string>& to, int default_days) {
  int64_t today = safety::local_time(zone, now_ms).day;
  DayRange r{today - default_days + 1, today};
  if (to) {
    auto d = parse_day(*to);
    if (!d) throw validation("to", "to must be a date like 2026-11-24");
    r.to = *d;
  }
  if (from) {
    auto d = parse_day(*from);
    if (!d) throw validation("from", "from must be a date like 2026-11-01");
    r.from = *d;
  } else if (to) {
    r.from = r.to - default_days + 1;
  }
  if (r.from > r.to) throw validation("from", "from is after to");
  if (r.to - r.from > 731) throw validation("from", "a range can span at most two years");
  return r;
}

json kpis(store::Conn& c, int64_t pid, const std::string& zone, int64_t now_ms) {
  // Rolling months: the last 30 local days against the 30 before. A calendar month "so far" would
  // compare one day with a whole month on the 1st (every card down ~97 %).
  int64_t today = safety::local_time(zone, now_ms).day;
  int64_t this_start = today - 29, last_start = today - 59;
  int64_t this_start_ms = safety::local_midnight(zone, this_start), last_start_ms = safety::local_midnight(zone, last_start);
  // Results are kept alive here: a Row points into its Result.
  store::Result now_r = c.run("dash-totals", {pid, this_start, today});
  store::Result prev_r = c.run("dash-totals", {pid, last_start, this_start - 1});
  auto now_t = now_r[0], prev_t = prev_r[0];
  auto distinct = [&](const char* dim, int64_t from, int64_t to) {
    return c.run("dash-distinct-dims", {pid, std::string(dim), from, to})[0].i64("n");
  };
  // Counted from the quarter-hour counters of migration 0023: COUNT(*) over 1M contacts took ~180 ms
  // per count on SQLite (docs/performance.md, dashboard at scale).
  int64_t contacts_now = c.run("dash-contacts-now", {pid, now_ms + 1})[0].i64("n");
  // Contacts that existed when the period began (the card compares the base then and now).
  int64_t bucket = this_start_ms / kContactBucketMs;
  int64_t contacts_prev = c.run("dash-contacts-before", {pid, this_start_ms, bucket, bucket * kContactBucketMs})[0].i64("n");
  int64_t leads_now = c.run("dash-leads-between", {pid, this_start_ms, now_ms + 1})[0].i64("n");
  int64_t leads_prev = c.run("dash-leads-between", {pid, last_start_ms, this_start_ms})[0].i64("n");
  double conv_now = pct(static_cast<double>(leads_now), static_cast<double>(now_t.i64("delivered")));
  double conv_prev = pct(static_cast<double>(leads_prev), static_cast<double>(prev_t.i64("delivered")));
  store::Result h_r = c.run("dash-health-now", {pid}), hp_r = c.run("dash-health-at", {pid, this_start_ms});
  auto h = h_r[0], hp = hp_r[0];
  double health_now = h.i64("n") ? std::round(h.f64("health") * 10) / 10 : 0;
  json health_prev = hp.is_null("health") ? json(nullptr) : json(std::round(hp.f64("health") * 10) / 10);
  auto card = [&](const char* key, const char* label, json value, json previous) {
    json ch = previous.is_number() && value.is_number() ? change(value.get<double>(), previous.get<double>()) : json(nullptr);
    return json{{"key", key}, {"label", label}, {"value", value}, {"previous", previous}, {"change_pct", ch}};
  };
  int64_t g_now = distinct("group", this_start, today), g_prev = distinct("group", last_start, this_start - 1);
  int64_t c_now = distinct("campaign", this_start, today), c_prev = distinct("campaign", last_start, this_start - 1);
  return {{"month", "the last 30 days"},
          {"previous_month", "the 30 days before"},
          {"from", day_text(this_start)},
          {"previous_from", day_text(last_start)},
          {"cards",
           {card("contacts", "Total contacts", contacts_now, contacts_prev),
            card("active_groups", "Active groups", g_now, g_prev),
            card("campaigns", "Campaigns", c_now, c_prev),
            card("leads", "Leads", leads_now, leads_prev),
            card("conversion", "Conversion rate %", conv_now, conv_prev),
            card("health", "Average account health", health_now, health_prev)}}};
}

json series(store::Conn& c, int64_t pid, DayRange r) {
  auto rows = c.run("dash-series", {pid, r.from, r.to});
  std::map<int64_t, json> by_day;
  for (size_t i = 0; i < rows.size(); ++i) {
    json j;
    for (const char* k : {"sent", "delivered", "read", "replied", "clicks", "leads", "incoming"}) j[k] = rows[i].i64(k);
    by_day[rows[i].i64("day")] = j;
  }
  json out = json::array();
  for (int64_t d = r.from; d <= r.to; ++d) {
    json j = by_day.count(d) ? by_day[d]
                             : json{{"sent", 0}, {"delivered", 0}, {"read", 0}, {"replied", 0}, {"clicks", 0}, {"leads", 0}, {"incoming", 0}};
    j["day"] = day_text(d);
    out.push_back(j);
  }
  return out;
}

json hours(store::Conn& c, int64_t pid, DayRange r) {
  auto rows = c.run("dash-hours", {pid, r.from, r.to});
  json out = json::array();
  std::map<int64_t, size_t> at;
  for (size_t i = 0; i < rows.size(); ++i) at[rows[i].i64("hour")] = i;
  for (int h = 0; h < 24; ++h) {
    json j = {{"hour", h}, {"sent", 0}, {"read", 0}, {"replied", 0}, {"incoming", 0}, {"read_rate", 0.0}};
    if (auto it = at.find(h); it != at.end()) {
      auto x = rows[it->second];
      j["sent"] = x.i64("sent"), j["read"] = x.i64("read"), j["replied"] = x.i64("replied"), j["incoming"] = x.i64("incoming");
      j["read_rate"] = pct(static_cast<double>(x.i64("read")), static_cast<double>(x.i64("sent")));
    }
    out.push_back(j);
  }
  return out;
}

json campaign_table(store::Conn& c, int64_t pid, DayRange r, const NameOf& name) {
  auto rows = c.run("dash-by-dim", {pid, std::string("campaign"), r.from, r.to});
  json out = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    auto x = rows[i];
    json j = counters(x);
    int64_t id = x.i64("dim_id");
    j["campaign_id"] = id;
    std::string n = name ? name(id) : std::string();
    if (n.empty())
      if (auto cr = c.run("analytics-campaign-name", {pid, id}); !cr.empty()) n = cr[0].str("name");
    j["name"] = n.empty() ? "Campaign #" + std::to_string(id) : n;
    j["delivery_rate"] = pct(static_cast<double>(x.i64("delivered")), static_cast<double>(x.i64("sent")));
    j["read_rate"] = pct(static_cast<double>(x.i64("read")), static_cast<double>(x.i64("delivered")));
    j["conversion"] = pct(static_cast<double>(x.i64("leads")), static_cast<double>(x.i64("delivered")));
    out.push_back(j);
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    if (a["conversion"] != b["conversion"]) return a["conversion"].get<double>() > b["conversion"].get<double>();
    return a["sent"].get<int64_t>() > b["sent"].get<int64_t>();
  });
  return out;
}

json account_table(store::Conn& c, int64_t pid, DayRange r, int64_t history_from_ms, int64_t history_step_ms) {
  auto traffic = c.run("dash-by-dim", {pid, std::string("account"), r.from, r.to});
  std::map<int64_t, json> by_id;
  for (size_t i = 0; i < traffic.size(); ++i) by_id[traffic[i].i64("dim_id")] = counters(traffic[i]);
  std::map<int64_t, json> history;
  auto h = c.run("dash-account-health-history", {pid, history_from_ms, history_step_ms});
  for (size_t i = 0; i < h.size(); ++i) {
    // Built member by member: an initializer list makes and copies a temporary per value, which was
    // most of this table's time at 20 accounts x 720 hourly points (docs/performance.md; 240 now).
    json point = json::object();
    point["at"] = format_iso8601(h[i].i64("at"));
    point["score"] = h[i].i64("score");
    history[h[i].i64("account_id")].push_back(std::move(point));
  }
  auto rows = c.run("dash-accounts", {pid});
  json out = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    auto x = rows[i];
    int64_t id = x.i64("id");
    json t = by_id.count(id) ? by_id[id] : json::object();
    int64_t sent = t.value("sent", int64_t{0}), delivered = t.value("delivered", int64_t{0});
    // Moved, not copied: 30 days are 240 points per account.
    json hist = json::array();
    if (auto it = history.find(id); it != history.end()) hist = std::move(it->second);
    // Falling: the score now is at least 10 points below the first of the window's history.
    bool falling = !hist.empty() && hist[0]["score"].get<int64_t>() - x.i64("health") >= 10;
    out.push_back({{"account_id", id},
                   {"phone", x.str("phone")},
                   {"label", x.str("label")},
                   {"status", x.str("status")},
                   {"health", x.i64("health")},
                   {"health_parts",
                    {{"connection", x.i64("health_connection")}, {"delivery", x.i64("health_delivery")}, {"behaviour", x.i64("health_behaviour")}}},
                   {"sent", sent},
                   {"delivered", delivered},
                   {"read", t.value("read", int64_t{0})},
                   {"failed", t.value("failed", int64_t{0})},
                   {"delivery_rate", pct(static_cast<double>(delivered), static_cast<double>(sent))},
                   {"health_falling", falling},
                   {"history", hist}});
  }
  return out;
}

json group_table(store::Conn& c, int64_t pid, DayRange r, int64_t from_ms, int64_t to_ms) {
  auto traffic = c.run("dash-by-dim", {pid, std::string("group"), r.from, r.to});
  std::map<int64_t, json> by_id;
  for (size_t i = 0; i < traffic.size(); ++i) by_id[traffic[i].i64("dim_id")] = counters(traffic[i]);
  std::map<int64_t, int64_t> leads;
  auto l = c.run("dash-group-leads", {pid, from_ms, to_ms});
  for (size_t i = 0; i < l.size(); ++i) leads[l[i].i64("group_id")] = l[i].i64("leads");
  std::map<int64_t, json> reach;
  auto rc = c.run("reach-by-group", {pid, from_ms, to_ms});
  for (size_t i = 0; i < rc.size(); ++i) {
    double members = rc[i].f64("members");
    reach[rc[i].i64("group_id")] = {{"posts", rc[i].i64("posts")},
                                    {"delivered_pct", pct(rc[i].f64("delivered"), members)},
                                    {"read_pct", pct(rc[i].f64("read"), members)}};
  }
  auto rows = c.run("dash-groups", {pid});
  json out = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    auto x = rows[i];
    int64_t id = x.i64("id"), size = x.i64("size");
    json t = by_id.count(id) ? by_id[id] : json::object();
    int64_t n_leads = leads.count(id) ? leads[id] : 0;
    int64_t incoming = t.value("incoming", int64_t{0}), replied = t.value("replied", int64_t{0});
    out.push_back({{"group_id", id},
                   {"name", x.str("name")},
                   {"kind", x.str("kind")},
                   {"members", size},
                   {"leads", n_leads},
                   {"conversion", pct(static_cast<double>(n_leads), static_cast<double>(size))},
                   {"posts", t.value("sent", int64_t{0})},
                   {"messages", incoming},
                   {"replies", replied},
                   {"joins", t.value("joins", int64_t{0})},
                   {"leaves", t.value("leaves", int64_t{0})},
                   // Messages and replies per 100 members in the range: comparable across sizes.
                   {"engagement", pct(static_cast<double>(incoming + replied), static_cast<double>(size))},
                   // Posts' reach from message info (group_reach.hpp): members delivered to / who read, in %.
                   {"reach", reach.count(id) ? reach[id] : json(nullptr)}});
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    if (a["leads"] != b["leads"]) return a["leads"].get<int64_t>() > b["leads"].get<int64_t>();
    if (a["conversion"] != b["conversion"]) return a["conversion"].get<double>() > b["conversion"].get<double>();
    return a["engagement"].get<double>() > b["engagement"].get<double>();
  });
  return out;
}

json contact_journey(store::Conn& c, int64_t pid, int64_t contact_id) {
  auto who = c.run("dash-contact", {pid, contact_id});
  if (who.empty()) throw not_found("no such contact");
  auto w = who[0];
  json groups = json::array();
  auto g = c.run("dash-contact-groups", {contact_id});
  for (size_t i = 0; i < g.size(); ++i)
    groups.push_back({{"group_id", g[i].i64("group_id")}, {"name", g[i].str("name")}, {"first_seen", format_iso8601(g[i].i64("first_seen"))}});
  json events = json::array();
  auto e = c.run("dash-contact-events", {pid, contact_id, int64_t{200}});
  for (size_t i = 0; i < e.size(); ++i) {
    auto x = e[i];
    auto n = [&](const char* col) { return x.is_null(col) ? json(nullptr) : json(x.i64(col)); };
    events.push_back({{"kind", x.str("kind")}, {"at", format_iso8601(x.i64("at"))}, {"account_id", n("account_id")},
                      {"group_id", n("group_id")}, {"campaign_id", n("campaign_id")}});
  }
  json leads = json::array();
  auto l = c.run("dash-contact-leads", {pid, contact_id});
  for (size_t i = 0; i < l.size(); ++i) leads.push_back(l[i].i64("id"));
  std::string name = w.str("name").empty() ? w.str("push_name") : w.str("name");
  return {{"contact",
           {{"id", w.i64("id")}, {"phone", w.opt_str("phone") ? json(*w.opt_str("phone")) : json(nullptr)}, {"name", name},
            {"consent", w.str("consent")}}},
          {"groups", groups},
          {"events", events},
          {"lead_ids", leads}};
}

}  // namespace sangam::analytics
