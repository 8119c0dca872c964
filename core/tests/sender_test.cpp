// The typed send: what reaches the connector, and what each answer means for at-most-once delivery.
#include "engines/bridge/bridge_hub.hpp"
#include "engines/sender.hpp"

#include "support.hpp"

#include <optional>

using namespace sangam;

namespace {
SendRequest hello_to(int64_t account) {
  SendRequest r;
  r.account_id = account;
  r.to = "919800000011@c.us";
  r.content.text = "Vanakkam! Winter feed tips inside.";
  r.idempotency_key = "outbox-42";
  return r;
}

struct Wire {
  ManualClock clock{test::at("2026-12-01T10:00:00Z")};
  BridgeHub hub{clock};
  std::vector<json> received;
  uint64_t conn = hub.open([this](std::string m) { received.push_back(json::parse(m)); }, [] {});
  EngineSender sender{hub};
  Wire() {
    hub.message(conn, json{{"type", "hello"}, {"protocol", 1}, {"connector_id", "c1"}, {"engines", {"sim"}}, {"pid", 1}}.dump());
  }
  json last_command() {
    for (auto it = received.rbegin(); it != received.rend(); ++it)
      if ((*it)["type"] == "command") return *it;
    return nullptr;
  }
  void answer(const json& result) {
    json r = result;
    r["type"] = "result";
    r["id"] = last_command()["id"];
    hub.message(conn, r.dump());
  }
};
}  // namespace

TEST(Sender, TheWireFormCarriesTheKeyAndContent) {
  SendRequest r = hello_to(7);
  r.content.kind = ContentKind::poll;
  r.content.poll = Poll{"Which breed?", {"Broiler", "Layer"}, false};
  r.quoted_id = "false_91980@c.us_ABC";
  json a = send_args(r);
  EXPECT_EQ(a["key"], "outbox-42");
  EXPECT_EQ(a["to"], "919800000011@c.us");
  EXPECT_EQ(a["kind"], "poll");
  EXPECT_EQ(a["poll"]["options"].size(), 2u);
  EXPECT_EQ(a["quoted_id"], "false_91980@c.us_ABC");
  EXPECT_TRUE(a["media"].is_null());
}

TEST(Sender, SentWithTheMessageIdAndDuplicatesAreStillSent) {
  Wire w;
  std::optional<SendOutcome> got;
  w.sender.send(hello_to(7), [&](const SendOutcome& o) { got = o; });
  json cmd = w.last_command();
  ASSERT_EQ(cmd["command"], "message.send");
  EXPECT_EQ(cmd["args"]["key"], "outbox-42");
  w.answer({{"ok", true}, {"data", {{"message_id", "true_919800000011@c.us_3EB0"}, {"duplicate", true}}}});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, SendStatus::sent);
  EXPECT_EQ(got->message_id, "true_919800000011@c.us_3EB0");
  EXPECT_TRUE(got->duplicate);
}

TEST(Sender, AConnectorLostAfterTheCommandLeftIsUnknownButNoConnectorAtAllIsNotSent) {
  Wire w;
  std::optional<SendOutcome> lost;
  w.sender.send(hello_to(7), [&](const SendOutcome& o) { lost = o; });
  w.hub.closed(w.conn);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, SendStatus::unknown) << lost->reason;

  std::optional<SendOutcome> never;
  w.sender.send(hello_to(7), [&](const SendOutcome& o) { never = o; });  // no connector left
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, SendStatus::not_sent) << never->reason;
  EXPECT_FALSE(never->left_core);  // no engine saw it: not an attempt (dispatcher: tried again in seconds)
}

TEST(Sender, ATimeoutIsUnknown) {
  Wire w;
  std::optional<SendOutcome> got;
  w.sender.send(hello_to(7), [&](const SendOutcome& o) { got = o; });
  w.clock.advance(std::chrono::milliseconds(61'000));
  w.hub.expire(w.clock.now_ms());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, SendStatus::unknown);
}

TEST(Sender, EachEngineErrorMeansWhatItSays) {
  auto outcome = [](std::string code, std::string message) {
    return classify_send_result(EngineResult{false, nullptr, std::move(code), std::move(message)}).status;
  };
  EXPECT_EQ(outcome("not_ready", "client not connected"), SendStatus::not_sent);
  EXPECT_EQ(outcome("unknown_account", "not hosted here"), SendStatus::not_sent);
  EXPECT_EQ(outcome("bad_request", "to: not a phone jid"), SendStatus::refused);
  EXPECT_EQ(outcome("unsupported", "polls"), SendStatus::refused);
  EXPECT_EQ(outcome("failed", "Evaluation failed: rate-overlimit"), SendStatus::rate_limited);
  EXPECT_EQ(outcome("failed", "Protocol error (Runtime.callFunctionOn): Target closed"), SendStatus::unknown);
  EXPECT_EQ(outcome("failed", "an earlier send with key k failed (x); not sent again (at most once)"), SendStatus::unknown);
  EXPECT_EQ(outcome("no_connector", "the connector disconnected before answering"), SendStatus::unknown);
  EXPECT_EQ(outcome("timeout", "the connector did not answer in time"), SendStatus::unknown);
  EXPECT_EQ(classify_send_result(EngineResult{true, json::object(), "", ""}).status, SendStatus::unknown);
}
