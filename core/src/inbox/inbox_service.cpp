#include "inbox/inbox_service.hpp"

#include "campaigns/template.hpp"
#include "contacts/opt_out.hpp"
#include "contacts/phone.hpp"
#include "projects/audit.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <limits>

namespace sangam {
namespace {

std::string text_of(const json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
store::Value opt(const std::optional<std::string>& v) { return v ? store::Value(*v) : store::Value(nullptr); }

std::string digits(const std::string& s) {
  std::string out;
  for (char ch : s)
    if (ch >= '0' && ch <= '9') out += ch;
  return out;
}

// The first 120 characters (by grapheme) of a message, on one line: what the list shows.
std::string preview_of(const std::string& body) {
  std::string one = body;
  for (char& ch : one)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return campaigns::truncate_graphemes(one, 120);
}

std::string content_text(const std::string& stored) {
  json j = json::parse(stored, nullptr, false);
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object()) return j.value("text", "");
  return {};
}

std::optional<int64_t> int_param(const std::map<std::string, std::string>& q, const std::string& key,
                                 const std::string& words) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  try {
    size_t n = 0;
    int64_t v = std::stoll(it->second, &n);
    if (n != it->second.size() || v < 0) throw std::invalid_argument("x");
    return v;
  } catch (const std::exception&) {
    throw validation(key, words);
  }
}

std::optional<std::string> str_param(const std::map<std::string, std::string>& q, const std::string& key) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// "before" is the cursor the previous page answered: "<epoch ms>:<id>".
std::pair<int64_t, int64_t> cursor_of(const std::map<std::string, std::string>& q) {
  auto b = str_param(q, "before");
  if (!b) return {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()};
  auto colon = b->find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("x");
    return {std::stoll(b->substr(0, colon)), std::stoll(b->substr(colon + 1))};
  } catch (const std::exception&) {
    throw validation("before", "must be the next_before value of the previous page");
  }
}

const std::set<std::string>& reply_variables() {
  static const std::set<std::string> v = {"name", "first_name", "phone", "project", "account", "agent"};
  return v;
}

// Does the keyword (a word or a phrase) occur in the message, word for word? Both sides go through
// the opt-out tokenizer (lower case, diacritics folded, Indian scripts kept), so "Price?" matches "price".
bool keyword_matches(const std::vector<std::string>& text, const std::string& keyword) {
  auto k = opt_out_tokens(keyword);
  if (k.empty() || k.size() > text.size()) return false;
  for (size_t i = 0; i + k.size() <= text.size(); ++i)
    if (std::equal(k.begin(), k.end(), text.begin() + static_cast<std::ptrdiff_t>(i))) return true;
  return false;
}

}  // namespace

bool mentions_phone(const json& mentions, const std::string& phone) {
  std::string mine = digits(phone);
  if (mine.empty() || !mentions.is_array()) return false;
  for (const auto& m : mentions) {
    if (!m.is_string()) continue;
    std::string s = m.get<std::string>();
    if (s.ends_with("@lid")) continue;
    if (digits(s.substr(0, s.find('@'))) == mine) return true;
  }
  return false;
}

InboxService::InboxService(store::Database& db, const Clock& clock, EventBus& bus, InboxOptions opts)
    : db_(db), clock_(clock), bus_(bus), opts_(opts) {}

void InboxService::publish(const std::string& name, int64_t pid, json data) {
  bus_.publish({name, pid, std::nullopt, std::move(data), clock_.now_ms()});
}

// ---- incoming ----------------------------------------------------------------------------------

