// Frames from a connector: hello and one placed account first (so the later frames reach every handler), then the input split
// into frames at newlines. The hub must survive any of them and keep answering.
#include "engines/bridge/bridge_hub.hpp"

#include <string>

namespace {
struct Listener final : sangam::EngineListener {
  void on_engine_event(int64_t, const std::string&, const sangam::json&) override {}
  sangam::json on_engine_request(int64_t, const std::string&, const sangam::json& args) override { return args; }
  void on_connector_up(const std::string&) override {}
  void on_connector_down(const std::string&, const std::string&) override {}
  void on_connector_refused(const std::string&, int64_t, const std::string&) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sangam::SystemClock clock;
  static Listener listener;
  sangam::BridgeHub hub(clock, &listener);
  size_t sent = 0;
  uint64_t conn = hub.open([&](std::string) { ++sent; }, [] {});
  hub.message(conn, R"({"type":"hello","protocol":1,"connector_id":"fuzz","engines":["sim"]})");
  // Account 1 is placed on this connector (events for it pass the scope check); 2 is not.
  hub.command(1, "account.start", {{"engine", "sim"}}, [](const sangam::EngineResult&) {});
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    auto nl = in.find('\n');
    hub.message(conn, std::string(in.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  hub.command(1, "account.state", sangam::json::object(), [](const sangam::EngineResult&) {});
  hub.closed(conn);
  return 0;
}
