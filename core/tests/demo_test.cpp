// `sangam demo` seeds the seed's three projects and five numbers (a crash here once stopped the demo).
#include "accounts/account_service.hpp"
#include "auth/auth_service.hpp"
#include "analytics/demo_history.hpp"
#include "analytics/event_log.hpp"
#include "analytics/lead_service.hpp"
#include "cli/demo_campaigns.hpp"
#include "cli/demo_data.hpp"
#include "contacts/contact_base.hpp"
#include "engines/fake/fake_engine.hpp"

#include "support.hpp"

#include <set>

using namespace sangam;
using json = nlohmann::json;

class DemoTest : public test::BothBackends {};
SANGAM_BOTH_BACKENDS(DemoTest);

TEST_P(DemoTest, SeedsThreeProjectsAndFiveNumbersOnce) {
  test::RecordingBus bus;
  FakeEngine engine;
  AuthService auth(*db, clock, bus);
  ProjectService projects(*db, clock, bus);
  AlertService alerts(*db, clock, bus);
  AccountService accounts(*db, clock, bus, engine, alerts, crypto::SecretKey{std::vector<unsigned char>(32, 1)});
  bool created = false;
  auth.ensure_admin("admin@sangam.local", kDemoPassword, created);
  for (int run = 0; run < 2; ++run) seed_demo(*db, projects, accounts, "admin@sangam.local");
  User admin = user_from_row(db->read([](store::Conn& c) { return c.run("user-by-email", {std::string("admin@sangam.local")}); })[0]);
  json list = json::parse(projects.list(admin));
  ASSERT_EQ(list["items"].size(), 3u);
  size_t numbers = 0;
  for (auto& p : list["items"]) numbers += accounts.list(admin, p["id"])["items"].size();
  EXPECT_EQ(numbers, 5u);
}

// Issue 9 item 3: the history's campaigns are real campaign rows (completed, in the past, named), so
// every campaign the analytics rollups count is one the Campaigns page lists.
TEST_P(DemoTest, EveryCampaignOfTheAnalyticsHistoryIsACompletedCampaignWithAName) {
  test::RecordingBus bus;
  FakeEngine engine;
  ProjectService projects(*db, clock, bus);
  AlertService alerts(*db, clock, bus);
  AccountService accounts(*db, clock, bus, engine, alerts, crypto::SecretKey{std::vector<unsigned char>(32, 1)});
  AuthService auth(*db, clock, bus);
  bool created = false;
  auth.ensure_admin("admin@sangam.local", kDemoPassword, created);
  seed_demo(*db, projects, accounts, "admin@sangam.local");
  analytics::EventLogOptions lo;
  lo.start_thread = false;
  analytics::EventLog log(*db, clock, bus, lo);
  analytics::LeadService leads(*db, clock, log, crypto::SecretKey{std::vector<unsigned char>(32, 2)});
  ContactBase contacts(*db, clock, bus);
  analytics::DemoHistoryOptions o;
  o.days = 28;  // four weeks keep the test quick; the demo runs 120 days
  o.members_per_group = 30;
  o.make_campaign = [&](const analytics::HistoryCampaign& h) { return demo_history_campaign(*db, h); };
  analytics::seed_demo_history(*db, log, leads, contacts, clock.now_ms(), o);
  log.flush();
  auto orphans = db->read([&](store::Conn& c) {
    return c.run_text("SELECT DISTINCT r.dim_id FROM analytics_rollups r LEFT JOIN campaigns c ON c.id = r.dim_id "
                      "WHERE r.dim = 'campaign' AND c.id IS NULL", {});
  });
  EXPECT_EQ(orphans.size(), 0u) << "a campaign of the rollups with no campaign row, e.g. #" << (orphans.size() ? orphans[0].i64("dim_id") : 0);
  auto outbox_orphans = db->read([&](store::Conn& c) {
    return c.run_text("SELECT COUNT(*) AS n FROM outbox o LEFT JOIN campaigns c ON c.id = o.campaign_id "
                      "WHERE o.campaign_id IS NOT NULL AND c.id IS NULL", {})[0].i64("n");
  });
  EXPECT_EQ(outbox_orphans, 0);
  auto rows = db->read([&](store::Conn& c) {
    return c.run_text("SELECT id, name, kind, status, completed_at FROM campaigns c WHERE EXISTS "
                      "(SELECT 1 FROM analytics_rollups r WHERE r.dim = 'campaign' AND r.dim_id = c.id) ORDER BY id", {});
  });
  ASSERT_GE(rows.size(), 6u);  // three projects, several campaigns each
  std::set<std::string> kinds;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].str("status"), "completed") << rows[i].str("name");
    EXPECT_FALSE(rows[i].str("name").empty());
    EXPECT_LT(rows[i].i64("completed_at"), clock.now_ms());
    kinds.insert(rows[i].str("kind"));
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"direct", "group_post"}));
  // The demo's own campaigns still start: the history's completed ones do not count as "already seeded".
  int64_t poultry = db->read([&](store::Conn& c) { return c.run_text("SELECT id FROM projects WHERE slug = 'poultrycare'", {})[0].i64("id"); });
  EXPECT_EQ(db->read([&](store::Conn& c) { return c.run("demo-campaign-count", {poultry})[0].i64("n"); }), 0);
}