void InboxService::on_incoming(int64_t pid, int64_t aid, const std::string& event, const json& data) {
  if (event != "message.received") return;
  // Engines send null for what they do not know; json::value() would throw on a present null.
  const bool is_group = data.contains("is_group") && data["is_group"].is_boolean() && data["is_group"].get<bool>();
  std::string chat = text_of(data, "chat");
  std::string from = text_of(data, "from");
  if (chat.empty()) chat = from;
  if (chat.empty() || chat == "status@broadcast" || chat.ends_with("@newsletter") || chat.ends_with("@broadcast")) return;
  const std::string wa_id = text_of(data, "id");
  const std::string body = text_of(data, "body");
  const std::string quoted = text_of(data, "quoted_id");
  const std::string push_name = text_of(data, "push_name");
  const int64_t now = clock_.now_ms();
  // When it was written: the phone's own time for what it loads after linking (a backlog of days),
  // else the moment it arrived (a simulated network's clock may run ahead of ours).
  int64_t at = now;
  if (std::string ts = text_of(data, "timestamp"); !ts.empty()) {
    std::tm tm{};
    if (strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) {
      int64_t t = static_cast<int64_t>(timegm(&tm)) * 1000;
      if (t <= now && t > now - 30LL * 24 * 3600 * 1000) at = t;
    }
  }

  std::optional<json> published;
  db_.write([&](store::Conn& c) {
    auto acc = c.run("group-account-phone", {aid});
    if (acc.empty() || acc[0].i64("project_id") != pid) return;
    std::optional<int64_t> context;
    if (!quoted.empty())
      if (auto r = c.run("inbox-outbox-by-wa", {pid, quoted}); !r.empty()) context = r[0].i64("id");
    if (is_group) {
      // Talk among members stays out of the inbox; only what is addressed to us comes in.
      bool ours = context.has_value() || quoted.starts_with("true_");
      if (!ours && !mentions_phone(data.value("mentions", json::array()), acc[0].str("phone"))) return;
    } else if (!context) {
      if (auto r = c.run("inbox-outbox-last-to", {pid, aid, chat, now - opts_.context_window_ms}); !r.empty())
        context = r[0].i64("id");
    }
    // The sender as a contact (the contact base created it before us for a direct message).
    std::optional<int64_t> contact;
    std::optional<std::string> phone;
    std::string fp = text_of(data, "from_phone");
    if (!fp.empty()) phone = parse_engine_phone(fp).e164;
    if (!phone && !from.ends_with("@lid")) phone = parse_engine_phone(from).e164;
    if (phone) if (auto r = c.run("contact-by-phone", {pid, *phone}); !r.empty()) contact = r[0].i64("id");
    if (!contact && from.ends_with("@lid"))
      if (auto r = c.run("contact-by-lid", {pid, from}); !r.empty()) contact = r[0].i64("id");
    std::optional<int64_t> group;
    std::string title = push_name.empty() ? phone.value_or(from) : push_name;
    if (is_group) {
      if (auto r = c.run("group-id-by-wa", {pid, chat}); !r.empty()) {
        group = r[0].i64("id");
        if (auto g = c.run("group-by-id", {pid, *group}); !g.empty()) title = g[0].str("name");
      } else {
        title = chat;
      }
    }
    int64_t cid = c.run("inbox-conversation-upsert", {pid, aid, chat, std::string(is_group ? "group" : "direct"),
                                                      is_group ? store::Value(nullptr) : opt(contact), opt(group), title, at, now})[0]
                      .i64("id");
    std::string author_name = push_name.empty() ? phone.value_or(from) : push_name;
    auto ins = c.run("inbox-message-insert", {pid, cid, std::string("in"), wa_id.empty() ? store::Value(nullptr) : store::Value(wa_id),
                                              from, author_name, body, text_of(data, "kind").empty() ? std::string("text") : text_of(data, "kind"),
                                              quoted.empty() ? store::Value(nullptr) : store::Value(quoted), opt(context),
                                              nullptr, nullptr, at});
    if (ins.empty()) return;  // seen before
    std::string preview = is_group ? author_name + ": " + preview_of(body) : preview_of(body);
    c.run("inbox-conversation-incoming", {pid, cid, at, preview, now});
    if (!is_group && contact && !wa_id.empty()) {
      // An opt-out ("STOP") is answered by the confirmation the contact base queued (listeners run in
      // order: it ran first). That answer is shown in the thread, and nobody is asked to answer again.
      std::string key = "opt-out-confirmation:" + std::to_string(pid) + ":" + std::to_string(*contact) + ":" + wa_id;
      if (auto conf = c.run("inbox-opt-out-confirmation", {key, cid}); !conf.empty()) {
        json content = json::parse(conf[0].str("content"), nullptr, false);
        std::string text = content.is_object() ? content.value("text", std::string()) : std::string();
        c.run("inbox-message-insert", {pid, cid, std::string("out"), nullptr, std::string(), std::string("Sangam (automatic)"),
                                       text, std::string("text"), nullptr, nullptr, conf[0].i64("id"), nullptr, at});
        c.run("inbox-conversation-auto-answered", {pid, cid, "Sangam: " + preview_of(text), now});
      }
    }
    auto conv = c.run("inbox-conversation-get", {pid, cid});
    published = json{{"conversation", summary(conv[0])},
                     {"message", {{"id", ins[0].i64("id")}, {"direction", "in"}, {"author_name", author_name},
                                  {"body", body}, {"at", format_iso8601(at)}}}};
  });
  if (published) {
    spdlog::info("event=inbox.message project={} account={} conversation={}", pid, aid,
                 (*published)["conversation"]["id"].get<int64_t>());
    publish("inbox.message", pid, std::move(*published));
  }
}

