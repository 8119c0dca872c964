#include "community/moderation.hpp"

#include "contacts/opt_out.hpp"
#include "contacts/phone.hpp"
#include "projects/audit.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>

namespace sangam {
namespace {

std::string text_of(const json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool has_link(const std::string& body) {
  // http(s) links, www. addresses and WhatsApp invite links; "example.com" alone is too often a
  // product name to count.
  static const std::regex re(R"((https?://|www\.|chat\.whatsapp\.com/|wa\.me/)\S+)", std::regex::icase);
  return std::regex_search(body, re);
}

bool contains_words(const std::vector<std::string>& text, const std::string& phrase) {
  auto k = opt_out_tokens(phrase);
  if (k.empty() || k.size() > text.size()) return false;
  for (size_t i = 0; i + k.size() <= text.size(); ++i)
    if (std::equal(k.begin(), k.end(), text.begin() + static_cast<std::ptrdiff_t>(i))) return true;
  return false;
}

int int_in(const json& j, const char* key, int lo, int hi, int dflt, const std::string& words) {
  if (!j.contains(key) || j[key].is_null()) return dflt;
  if (!j[key].is_number_integer() || j[key].get<int64_t>() < lo || j[key].get<int64_t>() > hi) throw validation(key, words);
  return static_cast<int>(j[key].get<int64_t>());
}

bool bool_in(const json& j, const char* key, bool dflt) {
  if (!j.contains(key) || j[key].is_null()) return dflt;
  if (!j[key].is_boolean()) throw validation(key, "must be true or false");
  return j[key].get<bool>();
}

}  // namespace

ModerationRules moderation_rules_from(const json& j) {
  if (!j.is_object()) throw validation("rules", "must be an object");
  ModerationRules r;
  r.links = bool_in(j, "links", true);
  r.forwarded_chains = bool_in(j, "forwarded_chains", true);
  if (j.contains("banned_words") && !j["banned_words"].is_null()) {
    if (!j["banned_words"].is_array() || j["banned_words"].size() > 200) throw validation("banned_words", "must be a list of up to 200 words or phrases");
    for (size_t i = 0; i < j["banned_words"].size(); ++i) {
      const json& w = j["banned_words"][i];
      if (!w.is_string() || opt_out_tokens(w.get<std::string>()).empty())
        throw validation("banned_words[" + std::to_string(i) + "]", "must be a word or phrase with letters or digits");
      r.banned_words.push_back(w.get<std::string>());
    }
  }
  r.flood_messages = int_in(j, "flood_messages", 0, 1000, 0, "must be a number of messages from 0 (off) to 1000");
  r.flood_minutes = int_in(j, "flood_minutes", 0, 1440, 0, "must be a number of minutes from 0 (off) to 1440");
  if ((r.flood_messages == 0) != (r.flood_minutes == 0))
    throw validation(r.flood_messages ? "flood_minutes" : "flood_messages", "set both flood_messages and flood_minutes, or neither");
  if (j.contains("patterns") && !j["patterns"].is_null()) {
    if (!j["patterns"].is_array() || j["patterns"].size() > 50) throw validation("patterns", "must be a list of up to 50 patterns");
    for (size_t i = 0; i < j["patterns"].size(); ++i) {
      const json& p = j["patterns"][i];
      const std::string field = "patterns[" + std::to_string(i) + "]";
      if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().size() > 200)
        throw validation(field, "must be a pattern of 1 to 200 characters");
      try {
        std::regex re(p.get<std::string>(), std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        throw validation(field, "the pattern \"" + p.get<std::string>() + "\" does not compile (" + e.what() + ")");
      }
      r.patterns.push_back(p.get<std::string>());
    }
  }
  r.strikes_to_remove = int_in(j, "strikes_to_remove", 1, 20, 3, "must be a number of strikes from 1 to 20");
  if (j.contains("allow") && !j["allow"].is_null()) {
    if (!j["allow"].is_array() || j["allow"].size() > 500) throw validation("allow", "must be a list of up to 500 phone numbers");
    for (size_t i = 0; i < j["allow"].size(); ++i) {
      const json& p = j["allow"][i];
      auto parsed = p.is_string() ? parse_engine_phone(p.get<std::string>()) : PhoneParse{};
      if (!parsed.e164) throw validation("allow[" + std::to_string(i) + "]", "must be a phone number with its country code, e.g. +919800000001");
      r.allow.push_back(*parsed.e164);
    }
  }
  return r;
}

json moderation_rules_json(const ModerationRules& r) {
  return {{"links", r.links}, {"forwarded_chains", r.forwarded_chains}, {"banned_words", r.banned_words},
          {"flood_messages", r.flood_messages}, {"flood_minutes", r.flood_minutes},
          {"strikes_to_remove", r.strikes_to_remove}, {"allow", r.allow}, {"patterns", r.patterns}};
}

std::optional<std::string> violated_rule(const ModerationRules& r, const ModeratedMessage& m) {
  if (m.author_admin) return std::nullopt;
  if (!m.author_phone.empty() && std::find(r.allow.begin(), r.allow.end(), m.author_phone) != r.allow.end()) return std::nullopt;
  if (r.links && has_link(m.body)) return "link";
  if (r.forwarded_chains && m.forwarding_score >= 5) return "forwarded";
  if (!r.banned_words.empty()) {
    auto tokens = opt_out_tokens(m.body);
    for (const auto& w : r.banned_words)
      if (contains_words(tokens, w)) return "banned_word";
  }
  if (!r.patterns.empty()) {
    // The first 4,000 characters: a pattern runs on every group message, and std::regex backtracks.
    const std::string head = m.body.substr(0, 4000);
    for (const auto& p : r.patterns) {
      try {
        if (std::regex_search(head, std::regex(p, std::regex::ECMAScript | std::regex::icase))) return "pattern";
      } catch (const std::regex_error&) {
        // checked when saved; a pattern too complex for this message (error_complexity) does not match
      }
    }
  }
  if (r.flood_messages > 0 && m.recent_messages > r.flood_messages) return "flood";
  return std::nullopt;
}

int ModerationService::recent(int64_t gid, const std::string& author, int64_t now, int minutes) {
  std::lock_guard g(mu_);
  auto& q = seen_[{gid, author}];
  q.push_back(now);
  const int64_t since = now - int64_t(std::max(minutes, 1)) * 60'000;
  while (!q.empty() && q.front() < since) q.pop_front();
  return static_cast<int>(q.size());
}

void ModerationService::on_incoming(int64_t pid, int64_t aid, const std::string& event, const json& data) {
  if (event != "message.received") return;
  std::string chat = text_of(data, "chat");
  if (!chat.ends_with("@g.us")) return;
  const std::string author = text_of(data, "from");
  if (author.empty()) return;
  auto ctx = db_.read([&](store::Conn& c) { return c.run("moderation-context", {pid, aid, chat}); });
  if (ctx.empty()) return;
  const int64_t gid = ctx[0].i64("group_id"), now = clock_.now_ms();
  ModerationRules rules;
  try {
    rules = moderation_rules_from(json::parse(ctx[0].str("rules")));
  } catch (const std::exception&) {
    return;  // stored rules were checked when saved
  }
  ModeratedMessage m;
  m.body = text_of(data, "body");
  std::string fp = text_of(data, "from_phone");
  if (!fp.empty()) m.author_phone = parse_engine_phone(fp).e164.value_or("");
  json admins = json::parse(ctx[0].str("admin_ids"), nullptr, false);
  m.author_admin = admins.is_array() && std::find(admins.begin(), admins.end(), json(author)) != admins.end();
  if (data.contains("forwarding_score") && data["forwarding_score"].is_number_integer()) m.forwarding_score = data["forwarding_score"].get<int>();
  m.recent_messages = rules.flood_messages ? recent(gid, author, now, rules.flood_minutes) : 0;
  auto rule = violated_rule(rules, m);
  if (!rule) return;
  const bool dry = ctx[0].boolean("dry_run");
  std::string action;
  int64_t log_id = 0;
  db_.write([&](store::Conn& c) {
    int64_t strikes = c.run("moderation-strike", {gid, author})[0].i64("strikes");
    action = strikes >= rules.strikes_to_remove ? "remove" : "delete";
    log_id = c.run("moderation-log-insert-id", {pid, gid, aid, author, text_of(data, "id"), m.body.substr(0, 1000), *rule, action,
                                                int64_t(dry), now})[0]
                 .i64("id");
  });
  spdlog::info("event=moderation.{} project={} group={} rule={} action={}", dry ? "would_act" : "acted", pid, gid, *rule, action);
  if (!dry && admin_) act(pid, gid, aid, log_id, chat, author, m.author_phone, text_of(data, "id"), *rule, action == "remove");
}

namespace {
std::string rule_words(const std::string& rule) {
  if (rule == "link") return "links are for admins only";
  if (rule == "forwarded") return "chain messages forwarded many times are not allowed";
  if (rule == "banned_word") return "it used a word this group does not allow";
  if (rule == "pattern") return "it matched the group's spam rules";
  if (rule == "flood") return "too many messages in a short time";
  return rule;
}
}  // namespace

void ModerationService::record(int64_t log_id, const std::string& outcome) {
  try {
    db_.write([&](store::Conn& c) { c.run("moderation-log-outcome", {log_id, outcome}); });
  } catch (const std::exception& e) {
    spdlog::error("event=moderation.record_failed log={} error={}", log_id, log_value(e.what()));
  }
}

void ModerationService::act(int64_t pid, int64_t gid, int64_t aid, int64_t log_id, const std::string& wa, const std::string& author,
                            const std::string& author_phone, const std::string& message_id, const std::string& rule, bool remove) {
  auto post = [this](std::function<void()> f) {
    if (executor_) executor_(std::move(f));
    else f();
  };
  // 1. The admin delete. 2. A warning, or after K strikes the removal. Each outcome goes to the log line.
  admin_->delete_message(aid, message_id, [this, post, pid, gid, aid, log_id, wa, author, author_phone, rule, remove](EngineOutcome<bool> out) {
    post([this, out, pid, gid, aid, log_id, wa, author, author_phone, rule, remove] {
      std::string deleted = std::holds_alternative<bool>(out) ? "deleted" : "delete failed (" + std::get<EngineFailure>(out).code + ")";
      if (remove) {
        admin_->remove(aid, wa, author, [this, deleted, log_id, pid, gid](EngineOutcome<int64_t> r) {
          std::string removed = std::holds_alternative<int64_t>(r) ? "removed" : "remove failed (" + std::get<EngineFailure>(r).code + ": " + std::get<EngineFailure>(r).message + ")";
          record(log_id, deleted + ", " + removed);
          spdlog::info("event=moderation.removed project={} group={} log={} outcome=\"{}\"", pid, gid, log_id, removed);
        });
        return;
      }
      std::string warned = "warned";
      try {
        std::string digits;
        for (char ch : author_phone) if (ch >= '0' && ch <= '9') digits += ch;
        std::string text = (digits.empty() ? std::string("A message") : "@" + digits + ", your message") +
                           " was removed: " + rule_words(rule) + ". Please keep to the group's rules.";
        json content = {{"text", text}, {"mentions", digits.empty() ? json::array() : json::array({"+" + digits})}};
        db_.write([&](store::Conn& c) {
          c.run("inbox-outbox-enqueue", {pid, aid, wa, nullptr, std::string("moderation_warning"), content.dump(), int64_t(2),
                                         clock_.now_ms(), "moderation-warn:" + std::to_string(log_id), nullptr});
        });
      } catch (const std::exception& e) {
        warned = "warning not queued";
        spdlog::error("event=moderation.warn_failed log={} error={}", log_id, log_value(e.what()));
      }
      record(log_id, deleted + ", " + warned);
    });
  });
}

json ModerationService::get(int64_t pid, int64_t gid) {
  return db_.read([&](store::Conn& c) {
    if (c.run("group-by-id", {pid, gid}).empty()) throw not_found("no such group");
    auto r = c.run("moderation-rules-get", {pid, gid});
    if (r.empty()) return json{{"enabled", false}, {"dry_run", true}, {"rules", moderation_rules_json({})}};
    return json{{"enabled", true}, {"dry_run", r[0].boolean("dry_run")},
                {"rules", moderation_rules_json(moderation_rules_from(json::parse(r[0].str("rules"))))}};
  });
}

json ModerationService::put(const User& u, int64_t pid, int64_t gid, const json& body) {
  ModerationRules rules = moderation_rules_from(body.contains("rules") ? body["rules"] : json::object());
  bool dry = bool_in(body, "dry_run", true);
  if (!dry && !admin_)
    throw conflict("dry_run", "no WhatsApp engine is attached to this server, so moderation can only report; keep dry_run on");
  const int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    if (c.run("group-by-id", {pid, gid}).empty()) throw not_found("no such group");
    if (c.run("welcome-group", {pid, gid}).empty())
      throw conflict("group", "none of the project's numbers is an admin of this group; moderation needs an admin");
    json stored = moderation_rules_json(rules);
    c.run("moderation-rules-upsert", {pid, gid, stored.dump(), int64_t(dry), now});
    audit(c, now, pid, Actor{u.id, u.email}, "group.moderation", "group:" + std::to_string(gid), nullptr, {{"rules", stored}, {"dry_run", dry}});
  });
  return get(pid, gid);
}

json ModerationService::log(int64_t pid, int64_t gid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("moderation-log-list", {pid, gid, int64_t(200)});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i)
      items.push_back({{"id", r[i].i64("id")}, {"author", r[i].str("author")}, {"message_id", r[i].str("message_id")},
                       {"body", r[i].str("body")}, {"rule", r[i].str("rule")}, {"action", r[i].str("action")},
                       {"dry_run", r[i].boolean("dry_run")},
                       {"outcome", r[i].is_null("outcome") ? json(nullptr) : json(r[i].str("outcome"))},
                       {"at", format_iso8601(r[i].i64("at"))}});
    return json{{"items", items}};
  });
}

}  // namespace sangam
