// Our own groups on both backends (issue 10 items 3-5, 7): growth phases and the join rule (pure);
// creating a group only with an active number; invitations under the consent gate, the link as an
// outbox row; the public link's choice of group and a group we left; moderation patterns that do not
// compile.
#include "community/moderation.hpp"
#include "community/own_group_rules.hpp"
#include "community/own_groups.hpp"
#include "contacts/contact_base.hpp"
#include "engines/fake/fake_engine.hpp"
#include "projects/project.hpp"
#include "support.hpp"

#include <nlohmann/json.hpp>

using namespace sangam;
using json = nlohmann::json;

namespace {
constexpr int64_t kDay = 86400000;

TEST(GrowthPhase, FoundationThenGrowthThenConversionWithTheSeedsTargets) {
  int64_t t0 = 1'700'000'000'000;
  auto f = growth_phase(t0, t0 + 29 * kDay);
  EXPECT_EQ(f.name, "foundation");
  EXPECT_EQ(f.target_min, 20);
  EXPECT_EQ(f.target_max, 30);
  EXPECT_EQ(*f.next_at_ms, t0 + 30 * kDay);
  auto g = growth_phase(t0, t0 + 30 * kDay);
  EXPECT_EQ(g.name, "growth");
  EXPECT_EQ(g.since_ms, t0 + 30 * kDay);
  EXPECT_EQ(g.target_max, 150);
  auto c = growth_phase(t0, t0 + 90 * kDay);
  EXPECT_EQ(c.name, "conversion");
  EXPECT_FALSE(c.next_at_ms);
}

TEST(JoinRule, CountryAndSuppressionDecideAndTheRuleIsSaidInWords) {
  JoinRule r = join_rule_from({{"enabled", true}, {"countries", {"IN"}}, {"reject_others", true}});
  JoinFacts in{std::string("+919800000001"), "IN", false, false, false};
  auto v = judge_join(r, in);
  ASSERT_TRUE(v.approve);
  EXPECT_TRUE(*v.approve);
  EXPECT_NE(v.rule.find("IN"), std::string::npos);
  JoinFacts us{std::string("+14155550123"), "US", false, false, false};
  EXPECT_FALSE(*judge_join(r, us).approve);
  JoinFacts stopped = in;
  stopped.suppressed = true;
  EXPECT_FALSE(*judge_join(r, stopped).approve);
  r.reject_others = false;
  EXPECT_FALSE(judge_join(r, us).approve.has_value()) << "left for a person";
  r.known_contacts_only = true;
  EXPECT_FALSE(judge_join(r, in).approve.has_value()) << "not a contact";
  std::string field;
  EXPECT_EQ(test::code_of([] { join_rule_from({{"countries", {"india"}}}); }, &field), ErrorCode::validation_failed);
  EXPECT_EQ(field, "join_rule.countries[0]");
  EXPECT_FALSE(judge_join(JoinRule{}, in).approve.has_value()) << "no rule: nothing decided";
}

TEST(ModerationPatterns, APatternThatDoesNotCompileIsRefusedByIndexAndAGoodOneMatches) {
  std::string field;
  EXPECT_EQ(test::code_of([] { moderation_rules_from({{"patterns", {"free\\s+loan", "(unclosed"}}}); }, &field), ErrorCode::validation_failed);
  EXPECT_EQ(field, "patterns[1]");
  ModerationRules r = moderation_rules_from({{"links", false}, {"patterns", {"free\\s+loan"}}});
  ModeratedMessage m;
  m.body = "FREE   LOAN today";
  EXPECT_EQ(violated_rule(r, m), std::optional<std::string>("pattern"));
  m.body = "free feed samples";
  EXPECT_FALSE(violated_rule(r, m));
}

class OwnGroupsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("Support"), std::string("sim"),
                                      std::string("production"), int64_t(100), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
      idle = c.run("account-insert", {pid, std::string("+919800000002"), std::string("Spare"), std::string("sim"),
                                       std::string("production"), int64_t(100), clock.now_ms()})[0].i64("id");
      user.id = c.run("user-insert", {std::string("asha@example.com"), std::string("Asha"), std::string("x"), int64_t(0), int64_t(0), clock.now_ms()})[0].i64("id");
      std::string now = std::to_string(clock.now_ms());
      for (auto [phone, consent] : {std::pair{"+919811100001", "opted_in"}, {"+919811100002", "unknown"}, {"+919811100003", "opted_out"}})
        c.exec_script("INSERT INTO contacts (project_id, phone, name, consent, source, created_at, updated_at) VALUES (" + std::to_string(pid) +
                      ", '" + phone + "', 'C" + std::string(phone).substr(12) + "', '" + consent + "', 'api', " + now + ", " + now + ")");
    });
    user.email = "asha@example.com";
    user.name = "Asha";
    engine.reply = {{"group_id", "120363000000000777@g.us"}, {"invite_code", "AbCdEfGhIjKlMn"}, {"participants", json::array()}};
  }
  int64_t contact(const std::string& phone) {
    return db->read([&](store::Conn& c) { return c.run("contact-by-phone", {pid, phone})[0].i64("id"); });
  }
  int64_t pid = 0, aid = 0, idle = 0;
  User user;
  FakeEngine engine;
  test::RecordingBus bus;
};

