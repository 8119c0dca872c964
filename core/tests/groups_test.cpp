// Groups (issue 7 items 1-3, 5): paged sync into one group per project however many of our numbers
// are in it, members handed to the contact base (a recording sink here), lid resolution, the daily
// join limit with its queue, engagement phases, activity and keywords in Indian scripts.
#include "accounts/account_service.hpp"
#include "auth/auth_service.hpp"
#include "engines/fake/fake_engine.hpp"
#include "groups/group_service.hpp"
#include "groups/keywords.hpp"
#include "projects/project_service.hpp"

#include "support.hpp"

#include <fmt/format.h>

using namespace sangam;
using json = nlohmann::json;
using test::failure_of;

namespace {

// An engine answering each command with a function of its args; records what was asked.
class ScriptedEngine final : public Engine {
 public:
  using Script = std::function<EngineResult(int64_t aid, const json& args)>;
  std::map<std::string, Script> scripts;
  std::vector<std::pair<std::string, json>> sent;
  void command(int64_t aid, const std::string& command, const json& args, EngineCallback cb) override {
    sent.push_back({command, args});
    auto it = scripts.find(command);
    EngineResult r = it == scripts.end() ? EngineResult{false, nullptr, "unsupported", "not scripted"} : it->second(aid, args);
    if (cb) cb(r);
  }
  bool available() const override { return true; }
  size_t count(const std::string& command) const {
    return std::count_if(sent.begin(), sent.end(), [&](auto& s) { return s.first == command; });
  }
};

class RecordingSink final : public MemberSink {
 public:
  struct Seen {
    int64_t project, group, account;
    std::vector<GroupMember> members;
  };
  std::vector<Seen> seen;
  std::vector<std::pair<std::string, std::string>> resolved;
  void members_seen(int64_t p, int64_t g, int64_t a, const std::vector<GroupMember>& m, int64_t) override {
    seen.push_back({p, g, a, m});
  }
  void lid_resolved(int64_t, const std::string& lid, const std::string& phone) override { resolved.push_back({lid, phone}); }
};

// n groups "120363…NNN@g.us"; group i has 10 members, member 0 an admin, member 9 visible only as a lid.
json groups_world(int n, const std::string& me, int admin_every = 2) {
  json groups = json::array();
  for (int i = 0; i < n; ++i) {
    json parts = json::array();
    bool admin = admin_every > 0 && i % admin_every == 0;
    parts.push_back({{"id", me.substr(1) + "@c.us"}, {"phone", me}, {"lid", nullptr}, {"admin", admin}});
    for (int j = 0; j < 10; ++j) {
      if (j == 9)
        parts.push_back({{"id", fmt::format("77{:04}{:02}@lid", i, j)}, {"phone", nullptr}, {"lid", fmt::format("77{:04}{:02}@lid", i, j)}, {"admin", false}});
      else
        parts.push_back({{"id", fmt::format("9197{:04}{:04}@c.us", i, j)}, {"phone", fmt::format("+9197{:04}{:04}", i, j)}, {"lid", nullptr}, {"admin", j == 0}});
    }
    groups.push_back({{"id", fmt::format("120363{:012}@g.us", i)}, {"name", fmt::format("Group {:03}", i)},
                      {"description", i == 0 ? "Namakkal broiler farmers" : ""}, {"announce", false}, {"is_community", false},
                      {"kind", "group"}, {"community_id", nullptr}, {"invite_code", admin ? json(fmt::format("INVITE{:06}", i)) : json(nullptr)},
                      {"participants", parts}});
  }
  return groups;
}

EngineResult page_of(const json& all, const json& args) {
  int64_t off = args.value("offset", 0), lim = args.value("limit", 25);
  json page = json::array();
  for (int64_t i = off; i < std::min<int64_t>(off + lim, all.size()); ++i) page.push_back(all[i]);
  json next = off + lim < static_cast<int64_t>(all.size()) ? json(off + lim) : json(nullptr);
  return {true, {{"groups", page}, {"total", all.size()}, {"offset", off}, {"next_offset", next}}, "", ""};
}

}  // namespace