// ---- reading -----------------------------------------------------------------------------------

json InboxService::summary(const store::Row& r) const {
  json contact = nullptr, group = nullptr, assignee = nullptr;
  if (auto id = r.opt_i64("contact_id")) {
    std::string name = r.opt_str("contact_name").value_or("");
    if (name.empty()) name = r.opt_str("contact_push_name").value_or("");
    contact = {{"id", *id}, {"name", name}, {"phone", r.is_null("contact_phone") ? json(nullptr) : json(r.str("contact_phone"))},
               {"consent", r.opt_str("consent").value_or("unknown")},
               {"persona", r.is_null("persona") ? json(nullptr) : json(r.str("persona"))}};
  }
  if (auto id = r.opt_i64("group_id")) group = {{"id", *id}, {"name", r.opt_str("group_name").value_or("")}};
  if (auto id = r.opt_i64("assignee_id")) assignee = {{"id", *id}, {"name", r.opt_str("assignee_name").value_or("")}};
  std::string title = contact.is_object() && !contact["name"].get<std::string>().empty() ? contact["name"].get<std::string>() : r.str("title");
  return {{"id", r.i64("id")},
          {"account", {{"id", r.i64("account_id")}, {"label", r.opt_str("account_label").value_or("")},
                       {"phone", r.opt_str("account_phone").value_or("")}}},
          {"chat", r.str("chat")},
          {"kind", r.str("kind")},
          {"title", title},
          {"contact", contact},
          {"group", group},
          {"assignee", assignee},
          {"status", r.str("status")},
          {"unread", r.i64("unread")},
          {"needs_reply", r.boolean("needs_reply")},
          {"last_message_at", format_iso8601(r.i64("last_message_at"))},
          {"last_preview", r.str("last_preview")}};
}

