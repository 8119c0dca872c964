// The core's side of the bridge protocol, with a scripted connector instead of a socket.
#include "engines/bridge/bridge_hub.hpp"

#include "support.hpp"
#include "util/errors.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

using namespace sangam;
using json = nlohmann::json;

namespace {
struct Listener final : EngineListener {
  std::vector<std::pair<int64_t, std::string>> events;
  std::vector<std::string> up, down, refused;
  std::vector<json> requests;
  bool throw_on_events = false;
  void on_engine_event(int64_t a, const std::string& e, const json&) override {
    events.emplace_back(a, e);
    // What AccountService does for a late account.ready of an account in `new`.
    if (throw_on_events) throw conflict("to", "an account in new cannot become active");
  }
  json on_engine_request(int64_t a, const std::string& r, const json& args) override {
    requests.push_back({{"account", a}, {"request", r}, {"args", args}});
    if (r == "session.exists") return {{"exists", a == 7}};
    throw Error(ErrorCode::not_found, "unknown request");
  }
  void on_connector_up(const std::string& id) override { up.push_back(id); }
  void on_connector_down(const std::string& id, const std::string&) override { down.push_back(id); }
  void on_connector_refused(const std::string& id, int64_t a, const std::string& what) override {
    refused.push_back(id + " " + std::to_string(a) + " " + what);
  }
};

struct FakeConnector {
  BridgeHub& hub;
  std::vector<json> received;
  bool closed = false;
  uint64_t id = hub.open([this](std::string m) { received.push_back(json::parse(m)); }, [this] { closed = true; });
  void say(const json& m) { hub.message(id, m.dump()); }
  void hello(const char* name = "c1", json resume = nullptr) {
    json h = {{"type", "hello"}, {"protocol", 1}, {"connector_id", name}, {"engines", {"sim"}}, {"pid", 42}};
    if (!resume.is_null()) h["resume"] = resume;
    say(h);
  }
  const json& last() const { return received.back(); }
  // The newest command this connector received.
  json last_command() const {
    for (auto it = received.rbegin(); it != received.rend(); ++it)
      if ((*it)["type"] == "command") return *it;
    return nullptr;
  }
};

// Proves a connection still works: a command goes out on it and its result comes back.
void answers_a_command(BridgeHub& hub, FakeConnector& c, int64_t account) {
  std::optional<EngineResult> got;
  hub.command(account, "account.state", json::object(), [&](const EngineResult& r) { got = r; });
  json cmd = c.last_command();
  ASSERT_FALSE(cmd.is_null());
  ASSERT_EQ(cmd["account_id"], account);
  c.say({{"type", "result"}, {"id", cmd["id"]}, {"ok", true}, {"data", {{"state", "CONNECTED"}}}});
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->ok);
  EXPECT_EQ(got->data["state"], "CONNECTED");
}

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
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
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);  // places account 7 on this connector
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

// ---- Issue 12: deep frames, results from the wrong connection; issue 6: handlers, scope -------------

TEST(Bridge, DeeplyNestedFramesGetAnErrorFrameAndTheConnectorKeepsWorking) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.hello();
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);
  // 100,000 levels used to overflow the stack (the frame's data was copied recursively).
  for (size_t depth : {10000u, 100000u, 1000000u}) {
    SCOPED_TRACE(depth);
    size_t before = c.received.size();
    hub.message(c.id, R"({"type":"event","event":"account.state","account_id":7,"data":{"state":)" + nested(depth) + "}}");
    ASSERT_EQ(c.received.size(), before + 1);
    EXPECT_EQ(c.last()["type"], "error");
    EXPECT_EQ(c.last()["error"]["code"], "bad_frame");
    EXPECT_NE(c.last()["error"]["message"].get<std::string>().find("nests deeper than 64"), std::string::npos);
    hub.message(c.id, nested(depth));
    EXPECT_EQ(c.last()["error"]["code"], "bad_frame");
  }
  EXPECT_TRUE(l.events.empty());
  answers_a_command(hub, c, 7);
  // Brackets inside strings are text, not nesting.
  c.say({{"type", "event"}, {"event", "account.state"}, {"account_id", 7}, {"data", {{"state", std::string(5000, '[')}}}});
  EXPECT_EQ(l.events.size(), 1u);
}

