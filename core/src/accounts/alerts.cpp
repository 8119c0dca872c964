#include "accounts/alerts.hpp"

#include "projects/audit.hpp"
#include "projects/project_service.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {

json alert_json(const store::Row& r) {
  json j = json::object();
  j["id"] = r.i64("id");
  j["project_id"] = r.i64("project_id");
  j["account_id"] = r.is_null("account_id") ? json(nullptr) : json(r.i64("account_id"));
  j["kind"] = r.str("kind");
  j["severity"] = r.str("severity");
  j["message"] = r.str("message");
  j["created_at"] = format_iso8601(r.i64("created_at"));
  j["acknowledged_at"] = r.is_null("acknowledged_at") ? json(nullptr) : json(format_iso8601(r.i64("acknowledged_at")));
  j["acknowledged_by"] = r.is_null("acknowledged_by")
                             ? json(nullptr)
                             : json{{"id", r.i64("acknowledged_by")}, {"email", r.str("acknowledged_by_email")}};
  return j;
}

}  // namespace

json AlertService::raise(int64_t project_id, std::optional<int64_t> account_id, const std::string& kind,
                         const std::string& severity, const std::string& message) {
  int64_t now = clock_.now_ms();
  store::Value acct = account_id ? store::Value(*account_id) : store::Value(nullptr);
  json alert = db_.write([&](store::Conn& c) -> json {
    auto open = account_id ? c.run("alert-open-exists", {project_id, acct, kind})
                           : c.run("alert-open-exists-project", {project_id, kind});
    if (!open.empty()) return nullptr;
    auto inserted = c.run("alert-insert", {project_id, acct, kind, severity, message, now});
    if (inserted.empty()) return nullptr;  // raised concurrently by another transaction
    int64_t id = inserted[0].i64("id");
    return alert_json(c.run("alert-get", {id, project_id})[0]);
  });
  if (!alert.is_null()) {
    spdlog::warn("event=alert.raised project={} account={} kind={} severity={} message={}", project_id,
                 account_id.value_or(0), kind, severity, log_value(mask_phones(message)));
    bus_.publish({"alert.created", project_id, std::nullopt, alert, now});
  }
  return alert;
}

json AlertService::list(const User& u, int64_t project_id, bool open_only) {
  return db_.read([&](store::Conn& c) {
    if (!ProjectService::role_of(c, u, project_id)) throw not_found("project not found");
    auto r = c.run(open_only ? "alert-list-open" : "alert-list-all", {project_id, int64_t(500)});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(alert_json(r[i]));
    return json{{"items", items}};
  });
}

json AlertService::acknowledge(const User& u, int64_t project_id, int64_t alert_id) {
  int64_t now = clock_.now_ms();
  json alert = db_.write([&](store::Conn& c) {
    auto role = ProjectService::role_of(c, u, project_id);
    if (!role) throw not_found("project not found");
    if (*role < Role::manager) throw forbidden("acknowledging alerts needs the manager or owner role");
    auto before = c.run("alert-get", {alert_id, project_id});
    if (before.empty()) throw not_found("alert not found");
    bool was_open = before[0].is_null("acknowledged_at");
    c.run("alert-ack", {alert_id, project_id, now, u.id});
    json after = alert_json(c.run("alert-get", {alert_id, project_id})[0]);
    if (was_open)
      audit(c, now, project_id, {u.id, u.email}, "alert.acknowledged", "alert:" + std::to_string(alert_id),
            alert_json(before[0]), after);
    return after;
  });
  bus_.publish({"alert.acknowledged", project_id, std::nullopt, alert, now});
  return alert;
}

}  // namespace sangam
