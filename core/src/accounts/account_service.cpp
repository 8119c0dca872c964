// Account pool, people's side: CRUD, linking, status changes. Engine reactions are in account_engine.cpp.
#include "accounts/account_service.hpp"

#include "contacts/phone.hpp"
#include "projects/audit.hpp"
#include "projects/project_service.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"
#include "util/json_input.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

namespace {
constexpr int kViewer = 1, kManager = 2, kOwner = 3;
std::string target(int64_t aid) { return "account:" + std::to_string(aid); }
}  // namespace

AccountService::AccountService(store::Database& db, const Clock& clock, EventBus& bus, Engine& engine,
                               AlertService& alerts, crypto::SecretKey key, AccountOptions opts)
    : db_(db), clock_(clock), bus_(bus), engine_(engine), alerts_(alerts), key_(std::move(key)), opts_(opts) {
  // The first keepalive comes one interval after start: at start the connector is not even up yet.
  last_keepalive_ = last_health_ = clock_.now_ms();
}

Account AccountService::load(store::Conn& c, int64_t aid) {
  auto r = c.run("account-columns", {aid});
  if (r.empty()) throw not_found("account not found");
  return account_from_row(r[0]);
}

Account AccountService::require(store::Conn& c, const User& u, int64_t pid, int64_t aid, int min_role) {
  auto role = ProjectService::role_of(c, u, pid);
  if (!role) throw not_found("project not found");
  auto r = c.run("account-columns", {aid});
  if (r.empty() || r[0].i64("project_id") != pid) throw not_found("account not found");
  if (static_cast<int>(*role) < min_role)
    throw forbidden(min_role == kOwner ? "this needs the owner role" : "this needs the manager or owner role");
  return account_from_row(r[0]);
}

void AccountService::set_status(store::Conn& c, const Account& a, AccountStatus to, const std::optional<std::string>& reason) {
  if (!can_transition(a.status, to))
    throw conflict("to", std::string("an account cannot move from ") + status_name(a.status) + " to " + status_name(to));
  auto r = c.run("account-set-status", {a.id, std::string(status_name(to)),
                                        reason ? store::Value(*reason) : store::Value(nullptr), clock_.now_ms(),
                                        std::string(status_name(a.status))});
  expect_status(r, a.id, to);
  // Warm-up days count from the first day in warm-up, however the account got there (link, role change).
  if (to == AccountStatus::warming) c.run("account-start-warmup", {a.id, clock_.now_ms()});
  spdlog::info("event=account.status project={} account={} from={} to={} reason={}", a.project_id, a.id,
               status_name(a.status), status_name(to), log_value(mask_phones(reason.value_or(""))));
}

void AccountService::expect_status(const store::Result& r, int64_t aid, AccountStatus to) {
  if (r.affected == 1) return;
  spdlog::warn("event=account.status_race account={} to={}", aid, status_name(to));
  throw conflict("status", std::string("the account changed meanwhile; it was not moved to ") + status_name(to));
}

void AccountService::publish(int64_t aid) {
  auto r = db_.read([&](store::Conn& c) { return c.run("account-columns", {aid}); });
  if (r.empty()) return;
  Account a = account_from_row(r[0]);
  bus_.publish({"account.updated", a.project_id, std::nullopt, to_json(a, clock_.now_ms()), clock_.now_ms()});
}

void AccountService::start_client(const Account& a, bool restore) {
  if (!claim(a.id)) {
    spdlog::info("event=account.held_elsewhere account={} node={}", a.id, opts_.node_id);
    return;
  }
  note_local_client(a.id);
  set_ready(a.id, false);  // until this start reports ready
  engine_.command(a.id, "account.start", {{"engine", a.engine}, {"phone", a.phone}, {"restore", restore}},
                  [this, aid = a.id](const EngineResult& r) {
                    if (!r.ok) on_failure(aid, r.error_code, r.error_message);
                  });
}

json AccountService::list(const User& u, int64_t pid) {
  return db_.read([&](store::Conn& c) {
    if (!ProjectService::role_of(c, u, pid)) throw not_found("project not found");
    auto r = c.run("account-list", {pid});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(to_json(account_from_row(r[i]), clock_.now_ms()));
    return json{{"items", items}};
  });
}