json InboxService::list(int64_t pid, const std::map<std::string, std::string>& q, int64_t me) {
  auto account = int_param(q, "account", "must be an account id");
  auto group = int_param(q, "group", "must be a group id");
  auto persona = str_param(q, "persona");
  auto consent = str_param(q, "consent");
  if (consent && *consent != "unknown" && *consent != "engaged" && *consent != "opted_in" && *consent != "opted_out")
    throw validation("consent", "must be one of unknown, engaged, opted_in, opted_out");
  std::optional<int64_t> needs;
  if (auto n = str_param(q, "needs_reply")) {
    if (*n == "true" || *n == "1") needs = 1;
    else if (*n == "false" || *n == "0") needs = 0;
    else throw validation("needs_reply", "must be true or false");
  }
  std::optional<std::string> status = std::string("open");
  if (auto s = str_param(q, "status")) {
    if (*s == "all") status.reset();
    else if (*s == "open" || *s == "done") status = *s;
    else throw validation("status", "must be open, done or all");
  }
  std::optional<int64_t> assignee;
  if (auto a = str_param(q, "assignee")) {
    if (*a == "me") assignee = me;
    else if (*a == "none") assignee = 0;
    else assignee = int_param(q, "assignee", "must be me, none or a user id");
  }
  std::optional<std::string> like;
  if (auto s = str_param(q, "q")) {
    std::string lower;
    for (char ch : *s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    like = "%" + lower + "%";
  }
  int64_t limit = int_param(q, "limit", "must be a number from 1 to 200").value_or(50);
  if (limit < 1 || limit > 200) throw validation("limit", "must be a number from 1 to 200");
  auto [before_at, before_id] = cursor_of(q);
  return db_.read([&](store::Conn& c) {
    auto rows = c.run("inbox-list", {pid, opt(account), opt(group), opt(persona), opt(consent), opt(needs), opt(status),
                                     opt(assignee), opt(like), before_at, before_id, limit + 1});
    json items = json::array();
    json next = nullptr;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int64_t>(i) == limit) {
        auto last = rows[i - 1];
        next = std::to_string(last.i64("last_message_at")) + ":" + std::to_string(last.i64("id"));
        break;
      }
      items.push_back(summary(rows[i]));
    }
    auto counts = c.run("inbox-counts", {pid});  // kept: a Row points into its Result
    auto n = counts[0];
    return json{{"items", items},
                {"next_before", next},
                {"counts", {{"open", n.i64("open")}, {"unread_conversations", n.i64("unread_conversations")},
                            {"unread_messages", n.i64("unread_messages")}, {"needs_reply", n.i64("needs_reply")}}}};
  });
}

std::string InboxService::render(store::Conn& c, int64_t pid, const store::Row& conv, const std::string& body,
                                 const std::string& agent) {
  std::vector<campaigns::TemplateError> errors;
  auto t = campaigns::Template::parse(body, reply_variables(), errors);
  if (!errors.empty()) return body;
  std::string name = conv.opt_str("contact_name").value_or("");
  if (name.empty()) name = conv.opt_str("contact_push_name").value_or("");
  std::string project;
  if (auto p = c.run("project-by-id", {pid}); !p.empty()) project = p[0].str("name");
  std::map<std::string, std::string> vars = {{"name", name},
                                             {"first_name", name.substr(0, name.find(' '))},
                                             {"phone", conv.opt_str("contact_phone").value_or("")},
                                             {"project", project},
                                             {"account", conv.opt_str("account_label").value_or("")},
                                             {"agent", agent}};
  return t.render([&](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }, {}, static_cast<uint64_t>(conv.i64("id")));
}

json InboxService::suggestions(store::Conn& c, int64_t pid, const store::Row& conv, const std::string& last_text) {
  json out = json::array();
  if (last_text.empty()) return out;
  auto tokens = opt_out_tokens(last_text);
  auto rows = c.run("saved-reply-list", {pid});
  for (size_t i = 0; i < rows.size(); ++i) {
    json kws = json::parse(rows[i].str("keywords"), nullptr, false);
    if (!kws.is_array()) continue;
    for (const auto& k : kws) {
      if (!k.is_string() || !keyword_matches(tokens, k.get<std::string>())) continue;
      out.push_back({{"saved_reply_id", rows[i].i64("id")}, {"name", rows[i].str("name")}, {"keyword", k},
                     {"text", render(c, pid, conv, rows[i].str("body"), "")}});
      break;
    }
  }
  return out;
}

