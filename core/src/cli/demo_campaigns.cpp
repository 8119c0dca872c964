#include "cli/demo_campaigns.hpp"

#include "campaigns/campaign_plan.hpp"
#include "safety/local_time.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

namespace {
constexpr int64_t kDay = 86400000;

json group_post(const std::string& name, const std::string& body, json schedule = json::object()) {
  return {{"name", name}, {"kind", "group_post"}, {"body", body}, {"targeting", {{"groups", {{"filter", {{"phase", "value"}}}}}}},
          {"schedule", schedule}};
}
// What the history's campaigns were about, per project (group posts, then one-to-one messages).
struct Topics {
  std::vector<std::pair<const char*, const char*>> posts, direct;  // name, body
};
const Topics& topics_of(const std::string& slug) {
  static const Topics poultry{
      {{"Layer feed trial results", "{Hello|Vanakkam} {{group}}: farms on our layer feed trial kept 92% laying through the heat."},
       {"Water line cleaning guide", "{{group}}, clean drinker lines every week in summer; our 4-step guide is in the link."},
       {"Chick placement checklist", "Placing chicks this month, {{group}}? Brooder at 33 °C, litter dry, feed on paper for 3 days."},
       {"Egg price watch", "Namakkal egg price this week for {{group}}: tell us your farm-gate rate and we will share the summary."},
       {"Heat stress alert", "Hot days ahead, {{group}}: add electrolytes to the water from 11 am and keep the curtains wet."}},
      {{"Feed chart for new buyers", "Hi {{first_name}}, here is the feed chart you asked for: starter, grower and layer by week."},
       {"Dealer visit follow-up", "{Hi|Hello} {{first_name}}, thanks for meeting our dealer; reply PRICE for this month's rates."},
       {"Vet camp reminder", "{{first_name}}, the free vet camp is this Saturday at 10 am; reply YES to book a slot."},
       {"Bulk order offer", "Hi {{first_name}}, order 20 bags this week and delivery is free to your farm."}}};
  static const Topics resto{
      {{"QR menu tips", "{{group}}: update your QR menu prices in two minutes from the phone; here is how."},
       {"Festival footfall planning", "Festival weekend ahead, {{group}}: plan staff and stock with our checklist."},
       {"Kitchen display launch", "New for {{group}}: the kitchen display shows every order the moment it is placed."}},
      {{"Table card reorder", "Hi {{first_name}}, running low on QR table cards? Reply CARDS and we print a fresh set."},
       {"Onboarding call", "{{first_name}}, your Restopi onboarding call is ready to book; reply a time that suits you."}}};
  static const Topics textile{
      {{"New arrivals: cotton kurtas", "{{group}}: 40 new cotton kurta designs, wholesale from 12 pieces."},
       {"Trade fair stall", "Visiting the trade fair, {{group}}? Our stall is B-14; catalogue inside."}},
      {{"Catalogue follow-up", "Hi {{first_name}}, did the catalogue reach you? Reply RATE for the wholesale list."},
       {"Repeat order offer", "{{first_name}}, repeat your last order this month for 3% off."}}};
  if (slug == "restopi") return resto;
  if (slug == "textopi") return textile;
  return poultry;
}
}  // namespace

int64_t demo_history_campaign(store::Database& db, const analytics::HistoryCampaign& h) {
  return db.write([&](store::Conn& c) {
    auto p = c.run("project-by-id", {h.project_id});
    const Topics& t = topics_of(p.empty() ? "" : p[0].str("slug"));
    bool post = h.kind != "direct";
    const auto& list = post ? t.posts : t.direct;
    const auto& [name, body] = list[static_cast<size_t>(h.index / 2) % list.size()];
    json targeting = post ? json{{"groups", {{"ids", {h.group_id}}}}} : json{{"contacts", {{"filter", json::object()}}}};
    std::string title = std::string(name) + (post ? " · " : " · members of ") + h.group_name;
    int64_t id = c.run("campaign-insert", {h.project_id, title, h.kind, nullptr, std::string(body), std::string("{}"), nullptr, nullptr,
                                           targeting.dump(), std::string("{}"), nullptr, h.sent_at})[0]
                     .i64("id");
    c.run("demo-history-campaign-done", {id, h.sent_at, h.done_at});
    return id;
  });
}

int64_t DemoCampaigns::project(const std::string& slug) {
  auto rows = db_.read([](store::Conn& c) { return c.run("project-list-all", {}); });
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].str("slug") == slug) return rows[i].i64("id");
  return 0;
}

void DemoCampaigns::drafts() {
  struct Draft {
    const char* slug;
    json body;
  };
  const Draft list[] = {
      {"poultrycare", group_post("Winter feed offer", "{Hello|Vanakkam|Namaste} {{group}} 🐔 Our winter layer feed keeps laying steady "
                                                      "in the cold. Ask your dealer for {{offer}} this month.")},
      {"restopi", {{"name", "Menu QR follow-up"}, {"kind", "direct"},
                   {"body", "{Hi|Hello} {{first_name}}, thanks for trying the Restopi QR menu! Reply MENU to get your table cards."},
                   {"targeting", {{"contacts", {{"filter", {{"consent", {"opted_in", "engaged"}}}}}}}}}},
      {"textopi", {{"name", "Festive catalogue"}, {"kind", "channel_post"},
                   {"body", "{New|Fresh} festive catalogue is out: sarees, kurtas and dhotis from Tiruppur and Erode."},
                   {"targeting", {{"groups", json::object()}}}}},
  };
  for (const auto& d : list) {
    int64_t pid = project(d.slug);
    if (!pid) continue;
    if (db_.read([&](store::Conn& c) { return c.run("demo-campaign-count", {pid})[0].i64("n"); }) > 0) continue;
    json body = d.body;
    if (std::string(d.slug) == "poultrycare") body["variables"] = {{"offer", "5% off on 10 bags"}};
    campaigns_.create_as_system(pid, body);
  }
}

