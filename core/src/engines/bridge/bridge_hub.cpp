#include "engines/bridge/bridge_hub.hpp"

#include "util/crypto.hpp"
#include "util/errors.hpp"
#include "util/json_input.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace sangam {

namespace {
constexpr int kProtocol = 1;
constexpr size_t kNameMax = 64;
// Command ids are random (128 bits): a connector cannot answer a command it was not sent by guessing
// its id, and results are matched to the connection the command went out on besides.
constexpr size_t kCommandIdBytes = 16;
constexpr size_t kResumeTokenBytes = 24;

const json& field(const json& m, const char* key) {
  static const json absent;
  auto it = m.find(key);
  return it == m.end() ? absent : *it;
}

const std::string* string_field(const json& m, const char* key) {
  const json& v = field(m, key);
  return v.is_string() ? &v.get_ref<const std::string&>() : nullptr;
}

std::optional<int64_t> positive_id(const json& m, const char* key) {
  const json& v = field(m, key);
  if (!v.is_number_integer()) return std::nullopt;  // "7", 7.5, null, [] …
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return std::nullopt;
  int64_t id = v.get<int64_t>();
  return id > 0 ? std::optional(id) : std::nullopt;
}

// Names a connector chooses (its id, version, engines, error codes) reach logs, alerts, the database
// and the dashboard: letters, digits and ._:@+- only, at most 64 characters.
std::string clean_name(const json& v, const std::string& fallback) {
  if (!v.is_string()) return fallback;
  std::string out;
  for (char c : v.get_ref<const std::string&>()) {
    if (out.size() == kNameMax) break;
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || (c && std::strchr("._:@+-", c));
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? fallback : out;
}

// What an error frame says it is about: the refused frame's type, id, event or request and account.
json about(const json& m) {
  json a = json::object();
  if (!m.is_object()) return a;
  for (const char* k : {"type", "id", "event", "request"})
    if (auto s = string_field(m, k)) a[k] = utf8_prefix(*s, kNameMax);
  if (auto acct = positive_id(m, "account_id")) a["account_id"] = *acct;
  return a;
}

void invoke(const EngineCallback& cb, const EngineResult& r, const char* where) {
  if (!cb) return;
  try {
    cb(r);
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.callback_failed where={} error={}", where, log_value(e.what()));
  } catch (...) {
    spdlog::error("event=bridge.callback_failed where={} error=\"unknown exception\"", where);
  }
}
}  // namespace

uint64_t BridgeHub::open(std::function<void(std::string)> send, std::function<void()> close) {
  std::lock_guard g(mu_);
  uint64_t id = next_conn_++;
  conns_[id] = Conn{std::move(send), std::move(close), std::nullopt, {}};
  return id;
}

void BridgeHub::send_to(uint64_t conn, const json& frame) {
  std::function<void(std::string)> send;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    send = it->second.send;
  }
  // Replace, not throw, should a message carry invalid UTF-8 (an exception's text).
  send(frame.dump(-1, ' ', false, json::error_handler_t::replace));
}

void BridgeHub::refuse(uint64_t conn, const std::string& code, const std::string& message, json about) {
  json f = {{"type", "error"}, {"error", {{"code", code}, {"message", message}}}};
  if (about.is_object() && !about.empty()) f["about"] = std::move(about);
  send_to(conn, f);
}

void BridgeHub::message(uint64_t conn, const std::string& text) {
  if (!executor_) return handle(conn, text);
  try {
    // A large frame, or any frame behind queued ones: parsed and handled on the worker, in order.
    if (text.size() > kInlineFrameBytes || busy(conn)) {
      enqueue(conn, [this, conn, text] { handle(conn, text); });
      return;
    }
    json m;
    try {
      m = parse_json_input(text, "the frame");
    } catch (const Error&) {
      return handle(conn, text);  // the same error frame and log line as ever
    }
    if (m.is_object() && field(m, "type") == "request") {
      enqueue(conn, [this, conn, m = std::move(m)]() mutable { handle_parsed(conn, m); });
      return;
    }
    handle_parsed(conn, m);
  } catch (const std::exception& e) {  // queueing failed (out of memory): this frame only
    spdlog::error("event=bridge.frame_failed conn={} bytes={} error={}", conn, text.size(), log_value(e.what()));
  }
}