json InboxService::conversation(int64_t pid, int64_t cid, const std::map<std::string, std::string>& q) {
  int64_t limit = int_param(q, "limit", "must be a number from 1 to 500").value_or(100);
  if (limit < 1 || limit > 500) throw validation("limit", "must be a number from 1 to 500");
  auto [before_at, before_id] = cursor_of(q);
  return db_.read([&](store::Conn& c) {
    auto conv = c.run("inbox-conversation-get", {pid, cid});
    if (conv.empty()) throw not_found("no such conversation");
    auto rows = c.run("inbox-thread", {pid, cid, before_at, before_id, limit + 1});
    json messages = json::array();
    json next = nullptr;
    std::string last_in;
    for (size_t i = 0; i < rows.size(); ++i) {
      auto m = rows[i];
      if (static_cast<int64_t>(i) == limit) {
        auto last = rows[i - 1];
        next = std::to_string(last.i64("at")) + ":" + std::to_string(last.i64("id"));
        break;
      }
      json context = nullptr;
      if (auto x = m.opt_i64("context_outbox_id"); x && !m.is_null("context_kind"))
        context = {{"outbox_id", *x}, {"kind", m.str("context_kind")},
                   {"campaign_id", m.is_null("context_campaign_id") ? json(nullptr) : json(m.i64("context_campaign_id"))},
                   {"text", campaigns::truncate_graphemes(content_text(m.str("context_content")), 200)}};
      json msg = {{"id", m.i64("id")}, {"direction", m.str("direction")}, {"author", m.str("author")},
                  {"author_name", m.str("author_name")}, {"body", m.str("body")}, {"kind", m.str("kind")},
                  {"at", format_iso8601(m.i64("at"))}, {"context", context}};
      if (m.str("direction") == "out") {
        msg["sent_by"] = m.opt_str("sent_by_name").value_or("");
        msg["outbox_id"] = m.is_null("outbox_id") ? json(nullptr) : json(m.i64("outbox_id"));
        // queued | claimed | sent | unknown | refused | failed | cancelled
        msg["send_status"] = m.opt_str("send_status").value_or("queued");
        msg["send_reason"] = m.is_null("send_reason") ? json(nullptr) : json(m.str("send_reason"));
      } else if (last_in.empty() && messages.empty()) {
        last_in = m.str("body");
      }
      messages.push_back(std::move(msg));
    }
    std::reverse(messages.begin(), messages.end());  // oldest first, as a chat reads
    return json{{"conversation", summary(conv[0])}, {"messages", messages}, {"next_before", next},
                {"suggestions", suggestions(c, pid, conv[0], last_in)}};
  });
}

// ---- acting ------------------------------------------------------------------------------------

