// Dashboard WebSocket messages: every input gets a JSON reply, never a crash.
#include "http/hub.hpp"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sangam::http::Hub hub([](int64_t, int64_t project) { return project % 2 == 0; });
  uint64_t client = hub.add(1, [](std::string) {}, [] {});
  std::string reply = hub.handle(client, std::string(reinterpret_cast<const char*>(data), size));
  if (nlohmann::json::parse(reply, nullptr, false).is_discarded()) __builtin_trap();
  hub.remove(client);
  return 0;
}