TEST(GroupKeywords, IndianScriptsKeepVowelSignsAndViramasInsideWords) {
  EXPECT_EQ(message_keywords("இன்று கோழி தீவனம் விலை என்ன?"), (std::vector<std::string>{"இன்று", "கோழி", "தீவனம்", "விலை"}));
  EXPECT_EQ(message_keywords("आज अंडे का रेट क्या है?"), (std::vector<std::string>{"आज", "अंडे", "रेट"}));
  // Malayalam with a zero-width non-joiner inside one word
  EXPECT_EQ(message_keywords("ഹോട്ടൽ ബില്ലിംഗ് സോഫ്റ്റ്\u200Cവെയർ?"),
            (std::vector<std::string>{"ഹോട്ടൽ", "ബില്ലിംഗ്", "സോഫ്റ്റ്\u200Cവെയർ"}));
  // mixed scripts and romanised fillers; numbers, prices and two-letter words left out; each word once
  EXPECT_EQ(message_keywords("Broiler rate today Namakkal 98 rupees, broiler RATE 5.40 la"),
            (std::vector<std::string>{"broiler", "rate", "namakkal", "rupees"}));
  EXPECT_EQ(message_keywords("தடுப்பூசி schedule யாருக்காவது தெரியுமா?"),
            (std::vector<std::string>{"தடுப்பூசி", "schedule", "தெரியுமா"}));
  EXPECT_EQ(message_keywords("Vaccine schedule enna? ௧௨ १२"), (std::vector<std::string>{"vaccine", "schedule"}));
  EXPECT_TRUE(message_keywords("\xff\xfe ok").empty());
}

TEST(GroupInvites, LinksAndCodesAreRecognisedAndJunkIsNot) {
  EXPECT_EQ(GroupService::invite_code_of("https://chat.whatsapp.com/AbCdEf1234567890XyZ123"), "AbCdEf1234567890XyZ123");
  EXPECT_EQ(GroupService::invite_code_of(" chat.whatsapp.com/invite/AbCdEf1234567890XyZ123/ "), "AbCdEf1234567890XyZ123");
  EXPECT_EQ(GroupService::invite_code_of("AbCdEf1234567890XyZ123"), "AbCdEf1234567890XyZ123");
  EXPECT_FALSE(GroupService::invite_code_of("https://example.com/AbCdEf1234567890XyZ123"));
  EXPECT_FALSE(GroupService::invite_code_of("https://chat.whatsapp.com/short"));
  EXPECT_FALSE(GroupService::invite_code_of("https://chat.whatsapp.com/has space in it"));
  EXPECT_FALSE(GroupService::invite_code_of(""));
}

TEST(GroupTime, LocalDaysAndMidnightInTheProjectsZone) {
  // 2026-11-24T20:00Z is 01:30 on the 25th in India
  int64_t t = test::at("2026-11-24T20:00:00Z").time_since_epoch() / std::chrono::milliseconds(1);
  EXPECT_EQ(GroupService::local_day("Asia/Kolkata", t), "2026-11-25");
  EXPECT_EQ(GroupService::local_day("UTC", t), "2026-11-24");
  int64_t midnight = GroupService::next_local_midnight("Asia/Kolkata", t);
  EXPECT_EQ(format_iso8601(midnight), "2026-11-25T18:30:00Z");
}

TEST(GroupCommandsParse, OurOwnNumberIsNotAMemberButSaysWhetherWeAreAdmin) {
  json all = groups_world(1, "+919800000001");
  auto page = GroupCommands::parse_page({{"groups", all}, {"total", 1}, {"next_offset", nullptr}}, "+919800000001");
  ASSERT_EQ(page.groups.size(), 1u);
  EXPECT_TRUE(page.groups[0].we_are_admin);
  EXPECT_EQ(page.groups[0].members.size(), 10u);
  EXPECT_FALSE(page.groups[0].members[9].phone);
  EXPECT_EQ(*page.groups[0].members[9].lid, "77000009@lid");
  EXPECT_FALSE(page.next_offset);
  EXPECT_THROW(GroupCommands::parse_page({{"groups", 3}}, ""), std::exception);
}