json InboxService::reply(const User& u, int64_t pid, int64_t cid, const json& body) {
  std::string text;
  std::optional<int64_t> saved;
  if (body.contains("saved_reply_id") && !body["saved_reply_id"].is_null()) {
    if (!body["saved_reply_id"].is_number_integer()) throw validation("saved_reply_id", "must be the id of a saved reply");
    saved = body["saved_reply_id"].get<int64_t>();
  }
  if (body.contains("text") && !body["text"].is_null()) {
    if (!body["text"].is_string()) throw validation("text", "must be the text of the reply");
    text = body["text"].get<std::string>();
  }
  std::string client_key;
  if (body.contains("idempotency_key") && !body["idempotency_key"].is_null()) {
    if (!body["idempotency_key"].is_string() || body["idempotency_key"].get<std::string>().empty() ||
        body["idempotency_key"].get<std::string>().size() > 100)
      throw validation("idempotency_key", "must be a text of 1 to 100 characters");
    client_key = body["idempotency_key"].get<std::string>();
  }
  const int64_t now = clock_.now_ms();
  json out;
  json event;
  db_.write([&](store::Conn& c) {
    auto conv = c.run("inbox-conversation-get", {pid, cid});
    if (conv.empty()) throw not_found("no such conversation");
    const store::Row cv = conv[0];
    if (saved) {
      auto s = c.run("saved-reply-get", {pid, *saved});
      if (s.empty()) throw validation("saved_reply_id", "there is no saved reply with this id in the project");
      if (text.empty()) text = render(c, pid, cv, s[0].str("body"), u.name);
    }
    size_t n = campaigns::grapheme_count(text);
    bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) throw validation("text", "write the reply (or choose a saved reply) first");
    if (n > opts_.max_reply_chars)
      throw validation("text", "is " + std::to_string(n) + " characters long; a reply may have at most " +
                                   std::to_string(opts_.max_reply_chars));
    const int64_t aid = cv.i64("account_id");
    auto acc = c.run("account-columns", {aid});
    if (acc.empty()) throw conflict("account", "the number of this conversation is no longer in the project");
    std::string st = acc[0].str("status");
    if (st == "banned" || st == "retired")
      throw conflict("account", "the number of this conversation is " + st + "; a reply cannot go out from it");
    if (cv.opt_str("consent").value_or("") == "opted_out")
      throw conflict("text", "this person asked not to be messaged (opted out); no reply can be sent");
    if (cv.opt_i64("group_id")) {
      // Item 9: in a joined group's observation phase our number only watches; replies start in the
      // contribution phase.
      auto ph = c.run("group-account-get", {pid, *cv.opt_i64("group_id"), aid});
      if (!ph.empty() && ph[0].str("phase") == "observation")
        throw conflict("text", "this number is still observing the group (first week): it does not write there yet. "
                               "Move it to the contribution phase on the Groups page to answer.");
    }
    std::string key = "inbox-reply:" + std::to_string(pid) + ":" + std::to_string(cid) + ":" +
                      (client_key.empty() ? crypto::random_token(12) : client_key);
    json content = {{"text", text}};
    int64_t outbox_id = 0;
    try {
      outbox_id = c.run("inbox-outbox-enqueue", {pid, aid, cv.str("chat"), opt(cv.opt_i64("contact_id")), std::string("reply"),
                                                 content.dump(), int64_t(1), now, key, cid})[0]
                      .i64("id");
    } catch (const store::DbError& e) {
      if (e.kind() != store::DbError::Kind::unique_violation) throw;
      throw conflict("idempotency_key", "this reply was already sent (the same idempotency key)");
    }
    auto m = c.run("inbox-message-insert", {pid, cid, std::string("out"), nullptr, std::string(), u.name, text,
                                            std::string("text"), nullptr, nullptr, outbox_id, u.id, now});
    c.run("inbox-conversation-answered", {pid, cid, now, "You: " + preview_of(text), now});
    auto after = c.run("inbox-conversation-get", {pid, cid});
    out = {{"id", m[0].i64("id")}, {"direction", "out"}, {"body", text}, {"author_name", u.name}, {"sent_by", u.name},
           {"outbox_id", outbox_id}, {"send_status", "queued"}, {"send_reason", nullptr}, {"at", format_iso8601(now)},
           {"context", nullptr}, {"author", ""}, {"kind", "text"}};
    event = {{"conversation", summary(after[0])}, {"message", out}};
  });
  spdlog::info("event=inbox.reply project={} conversation={} user={} outbox={}", pid, cid, u.id, out["outbox_id"].get<int64_t>());
  publish("inbox.message", pid, std::move(event));
  return out;
}

json InboxService::update(const User& u, int64_t pid, int64_t cid, const json& body) {
  std::optional<std::optional<int64_t>> assignee;
  if (body.contains("assignee_id")) {
    const json& a = body["assignee_id"];
    if (a.is_null()) assignee = std::optional<int64_t>();
    else if (a.is_number_integer()) assignee = a.get<int64_t>();
    else throw validation("assignee_id", "must be the id of a team member, or null for nobody");
  }
  std::optional<std::string> status;
  if (body.contains("status")) {
    if (!body["status"].is_string() || (body["status"] != "open" && body["status"] != "done"))
      throw validation("status", "must be open or done");
    status = body["status"].get<std::string>();
  }
  bool read = false;
  if (body.contains("read")) {
    if (!body["read"].is_boolean()) throw validation("read", "must be true");
    read = body["read"].get<bool>();
  }
  if (!assignee && !status && !read) throw validation("body", "send assignee_id, status or read");
  const int64_t now = clock_.now_ms();
  json s = db_.write([&](store::Conn& c) {
    auto conv = c.run("inbox-conversation-get", {pid, cid});
    if (conv.empty()) throw not_found("no such conversation");
    json before = summary(conv[0]);
    if (assignee) {
      if (*assignee && c.run("inbox-member-of", {pid, **assignee}).empty())
        throw validation("assignee_id", "is not a member of this project");
      c.run("inbox-assign", {pid, cid, opt(*assignee), now});
    }
    if (status) c.run("inbox-set-status", {pid, cid, *status, now});
    if (read) c.run("inbox-mark-read", {pid, cid, now});
    json after = summary(c.run("inbox-conversation-get", {pid, cid})[0]);
    if (assignee || status)
      audit(c, now, pid, Actor{u.id, u.email}, assignee ? "inbox.assigned" : "inbox.status", "conversation:" + std::to_string(cid),
            {{"assignee", before["assignee"]}, {"status", before["status"]}}, {{"assignee", after["assignee"]}, {"status", after["status"]}});
    return after;
  });
  publish("inbox.conversation", pid, {{"conversation", s}});
  return s;
}