TEST(Bridge, CommandIdsAreRandom) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  BridgeHub hub(clock);
  FakeConnector c{hub};
  c.hello();
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    hub.command(1, "account.state", json::object(), nullptr);
    std::string id = c.last_command()["id"];
    EXPECT_EQ(id.size(), 2u + 22u) << id;  // "c-" + 128 bits in URL-safe base64
    EXPECT_EQ(id.rfind("c-", 0), 0u) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 50u);
  EXPECT_EQ(ids.count("c-1") + ids.count("c-2"), 0u);
}

TEST(Bridge, AResultCountsOnlyFromTheConnectionItsCommandWentOn) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector x{hub}, y{hub};
  x.hello("x");
  y.hello("y");
  std::vector<EngineResult> results;
  hub.command(1, "account.start", {{"engine", "sim"}}, [&](const EngineResult& r) { results.push_back(r); });
  json cmd = x.last_command();
  ASSERT_FALSE(cmd.is_null());  // the least loaded connector with the lowest id: x
  ASSERT_TRUE(y.last_command().is_null());
  y.say({{"type", "result"}, {"id", cmd["id"]}, {"ok", false}, {"error", {{"code", "failed"}, {"message", "forged by y"}}}});
  EXPECT_TRUE(results.empty());  // ignored: the command still waits for x
  x.say({{"type", "result"}, {"id", cmd["id"]}, {"ok", true}, {"data", json::object()}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok);
}

TEST(Bridge, MalformedFramesAndWrongTypesGetErrorsAndTheConnectorStaysUsable) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.hello();
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);
  struct Case {
    std::string frame, type, code;
  };
  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "\xC3\xA9";  // é
  std::vector<Case> cases = {
      {"{not json", "error", "bad_frame"},
      {"[1,2]", "error", "bad_frame"},
      {R"({"type":7})", "error", "bad_frame"},
      {R"({"type":"dance"})", "error", "bad_frame"},
      {R"({"type":"a)" + accents + "\"}", "error", "bad_frame"},  // echoed cut at 64 bytes, inside an é
      {R"({"type":"hello","protocol":"1"})", "error", "bad_frame"},  // welcomed already
      {R"({"type":"event","event":"account.qr","account_id":"7","data":{"qr":"x"}})", "error", "bad_frame"},
      {R"({"type":"event","event":"account.qr","account_id":7.5})", "error", "bad_frame"},
      {R"({"type":"event","event":["account.qr"],"account_id":7})", "error", "bad_frame"},
      {R"({"type":"event","event":"account.qr","account_id":7,"data":"x"})", "error", "bad_frame"},
      {R"({"type":"event","event":"account.qr","account_id":-7})", "error", "bad_frame"},
      {R"({"type":"event","event":"account.qr","account_id":18446744073709551615})", "error", "bad_frame"},
      {R"({"type":"result","id":42,"ok":true})", "error", "bad_frame"},
      {R"({"type":"request","id":9,"request":"session.exists","account_id":7})", "response", "bad_request"},
      {R"({"type":"request","id":"r-1","request":"session.exists","account_id":"7"})", "response", "bad_request"},
      {R"({"type":"request","id":"r-2","request":{},"account_id":7})", "response", "bad_request"},
      {R"({"type":"request","id":"r-3","request":"session.exists","account_id":7,"args":[]})", "response", "bad_request"},
  };
  for (auto& k : cases) {
    SCOPED_TRACE(k.frame);
    size_t before = c.received.size();
    EXPECT_NO_THROW(hub.message(c.id, k.frame));
    ASSERT_EQ(c.received.size(), before + 1);
    EXPECT_EQ(c.last()["type"], k.type);
    EXPECT_EQ(c.last()["error"]["code"], k.code);
    if (k.type == "response") {
      EXPECT_EQ(c.last()["ok"], false);
    }
  }
  EXPECT_TRUE(l.events.empty());
  EXPECT_TRUE(l.requests.empty());
  EXPECT_FALSE(c.closed);
  EXPECT_TRUE(l.down.empty());
  answers_a_command(hub, c, 7);
  // A result that is not true/false still settles its command, as a failure.
  std::optional<EngineResult> got;
  hub.command(7, "account.state", json::object(), [&](const EngineResult& r) { got = r; });
  c.say({{"type", "result"}, {"id", c.last_command()["id"]}, {"ok", "yes"}});
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok);
  // A failure's code and message become a status reason and an alert: a name, and valid UTF-8.
  got.reset();
  std::string long_message;
  for (int i = 0; i < 1001; ++i) long_message += "\xC3\xA9";
  hub.command(7, "account.state", json::object(), [&](const EngineResult& r) { got = r; });
  c.say({{"type", "result"}, {"id", c.last_command()["id"]}, {"ok", false},
         {"error", {{"code", "not\nready"}, {"message", long_message}}}});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->error_code, "not_ready");
  EXPECT_EQ(got->error_message.size(), 1000u);
  EXPECT_NO_THROW(json(got->error_message).dump());
  // Frames before hello are refused too, without breaking the connection.
  FakeConnector early{hub};
  early.say({{"type", "event"}, {"event", "account.qr"}, {"account_id", 7}});
  EXPECT_EQ(early.last()["error"]["code"], "bad_frame");
  early.say({{"type", "hello"}, {"protocol", "1"}});  // the wrong type: a protocol mismatch, not a crash
  EXPECT_TRUE(early.closed);
}