json AccountService::get(const User& u, int64_t pid, int64_t aid) {
  return db_.read([&](store::Conn& c) { return to_json(require(c, u, pid, aid, kViewer), clock_.now_ms()); });
}

json AccountService::create(const User& u, int64_t pid, const json& body) {
  Input in(body);
  in.only({"phone", "label", "engine", "role", "daily_limit"});
  std::string raw_phone = in.str("phone", 3, 40);
  std::string label = in.opt_str("label", 1, 100).value_or("");
  std::string engine = in.has("engine") ? in.one_of("engine", {"webjs", "sim"}) : "webjs";
  AccountRole role = in.has("role") ? *parse_account_role(in.one_of("role", {"production", "backup", "warmup"}))
                                    : AccountRole::production;
  int64_t limit = in.opt_int("daily_limit", 0, 5000).value_or(default_daily_limit(role));
  int64_t now = clock_.now_ms();
  json out;
  try {
    out = db_.write([&](store::Conn& c) {
      auto prole = ProjectService::role_of(c, u, pid);
      if (!prole) throw not_found("project not found");
      if (*prole < Role::manager) throw forbidden("adding accounts needs the manager or owner role");
      std::string region = c.run("project-by-id", {pid})[0].str("default_region");
      auto phone = normalize_phone(raw_phone, region);
      if (!phone) throw Error(ErrorCode::validation_failed, phone_problem(raw_phone, region), "phone");
      int64_t id = c.run("account-insert", {pid, *phone, label.empty() ? *phone : label, engine,
                                            std::string(account_role_name(role)), limit, now})[0].i64("id");
      json a = to_json(load(c, id), now);
      audit(c, now, pid, {u.id, u.email}, "account.created", target(id), nullptr, a);
      return a;
    });
  } catch (const store::DbError& e) {
    if (e.kind() == store::DbError::Kind::unique_violation)
      throw conflict("phone", "this number is already registered in Sangam (numbers belong to one project)");
    throw;
  }
  bus_.publish({"account.created", pid, std::nullopt, out, now});
  return out;
}

json AccountService::update(const User& u, int64_t pid, int64_t aid, const json& body) {
  Input in(body);
  in.only({"label", "role", "daily_limit"});
  auto label = in.opt_str("label", 1, 100);
  std::optional<AccountRole> role;
  if (in.has("role")) role = parse_account_role(in.one_of("role", {"production", "backup", "warmup"}));
  auto limit = in.opt_int("daily_limit", 0, 5000);
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kManager);
    json before = to_json(a, now);
    Account b = a;
    if (label) b.label = *label;
    if (role) b.role = *role;
    // A new role without a limit of its own gets the role's default, not the old role's number.
    if (role && *role != a.role && !limit) b.daily_limit = default_daily_limit(*role);
    if (limit) b.daily_limit = *limit;
    c.run("account-update-settings", {aid, b.label, std::string(account_role_name(b.role)), b.daily_limit, now});
    // A linked account's working status follows its new role (a backup stands by, a production number sends).
    bool working = a.status == AccountStatus::active || a.status == AccountStatus::standby || a.status == AccountStatus::warming;
    if (role && working && status_for_role(*role) != a.status) set_status(c, a, status_for_role(*role), std::nullopt);
    audit(c, now, pid, {u.id, u.email}, "account.updated", target(aid), before, to_json(load(c, aid), now));
  });
  publish(aid);
  return db_.read([&](store::Conn& c) { return to_json(load(c, aid), now); });
}

void AccountService::remove(const User& u, int64_t pid, int64_t aid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kOwner);
    c.run("account-delete", {aid});
    audit(c, now, pid, {u.id, u.email}, "account.deleted", target(aid), to_json(a, now), nullptr);
  });
  engine_.command(aid, "account.stop", json::object(), nullptr);
  bus_.publish({"account.deleted", pid, std::nullopt, {{"id", aid}}, now});
}

