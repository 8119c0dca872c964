#include "engines/bridge/bridge_hub.hpp"

#include "util/errors.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sangam {

namespace {
constexpr int kProtocol = 1;
}

uint64_t BridgeHub::open(std::function<void(std::string)> send, std::function<void()> close) {
  std::lock_guard g(mu_);
  uint64_t id = next_conn_++;
  conns_[id] = Conn{std::move(send), std::move(close), std::nullopt};
  return id;
}

void BridgeHub::message(uint64_t conn, const std::string& text) {
  json m = json::parse(text, nullptr, false);
  if (m.is_discarded() || !m.is_object() || !m.contains("type") || !m["type"].is_string()) {
    spdlog::warn("event=bridge.bad_frame conn={}", conn);
    return;
  }
  std::string type = m["type"];
  if (type == "hello") return on_hello(conn, m);
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end() || !it->second.info) {
      spdlog::warn("event=bridge.frame_before_hello conn={} type={}", conn, type);
      return;
    }
  }
  if (type == "result") return on_result(m);
  if (type == "request") return on_request(conn, m);
  if (type == "event") {
    int64_t account = m.value("account_id", int64_t(0));
    std::string event = m.value("event", "");
    json data = m.contains("data") && m["data"].is_object() ? m["data"] : json::object();
    if (event == "account.ready") {  // which connector hosts the account is the core's knowledge
      std::lock_guard g(mu_);
      if (auto it = conns_.find(conn); it != conns_.end() && it->second.info) data["connector_id"] = it->second.info->id;
      placement_[account] = conn;
    }
    if (listener_ && account > 0 && !event.empty()) listener_->on_engine_event(account, event, data);
    return;
  }
  spdlog::warn("event=bridge.unknown_frame type={}", type);
}

void BridgeHub::on_hello(uint64_t conn, const json& m) {
  std::function<void(std::string)> send;
  std::function<void()> close;
  ConnectorInfo info;
  bool ok = m.value("protocol", 0) == kProtocol;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    send = it->second.send;
    close = it->second.close;
    if (ok) {
      info.id = m.value("connector_id", "connector-" + std::to_string(conn));
      info.version = m.value("version", "");
      if (m.contains("engines") && m["engines"].is_array())
        for (auto& e : m["engines"]) if (e.is_string()) info.engines.push_back(e);
      info.pid = m.value("pid", int64_t(0));
      info.connected_at = clock_.now_ms();
      it->second.info = info;
    }
  }
  if (!ok) {
    spdlog::error("event=bridge.protocol_mismatch conn={} theirs={} ours={}", conn, m.value("protocol", 0), kProtocol);
    send(json{{"type", "error"}, {"error", {{"code", "protocol"}, {"message", "the core speaks bridge protocol 1"}}}}.dump());
    close();
    return;
  }
  send(json{{"type", "welcome"}, {"protocol", kProtocol}}.dump());
  spdlog::info("event=bridge.connector_up connector={} pid={} version={}", info.id, info.pid, info.version);
  if (listener_) listener_->on_connector_up(info.id);
}

void BridgeHub::on_result(const json& m) {
  std::string id = m.value("id", "");
  Pending p;
  {
    std::lock_guard g(mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // timed out already
    p = std::move(it->second);
    pending_.erase(it);
  }
  EngineResult r;
  r.ok = m.value("ok", false);
  if (m.contains("data")) r.data = m["data"];
  if (!r.ok && m.contains("error") && m["error"].is_object()) {
    r.error_code = m["error"].value("code", "failed");
    r.error_message = m["error"].value("message", "");
  }
  if (p.cb) p.cb(r);
}

void BridgeHub::on_request(uint64_t conn, const json& m) {
  json reply = {{"type", "response"}, {"id", m.value("id", "")}};
  try {
    if (!listener_) throw Error(ErrorCode::internal, "no listener");
    reply["data"] = listener_->on_engine_request(m.value("account_id", int64_t(0)), m.value("request", ""),
                                                 m.contains("args") ? m["args"] : json::object());
    reply["ok"] = true;
  } catch (const std::exception& e) {
    reply["ok"] = false;
    reply["error"] = {{"code", "failed"}, {"message", e.what()}};
  }
  std::function<void(std::string)> send;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    send = it->second.send;
  }
  send(reply.dump());
}

void BridgeHub::closed(uint64_t conn) {
  std::optional<ConnectorInfo> info;
  std::vector<EngineCallback> failed;
  {
    std::lock_guard g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    info = it->second.info;
    conns_.erase(it);
    std::erase_if(placement_, [&](auto& kv) { return kv.second == conn; });
    for (auto p = pending_.begin(); p != pending_.end();) {
      if (p->second.conn == conn) {
        failed.push_back(std::move(p->second.cb));
        p = pending_.erase(p);
      } else ++p;
    }
  }
  for (auto& cb : failed)
    if (cb) cb({false, nullptr, "no_connector", "the connector disconnected before answering"});
  if (info) {
    spdlog::warn("event=bridge.connector_down connector={} shutting_down={}", info->id, shutting_down_.load());
    if (listener_ && !shutting_down_) listener_->on_connector_down(info->id, "the connection to the connector was lost");
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
    std::string engine = args.is_object() ? args.value("engine", "") : "";
    if (auto conn = route(account_id, engine)) {
      id = "c-" + std::to_string(next_cmd_++);
      int64_t timeout = command == "account.start" ? kStartTimeoutMs : kCommandTimeoutMs;
      pending_[id] = Pending{*conn, account_id, clock_.now_ms() + timeout, std::move(cb)};
      send = conns_[*conn].send;
    }
  }
  if (!send) {  // callbacks run outside the lock: they may call back into the hub
    if (cb) cb({false, nullptr, "no_connector", "no connector is connected"});
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
  }
  for (auto& cb : late)
    if (cb) cb({false, nullptr, "timeout", "the connector did not answer in time"});
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
