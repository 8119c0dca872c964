// Issue 6.8: bridge requests (session archives of tens of MB) and large frames run on the hub's
// executor, not on the socket's I/O thread; a connection's frames stay in order.
#include "engines/bridge/bridge_hub.hpp"

#include "support.hpp"

#include <nlohmann/json.hpp>

#include <deque>
#include <thread>

using namespace sangam;
using json = nlohmann::json;

namespace {
struct Listener final : EngineListener {
  std::vector<std::string> seen;  // "event account.qr" / "request session.save", in order
  std::vector<std::thread::id> request_threads;
  void on_engine_event(int64_t, const std::string& e, const json&) override { seen.push_back("event " + e); }
  json on_engine_request(int64_t, const std::string& r, const json& args) override {
    seen.push_back("request " + r);
    request_threads.push_back(std::this_thread::get_id());
    return {{"bytes", args.value("archive_base64", "").size()}};
  }
  void on_connector_up(const std::string&) override {}
  void on_connector_down(const std::string&, const std::string&) override {}
  void on_connector_refused(const std::string&, int64_t, const std::string&) override {}
};

// An executor run by hand: jobs wait until the test runs them, on a thread of its own.
struct ManualExecutor {
  std::deque<std::function<void()>> jobs;
  Executor fn() {
    return [this](std::function<void()> j) { jobs.push_back(std::move(j)); };
  }
  std::thread::id run_all() {
    std::thread::id worker;
    std::thread t([&] {
      worker = std::this_thread::get_id();
      while (!jobs.empty()) {
        auto j = std::move(jobs.front());
        jobs.pop_front();
        j();
      }
    });
    t.join();
    return worker;
  }
};

struct Connector {
  BridgeHub& hub;
  std::vector<json> received;
  uint64_t id = hub.open([this](std::string m) { received.push_back(json::parse(m)); }, [] {});
  void say(const json& m) { hub.message(id, m.dump()); }
  size_t responses() const {
    size_t n = 0;
    for (auto& m : received) n += m["type"] == "response";
    return n;
  }
};

struct Fixture {
  ManualClock clock{test::at("2026-11-24T10:00:00Z")};
  Listener l;
  ManualExecutor ex;
  BridgeHub hub{clock, &l, ex.fn()};
  Connector c{hub};
  Fixture() {
    c.say({{"type", "hello"}, {"protocol", 1}, {"connector_id", "c1"}, {"engines", {"sim"}}});
    hub.command(7, "account.start", {{"engine", "sim"}}, nullptr);  // places account 7 here
  }
};
}  // namespace

TEST(BridgeWorker, SessionRequestsRunOnTheExecutorAndFramesAfterThemWait) {
  Fixture f;
  std::string archive(10 << 20, 'A');  // a 10 MB archive
  f.c.say({{"type", "request"}, {"id", "r-1"}, {"request", "session.save"}, {"account_id", 7},
           {"args", {{"archive_base64", archive}}}});
  f.c.say({{"type", "event"}, {"event", "account.disconnected"}, {"account_id", 7}, {"data", {{"reason", "LOGOUT"}}}});
  // Nothing handled on the calling (I/O) thread: the save waits for the executor, and the event
  // (which deletes the archives) waits behind it rather than overtaking it.
  EXPECT_TRUE(f.l.seen.empty());
  EXPECT_EQ(f.c.responses(), 0u);
  ASSERT_FALSE(f.ex.jobs.empty());
  auto worker = f.ex.run_all();
  EXPECT_EQ(f.l.seen, (std::vector<std::string>{"request session.save", "event account.disconnected"}));
  ASSERT_EQ(f.l.request_threads.size(), 1u);
  EXPECT_EQ(f.l.request_threads[0], worker);
  ASSERT_EQ(f.c.responses(), 1u);
  EXPECT_EQ(f.c.received.back()["id"], "r-1");
  EXPECT_EQ(f.c.received.back()["data"]["bytes"], archive.size());
  // The queue drained: a small event is handled at once again, on the calling thread.
  f.c.say({{"type", "event"}, {"event", "account.qr"}, {"account_id", 7}, {"data", {{"qr", "x"}}}});
  EXPECT_EQ(f.l.seen.back(), "event account.qr");
  EXPECT_TRUE(f.ex.jobs.empty());
}

TEST(BridgeWorker, ALargeFrameIsParsedOnTheExecutor) {
  Fixture f;
  // A 1 MB event: its JSON parse alone is milliseconds of an I/O thread.
  f.c.say({{"type", "event"}, {"event", "account.qr"}, {"account_id", 7}, {"data", {{"qr", std::string(1 << 20, 'q')}}}});
  EXPECT_TRUE(f.l.seen.empty());
  f.ex.run_all();
  EXPECT_EQ(f.l.seen, std::vector<std::string>{"event account.qr"});
  // A large frame that is not JSON gets its error frame from the worker.
  f.hub.message(f.c.id, std::string(100 << 10, '{'));
  f.ex.run_all();
  EXPECT_EQ(f.c.received.back()["type"], "error");
  EXPECT_EQ(f.c.received.back()["error"]["code"], "bad_frame");
}

TEST(BridgeWorker, AClosedConnectionsQueuedFramesAreDropped) {
  Fixture f;
  f.c.say({{"type", "request"}, {"id", "r-1"}, {"request", "session.load"}, {"account_id", 7}});
  f.hub.closed(f.c.id);
  f.ex.run_all();
  EXPECT_TRUE(f.l.seen.empty());  // not run as an out-of-scope request of a connection now gone
  EXPECT_EQ(f.c.responses(), 0u);
}