json AccountService::link(const User& u, int64_t pid, int64_t aid, const json& body) {
  Input in(body);
  in.only({"method"});
  std::string method = in.has("method") ? in.one_of("method", {"qr", "pairing_code"}) : "qr";
  int64_t now = clock_.now_ms();
  Account a = db_.write([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kManager);
    if (!engine_.available()) throw conflict("engine", "no connector is connected; check the server log");
    if (!claim(c, aid))
      throw conflict("engine", "this number's client runs under another Sangam process (" + a.lease_node.value_or("?") + ")");
    if (a.status != AccountStatus::linking) set_status(c, a, AccountStatus::linking, "waiting for the QR code to be scanned");
    audit(c, now, pid, {u.id, u.email}, "account.link_started", target(aid), nullptr, {{"method", method}});
    return load(c, aid);
  });
  publish(aid);
  {
    // WhatsApp offers a pairing code only once the client shows its first QR code, so the request
    // waits for that event (on_engine_event).
    std::lock_guard g(pairing_mu_);
    if (method == "pairing_code") wants_pairing_code_.insert(aid);
    else wants_pairing_code_.erase(aid);
  }
  start_client(a, false);
  return to_json(a, now);
}

json AccountService::qr_history(const User& u, int64_t pid, int64_t aid) {
  return db_.read([&](store::Conn& c) {
    require(c, u, pid, aid, kManager);
    auto r = c.run("account-qr-list", {aid, int64_t(100)});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i)
      items.push_back({{"kind", r[i].str("kind")}, {"value", r[i].str("value")}, {"at", format_iso8601(r[i].i64("at"))}});
    return json{{"items", items}};
  });
}

json AccountService::transition(const User& u, int64_t pid, int64_t aid, const json& body) {
  Input in(body);
  in.only({"to"});
  AccountStatus to = *parse_status(in.one_of("to", {"cooling", "active", "standby", "warming", "retired"}));
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kManager);
    // Only linked accounts can be put to work; a new or lost one needs a link first.
    if (to != AccountStatus::retired && !a.linked_at)
      throw conflict("to", std::string("an account cannot move from ") + status_name(a.status) + " to " + status_name(to) +
                               " before it is linked");
    set_status(c, a, to, to == AccountStatus::cooling ? std::optional<std::string>("cooling down by hand") : std::nullopt);
    audit(c, now, pid, {u.id, u.email}, "account.status_changed", target(aid), {{"status", status_name(a.status)}},
          {{"status", status_name(to)}});
  });
  if (to == AccountStatus::retired) {
    engine_.command(aid, "account.stop", json::object(), nullptr);
    release(aid);
  }
  publish(aid);
  return db_.read([&](store::Conn& c) { return to_json(load(c, aid), now); });
}

json AccountService::logout(const User& u, int64_t pid, int64_t aid) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kManager);
    if (a.status == AccountStatus::banned || a.status == AccountStatus::retired)
      throw conflict("status", std::string("a ") + status_name(a.status) + " account cannot be logged out");
    if (a.status != AccountStatus::new_) set_status(c, a, AccountStatus::new_, "logged out");
    expect_status(c.run("account-unlinked", {aid, std::string("new"), std::string("logged out"), now}), aid,
                  AccountStatus::new_);
    c.run("session-archive-delete", {aid});
    audit(c, now, pid, {u.id, u.email}, "account.logged_out", target(aid), nullptr, nullptr);
  });
  engine_.command(aid, "account.logout", json::object(), nullptr);
  release(aid);
  publish(aid);
  return db_.read([&](store::Conn& c) { return to_json(load(c, aid), now); });
}

json AccountService::health(const User& u, int64_t pid, int64_t aid) {
  return db_.read([&](store::Conn& c) {
    Account a = require(c, u, pid, aid, kViewer);
    auto r = c.run("account-health-history", {aid, int64_t(200)});
    json history = json::array();
    for (size_t i = r.size(); i-- > 0;) history.push_back({{"at", format_iso8601(r[i].i64("at"))}, {"score", r[i].i64("score")}});
    return json{{"score", a.health}, {"level", to_json(a, 0)["health_level"]}, {"connection", a.health_connection},
                {"delivery", a.health_delivery}, {"behaviour", a.health_behaviour}, {"history", history}};
  });
}