bool DemoCampaigns::live(int64_t pid, int64_t now) {
  // Ready when our value-phase groups are synced: three at least, the demo world has a dozen.
  json est = campaigns_.estimate(pid, group_post("probe", "probe"));
  if (est["plan"]["total"].get<int64_t>() < 3) return false;
  auto launch = [&](const json& body) -> json {
    json c = campaigns_.create_as_system(pid, body);
    return campaigns_.launch_as_system(pid, c["id"].get<int64_t>());
  };
  std::string tz = db_.read([&](store::Conn& c) { return c.run("project-by-id", {pid})[0].str("time_zone"); });
  int64_t today = safety::local_time(tz, now).day;
  // Running: posts to every value-phase group, spread over today's windows (an hour a minute with
  // --clock-speed 60).
  launch(group_post("Vaccination calendar tips", "{Good morning|Vanakkam} {{group}}! This week's tip: Lasota booster on day 21, "
                                                  "Gumboro on day 14. Keep the water clean and cool. The full calendar: https://poultrycare.example/vaccination "
                                                  "{Save this message|Share with your neighbours}."));
  // Scheduled: starts tomorrow, 2 groups a day.
  launch(group_post("Broiler price update", "{Today's|This week's} broiler farm-gate price for {{group}}: ask your dealer, and reply "
                                            "with your district's rate.", {{"start_date", campaigns::format_day(today + 1)}, {"per_day_cap", 2}}));
  // Paused and cancelled, by a person in a real team.
  User demo{0, "demo@sangam.local"};
  json paused = launch(group_post("Dealer meet invitation", "{Dear|Respected} members of {{group}}, our dealer meet is on Sunday at "
                                                            "Namakkal. Reply YES to reserve a seat.", {{"per_day_cap", 3}}));
  campaigns_.pause(demo, pid, paused["id"].get<int64_t>());
  json cancelled = launch(group_post("Old summer offer", "{Hello|Namaste} {{group}}, the summer offer on cooling fans ends soon."));
  campaigns_.cancel(demo, pid, cancelled["id"].get<int64_t>());
  // History: last month's campaign, sent, delivered and mostly read.
  json done = launch(group_post("Monsoon care tips", "{Hello|Vanakkam} {{group}}, monsoon care: dry litter, covered feed, and watch for "
                                                     "coccidiosis. Reply for the full checklist."));
  db_.write([&](store::Conn& c) {
    c.run("demo-campaign-history", {done["id"].get<int64_t>(), 30 * kDay, now});
    c.run("demo-campaign-history-done", {done["id"].get<int64_t>(), 30 * kDay, now});
  });
  campaigns_.refresh_progress(pid, done["id"].get<int64_t>());
  // Direct: a follow-up to members who opted in at the dealer meet (the opt-in recorded with its evidence).
  auto ids = db_.read([&](store::Conn& c) { return c.run("demo-contacts-for-opt-in", {pid, int64_t(8)}); });
  for (size_t i = 0; i < ids.size(); ++i)
    contacts_.record_consent(pid, ids[i].i64("id"), "opted_in", {{"form", "dealer meet sign-up sheet"}, {"note", "demo data"}}, "system");
  if (!ids.empty())
    launch({{"name", "Thank-you follow-up"},
            {"kind", "direct"},
            {"body", "{Hi|Hello|Vanakkam} {{first_name|friend}}, thank you for signing up at the dealer meet. This month's feed "
                     "chart: https://poultrycare.example/feed-chart — or reply FEED and we send it here."},
            {"targeting", {{"contacts", {{"filter", {{"consent", {"opted_in"}}}}}}}}});
  spdlog::info("event=demo.campaigns project={} opted_in={}", pid, ids.size());
  return true;
}

void DemoCampaigns::tick(int64_t now) {
  if ((drafts_done_ && live_done_) || now > until_ || now - last_ < 3000) return;
  last_ = now;
  try {
    if (!drafts_done_) {
      drafts();
      drafts_done_ = true;
    }
    int64_t pid = project("poultrycare");
    if (!pid) return void(live_done_ = true);
    // Once per database: a restarted demo keeps what it has.
    if (db_.read([&](store::Conn& c) { return c.run("demo-campaign-count", {pid})[0].i64("n"); }) > 1) return void(live_done_ = true);
    live_done_ = live(pid, now);
  } catch (const std::exception& e) {
    spdlog::warn("event=demo.campaigns_failed error={}", log_value(e.what()));
    live_done_ = true;  // one attempt: a half-seeded demo is better than a loop of failures
  }
}

}  // namespace sangam
