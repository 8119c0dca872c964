// The account state machine, the health score and phone parsing: pure functions, dense tests.
#include "accounts/account.hpp"
#include "accounts/health.hpp"
#include "contacts/phone.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace sangam;
using S = AccountStatus;

namespace {
const std::vector<S> kAll = {S::new_, S::linking, S::active, S::standby, S::warming,
                             S::cooling, S::disconnected, S::banned, S::retired};
// Every allowed move, written out once; everything else must be refused.
const std::set<std::pair<S, S>> kAllowed = {
    {S::new_, S::linking}, {S::new_, S::retired},
    {S::linking, S::active}, {S::linking, S::standby}, {S::linking, S::warming}, {S::linking, S::new_},
    {S::linking, S::disconnected}, {S::linking, S::banned}, {S::linking, S::retired},
    {S::active, S::standby}, {S::active, S::warming}, {S::active, S::cooling}, {S::active, S::disconnected},
    {S::active, S::banned}, {S::active, S::retired}, {S::active, S::new_},
    {S::standby, S::active}, {S::standby, S::warming}, {S::standby, S::cooling}, {S::standby, S::disconnected},
    {S::standby, S::banned}, {S::standby, S::retired}, {S::standby, S::new_},
    {S::warming, S::active}, {S::warming, S::standby}, {S::warming, S::cooling}, {S::warming, S::disconnected},
    {S::warming, S::banned}, {S::warming, S::retired}, {S::warming, S::new_},
    {S::cooling, S::active}, {S::cooling, S::standby}, {S::cooling, S::warming}, {S::cooling, S::disconnected},
    {S::cooling, S::banned}, {S::cooling, S::retired}, {S::cooling, S::new_},
    {S::disconnected, S::linking}, {S::disconnected, S::active}, {S::disconnected, S::standby},
    {S::disconnected, S::warming}, {S::disconnected, S::banned}, {S::disconnected, S::retired}, {S::disconnected, S::new_},
    {S::banned, S::retired},
};
}  // namespace

class Transitions : public ::testing::TestWithParam<std::pair<S, S>> {};
TEST_P(Transitions, AllowedExactlyWhenListed) {
  auto [from, to] = GetParam();
  EXPECT_EQ(can_transition(from, to), kAllowed.count({from, to}) > 0) << status_name(from) << " -> " << status_name(to);
}
static std::vector<std::pair<S, S>> all_pairs() {
  std::vector<std::pair<S, S>> v;
  for (S a : kAll)
    for (S b : kAll) v.emplace_back(a, b);
  return v;
}
INSTANTIATE_TEST_SUITE_P(StateMachine, Transitions, ::testing::ValuesIn(all_pairs()),
                         [](const auto& info) {
                           return std::string(status_name(info.param.first)) + "_to_" + status_name(info.param.second);
                         });

TEST(StateMachine, BannedAndRetiredAreTerminal) {
  for (S to : kAll) {
    EXPECT_EQ(can_transition(S::banned, to), to == S::retired);
    EXPECT_FALSE(can_transition(S::retired, to));
  }
}

TEST(StateMachine, LinkedStatusFollowsTheRole) {
  EXPECT_EQ(status_for_role(AccountRole::production), S::active);
  EXPECT_EQ(status_for_role(AccountRole::backup), S::standby);
  EXPECT_EQ(status_for_role(AccountRole::warmup), S::warming);
}

TEST(StateMachine, NamesRoundTrip) {
  for (S s : kAll) EXPECT_EQ(parse_status(status_name(s)), s);
  EXPECT_FALSE(parse_status("online"));
}

TEST(Health, AHealthyConnectedAccountScoresFullMarks) {
  HealthInputs in;
  in.connected = true;
  EXPECT_EQ(score_health(in).total(), 100);
  EXPECT_STREQ(health_level(100), "healthy");
}

TEST(Health, LevelsFollowTheSeedThresholds) {
  EXPECT_STREQ(health_level(90), "healthy");
  EXPECT_STREQ(health_level(89), "warning");
  EXPECT_STREQ(health_level(70), "warning");
  EXPECT_STREQ(health_level(69), "critical");
}

TEST(Health, ReconnectsAndSlowAnswersCostConnectionPoints) {
  HealthInputs in;
  in.connected = true;
  in.reconnects_24h = 2;
  in.rtt_ms = 2000;
  auto s = score_health(in);
  EXPECT_EQ(s.connection, 25 + 3 + 4);
  in.connected = false;
  EXPECT_EQ(score_health(in).connection, 4);
  EXPECT_STREQ(health_level(score_health(in).total()), "critical");  // 4 + 30 + 30
}

TEST(Health, DeliveryIsTheDeliveredShare) {
  HealthInputs in;
  in.connected = true;
  in.sent = 100;
  in.delivered = 80;
  in.read = 50;
  in.replies = 10;
  auto s = score_health(in);
  EXPECT_EQ(s.delivery, 24);
  EXPECT_EQ(s.behaviour, 30);
  in.failed = 5;
  EXPECT_EQ(score_health(in).delivery, 14);
}

TEST(Health, ReportsAreTheStrongestSignal) {
  HealthInputs in;
  in.connected = true;
  in.reports = 2;
  EXPECT_EQ(score_health(in).behaviour, 10);
  in.reports = 4;
  EXPECT_EQ(score_health(in).behaviour, 0);
}

TEST(Health, ABannedAccountScoresZero) {
  HealthInputs in;
  in.connected = true;
  in.banned = true;
  EXPECT_EQ(score_health(in).total(), 0);
}

TEST(Phone, LocalNumbersUseTheProjectRegion) {
  EXPECT_EQ(normalize_phone("098000 00011", "IN"), "+919800000011");
  EXPECT_EQ(normalize_phone("+91 98000-00011", "AE"), "+919800000011");
  EXPECT_EQ(normalize_phone("050 123 4567", "AE"), "+971501234567");
  EXPECT_FALSE(normalize_phone("12345", "IN"));
  EXPECT_FALSE(normalize_phone("not a number", "IN"));
  EXPECT_FALSE(normalize_phone("", "IN"));
}