TEST(Bridge, AThrowingListenerFailsTheFrameNotTheConnection) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.hello();
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);
  l.throw_on_events = true;
  EXPECT_NO_THROW(c.say({{"type", "event"}, {"event", "account.ready"}, {"account_id", 7}, {"data", {{"phone", "+919800000001"}}}}));
  EXPECT_EQ(c.last()["type"], "error");
  EXPECT_EQ(c.last()["error"]["code"], "failed");
  EXPECT_NE(c.last()["error"]["message"].get<std::string>().find("cannot become active"), std::string::npos);
  EXPECT_EQ(c.last()["about"]["event"], "account.ready");
  l.throw_on_events = false;
  answers_a_command(hub, c, 7);
  EXPECT_EQ(hub.connectors().size(), 1u);
}

TEST(Bridge, OneThrowingCallbackDoesNotSkipTheOthers) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector c{hub};
  c.hello();
  int called = 0;
  auto thrower = [&](const EngineResult&) {
    ++called;
    throw std::runtime_error("database is locked");
  };
  hub.command(1, "account.state", json::object(), thrower);
  hub.command(2, "account.state", json::object(), thrower);
  clock.advance(std::chrono::seconds(61));
  EXPECT_NO_THROW(hub.expire(clock.now_ms()));
  EXPECT_EQ(called, 2);
  hub.command(1, "account.state", json::object(), thrower);
  hub.command(2, "account.state", json::object(), thrower);
  EXPECT_NO_THROW(hub.closed(c.id));
  EXPECT_EQ(called, 4);
  EXPECT_EQ(l.down, std::vector<std::string>{"c1"});  // and the connector is gone, not a ghost
  EXPECT_FALSE(hub.available());
}

