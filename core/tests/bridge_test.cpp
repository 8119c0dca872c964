// The core's side of the bridge protocol, with a scripted connector instead of a socket.
#include "engines/bridge/bridge_hub.hpp"

#include "support.hpp"
#include "util/errors.hpp"

#include <nlohmann/json.hpp>

using namespace sangam;
using json = nlohmann::json;

namespace {
struct Listener final : EngineListener {
  std::vector<std::pair<int64_t, std::string>> events;
  std::vector<std::string> up, down;
  void on_engine_event(int64_t a, const std::string& e, const json&) override { events.emplace_back(a, e); }
  json on_engine_request(int64_t a, const std::string& r, const json&) override {
    if (r == "session.exists") return {{"exists", a == 7}};
    throw Error(ErrorCode::not_found, "unknown request");
  }
  void on_connector_up(const std::string& id) override { up.push_back(id); }
  void on_connector_down(const std::string& id, const std::string&) override { down.push_back(id); }
};

struct FakeConnector {
  BridgeHub& hub;
  std::vector<json> received;
  bool closed = false;
  uint64_t id = hub.open([this](std::string m) { received.push_back(json::parse(m)); }, [this] { closed = true; });
  void say(const json& m) { hub.message(id, m.dump()); }
  void hello(const char* name = "c1") { say({{"type", "hello"}, {"protocol", 1}, {"connector_id", name}, {"engines", {"sim"}}, {"pid", 42}}); }
};
}  // namespace

TEST(Bridge, HelloIsWelcomedAndAnnounced) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  EXPECT_FALSE(hub.available());
  FakeConnector c{hub};
  c.hello();
  ASSERT_EQ(c.received.size(), 1u);
  EXPECT_EQ(c.received[0]["type"], "welcome");
  EXPECT_TRUE(hub.available());
  EXPECT_EQ(l.up, std::vector<std::string>{"c1"});
  ASSERT_EQ(hub.connectors().size(), 1u);
  EXPECT_EQ(hub.connectors()[0].pid, 42);
}

TEST(Bridge, AnotherProtocolVersionIsRefused) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  BridgeHub hub(clock);
  FakeConnector c{hub};
  c.say({{"type", "hello"}, {"protocol", 2}});
  EXPECT_TRUE(c.closed);
  EXPECT_FALSE(hub.available());
}

TEST(Bridge, ResultsFindTheirCommand) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  BridgeHub hub(clock);
  FakeConnector c{hub};
  c.hello();
  std::vector<EngineResult> results;
  hub.command(7, "account.state", json::object(), [&](const EngineResult& r) { results.push_back(r); });
  hub.command(8, "account.state", json::object(), [&](const EngineResult& r) { results.push_back(r); });
  ASSERT_EQ(c.received.size(), 3u);
  json second = c.received[2];
  EXPECT_EQ(second["type"], "command");
  EXPECT_EQ(second["account_id"], 8);
  c.say({{"type", "result"}, {"id", second["id"]}, {"ok", false}, {"error", {{"code", "not_ready"}, {"message", "x"}}}});
  c.say({{"type", "result"}, {"id", c.received[1]["id"]}, {"ok", true}, {"data", {{"state", "CONNECTED"}}}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].error_code, "not_ready");
  EXPECT_EQ(results[1].data["state"], "CONNECTED");
  c.say({{"type", "result"}, {"id", second["id"]}, {"ok", true}});  // a duplicate result is ignored
  EXPECT_EQ(results.size(), 2u);
}

TEST(Bridge, CommandsTimeOutAndFailWhenTheConnectorGoes) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  std::vector<std::string> codes;
  hub.command(1, "account.state", json::object(), [&](const EngineResult& r) { codes.push_back(r.error_code); });
  EXPECT_EQ(codes, std::vector<std::string>{"no_connector"});
  FakeConnector c{hub};
  c.hello();
  hub.command(1, "account.state", json::object(), [&](const EngineResult& r) { codes.push_back(r.error_code); });
  hub.command(2, "account.start", json::object(), [&](const EngineResult& r) { codes.push_back(r.error_code); });
  clock.advance(std::chrono::seconds(61));
  hub.expire(clock.now_ms());
  EXPECT_EQ(codes.back(), "timeout");  // account.state after 60 s; account.start may take 180 s
  EXPECT_EQ(codes.size(), 2u);
  hub.closed(c.id);
  EXPECT_EQ(codes.back(), "no_connector");
  EXPECT_EQ(l.down, std::vector<std::string>{"c1"});
}

TEST(Bridge, EventsAndSessionRequestsReachTheListener) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.say({{"type", "event"}, {"event", "account.qr"}, {"account_id", 7}});  // before hello: dropped
  EXPECT_TRUE(l.events.empty());
  c.hello();
  c.say({{"type", "event"}, {"event", "account.qr"}, {"account_id", 7}, {"data", {{"qr", "x"}}}});
  EXPECT_EQ(l.events.size(), 1u);
  c.say({{"type", "request"}, {"id", "r-1"}, {"request", "session.exists"}, {"account_id", 7}});
  EXPECT_EQ(c.received.back()["data"]["exists"], true);
  c.say({{"type", "request"}, {"id", "r-2"}, {"request", "session.nope"}, {"account_id", 7}});
  EXPECT_EQ(c.received.back()["ok"], false);
  EXPECT_EQ(c.received.back()["id"], "r-2");
}

TEST(Bridge, ShutdownIsNotACrash) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.hello();
  hub.shutdown();
  hub.closed(c.id);
  EXPECT_TRUE(l.down.empty());
}

TEST(Bridge, AccountsGoToAConnectorOfferingTheirEngine) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  BridgeHub hub(clock);
  FakeConnector sim_only{hub}, both{hub};
  sim_only.hello("sim-only");
  both.say({{"type", "hello"}, {"protocol", 1}, {"connector_id", "both"}, {"engines", {"webjs", "sim"}}});
  hub.command(1, "account.start", {{"engine", "webjs"}}, nullptr);
  hub.command(2, "account.start", {{"engine", "sim"}}, nullptr);  // the least loaded: sim-only
  hub.command(1, "account.state", json::object(), nullptr);       // stays where it runs
  EXPECT_EQ(sim_only.received.size(), 2u);                         // welcome + account 2's start
  EXPECT_EQ(both.received.size(), 3u);                             // welcome + account 1's start and state
  EXPECT_EQ(both.received[1]["account_id"], 1);
}
