#include "analytics/link_service.hpp"

#include "analytics/links.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"

#include <memory>

namespace sangam::analytics {

namespace {
store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
}  // namespace

LinkService::LinkService(store::Database& db, const Clock& clock, EventLog& log, std::string public_base,
                         const std::vector<unsigned char>& code_key)
    : db_(db), clock_(clock), log_(log), codes_(code_key) {
  set_public_base(std::move(public_base));
}

void LinkService::set_public_base(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::lock_guard g(mu_);
  base_ = std::move(base);
}

std::string LinkService::public_base() const {
  std::lock_guard g(mu_);
  return base_;
}

std::string LinkService::shorten(const LinkTarget& t) {
  return db_.write([&](store::Conn& c) { return shorten(c, t); });
}

std::string LinkService::shorten(store::Conn& c, const LinkTarget& t) {
  std::map<std::string, std::string> utm = {{"utm_source", "whatsapp"},
                                            {"utm_medium", t.group_id ? "group" : "direct"}};
  if (t.campaign_id) utm["utm_campaign"] = "campaign-" + std::to_string(*t.campaign_id);
  for (auto& [k, v] : t.utm) utm[k] = v;
  auto url = with_utm(t.url, utm);
  if (!url) throw validation("url", "'" + t.url.substr(0, 200) + "' is not an absolute http(s) link");
  if (!t.outbox_key.empty()) {
    auto r = c.run("link-find", {t.outbox_key, *url});
    if (!r.empty()) return public_base() + "/r/" + r[0].str("code");
  }
  for (int attempt = 0;; ++attempt) {
    std::string code = new_link_code();
    try {
      c.run("link-insert", {code, t.project_id, *url, opt(t.campaign_id), opt(t.contact_id), opt(t.group_id),
                            opt(t.account_id), t.outbox_key.empty() ? store::Value(nullptr) : store::Value(t.outbox_key),
                            clock_.now_ms()});
      return public_base() + "/r/" + code;
    } catch (const store::DbError& e) {
      // 71 bits: a collision is a one-in-10^15 event even with a billion links; once more, then give up.
      if (e.kind() != store::DbError::Kind::unique_violation || attempt > 0) throw;
    }
  }
}

std::function<std::string(const std::string&, int64_t, int64_t)> LinkService::campaign_links(store::Conn& c, int64_t project_id,
                                                                                          int64_t campaign_id, bool direct) {
  std::string base = public_base(), ours = base + "/r/";
  // Most messages carry one or two links of the template, so the row lookup is once per URL per launch.
  auto rows = std::make_shared<std::map<std::string, std::string>>();  // written URL → links row code
  return [this, &c, project_id, campaign_id, direct, ours, rows](const std::string& text, int64_t contact_id, int64_t group_id) {
    return replace_links(text, ours, [&](const std::string& url) {
      auto it = rows->find(url);
      if (it == rows->end()) {
        LinkTarget t;
        t.project_id = project_id;
        t.campaign_id = campaign_id;
        t.outbox_key = "campaign:" + std::to_string(campaign_id);  // the campaign's row for this URL
        t.url = url;
        t.utm["utm_medium"] = direct ? "direct" : "group";
        std::string short_url;
        try {
          short_url = shorten(c, t);
        } catch (const Error&) {
          return url;  // not a link we can redirect to (a host with a space, say): left as written
        }
        it = rows->emplace(url, short_url.substr(short_url.rfind('/') + 1)).first;
      }
      RecipientCode rc{it->second, direct ? 'c' : 'g', direct ? contact_id : group_id};
      if (rc.id <= 0) return url;
      return ours + codes_.make(rc);
    });
  };
}

std::shared_ptr<LinkService::LaunchLinks> LinkService::launch_links(store::Conn& c, int64_t project_id, int64_t campaign_id,
                                                                      bool direct) {
  auto l = std::make_shared<LaunchLinks>();
  l->codes_ = &codes_;
  l->project_id_ = project_id, l->campaign_id_ = campaign_id, l->direct_ = direct;
  l->now_ms_ = clock_.now_ms();
  l->ours_ = public_base() + "/r/";
  l->key_ = "campaign:" + std::to_string(campaign_id);  // the campaign's rows, one per URL
  for (const auto& row : c.run("link-find-by-key", {l->key_}).rows)
    l->existing_.emplace(std::get<std::string>(row[0]), std::get<std::string>(row[1]));
  return l;
}

std::string LinkService::LaunchLinks::rewrite(const std::string& text, int64_t contact_id, int64_t group_id) {
  if (text.find("http") == std::string::npos) return text;
  return replace_links(text, ours_, [&](const std::string& url) {
    auto it = urls_.find(url);
    if (it == urls_.end()) {
      // What shorten() would make for (campaign key, url): the URL with its UTM parameters.
      std::map<std::string, std::string> utm = {{"utm_source", "whatsapp"},
                                                {"utm_medium", direct_ ? "direct" : "group"},
                                                {"utm_campaign", "campaign-" + std::to_string(campaign_id_)}};
      Url u;
      if (auto tracked = with_utm(url, utm)) {
        if (auto e = existing_.find(*tracked); e != existing_.end()) u.code = e->second;
        else u.code = new_link_code(), new_rows_.push_back({u.code, *tracked});
      }
      it = urls_.emplace(url, std::move(u)).first;
    }
    int64_t id = direct_ ? contact_id : group_id;
    if (it->second.code.empty() || id <= 0) return url;
    std::string out;
    out.reserve(ours_.size() + 40);
    out += ours_;
    codes_->append(out, it->second.code, direct_ ? 'c' : 'g', id);
    return out;
  });
}

void LinkService::LaunchLinks::save(store::Conn& c) {
  for (const auto& r : new_rows_)
    c.run("link-insert", {r.code, project_id_, r.url, campaign_id_, nullptr, nullptr, nullptr, key_, now_ms_});
  new_rows_.clear();
}

std::optional<LinkService::LinkRow> LinkService::link_row(const std::string& code, int64_t now) {
  {
    std::lock_guard g(cache_mu_);
    auto it = links_.find(code);
    if (it != links_.end() && it->second.until_ms > now) return it->second;
  }
  auto r = db_.read([&](store::Conn& c) { return c.run("link-get", {code}); });
  if (r.empty()) return std::nullopt;
  LinkRow row{r[0].i64("project_id"), r[0].str("url"), r[0].opt_i64("campaign_id"), r[0].opt_i64("contact_id"),
              r[0].opt_i64("group_id"), r[0].opt_i64("account_id"), now + kCacheMs};
  std::lock_guard g(cache_mu_);
  if (links_.size() >= kCacheEntries) links_.clear();
  links_[code] = row;
  return row;
}

std::optional<LinkService::MessageRow> LinkService::message_row(const std::string& outbox_key, int64_t now) {
  {
    std::lock_guard g(cache_mu_);
    auto it = messages_.find(outbox_key);
    if (it != messages_.end() && it->second.until_ms > now) return it->second;
  }
  auto m = db_.read([&](store::Conn& c) { return c.run("analytics-outbox-by-key", {outbox_key}); });
  if (m.empty()) return std::nullopt;  // not planned (yet): asked again on the next click
  MessageRow row{m[0].i64("id"), m[0].opt_i64("account_id"), now + kCacheMs};
  std::lock_guard g(cache_mu_);
  if (messages_.size() >= kCacheEntries) messages_.clear();
  messages_[outbox_key] = row;
  return row;
}

std::optional<ClickOutcome> LinkService::follow(const std::string& code, const std::string& user_agent,
                                                const std::string& method) {
  std::optional<RecipientCode> who;
  if (!looks_like_link_code(code) && !(who = codes_.parse(code))) return std::nullopt;
  int64_t now = clock_.now_ms();
  auto row = link_row(who ? who->link : code, now);
  if (!row) return std::nullopt;
  // A recipient's code: its campaign's row, and the message it came in (the account that sent it),
  // found by the outbox's unique idempotency key.
  std::optional<MessageRow> msg;
  if (who && row->campaign_id)
    msg = message_row("campaign:" + std::to_string(*row->campaign_id) + ":" + who->kind + std::to_string(who->id), now);
  ClickOutcome out{row->url, is_preview_fetcher(user_agent, method)};
  StoredEvent e;
  e.project_id = row->project_id;
  e.kind = out.preview ? "preview" : "click";
  e.priority = 2;
  e.at_ms = now;
  e.campaign_id = row->campaign_id;
  e.contact_id = row->contact_id;
  e.group_id = row->group_id;
  e.account_id = row->account_id;
  if (who) {
    (who->kind == 'c' ? e.contact_id : e.group_id) = who->id;
    if (msg) e.account_id = msg->account_id, e.outbox_id = msg->id;
  }
  e.link_code = code;
  e.once = true;  // a fresh random id, recorded once: its click needs no mark (StoredEvent::once)
  e.data = {{"id", crypto::random_token(12)}, {"user_agent", user_agent.substr(0, 300)}};
  // Day and hour are computed by the writer (it knows the project's zone); see EventLog::record.
  log_.record(std::move(e));
  return out;
}

}  // namespace sangam::analytics