bool BridgeHub::busy(uint64_t conn) {
  std::lock_guard g(mu_);
  auto it = conns_.find(conn);
  return it != conns_.end() && it->second.busy;
}

bool BridgeHub::enqueue(uint64_t conn, std::function<void()> job) {
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return false;
    it->second.queued.push_back(std::move(job));
    if (it->second.busy) return true;  // the worker draining them takes this one too
    it->second.busy = true;
  }
  executor_([this, conn] { drain(conn); });
  return true;
}

// Runs the connection's queued frames one after another. A closed connection's frames are dropped
// with it (closed() erases them): what they would have done needs the placements it had.
void BridgeHub::drain(uint64_t conn) {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard g(mu_);
      auto it = conns_.find(conn);
      if (it == conns_.end()) return;
      if (it->second.queued.empty()) {
        it->second.busy = false;
        return;
      }
      job = std::move(it->second.queued.front());
      it->second.queued.pop_front();
    }
    job();  // handle() and handle_parsed() never throw
  }
}

void BridgeHub::handle(uint64_t conn, const std::string& text) {
  json m;
  try {
    m = parse_json_input(text, "the frame");
  } catch (const Error& e) {
    spdlog::warn("event=bridge.bad_frame conn={} bytes={} reason={}", conn, text.size(), log_value(e.what()));
    try {
      refuse(conn, "bad_frame", e.what());
    } catch (const std::exception&) {  // the connection is going away
    }
    return;
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.frame_failed conn={} bytes={} error={}", conn, text.size(), log_value(e.what()));
    return;
  }
  handle_parsed(conn, m);
}

void BridgeHub::handle_parsed(uint64_t conn, json& m) {
  std::string type;
  try {
    if (!m.is_object() || !string_field(m, "type")) {
      spdlog::warn("event=bridge.bad_frame conn={} reason=\"no type\"", conn);
      return refuse(conn, "bad_frame", "a frame is a JSON object with a string \"type\"");
    }
    type = m["type"];
    dispatch(conn, m, type);
  } catch (const std::exception& e) {
    // A listener's failure (a refused state transition, a database error) ends this frame only.
    auto err = dynamic_cast<const Error*>(&e);
    spdlog::error("event=bridge.frame_failed conn={} type={} about={} error={}", conn, log_value(type, kNameMax),
                  log_value(about(m).dump()), log_value(e.what()));
    try {
      refuse(conn, "failed",
             err ? std::string("the core could not handle the frame: ") + e.what()
                 : std::string("the core could not handle the frame; its log has the details"),
             about(m));
    } catch (const std::exception&) {  // the connection is going away
    }
  } catch (...) {
    spdlog::error("event=bridge.frame_failed conn={} type={} error=\"unknown exception\"", conn, log_value(type, kNameMax));
  }
}

void BridgeHub::dispatch(uint64_t conn, json& m, const std::string& type) {
  if (type == "hello") return on_hello(conn, m);
  bool welcomed;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    welcomed = it != conns_.end() && it->second.info;
  }
  if (!welcomed) {
    spdlog::warn("event=bridge.frame_before_hello conn={} type={}", conn, log_value(type, kNameMax));
    return refuse(conn, "bad_frame", "the first frame must be hello", about(m));
  }
  if (type == "result") return on_result(conn, m);
  if (type == "request") return on_request(conn, m);
  if (type == "event") return on_event(conn, m);
  spdlog::warn("event=bridge.unknown_frame conn={} type={}", conn, log_value(type, kNameMax));
  refuse(conn, "bad_frame", "unknown frame type; a connector sends hello, result, event or request", about(m));
}