class GroupsTest : public test::BothBackends {
 public:
  void SetUp() override {
    BothBackends::SetUp();
    auth = std::make_unique<AuthService>(*db, clock, bus);
    projects = std::make_unique<ProjectService>(*db, clock, bus);
    alerts = std::make_unique<AlertService>(*db, clock, bus);
    accounts = std::make_unique<AccountService>(*db, clock, bus, fake, *alerts, crypto::SecretKey{std::vector<unsigned char>(32, 7)});
    bool created = false;
    auth->ensure_admin("owner@example.com", "0123456789", created);
    owner = user_from_row(db->read([](store::Conn& c) { return c.run("user-by-email", {std::string("owner@example.com")}); })[0]);
    pid = json::parse(projects->create(owner, {{"name", "PoultryCare"}, {"slug", "poultrycare"}, {"time_zone", "Asia/Kolkata"}}))["id"];
    a1 = linked("+919800000001");
    a2 = linked("+919800000004");
    groups = std::make_unique<GroupService>(*db, clock, bus, *projects, engine, nullptr);
    groups->set_member_sink(&sink);
    engine.scripts["account.channels"] = [](int64_t, const json&) {
      return EngineResult{true, {{"channels", {{{"id", "120363999@newsletter"}, {"name", "PoultryCare Tips"}, {"followers", 2400}, {"role", "owner"}}}}}, "", ""};
    };
    engine.scripts["account.resolve_lids"] = [](int64_t, const json& args) {
      json phones = json::object();
      // every second lid resolves (the network keeps the others to itself)
      int i = 0;
      for (auto& l : args["lids"]) phones[l.get<std::string>()] = i++ % 2 == 0 ? json("+919700000" + std::to_string(i)) : json(nullptr);
      return EngineResult{true, {{"phones", phones}}, "", ""};
    };
  }
  int64_t linked(const std::string& phone) {
    int64_t aid = accounts->create(owner, pid, {{"phone", phone}, {"engine", "sim"}})["id"];
    db->write([&](store::Conn& c) { c.exec_script("UPDATE accounts SET status = 'active', linked_at = 1 WHERE id = " + std::to_string(aid)); });
    return aid;
  }
  int64_t now_ms() { return clock.now_ms(); }
  void script_invites() {
    engine.scripts["group.invite_info"] = [](int64_t, const json& a) {
      std::string code = a["invite"];
      if (code.rfind("EXPIRED", 0) == 0) return EngineResult{false, nullptr, "invite_expired", "gone"};
      if (code.rfind("UNKNOWN", 0) == 0) return EngineResult{false, nullptr, "invite_invalid", "item-not-found"};
      bool full = code.rfind("FULLGROUP", 0) == 0;
      return EngineResult{true, {{"group_id", "120363" + code + "@g.us"}, {"name", "Joined " + code}, {"size", full ? 1024 : 80}, {"full", full}}, "", ""};
    };
    // Each number's world is the groups it joined, so a later sync finds them there.
    engine.scripts["group.join"] = [this](int64_t aid, const json& a) {
      ++joins_done;
      std::string id = "120363" + a["invite"].get<std::string>() + "@g.us";
      if (!joined.count(aid)) joined[aid] = json::array();
      joined[aid].push_back({{"id", id}, {"name", "Joined " + a["invite"].get<std::string>()}, {"participants", json::array()}});
      return EngineResult{true, {{"group_id", id}}, "", ""};
    };
    engine.scripts["account.groups"] = [this](int64_t aid, const json& a) {
      return page_of(joined.count(aid) ? joined[aid] : json::array(), a);
    };
  }
  size_t join_rows() { return groups->joins(pid, std::nullopt)["items"].size(); }

  test::RecordingBus bus;
  FakeEngine fake;
  ScriptedEngine engine;
  RecordingSink sink;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<ProjectService> projects;
  std::unique_ptr<AlertService> alerts;
  std::unique_ptr<AccountService> accounts;
  std::unique_ptr<GroupService> groups;
  User owner;
  int64_t pid = 0, a1 = 0, a2 = 0;
  int joins_done = 0;
  std::map<int64_t, json> joined;
};
SANGAM_BOTH_BACKENDS(GroupsTest);

