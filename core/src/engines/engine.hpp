#pragma once
// The Engine interface: how the core drives WhatsApp sessions, whatever hosts them. Commands are
// asynchronous (a result arrives through the callback, on an I/O thread): HTTP handlers and the bridge
// share I/O threads, so blocking on a result there could wait on the very thread that delivers it.
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace sangam {

using json = nlohmann::json;

struct EngineResult {
  bool ok = false;
  json data;
  std::string error_code;  // bad_request | unknown_account | not_ready | unsupported | failed | timeout | no_connector
  std::string error_message;
  // Whether the command may have reached the engine. False only when it never left the core (no
  // connector to send it to): then a send surely did not happen and may be retried. True by default,
  // so a failure of unknown origin counts as "maybe sent" (at most once).
  bool dispatched = true;
};
using EngineCallback = std::function<void(const EngineResult&)>;

// What an engine kind can do: explicit, so the core never discovers a gap as a runtime error.
struct EngineCapabilities {
  bool qr_link = false;
  bool pairing_code = false;
  bool groups = false;
  bool channels = false;
  bool polls = false;
  bool sim_controls = false;
};
EngineCapabilities capabilities_of(const std::string& engine_kind);  // "webjs" | "sim"

class Engine {
 public:
  virtual ~Engine() = default;
  // Sends `command` for the account; `cb` (optional) gets exactly one result.
  virtual void command(int64_t account_id, const std::string& command, const json& args, EngineCallback cb) = 0;
  virtual bool available() const = 0;  // is any connector connected?
};

// What engines report back; implemented by the accounts module.
class EngineListener {
 public:
  virtual ~EngineListener() = default;
  virtual void on_engine_event(int64_t account_id, const std::string& event, const json& data) = 0;
  // Session archive requests; returns the response data or throws sangam::Error.
  virtual json on_engine_request(int64_t account_id, const std::string& request, const json& args) = 0;
  virtual void on_connector_up(const std::string& connector_id) = 0;
  virtual void on_connector_down(const std::string& connector_id, const std::string& reason) = 0;
  // A connector asked about an account the core did not place on it (`what`: "request session.load",
  // "event account.ready"); the engine refused it. Worth a person's look: a bug, or a stolen secret.
  virtual void on_connector_refused(const std::string& connector_id, int64_t account_id, const std::string& what) = 0;
};

}  // namespace sangam