void BridgeHub::on_hello(uint64_t conn, const json& m) {
  const json& protocol = field(m, "protocol");
  bool ok = protocol.is_number_integer() && protocol.get<int64_t>() == kProtocol;
  std::function<void(std::string)> send;
  std::function<void()> close;
  ConnectorInfo info;
  std::string token;
  size_t resumed = 0;
  bool again = false;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    send = it->second.send;
    close = it->second.close;
    again = it->second.info.has_value();
    if (ok && !again) {
      info.id = clean_name(field(m, "connector_id"), "connector-" + std::to_string(conn));
      info.version = clean_name(field(m, "version"), "");
      if (const json& e = field(m, "engines"); e.is_array())
        for (auto& x : e)
          if (x.is_string() && info.engines.size() < 8) info.engines.push_back(clean_name(x, "?"));
      const json& pid = field(m, "pid");
      info.pid = pid.is_number_integer() && pid.get<int64_t>() > 0 ? pid.get<int64_t>() : 0;
      info.connected_at = clock_.now_ms();
      it->second.info = info;
      token = it->second.resume = crypto::random_token(kResumeTokenBytes);
      // The same connector after a dropped socket: its clients kept running, so it takes back the
      // accounts it had (unless the core has placed them elsewhere since).
      if (auto r = string_field(m, "resume")) {
        if (auto t = resumable_.find(*r); t != resumable_.end()) {
          if (t->second.until > info.connected_at)
            for (int64_t a : t->second.accounts) {
              auto p = placement_.find(a);
              if (p == placement_.end() || !conns_.count(p->second)) placement_[a] = conn, ++resumed;
            }
          resumable_.erase(t);
        }
      }
    }
  }
  if (again) {
    spdlog::warn("event=bridge.hello_again conn={}", conn);
    return refuse(conn, "bad_frame", "this connection has been welcomed already", about(m));
  }
  if (!ok) {
    spdlog::error("event=bridge.protocol_mismatch conn={} theirs={} ours={}", conn,
                  protocol.is_number_integer() ? std::to_string(protocol.get<int64_t>()) : "?", kProtocol);
    send(json{{"type", "error"}, {"error", {{"code", "protocol"}, {"message", "the core speaks bridge protocol 1"}}}}.dump());
    close();
    return;
  }
  json welcome{{"type", "welcome"}, {"protocol", kProtocol}, {"resume", token}};
  if (fence_ms_ > 0) welcome["fence_ms"] = fence_ms_;
  send(welcome.dump());
  spdlog::info("event=bridge.connector_up connector={} pid={} version={} resumed_accounts={}", info.id, info.pid,
               info.version, resumed);
  if (!listener_) return;
  try {
    listener_->on_connector_up(info.id);
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.connector_up_failed connector={} error={}", info.id, log_value(e.what()));
  }
}

void BridgeHub::on_result(uint64_t conn, const json& m) {
  const std::string* id = string_field(m, "id");
  if (!id) return refuse(conn, "bad_frame", "result: id must be a string", about(m));
  Pending p;
  std::optional<uint64_t> foreign;  // the connection the command was sent on, when it is another
  {
    std::lock_guard g(mu_);
    auto it = pending_.find(*id);
    if (it == pending_.end()) {
      spdlog::debug("event=bridge.result_unknown conn={} id={}", conn, log_value(*id, kNameMax));
      return;  // timed out already, or answered
    }
    if (it->second.conn != conn) {
      foreign = it->second.conn;
    } else {
      p = std::move(it->second);
      pending_.erase(it);
    }
  }
  if (foreign) {
    // Not this connection's command: ignored, and the command still waits for its own result.
    spdlog::warn("event=bridge.result_foreign conn={} command_conn={} id={}", conn, *foreign, log_value(*id, kNameMax));
    return;
  }
  EngineResult r;
  const json& ok = field(m, "ok");
  if (!ok.is_boolean()) {
    r.error_code = "failed";
    r.error_message = "the connector sent a malformed result (ok must be true or false)";
  } else if ((r.ok = ok.get<bool>())) {
    const json& data = field(m, "data");
    r.data = data.is_object() ? data : json::object();
  } else {
    const json& err = field(m, "error");
    r.error_code = clean_name(field(err.is_object() ? err : json::object(), "code"), "failed");
    auto msg = err.is_object() ? string_field(err, "message") : nullptr;
    r.error_message = msg ? utf8_prefix(*msg, 1000) : "";  // it becomes a status reason and an alert
  }
  invoke(p.cb, r, "result");
}