TEST_P(GroupsTest, A320GroupAccountSyncsInPagesAndAGroupOfTwoNumbersIsOneGroup) {
  json world1 = groups_world(320, "+919800000001");
  json world2 = json::array();
  for (int i = 0; i < 5; ++i) world2.push_back(groups_world(320, "+919800000004", 0)[i]);  // 5 shared, not admin
  engine.scripts["account.groups"] = [&](int64_t aid, const json& args) { return page_of(aid == a1 ? world1 : world2, args); };

  auto run = groups->start_sync(a1, "link");
  ASSERT_TRUE(run);
  EXPECT_EQ(engine.count("account.groups"), 13u) << "320 groups in pages of 25";
  for (auto& [cmd, args] : engine.sent)
    if (cmd == "account.groups") {
      EXPECT_LE(args["limit"].get<int>(), 25);
    }
  json status = groups->sync_status(pid)["items"];
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["status"], "done");
  EXPECT_EQ(status[0]["groups_total"], 320);
  EXPECT_EQ(status[0]["groups_done"], 320);
  EXPECT_EQ(status[0]["channels"], 1);
  EXPECT_EQ(status[0]["pages"], 13);
  // progress went out page by page over the bus
  size_t progress = 0;
  for (auto& e : bus.events)
    if (e.name == "groups.sync") ++progress;
  EXPECT_GE(progress, 14u);

  ASSERT_TRUE(groups->start_sync(a2, "link"));
  json list = groups->list(pid, {{"limit", "500"}});
  EXPECT_EQ(list["total"], 321) << "320 groups and one channel, the 5 shared groups once";
  json g0 = groups->list(pid, {{"q", "namakkal"}})["items"][0];
  EXPECT_EQ(g0["name"], "Group 000");
  EXPECT_EQ(g0["size"], 11);
  EXPECT_EQ(g0["lid_members"], 1);
  EXPECT_TRUE(g0["parent"].is_null());
  EXPECT_EQ(g0["invite_link"], "https://chat.whatsapp.com/INVITE000000") << "kept although the second number is no admin";
  ASSERT_EQ(g0["accounts"].size(), 2u);
  EXPECT_EQ(g0["accounts"][0]["phase"], "value") << "our own (admin) group";
  EXPECT_EQ(g0["accounts"][1]["phase"], "observation");

  // members went to the contact base: every group, each time a number saw it; lids resolved where possible
  EXPECT_EQ(sink.seen.size(), 325u);
  EXPECT_EQ(sink.seen[0].members.size(), 10u);
  EXPECT_EQ(sink.seen[0].project, pid);
  // one lid per group, resolved per page in batches where every second one resolves: 12 pages of 25
  // (13 each) and one of 20 (10), then the second number's 5 (3)
  EXPECT_EQ(sink.resolved.size(), 12u * 13u + 10u + 3u) << "the unresolvable half stays lid-only";

  // filters
  EXPECT_EQ(groups->list(pid, {{"account", std::to_string(a2)}})["total"], 6) << "5 groups and the channel";
  EXPECT_EQ(groups->list(pid, {{"admin", "true"}, {"kind", "group"}})["total"], 160);
  // the odd groups, and groups 0, 2, 4 where the second number observes
  EXPECT_EQ(groups->list(pid, {{"phase", "observation"}, {"limit", "1"}})["total"], 163);
  EXPECT_EQ(groups->list(pid, {{"kind", "channel"}})["items"][0]["size"], 2400);
  for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{{"phase", "lurking"}, {"admin", "yes"}, {"min_members", "-1"}, {"kind", "chat"}, {"limit", "x"}}) {
    auto f = failure_of([&] { groups->list(pid, {{k, v}}); });
    EXPECT_EQ(f.code, ErrorCode::validation_failed) << k;
    EXPECT_EQ(f.field, k);
  }
}

TEST_P(GroupsTest, AFailedPageFailsTheRunAndMarksNoGroupAsLeft) {
  json world = groups_world(30, "+919800000001");
  engine.scripts["account.groups"] = [&](int64_t, const json& args) { return page_of(world, args); };
  ASSERT_TRUE(groups->start_sync(a1, "link"));
  engine.scripts["account.groups"] = [&](int64_t, const json& args) {
    if (args["offset"] == 25) return EngineResult{false, nullptr, "timeout", "no result within 60 s"};
    return page_of(world, args);
  };
  clock.advance(std::chrono::hours(1));
  ASSERT_TRUE(groups->start_sync(a1, "manual"));
  json s = groups->sync_status(pid)["items"][0];
  EXPECT_EQ(s["status"], "failed");
  EXPECT_EQ(s["groups_done"], 25);
  EXPECT_NE(s["error"].get<std::string>().find("timeout"), std::string::npos);
  json all = groups->list(pid, {{"limit", "100"}});  // kept alive for the loop
  for (auto& g : all["items"]) EXPECT_TRUE(g["accounts"][0]["in_group"]) << g["name"];
}