TEST(Bridge, AConnectorMayTouchOnlyTheAccountsPlacedOnIt) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector x{hub}, y{hub};
  x.hello("x");
  y.hello("y");
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);  // placed on x
  ASSERT_EQ(x.last_command()["account_id"], 7);
  y.say({{"type", "request"}, {"id", "r-1"}, {"request", "session.load"}, {"account_id", 7}});
  EXPECT_EQ(y.last()["type"], "response");
  EXPECT_EQ(y.last()["id"], "r-1");
  EXPECT_EQ(y.last()["ok"], false);
  EXPECT_EQ(y.last()["error"]["code"], "forbidden");
  y.say({{"type", "event"}, {"event", "account.ready"}, {"account_id", 7}, {"data", {{"phone", "+919800000001"}}}});
  EXPECT_EQ(y.last()["error"]["code"], "forbidden");
  y.say({{"type", "request"}, {"id", "r-2"}, {"request", "session.save"}, {"account_id", 8}, {"args", {{"archive_base64", "eA=="}}}});
  EXPECT_EQ(y.last()["error"]["code"], "forbidden");  // an account placed nowhere
  EXPECT_TRUE(l.requests.empty());
  EXPECT_TRUE(l.events.empty());
  EXPECT_EQ(l.refused, (std::vector<std::string>{"y 7 request session.load", "y 7 event account.ready",
                                                 "y 8 request session.save"}));
  // y's account.ready did not move account 7: commands still go to x, and x is served.
  hub.command(7, "account.state", json::object(), nullptr);
  EXPECT_EQ(x.last_command()["command"], "account.state");
  x.say({{"type", "request"}, {"id", "r-3"}, {"request", "session.exists"}, {"account_id", 7}});
  EXPECT_EQ(x.last()["ok"], true);
  EXPECT_EQ(x.last()["data"]["exists"], true);
  x.say({{"type", "event"}, {"event", "account.ready"}, {"account_id", 7}});
  EXPECT_EQ(l.events.size(), 1u);
  EXPECT_EQ(l.refused.size(), 3u);
}

TEST(Bridge, AReconnectingConnectorTakesBackItsAccountsWithItsResumeToken) {
  ManualClock clock(test::at("2026-11-24T10:00:00Z"));
  Listener l;
  BridgeHub hub(clock, &l);
  FakeConnector first{hub};
  first.hello("local");
  std::string token = first.received[0]["resume"];
  EXPECT_GE(token.size(), 32u);
  hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);
  hub.closed(first.id);  // the socket dropped; the connector's clients keep running

  FakeConnector impostor{hub};
  impostor.hello("local", "not-the-token");  // the same name is not enough
  impostor.say({{"type", "event"}, {"event", "message.received"}, {"account_id", 7}});
  EXPECT_EQ(impostor.last()["error"]["code"], "forbidden");
  hub.closed(impostor.id);

  FakeConnector again{hub};
  again.hello("local", token);
  EXPECT_NE(again.received[0]["resume"], token);  // a new one for the next reconnect
  again.say({{"type", "event"}, {"event", "message.received"}, {"account_id", 7}});  // its queued events
  EXPECT_EQ(l.events.size(), 1u);
  again.say({{"type", "request"}, {"id", "r-1"}, {"request", "session.exists"}, {"account_id", 7}});
  EXPECT_EQ(again.last()["ok"], true);

  FakeConnector replay{hub};  // a token works once
  replay.hello("local", token);
  replay.say({{"type", "event"}, {"event", "message.received"}, {"account_id", 7}});
  EXPECT_EQ(replay.last()["error"]["code"], "forbidden");

  // After the grace period the token is forgotten: the core restarts the accounts itself.
  std::string token2 = again.received[0]["resume"];
  hub.closed(again.id);
  clock.advance(std::chrono::milliseconds(BridgeHub::kResumeGraceMs + 1));
  hub.expire(clock.now_ms());
  FakeConnector late{hub};
  late.hello("local", token2);
  late.say({{"type", "event"}, {"event", "message.received"}, {"account_id", 7}});
  EXPECT_EQ(late.last()["error"]["code"], "forbidden");
  EXPECT_EQ(l.events.size(), 1u);
}
