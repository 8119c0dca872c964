#include "community/welcome.hpp"

#include "campaigns/template.hpp"
#include "projects/audit.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {
namespace {

const std::set<std::string>& welcome_variables() {
  static const std::set<std::string> v = {"members", "group", "count"};
  return v;
}

std::string digits_of(const std::string& jid) {
  std::string out;
  for (char ch : jid.substr(0, jid.find('@')))
    if (ch >= '0' && ch <= '9') out += ch;
  return out;
}

}  // namespace

void WelcomeTap::on_engine_event(int64_t aid, const std::string& event, const json& data) {
  inner_.on_engine_event(aid, event, data);
  if (event != "group.join") return;
  try {
    welcome_.on_group_join(aid, data);
  } catch (const std::exception& e) {
    spdlog::error("event=welcome.join_failed account={} error={}", aid, log_value(e.what()));
  }
}

void WelcomeService::on_group_join(int64_t aid, const json& data) {
  if (!data.contains("group_id") || !data["group_id"].is_string() || !data.contains("participants") || !data["participants"].is_array()) return;
  const std::string wa = data["group_id"].get<std::string>();
  const int64_t now = clock_.now_ms();
  int64_t added = 0;
  db_.write([&](store::Conn& c) {
    auto acc = c.run("group-account-phone", {aid});
    if (acc.empty()) return;
    int64_t pid = acc[0].i64("project_id");
    std::string mine = digits_of(acc[0].str("phone"));
    auto g = c.run("welcome-group-for-join", {pid, aid, wa});
    if (g.empty()) return;
    for (const auto& p : data["participants"]) {
      if (!p.is_string()) continue;
      std::string jid = p.get<std::string>();
      if (!jid.ends_with("@lid") && digits_of(jid) == mine) continue;  // our own number joining
      added += c.run("welcome-pending-insert", {g[0].i64("group_id"), pid, aid, jid, now}).affected;
    }
  });
  if (added) spdlog::info("event=welcome.members_waiting account={} group={} added={}", aid, log_value(wa), added);
}

int64_t WelcomeService::tick() {
  const int64_t now = clock_.now_ms();
  // Every 5 s: a batch waits its window (minutes) anyway.
  if (now - last_tick_ < 5000) return 0;
  last_tick_ = now;
  auto due = db_.read([&](store::Conn& c) { return c.run("welcome-due", {now}); });
  int64_t queued = 0;
  for (size_t i = 0; i < due.size(); ++i) {
    const int64_t gid = due[i].i64("group_id"), pid = due[i].i64("project_id");
    try {
      queued += db_.write([&](store::Conn& c) -> int64_t {
        auto w = c.run("welcome-get", {pid, gid});
        auto g = c.run("welcome-group", {pid, gid});
        auto pending = c.run("welcome-pending-of", {gid});
        if (w.empty() || g.empty() || pending.empty()) return 0;
        std::vector<std::string> mentions;
        std::string names;
        for (size_t k = 0; k < pending.size(); ++k) {
          std::string jid = pending[k].str("participant");
          c.run("welcome-pending-done", {gid, jid, now});
          // A member known only by @lid cannot be mentioned by number; the greeting still counts them.
          if (jid.ends_with("@lid")) continue;
          std::string d = digits_of(jid);
          mentions.push_back("+" + d);
          names += (names.empty() ? "@" : " @") + d;
        }
        std::vector<campaigns::TemplateError> errors;
        auto t = campaigns::Template::parse(w[0].str("template"), welcome_variables(), errors);
        if (!errors.empty()) return 0;
        std::map<std::string, std::string> vars = {{"members", names}, {"group", g[0].str("name")}, {"count", std::to_string(pending.size())}};
        std::string text = t.render([&](const std::string& k) -> std::optional<std::string> {
          auto it = vars.find(k);
          if (it == vars.end() || it->second.empty()) return std::nullopt;
          return it->second;
        }, {}, static_cast<uint64_t>(gid));
        std::string key = "welcome:" + std::to_string(gid) + ":" + std::to_string(pending[0].i64("joined_at")) + ":" + pending[0].str("participant");
        c.run("inbox-outbox-enqueue", {pid, g[0].i64("account_id"), g[0].str("wa_id"), nullptr, std::string("welcome"),
                                       json{{"text", text}, {"mentions", mentions}}.dump(), int64_t(2), now, key, nullptr});
        spdlog::info("event=welcome.queued project={} group={} members={}", pid, gid, pending.size());
        return 1;
      });
    } catch (const std::exception& e) {
      spdlog::error("event=welcome.queue_failed group={} error={}", gid, log_value(e.what()));
    }
  }
  return queued;
}

json WelcomeService::get(int64_t pid, int64_t gid) {
  return db_.read([&](store::Conn& c) {
    if (c.run("group-by-id", {pid, gid}).empty()) throw not_found("no such group");
    auto w = c.run("welcome-get", {pid, gid});
    int64_t waiting = c.run("welcome-pending-count", {pid, gid})[0].i64("n");
    if (w.empty())
      return json{{"enabled", false}, {"template", "Welcome {{members}} to {{group}}! Please introduce yourselves."},
                  {"window_seconds", 180}, {"waiting", waiting}, {"variables", welcome_variables()}};
    return json{{"enabled", w[0].boolean("enabled")}, {"template", w[0].str("template")},
                {"window_seconds", w[0].i64("window_ms") / 1000}, {"waiting", waiting}, {"variables", welcome_variables()}};
  });
}

json WelcomeService::put(const User& u, int64_t pid, int64_t gid, const json& body) {
  if (!body.contains("template") || !body["template"].is_string() || body["template"].get<std::string>().empty())
    throw validation("template", "write the welcome text, e.g. Welcome {{members}} to {{group}}!");
  std::string text = body["template"].get<std::string>();
  if (campaigns::grapheme_count(text) > 2000) throw validation("template", "may have at most 2000 characters");
  std::vector<campaigns::TemplateError> errors;
  campaigns::Template::parse(text, welcome_variables(), errors);
  if (!errors.empty())
    throw validation("template", "line " + std::to_string(errors[0].line) + ", column " + std::to_string(errors[0].column) + ": " +
                                     errors[0].message + " (variables: members, group, count)");
  bool enabled = true;
  if (body.contains("enabled")) {
    if (!body["enabled"].is_boolean()) throw validation("enabled", "must be true or false");
    enabled = body["enabled"].get<bool>();
  }
  int64_t seconds = 180;
  if (body.contains("window_seconds")) {
    if (!body["window_seconds"].is_number_integer() || body["window_seconds"].get<int64_t>() < 10 || body["window_seconds"].get<int64_t>() > 3600)
      throw validation("window_seconds", "must be a whole number of seconds from 10 to 3600 (an hour)");
    seconds = body["window_seconds"].get<int64_t>();
  }
  const int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    if (c.run("group-by-id", {pid, gid}).empty()) throw not_found("no such group");
    if (c.run("welcome-group", {pid, gid}).empty())
      throw conflict("group", "none of the project's numbers is an admin of this group; welcomes go only to our own groups");
    c.run("welcome-upsert", {pid, gid, int64_t(enabled), text, seconds * 1000, now});
    audit(c, now, pid, Actor{u.id, u.email}, "group.welcome", "group:" + std::to_string(gid), nullptr,
          {{"enabled", enabled}, {"template", text}, {"window_seconds", seconds}});
  });
  return get(pid, gid);
}

}  // namespace sangam