TEST_P(GroupsTest, TheDailyJoinLimitQueuesTheFourthJoinForTomorrow) {
  script_invites();
  for (int i = 0; i < 3; ++i) {
    auto [j, queued] = groups->join(owner, pid, a1, {{"invite", fmt::format("https://chat.whatsapp.com/OPENGROUP{:06}", i)}});
    EXPECT_FALSE(queued);
    EXPECT_EQ(j["status"], "joined");
    EXPECT_EQ(j["group"]["accounts"][0]["phase"], "observation");
  }
  auto [q, queued] = groups->join(owner, pid, a1, {{"invite", "https://chat.whatsapp.com/OPENGROUP000003"}});
  EXPECT_TRUE(queued);
  EXPECT_EQ(q["status"], "queued");
  EXPECT_NE(q["message"].get<std::string>().find("3 of 3"), std::string::npos) << q["message"];
  // 05:30Z is 11:00 in India; the next local midnight is 18:30Z
  EXPECT_EQ(q["run_after"], "2026-11-24T18:30:00Z");
  EXPECT_EQ(joins_done, 3);
  // refuse instead of queue: the error names the field and nothing is written
  size_t rows = join_rows();
  auto f = failure_of([&] { groups->join(owner, pid, a1, {{"invite", "OPENGROUP000004"}, {"when_limited", "refuse"}}); });
  EXPECT_EQ(f.code, ErrorCode::too_many_attempts);
  EXPECT_EQ(f.field, "invite");
  EXPECT_EQ(join_rows(), rows);
  // the other number has its own limit
  EXPECT_FALSE(groups->join(owner, pid, a2, {{"invite", "OPENGROUP000005"}}).second);
  // a project setting changes the limit
  groups->update_settings(owner, pid, {{"joins_per_day", 5}});
  EXPECT_FALSE(groups->join(owner, pid, a1, {{"invite", "OPENGROUP000006"}}).second);
  groups->update_settings(owner, pid, {{"joins_per_day", 3}});

  // after midnight the queued join runs by itself
  clock.advance(std::chrono::hours(14));
  groups->tick();
  EXPECT_EQ(joins_done, 6);
  bool found = false;
  json joins = groups->joins(pid, a1);  // kept alive for the loop
  for (auto& j : joins["items"]) {
    if (j["invite_link"] != "https://chat.whatsapp.com/OPENGROUP000003") continue;
    found = true;
    EXPECT_EQ(j["status"], "joined") << j;
    EXPECT_EQ(j["day"], "2026-11-25") << "counted on the day it ran";
  }
  EXPECT_TRUE(found) << joins.dump();
}

TEST_P(GroupsTest, BadInviteLinksAnswerWithTheFieldAndCountNothing) {
  script_invites();
  struct Case {
    std::string invite;
    ErrorCode code;
    std::string words;
  };
  for (auto& c : std::vector<Case>{{"https://chat.whatsapp.com/short", ErrorCode::validation_failed, "invite link"},
                                   {"https://evil.example/OPENGROUP000001", ErrorCode::validation_failed, "invite link"},
                                   {"EXPIRED0000000001", ErrorCode::validation_failed, "expired"},
                                   {"UNKNOWN0000000001", ErrorCode::validation_failed, "no WhatsApp group"},
                                   {"FULLGROUP00000001", ErrorCode::conflict, "full"}}) {
    auto f = failure_of([&] { groups->join(owner, pid, a1, {{"invite", c.invite}}); });
    EXPECT_EQ(f.code, c.code) << c.invite;
    EXPECT_EQ(f.field, "invite") << c.invite;
    EXPECT_NE(f.message.find(c.words), std::string::npos) << f.message;
  }
  auto f = failure_of([&] { groups->join(owner, pid, a1, json::object()); });
  EXPECT_EQ(f.field, "invite");
  f = failure_of([&] { groups->join(owner, pid, a1, {{"invite", "OPENGROUP000001"}, {"when_limited", "later"}}); });
  EXPECT_EQ(f.field, "when_limited");
  f = failure_of([&] { groups->update_settings(owner, pid, {{"joins_per_day", 99}}); });
  EXPECT_EQ(f.field, "joins_per_day");
  EXPECT_EQ(join_rows(), 0u);
  EXPECT_EQ(joins_done, 0);
  EXPECT_EQ(groups->list(pid, {})["total"], 0);
  EXPECT_EQ(groups->settings(pid)["joins_per_day"], 3);
}