json InboxService::unknown_sends(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("inbox-unknown-list", {pid, int64_t(200)});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) {
      std::string who = r[i].opt_str("contact_name").value_or("");
      if (who.empty()) who = r[i].opt_str("contact_push_name").value_or("");
      items.push_back({{"id", r[i].i64("id")},
                       {"account", {{"id", r[i].is_null("account_id") ? json(nullptr) : json(r[i].i64("account_id"))},
                                    {"label", r[i].opt_str("account_label").value_or("")},
                                    {"phone", r[i].opt_str("account_phone").value_or("")}}},
                       {"target", r[i].str("target")},
                       {"recipient", who.empty() ? r[i].str("target") : who},
                       {"kind", r[i].str("kind")},
                       {"text", campaigns::truncate_graphemes(content_text(r[i].str("content")), 300)},
                       {"reason", r[i].opt_str("reason").value_or("")},
                       {"attempted_at", r[i].is_null("claimed_at") ? json(nullptr) : json(format_iso8601(r[i].i64("claimed_at")))},
                       {"campaign_id", r[i].is_null("campaign_id") ? json(nullptr) : json(r[i].i64("campaign_id"))},
                       {"conversation_id", r[i].is_null("conversation_id") ? json(nullptr) : json(r[i].i64("conversation_id"))}});
    }
    return json{{"items", items}};
  });
}

json InboxService::resolve_unknown(const User& u, int64_t pid, int64_t oid, const json& body) {
  if (!body.contains("action") || !body["action"].is_string() ||
      (body["action"] != "mark_sent" && body["action"] != "send_again"))
    throw validation("action", "must be mark_sent (it reached the person) or send_again (it did not)");
  const std::string action = body["action"].get<std::string>();
  const int64_t now = clock_.now_ms();
  json out = db_.write([&](store::Conn& c) {
    auto r = c.run("inbox-outbox-row", {pid, oid});
    if (r.empty()) throw not_found("no such message");
    if (r[0].str("status") != "unknown")
      throw conflict("action", "this message is no longer waiting for review (it is " + r[0].str("status") + ")");
    std::string who = "user " + std::to_string(u.id) + " (" + u.email + ")";
    json result = {{"id", oid}, {"action", action}};
    if (action == "mark_sent") {
      c.run("inbox-outbox-mark-sent", {pid, oid, "marked as sent by " + who + " after checking the chat", now});
      result["status"] = "sent";
    } else {
      // A new key: this is a person's explicit decision to send once more, not a blind retry.
      std::string key = r[0].str("idempotency_key") + ":again:" + crypto::random_token(6);
      int64_t fresh = c.run("inbox-outbox-resend", {pid, oid, now, key})[0].i64("id");
      c.run("inbox-outbox-mark-resent", {pid, oid, "sent again as message " + std::to_string(fresh) + " by " + who, now});
      c.run("inbox-message-outbox-move", {pid, oid, fresh});
      result["status"] = "cancelled";
      result["new_id"] = fresh;
    }
    audit(c, now, pid, Actor{u.id, u.email}, action == "mark_sent" ? "outbox.marked_sent" : "outbox.sent_again",
          "outbox:" + std::to_string(oid), {{"status", "unknown"}, {"reason", r[0].opt_str("reason").value_or("")}}, result);
    return result;
  });
  spdlog::info("event=inbox.unknown_resolved project={} outbox={} action={} user={}", pid, oid, action, u.id);
  publish("outbox.reviewed", pid, out);
  return out;
}

// ---- saved replies -----------------------------------------------------------------------------

