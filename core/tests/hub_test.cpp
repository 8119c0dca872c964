#include "http/hub.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace sangam;
using json = nlohmann::json;

namespace {
struct Fixture {
  // user 1 is in project 10, user 2 in project 20
  std::map<int64_t, std::set<int64_t>> membership{{1, {10}}, {2, {20}}};
  http::Hub hub{[this](int64_t u, int64_t p) { return membership[u].count(p) > 0; }};
  std::map<uint64_t, std::vector<json>> inbox;
  std::set<uint64_t> closed;
  uint64_t connect(int64_t user) {
    auto id = std::make_shared<uint64_t>(0);
    *id = hub.add(user, [this, id](std::string m) { inbox[*id].push_back(json::parse(m)); }, [this, id] { closed.insert(*id); });
    return *id;
  }
  json say(uint64_t c, const json& m) { return json::parse(hub.handle(c, m.dump())); }
  Event event(const char* name, int64_t project) { return Event{name, project, std::nullopt, {{"id", project}}, 0}; }
};
}  // namespace

TEST(Hub, AClientCannotSubscribeToAProjectItCannotSee) {
  Fixture f;
  auto a = f.connect(1);
  EXPECT_EQ(f.say(a, {{"type", "subscribe"}, {"project_id", 20}})["error"]["code"], "not_found");
  EXPECT_EQ(f.say(a, {{"type", "subscribe"}, {"project_id", 10}})["type"], "subscribed");
  f.hub.publish(f.event("project.updated", 20));
  f.hub.publish(f.event("project.updated", 10));
  ASSERT_EQ(f.inbox[a].size(), 1u);
  EXPECT_EQ(f.inbox[a][0]["project_id"], 10);
  EXPECT_EQ(f.inbox[a][0]["event"], "project.updated");
}

TEST(Hub, RemovedMembersStopReceivingAtOnce) {
  Fixture f;
  auto a = f.connect(1);
  f.say(a, {{"type", "subscribe"}, {"project_id", 10}});
  f.membership[1].clear();  // removed from project 10 in the database
  f.hub.publish(f.event("project.updated", 10));
  EXPECT_TRUE(f.inbox[a].empty());
  f.hub.publish(Event{"member.removed", 10, std::nullopt, {{"user_id", 1}}, 0});
  f.membership[1].insert(10);  // even if re-added later, the old subscription is gone
  f.hub.publish(f.event("project.updated", 10));
  EXPECT_TRUE(f.inbox[a].empty());
}

TEST(Hub, UserEventsReachOnlyThatUser) {
  Fixture f;
  auto a = f.connect(1), b = f.connect(2);
  f.hub.publish(Event{"membership.changed", std::nullopt, 2, {{"project_id", 20}}, 0});
  EXPECT_TRUE(f.inbox[a].empty());
  ASSERT_EQ(f.inbox[b].size(), 1u);
  f.hub.publish(Event{"session.revoked", std::nullopt, 2, json::object(), 0});
  EXPECT_EQ(f.closed, std::set<uint64_t>{b});
}

TEST(Hub, BadMessagesGetAnErrorNotADisconnect) {
  Fixture f;
  auto a = f.connect(1);
  EXPECT_EQ(f.say(a, json("just a string"))["error"]["code"], "invalid_json");
  EXPECT_EQ(f.say(a, {{"type", "dance"}, {"project_id", 10}})["error"]["code"], "validation_failed");
  EXPECT_EQ(f.say(a, {{"type", "subscribe"}, {"project_id", "10"}})["error"]["code"], "validation_failed");
  EXPECT_EQ(json::parse(f.hub.handle(a, "{not json"))["error"]["code"], "invalid_json");
  f.hub.remove(a);
  EXPECT_EQ(f.hub.size(), 0u);
}

TEST(Hub, DeeplyNestedMessagesAreRefusedBeforeAnyTreeIsBuilt) {
  Fixture f;
  auto a = f.connect(1);
  for (size_t depth : {65u, 10000u, 100000u, 1000000u}) {
    SCOPED_TRACE(depth);
    std::string deep = R"({"type":"subscribe","project_id":10,"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    json reply = json::parse(f.hub.handle(a, deep));
    EXPECT_EQ(reply["error"]["code"], "invalid_json");
    EXPECT_NE(reply["error"]["message"].get<std::string>().find("nests deeper than 64"), std::string::npos);
  }
  EXPECT_EQ(f.say(a, {{"type", "subscribe"}, {"project_id", 10}})["type"], "subscribed");
}

TEST(Hub, AFailingLookupIsAnErrorReplyNotALostConnection) {
  int calls = 0;
  http::Hub hub{[&](int64_t, int64_t) -> bool {
    if (++calls == 1) throw std::runtime_error("could not connect to the database");
    return true;
  }};
  uint64_t c = hub.add(1, [](std::string) {}, [] {});
  json first = json::parse(hub.handle(c, R"({"type":"subscribe","project_id":10})"));
  EXPECT_EQ(first["type"], "error");
  EXPECT_EQ(first["error"]["code"], "internal");
  EXPECT_EQ(first["error"]["message"].get<std::string>().find("database"), std::string::npos);  // no internals
  EXPECT_EQ(json::parse(hub.handle(c, R"({"type":"subscribe","project_id":10})"))["type"], "subscribed");
  EXPECT_EQ(hub.size(), 1u);
}

TEST(Hub, AFailingLookupWhilePublishingSkipsOnlyThatUser) {
  std::map<uint64_t, std::vector<json>> inbox;
  bool db_down = false;
  http::Hub hub{[&](int64_t u, int64_t) -> bool {
    if (db_down && u == 1) throw std::runtime_error("could not connect to the database");
    return true;
  }};
  auto connect = [&](int64_t user) {
    auto id = std::make_shared<uint64_t>(0);
    *id = hub.add(user, [&inbox, id](std::string m) { inbox[*id].push_back(json::parse(m)); }, [] {});
    return *id;
  };
  uint64_t a = connect(2), b = connect(1), c = connect(3);  // b's look-up is checked between a's and c's
  for (uint64_t x : {a, b, c}) ASSERT_EQ(json::parse(hub.handle(x, R"({"type":"subscribe","project_id":10})"))["type"], "subscribed");
  db_down = true;
  EXPECT_NO_THROW(hub.publish(Event{"project.updated", 10, std::nullopt, {{"id", 10}}, 0}));
  EXPECT_EQ(inbox[a].size(), 1u);
  EXPECT_EQ(inbox[c].size(), 1u);
  EXPECT_TRUE(inbox[b].empty());  // not shown to a user whose membership could not be checked
}