TEST_P(OwnGroupsTest, OnlyAnActiveNumberCreatesAGroupAndBadInputChangesNothing) {
  ContactBase contacts(*db, clock, bus);
  OwnGroupService own(*db, clock, bus, engine, &contacts, nullptr);
  std::string field;
  EXPECT_EQ(test::code_of([&] { own.create(user, pid, {{"name", "Layer Farmers"}, {"purpose", "Tips"}, {"account_id", idle}}); }, &field),
            ErrorCode::conflict);
  EXPECT_EQ(field, "account_id");
  EXPECT_EQ(test::code_of([&] { own.create(user, pid, {{"name", "Layer Farmers"}, {"account_id", aid}}); }, &field), ErrorCode::validation_failed);
  EXPECT_EQ(field, "purpose");
  EXPECT_TRUE(engine.sent.empty()) << "nothing asked of WhatsApp";
  EXPECT_TRUE(own.list(pid)["items"].empty());

  json g = own.create(user, pid, {{"name", "Layer Farmers"}, {"purpose", "Tips"}, {"account_id", aid}, {"announce_only", true}});
  ASSERT_EQ(engine.sent.size(), 1u);
  EXPECT_EQ(engine.sent[0].command, "group.create");
  EXPECT_EQ(engine.sent[0].args["announce"], true);
  EXPECT_EQ(engine.sent[0].args["admins_add_only"], true);
  EXPECT_EQ(g["phase"]["name"], "foundation");
  EXPECT_EQ(g["members"], 1);
  EXPECT_EQ(g["invite_link"], "https://chat.whatsapp.com/AbCdEfGhIjKlMn");
  EXPECT_EQ(own.public_target("poultrycare"), std::optional<std::string>("https://chat.whatsapp.com/AbCdEfGhIjKlMn"));
}

TEST_P(OwnGroupsTest, InvitesPassTheConsentGateAndTheLinkIsAnOutboxRow) {
  ContactBase contacts(*db, clock, bus);
  OwnGroupService own(*db, clock, bus, engine, &contacts, nullptr);
  int64_t gid = own.create(user, pid, {{"name", "Layer Farmers"}, {"purpose", "Tips"}, {"account_id", aid}})["group_id"];
  std::string field;
  EXPECT_EQ(test::code_of([&] { own.invite(user, pid, gid, {{"contact_ids", {contact("+919811100002")}}}); }, &field), ErrorCode::validation_failed);
  EXPECT_EQ(field, "contact_ids[0]");
  EXPECT_TRUE(own.invites(pid, gid)["items"].empty()) << "a refused request stores nothing";
  json r = own.invite(user, pid, gid, {{"contact_ids", {contact("+919811100001"), contact("+919811100003")}}});
  ASSERT_EQ(r["queued"].size(), 1u);
  ASSERT_EQ(r["refused"].size(), 1u);
  EXPECT_NE(r["refused"][0]["reason"].get<std::string>().find("opted out"), std::string::npos);
  auto rows = db->read([&](store::Conn& c) { return c.run("outbox-by-project", {pid}); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str("target"), "919811100001@c.us");
  EXPECT_NE(rows[0].str("content").find("chat.whatsapp.com/AbCdEfGhIjKlMn"), std::string::npos);
  json items = own.invites(pid, gid)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["status"], "link_sent");
  EXPECT_EQ(test::code_of([&] { own.invite(user, pid, gid, {{"contact_ids", {contact("+919811100001")}}}); }), ErrorCode::validation_failed)
      << "not invited twice";
}

TEST_P(OwnGroupsTest, AGroupWeLeftIsAClearErrorAndThePublicLinkSkipsIt) {
  ContactBase contacts(*db, clock, bus);
  OwnGroupService own(*db, clock, bus, engine, &contacts, nullptr);
  int64_t gid = own.create(user, pid, {{"name", "Layer Farmers"}, {"purpose", "Tips"}, {"account_id", aid}})["group_id"];
  engine.fail_with = "not_member";
  std::string field;
  EXPECT_EQ(test::code_of([&] { own.renew_link(user, pid, gid, false); }, &field), ErrorCode::conflict);
  EXPECT_EQ(field, "group");
  EXPECT_TRUE(own.get(pid, gid)["left"].get<bool>());
  EXPECT_EQ(own.public_target("poultrycare"), std::nullopt);
  EXPECT_EQ(test::code_of([&] { own.invite_link(pid, gid); }, &field), ErrorCode::conflict);
  EXPECT_EQ(field, "group");
}

SANGAM_BOTH_BACKENDS(OwnGroupsTest);

}  // namespace