json InboxService::saved_reply_json(const store::Row& r) const {
  return {{"id", r.i64("id")}, {"name", r.str("name")}, {"body", r.str("body")},
          {"keywords", json::parse(r.str("keywords"), nullptr, false)}, {"updated_at", format_iso8601(r.i64("updated_at"))}};
}

json InboxService::saved_replies(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("saved-reply-list", {pid});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(saved_reply_json(r[i]));
    return json{{"items", items}, {"variables", reply_variables()}};
  });
}

json InboxService::validated_saved_reply(const json& body) {
  if (!body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty() ||
      campaigns::grapheme_count(body["name"].get<std::string>()) > 100)
    throw validation("name", "must be a name of 1 to 100 characters");
  if (!body.contains("body") || !body["body"].is_string() || body["body"].get<std::string>().empty())
    throw validation("body", "write the text of the saved reply");
  std::string text = body["body"].get<std::string>();
  if (campaigns::grapheme_count(text) > opts_.max_reply_chars)
    throw validation("body", "may have at most " + std::to_string(opts_.max_reply_chars) + " characters");
  std::vector<campaigns::TemplateError> errors;
  campaigns::Template::parse(text, reply_variables(), errors);
  if (!errors.empty()) {
    const auto& e = errors.front();
    throw validation("body", "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.message +
                                 " (variables: name, first_name, phone, project, account, agent)");
  }
  json kws = json::array();
  if (body.contains("keywords") && !body["keywords"].is_null()) {
    if (!body["keywords"].is_array()) throw validation("keywords", "must be a list of words or phrases");
    for (size_t i = 0; i < body["keywords"].size(); ++i) {
      const json& k = body["keywords"][i];
      if (!k.is_string() || opt_out_tokens(k.get<std::string>()).empty())
        throw validation("keywords[" + std::to_string(i) + "]", "must be a word or phrase with letters or digits");
      kws.push_back(k);
    }
    if (kws.size() > 50) throw validation("keywords", "may have at most 50 words or phrases");
  }
  return {{"name", body["name"]}, {"body", text}, {"keywords", kws}};
}

json InboxService::create_saved_reply(const User& u, int64_t pid, const json& body) {
  json v = validated_saved_reply(body);
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    int64_t id = 0;
    try {
      id = c.run("saved-reply-insert", {pid, v["name"].get<std::string>(), v["body"].get<std::string>(), v["keywords"].dump(), now})[0].i64("id");
    } catch (const store::DbError& e) {
      if (e.kind() != store::DbError::Kind::unique_violation) throw;
      throw conflict("name", "a saved reply with this name exists already");
    }
    auto row = c.run("saved-reply-get", {pid, id});
    audit(c, now, pid, Actor{u.id, u.email}, "saved_reply.created", "saved_reply:" + std::to_string(id), nullptr, v);
    return saved_reply_json(row[0]);
  });
}

json InboxService::update_saved_reply(const User& u, int64_t pid, int64_t id, const json& body) {
  json v = validated_saved_reply(body);
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Conn& c) {
    auto before = c.run("saved-reply-get", {pid, id});
    if (before.empty()) throw not_found("no such saved reply");
    try {
      c.run("saved-reply-update", {pid, id, v["name"].get<std::string>(), v["body"].get<std::string>(), v["keywords"].dump(), now});
    } catch (const store::DbError& e) {
      if (e.kind() != store::DbError::Kind::unique_violation) throw;
      throw conflict("name", "a saved reply with this name exists already");
    }
    audit(c, now, pid, Actor{u.id, u.email}, "saved_reply.updated", "saved_reply:" + std::to_string(id), saved_reply_json(before[0]), v);
    return saved_reply_json(c.run("saved-reply-get", {pid, id})[0]);
  });
}

void InboxService::delete_saved_reply(const User& u, int64_t pid, int64_t id) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    auto before = c.run("saved-reply-get", {pid, id});
    if (before.empty()) throw not_found("no such saved reply");
    c.run("saved-reply-delete", {pid, id});
    audit(c, now, pid, Actor{u.id, u.email}, "saved_reply.deleted", "saved_reply:" + std::to_string(id), saved_reply_json(before[0]), nullptr);
  });
}

}  // namespace sangam
