// Group post reach (issue 9 item 2) on both backends: a group post is checked through the engine's
// message info 1 h, 6 h and 24 h after posting and never more, a failed check is tried again later,
// and the group table reports reach as delivered/read members out of the group's size.
#include "analytics/dashboard.hpp"
#include "analytics/group_reach.hpp"
#include "projects/project.hpp"

#include "support.hpp"

#include <fmt/format.h>

using namespace sangam;
using json = nlohmann::json;

namespace {

class InfoEngine final : public Engine {
 public:
  std::vector<std::string> asked;
  bool fail = false;
  json answer = {{"delivered", 80}, {"read", 40}, {"pending", 5}};
  void command(int64_t, const std::string& command, const json& args, EngineCallback cb) override {
    asked.push_back(command + " " + args.value("message_id", ""));
    if (fail) cb({false, nullptr, "not_ready", "account is not connected"});
    else cb({true, answer});
  }
  bool available() const override { return true; }
};

class AnalyticsReachTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    posted = clock.now_ms();
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("one"), std::string("sim"),
                                      std::string("production"), int64_t(10), clock.now_ms()})[0].i64("id");
      c.exec_script(fmt::format("INSERT INTO groups (project_id, wa_id, kind, name, size, created_at) VALUES ({}, "
                                "'120363000000000001@g.us', 'group', 'Poultry farmers Pune', 100, 0)",
                                pid));
      gid = c.run("analytics-group-by-wa-id", {pid, std::string("120363000000000001@g.us")})[0].i64("id");
      int64_t o = c.run("outbox-enqueue", {pid, aid, std::string("120363000000000001@g.us"), nullptr, std::string("campaign"),
                                          std::string("{}"), int64_t(3), posted, std::string("post-1"), int64_t(5), posted})[0]
                      .i64("id");
      c.exec_script(fmt::format("UPDATE outbox SET status = 'sent', claimed_at = {0}, sent_at = {0}, wa_message_id = 'wa-post-1' "
                                "WHERE id = {1}",
                                posted, o));
    });
  }
  int64_t pid = 0, aid = 0, gid = 0, posted = 0;
};
SANGAM_BOTH_BACKENDS(AnalyticsReachTest);

}  // namespace

TEST_P(AnalyticsReachTest, APostIsCheckedAfterOneSixAndTwentyFourHoursThenNeverAgain) {
  InfoEngine engine;
  analytics::GroupReach reach(*db, clock, engine);
  EXPECT_EQ(reach.poll(), 0);  // posted just now: the first check is in an hour
  clock.advance(std::chrono::minutes(61));
  EXPECT_EQ(reach.poll(), 1);
  EXPECT_EQ(engine.asked, std::vector<std::string>{"message.info wa-post-1"});
  EXPECT_EQ(reach.poll(), 0);
  clock.advance(std::chrono::hours(5));
  EXPECT_EQ(reach.poll(), 1);
  clock.advance(std::chrono::hours(18));
  EXPECT_EQ(reach.poll(), 1);
  clock.advance(std::chrono::hours(48));
  EXPECT_EQ(reach.poll(), 0);
  EXPECT_EQ(engine.asked.size(), 3u);
  // Reach: 80 of 100 members delivered, 40 read.
  json groups = db->read([&](store::Conn& c) {
    return analytics::group_table(c, pid, {0, 100000}, posted - 1000, posted + 1000);
  });
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["reach"]["posts"], 1);
  EXPECT_DOUBLE_EQ(groups[0]["reach"]["delivered_pct"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(groups[0]["reach"]["read_pct"].get<double>(), 40.0);
}

TEST_P(AnalyticsReachTest, AFailedCheckIsTriedAgainHalfAnHourLaterAndGivenUpAfterADay) {
  InfoEngine engine;
  engine.fail = true;
  analytics::GroupReach reach(*db, clock, engine);
  clock.advance(std::chrono::minutes(61));
  EXPECT_EQ(reach.poll(), 1);
  clock.advance(std::chrono::minutes(20));
  EXPECT_EQ(reach.poll(), 0);
  clock.advance(std::chrono::minutes(11));
  EXPECT_EQ(reach.poll(), 1);
  for (int i = 0; i < 80; ++i) {
    clock.advance(std::chrono::minutes(31));
    reach.poll();
  }
  size_t asked = engine.asked.size();
  // 26 h of retries every ~31 minutes, then nothing more.
  EXPECT_GE(asked, 45u);
  EXPECT_LE(asked, 55u);
  clock.advance(std::chrono::hours(5));
  EXPECT_EQ(reach.poll(), 0);
}