void BridgeHub::on_request(uint64_t conn, const json& m) {
  const std::string* id = string_field(m, "id");
  json reply = {{"type", "response"}, {"id", id ? json(*id) : json(nullptr)}};
  auto answer = [&](const char* code, const std::string& message) {
    reply["ok"] = false;
    reply["error"] = {{"code", code}, {"message", message}};
    send_to(conn, reply);
  };
  const std::string* request = string_field(m, "request");
  auto account = positive_id(m, "account_id");
  const json& args = field(m, "args");
  if (!id) return answer("bad_request", "id: must be a string");
  if (!request) return answer("bad_request", "request: must be a string");
  if (!account) return answer("bad_request", "account_id: must be a positive integer");
  if (!args.is_null() && !args.is_object()) return answer("bad_request", "args: must be an object");
  if (!placed_here(conn, *account)) {
    out_of_scope(conn, *account, "request " + clean_name(*request, "?"));
    return answer("forbidden", "account " + std::to_string(*account) + " is not placed on this connector");
  }
  if (!listener_) return answer("failed", "the core has no account service");
  try {
    reply["data"] = listener_->on_engine_request(*account, *request, args.is_object() ? args : json::object());
    reply["ok"] = true;
  } catch (const Error& e) {
    return answer("failed", e.what());
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.request_failed conn={} account={} request={} error={}", conn, *account,
                  log_value(*request, kNameMax), log_value(e.what()));
    return answer("failed", "the core could not handle the request; its log has the details");
  }
  send_to(conn, reply);
}

void BridgeHub::on_event(uint64_t conn, json& m) {
  const std::string* event = string_field(m, "event");
  auto account = positive_id(m, "account_id");
  const json& data = field(m, "data");
  if (!event || event->empty()) return refuse(conn, "bad_frame", "event: must be a non-empty string", about(m));
  if (!account) return refuse(conn, "bad_frame", "account_id: must be a positive integer", about(m));
  if (!data.is_null() && !data.is_object()) return refuse(conn, "bad_frame", "data: must be an object", about(m));
  auto connector = placed_here(conn, *account);
  if (!connector) {
    out_of_scope(conn, *account, "event " + clean_name(*event, "?"));
    return refuse(conn, "forbidden", "account " + std::to_string(*account) + " is not placed on this connector", about(m));
  }
  json d = data.is_object() ? std::move(m["data"]) : json::object();
  if (*event == "account.ready") d["connector_id"] = *connector;  // where it runs is the core's knowledge
  if (listener_) listener_->on_engine_event(*account, *event, d);
}

std::optional<std::string> BridgeHub::placed_here(uint64_t conn, int64_t account_id) {
  std::lock_guard g(mu_);
  auto c = conns_.find(conn);
  if (c == conns_.end() || !c->second.info) return std::nullopt;
  auto p = placement_.find(account_id);
  if (p == placement_.end() || p->second != conn) return std::nullopt;
  return c->second.info->id;
}

void BridgeHub::out_of_scope(uint64_t conn, int64_t account_id, const std::string& what) {
  std::string connector = "?";
  {
    std::lock_guard g(mu_);
    if (auto c = conns_.find(conn); c != conns_.end() && c->second.info) connector = c->second.info->id;
  }
  spdlog::warn("event=bridge.out_of_scope connector={} conn={} account={} what={}", connector, conn, account_id,
               log_value(what, 2 * kNameMax));
  if (!listener_) return;
  try {
    listener_->on_connector_refused(connector, account_id, what);
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.out_of_scope_alert_failed connector={} account={} error={}", connector, account_id,
                  log_value(e.what()));
  }
}

