#include "http/hub.hpp"

#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/json_input.hpp"
#include "util/log_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <tuple>

namespace sangam::http {
using json = nlohmann::json;

namespace {
std::string error_reply(const char* code, const std::string& message) {
  return json{{"type", "error"}, {"error", {{"code", code}, {"message", message}}}}.dump();
}
}  // namespace

uint64_t Hub::add(int64_t user_id, std::function<void(std::string)> send, std::function<void()> close,
                  Credential credential) {
  std::lock_guard g(mu_);
  uint64_t id = next_++;
  clients_[id] = Client{user_id, {}, std::move(send), std::move(close), credential};
  return id;
}

namespace {
// Whether a session.revoked event (data: see hub.hpp) ends the credential a socket was opened with.
bool revokes(const json& d, const Hub::Credential& c) {
  auto id = [&](const char* k) { return d[k].is_number_integer() ? std::optional<int64_t>(d[k].get<int64_t>()) : std::nullopt; };
  if (d.contains("session_id")) return c.session_id && c.session_id == id("session_id");
  if (d.contains("token_id")) return c.token_id && c.token_id == id("token_id");
  if (d.value("sessions", false)) return c.session_id && !(d.contains("except_session_id") && c.session_id == id("except_session_id"));
  return true;
}
}  // namespace

void Hub::revoke(const Event& e) {
  if (!e.user_id || !e.data.is_object()) return;
  std::vector<std::function<void()>> closes;
  {
    std::lock_guard g(mu_);
    // Forgotten at once, so not one more event reaches them; the socket's own close path calls
    // remove() later, which is then a no-op.
    for (auto it = clients_.begin(); it != clients_.end();) {
      if (it->second.user_id == *e.user_id && revokes(e.data, it->second.credential)) {
        closes.push_back(std::move(it->second.close));
        it = clients_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& close : closes) close();  // outside the lock: close() may call back into the hub
}

void Hub::remove(uint64_t client) {
  std::lock_guard g(mu_);
  clients_.erase(client);
}

void Hub::drop_all() {
  decltype(clients_) gone;
  {
    std::lock_guard g(mu_);
    gone.swap(clients_);
  }
}

size_t Hub::size() const {
  std::lock_guard g(mu_);
  return clients_.size();
}

std::string Hub::handle(uint64_t client, const std::string& message) {
  try {
    return handle_message(client, message);
  } catch (const std::exception& e) {  // e.g. the database behind can_see_: this message fails, the socket stays
    spdlog::error("event=ws.message_failed client={} error={}", client, log_value(e.what()));
    return error_reply("internal", "internal error; the server log has the details");
  }
}

std::string Hub::handle_message(uint64_t client, const std::string& message) {
  json m;
  try {
    m = parse_json_input(message, "the message");
  } catch (const Error& e) {
    return error_reply("invalid_json", e.what());
  }
  if (!m.is_object()) return error_reply("invalid_json", "messages must be JSON objects");
  if (!m.contains("type") || !m["type"].is_string())
    return error_reply("validation_failed", "type: must be \"subscribe\" or \"unsubscribe\"");
  std::string type = m["type"];
  if (type != "subscribe" && type != "unsubscribe")
    return error_reply("validation_failed", "type: '" + type + "' is not one of subscribe, unsubscribe");
  if (!m.contains("project_id") || !m["project_id"].is_number_integer())
    return error_reply("validation_failed", "project_id: must be an integer");
  int64_t pid = m["project_id"];
  int64_t user_id;
  {
    std::lock_guard g(mu_);
    auto it = clients_.find(client);
    if (it == clients_.end()) return error_reply("not_found", "connection closed");
    user_id = it->second.user_id;
  }
  if (type == "subscribe" && !can_see_(user_id, pid)) return error_reply("not_found", "project not found");
  std::lock_guard g(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) return error_reply("not_found", "connection closed");
  if (type == "subscribe") it->second.projects.insert(pid);
  else it->second.projects.erase(pid);
  return json{{"type", type == "subscribe" ? "subscribed" : "unsubscribed"}, {"project_id", pid}}.dump();
}

size_t Hub::sweep(const std::function<bool(int64_t user_id, const Credential&)>& valid) {
  // (user, session or token) → still valid; sessions and tokens have separate id spaces.
  using Key = std::tuple<int64_t, bool, int64_t>;
  std::map<Key, Credential> creds;
  {
    std::lock_guard g(mu_);
    for (auto& [id, c] : clients_) {
      if (c.credential.session_id) creds.try_emplace(Key{c.user_id, false, *c.credential.session_id}, c.credential);
      else if (c.credential.token_id) creds.try_emplace(Key{c.user_id, true, *c.credential.token_id}, c.credential);
    }
  }
  std::set<Key> dead;
  for (auto& [key, cred] : creds)
    if (!valid(std::get<0>(key), cred)) dead.insert(key);
  if (dead.empty()) return 0;
  std::vector<std::function<void()>> closes;
  {
    std::lock_guard g(mu_);
    for (auto it = clients_.begin(); it != clients_.end();) {
      const auto& cr = it->second.credential;
      bool gone = (cr.session_id && dead.count(Key{it->second.user_id, false, *cr.session_id})) ||
                  (!cr.session_id && cr.token_id && dead.count(Key{it->second.user_id, true, *cr.token_id}));
      if (gone) {
        closes.push_back(std::move(it->second.close));
        it = clients_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& close : closes) close();
  return closes.size();
}

void Hub::publish(const Event& e) {
  if (e.name == "session.revoked") return revoke(e);
  struct Target {
    int64_t user_id;
    std::function<void(std::string)> send;
  };
  std::vector<Target> targets;
  {
    std::lock_guard g(mu_);
    for (auto& [id, c] : clients_) {
      bool to_user = e.user_id && c.user_id == *e.user_id;
      bool to_project = e.project_id && c.projects.count(*e.project_id);
      if (to_user || to_project) targets.push_back({c.user_id, c.send});
      // Subscriptions end with the project, and with the membership for the member who left.
      if (e.project_id && (e.name == "project.deleted" ||
                           (e.name == "member.removed" && e.data.value("user_id", int64_t(0)) == c.user_id)))
        c.projects.erase(*e.project_id);
    }
  }
  std::string text = json{{"type", "event"}, {"event", e.name},
                          {"project_id", e.project_id ? json(*e.project_id) : json(nullptr)},
                          {"data", e.data}, {"at", format_iso8601(e.at_ms)}}.dump();
  std::unordered_map<int64_t, int> roles;  // one look-up per user, not per connection
  for (auto& t : targets) {
    // One failing look-up or send skips that connection only (and the event is not shown to a user
    // whose membership could not be checked), never the others nor the publisher.
    try {
      bool ok = true;
      if (e.project_id && !(e.user_id && t.user_id == *e.user_id) && e.name != "project.deleted") {
        auto [it, fresh] = roles.try_emplace(t.user_id, 0);
        if (fresh) it->second = can_see_(t.user_id, *e.project_id);
        ok = it->second > 0 && it->second >= e.min_role;
      }
      if (ok) t.send(text);
    } catch (const std::exception& ex) {
      spdlog::error("event=ws.publish_failed user={} event={} error={}", t.user_id, e.name, log_value(ex.what()));
    }
  }
}

}  // namespace sangam::http
