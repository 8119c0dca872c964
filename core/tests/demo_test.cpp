// `sangam demo` seeds the seed's three projects and five numbers (a crash here once stopped the demo).
#include "accounts/account_service.hpp"
#include "auth/auth_service.hpp"
#include "cli/demo_data.hpp"
#include "engines/fake/fake_engine.hpp"

#include "support.hpp"

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