TEST_P(GroupsTest, PhasesFollowTheWeeksUnlessSetByHand) {
  script_invites();
  auto j1 = groups->join(owner, pid, a1, {{"invite", "OPENGROUP000001"}}).first;
  auto j2 = groups->join(owner, pid, a1, {{"invite", "OPENGROUP000002"}}).first;
  int64_t g1 = j1["group_id"], g2 = j2["group_id"];
  groups->set_phase(owner, pid, g2, a1, {{"phase", "value"}});
  clock.advance(std::chrono::hours(24 * 8));
  groups->tick();
  json d1 = groups->get(pid, g1);
  EXPECT_EQ(d1["accounts"][0]["phase"], "contribution");
  EXPECT_EQ(d1["accounts"][0]["phases"]["contribution"], "2026-12-01T05:30:00Z") << "a week after joining";
  EXPECT_FALSE(d1["accounts"][0]["phases"]["observation"].is_null());
  clock.advance(std::chrono::hours(24 * 14));
  groups->tick();
  EXPECT_EQ(groups->get(pid, g1)["accounts"][0]["phase"], "value");
  json d2 = groups->get(pid, g2);
  EXPECT_EQ(d2["accounts"][0]["phase"], "value");
  EXPECT_TRUE(d2["accounts"][0]["phase_manual"]);
  auto f = failure_of([&] { groups->set_phase(owner, pid, g1, a1, {{"phase", "spam"}}); });
  EXPECT_EQ(f.field, "phase");
  EXPECT_EQ(failure_of([&] { groups->set_phase(owner, pid, g1, a2, {{"phase", "value"}}); }).code, ErrorCode::not_found);
}

TEST_P(GroupsTest, ActivityCountsAMessageOnceWhoeverOfOursSawIt) {
  json world = groups_world(2, "+919800000001");
  engine.scripts["account.groups"] = [&](int64_t, const json& args) { return page_of(world, args); };
  groups->start_sync(a1, "link");
  groups->start_sync(a2, "link");
  auto msg = [&](const std::string& id, const std::string& author, const std::string& body) {
    return json{{"id", id}, {"chat", "120363000000000000@g.us"}, {"is_group", true}, {"author", author}, {"body", body},
                {"push_name", "Murugan"}, {"timestamp", "2026-11-24T04:00:00.000Z"}};
  };
  groups->on_group_message(a1, msg("m1", "919800000001@c.us", "இன்று கோழி தீவனம் விலை என்ன?"));
  groups->on_group_message(a2, msg("m1", "919800000001@c.us", "இன்று கோழி தீவனம் விலை என்ன?"));
  groups->on_group_message(a1, msg("m2", "919800000001@c.us", "தீவனம் விலை 40 ரூபாய்"));
  groups->on_group_message(a1, msg("m3", "77000009@lid", "Broiler feed விலை?"));
  groups->on_group_message(a1, {{"id", "dm"}, {"chat", "919811@c.us"}, {"is_group", false}, {"body", "hello"}});
  int64_t gid = groups->list(pid, {{"q", "namakkal"}})["items"][0]["id"];
  json d = groups->get(pid, gid);
  EXPECT_EQ(d["activity"]["messages_7d"], 3);
  ASSERT_EQ(d["activity"]["days"].size(), 1u);
  EXPECT_EQ(d["activity"]["days"][0]["day"], "2026-11-24");
  EXPECT_EQ(d["activity"]["days"][0]["active_members"], 2);
  EXPECT_EQ(d["activity"]["keywords"][0]["word"], "விலை");
  EXPECT_EQ(d["activity"]["keywords"][0]["count"], 3);
  EXPECT_EQ(d["activity"]["keywords"][1]["word"], "தீவனம்");
  EXPECT_EQ(d["activity"]["key_members"][0]["name"], "Murugan");
  EXPECT_EQ(d["activity"]["key_members"][0]["messages"], 2);
  EXPECT_EQ(d["activity"]["key_members"][1]["lid"], "77000009@lid");
  json listed = groups->list(pid, {{"min_messages", "3"}});
  EXPECT_EQ(listed["total"], 1);
  EXPECT_EQ(listed["items"][0]["activity"]["active_members"], 2);
}