void BridgeHub::closed(uint64_t conn) {
  std::optional<ConnectorInfo> info;
  std::vector<EngineCallback> failed;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    info = it->second.info;
    Resumable r{{}, clock_.now_ms() + kResumeGraceMs};
    for (auto p = placement_.begin(); p != placement_.end();) {
      if (p->second == conn) {
        r.accounts.push_back(p->first);
        p = placement_.erase(p);
      } else ++p;
    }
    if (info && !r.accounts.empty()) resumable_[it->second.resume] = std::move(r);
    conns_.erase(it);
    for (auto p = pending_.begin(); p != pending_.end();) {
      if (p->second.conn == conn) {
        failed.push_back(std::move(p->second.cb));
        p = pending_.erase(p);
      } else ++p;
    }
  }
  // One callback failing must not keep the others (or the connector_down below) from running.
  for (auto& cb : failed) invoke(cb, {false, nullptr, "no_connector", "the connector disconnected before answering"}, "closed");
  if (!info) return;
  spdlog::warn("event=bridge.connector_down connector={} shutting_down={}", info->id, shutting_down_.load());
  if (!listener_ || shutting_down_) return;
  try {
    listener_->on_connector_down(info->id, "the connection to the connector was lost");
  } catch (const std::exception& e) {
    spdlog::error("event=bridge.connector_down_failed connector={} error={}", info->id, log_value(e.what()));
  }
}

std::optional<uint64_t> BridgeHub::route(int64_t account_id, const std::string& engine) {
  if (auto it = placement_.find(account_id); it != placement_.end() && conns_.count(it->second)) return it->second;
  std::optional<uint64_t> best;
  size_t best_load = SIZE_MAX;
  for (auto& [id, c] : conns_) {
    if (!c.info) continue;
    auto& engines = c.info->engines;
    if (!engine.empty() && std::find(engines.begin(), engines.end(), engine) == engines.end()) continue;
    size_t load = 0;
    for (auto& [_, conn] : placement_) load += conn == id;
    if (load < best_load) best = id, best_load = load;
  }
  if (best) placement_[account_id] = *best;
  return best;
}

void BridgeHub::command(int64_t account_id, const std::string& command, const json& args, EngineCallback cb) {
  std::function<void(std::string)> send;
  std::string id;
  {
    std::lock_guard g(mu_);
    std::string engine;
    if (auto e = args.is_object() ? string_field(args, "engine") : nullptr) engine = *e;
    if (auto conn = route(account_id, engine)) {
      id = "c-" + crypto::random_token(kCommandIdBytes);
      int64_t timeout = command == "account.start" ? kStartTimeoutMs : kCommandTimeoutMs;
      pending_[id] = Pending{*conn, account_id, clock_.now_ms() + timeout, std::move(cb)};
      send = conns_[*conn].send;
    }
  }
  if (!send) {  // callbacks run outside the lock: they may call back into the hub
    if (cb) cb({false, nullptr, "no_connector", "no connector is connected", false});
    return;
  }
  send(json{{"type", "command"}, {"id", id}, {"command", command}, {"account_id", account_id}, {"args", args}}.dump());
}

void BridgeHub::drop_all() {
  decltype(conns_) gone;
  decltype(pending_) failed;
  {
    std::lock_guard g(mu_);
    gone.swap(conns_);
    failed.swap(pending_);
    placement_.clear();
    resumable_.clear();
  }
}

bool BridgeHub::available() const {
  std::lock_guard g(mu_);
  for (auto& [_, c] : conns_)
    if (c.info) return true;
  return false;
}

void BridgeHub::forget_account(int64_t account_id) {
  std::lock_guard g(mu_);
  placement_.erase(account_id);
}

void BridgeHub::expire(int64_t now_ms) {
  std::vector<EngineCallback> late;
  {
    std::lock_guard g(mu_);
    for (auto p = pending_.begin(); p != pending_.end();) {
      if (p->second.deadline <= now_ms) {
        late.push_back(std::move(p->second.cb));
        p = pending_.erase(p);
      } else ++p;
    }
    std::erase_if(resumable_, [&](auto& kv) { return kv.second.until <= now_ms; });
  }
  for (auto& cb : late) invoke(cb, {false, nullptr, "timeout", "the connector did not answer in time"}, "expire");
}

std::vector<ConnectorInfo> BridgeHub::connectors() const {
  std::lock_guard g(mu_);
  std::vector<ConnectorInfo> out;
  for (auto& [id, c] : conns_) {
    if (!c.info) continue;
    ConnectorInfo i = *c.info;
    for (auto& [_, conn] : placement_) i.accounts += conn == id;
    out.push_back(i);
  }
  return out;
}

}  // namespace sangam