void AccountService::sim(const User& u, int64_t pid, int64_t aid, const std::string& action, const json& body) {
  Input in(body);
  json args = json::object();
  if (action == "scan") {
    in.only({});
  } else if (action == "ban") {
    in.only({"reason"});
    args["reason"] = in.has("reason") ? in.one_of("reason", {"TOS_BLOCK", "SMB_TOS_BLOCK"}) : "TOS_BLOCK";
  } else if (action == "disconnect") {
    in.only({"reason"});
    args["reason"] = in.has("reason") ? in.one_of("reason", {"NAVIGATION", "CONFLICT", "UNPAIRED", "LOGOUT", "BROWSER_CRASHED",
                                                            "TIMEOUT"})
                                      : "NAVIGATION";
  } else if (action == "incoming") {
    in.only({"from", "body", "chat", "mentions"});
    args["from"] = in.str("from", 3, 40);
    args["body"] = in.str("body", 1, 4096);
    args["chat"] = in.opt_str("chat", 3, 100).value_or(args["from"].get<std::string>());
    // Numbers the message mentions (a group message addressed to one of ours reaches the inbox).
    if (body.contains("mentions")) {
      const json& m = body["mentions"];
      if (!m.is_array() || m.size() > 20) throw validation("mentions", "must be a list of up to 20 phone numbers");
      for (size_t i = 0; i < m.size(); ++i)
        if (!m[i].is_string() || m[i].get<std::string>().size() < 3 || m[i].get<std::string>().size() > 40)
          throw validation("mentions[" + std::to_string(i) + "]", "must be a phone number");
      args["mentions"] = m;
    }
  } else if (action == "member_join") {
    // Members join one of the simulated groups (welcome messages, issue 10 item 6).
    in.only({"chat", "members"});
    args["chat"] = in.str("chat", 3, 100);
    const json& m = body.contains("members") ? body["members"] : json();
    if (!m.is_array() || m.empty() || m.size() > 50) throw validation("members", "must be a list of 1 to 50 phone numbers");
    for (size_t i = 0; i < m.size(); ++i)
      if (!m[i].is_string() || m[i].get<std::string>().size() < 3 || m[i].get<std::string>().size() > 40)
        throw validation("members[" + std::to_string(i) + "]", "must be a phone number");
    args["members"] = m;
  } else if (action == "leave") {
    // Our number leaves one of its groups, as if someone did it on the phone (own groups, issue 10 item 4).
    in.only({"chat"});
    args["chat"] = in.str("chat", 3, 100);
  } else if (action == "join_request" || action == "privacy") {
    // People ask to join one of our groups / their privacy refuses adds (own groups, issue 10 items 3, 5).
    in.only({"chat", "members", "blocks_adds"});
    if (action == "join_request") args["chat"] = in.str("chat", 3, 100);
    if (action == "privacy") args["blocks_adds"] = !body.contains("blocks_adds") || body["blocks_adds"] != false;
    const json& m = body.contains("members") ? body["members"] : json();
    if (!m.is_array() || m.empty() || m.size() > 50) throw validation("members", "must be a list of 1 to 50 phone numbers");
    for (size_t i = 0; i < m.size(); ++i)
      if (!m[i].is_string() || m[i].get<std::string>().size() < 3 || m[i].get<std::string>().size() > 40)
        throw validation("members[" + std::to_string(i) + "]", "must be a phone number");
    args["members"] = m;
  } else {
    throw not_found("unknown simulator action '" + action + "'; use scan, disconnect, ban, incoming, member_join, leave, join_request or privacy");
  }
  Account a = db_.read([&](store::Conn& c) { return require(c, u, pid, aid, kManager); });
  if (!capabilities_of(a.engine).sim_controls)
    throw conflict("engine", "simulator controls work only on accounts with the sim engine");
  engine_.command(aid, "sim." + action, args, [aid, action](const EngineResult& r) {
    if (!r.ok) spdlog::warn("event=sim.command_failed account={} action={} error={}", aid, action,
                          log_value(mask_phones(r.error_message)));
  });
}

void AccountService::seed(int64_t pid, const std::string& phone, const std::string& label, const std::string& engine,
                          AccountRole role) {
  try {
    db_.write([&](store::Conn& c) {
      c.run("account-insert", {pid, phone, label, engine, std::string(account_role_name(role)),
                               int64_t(default_daily_limit(role)), clock_.now_ms()});
    });
  } catch (const store::DbError& e) {
    if (e.kind() != store::DbError::Kind::unique_violation) throw;
  }
}

}  // namespace sangam
