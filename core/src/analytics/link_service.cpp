#include "analytics/link_service.hpp"

#include "analytics/links.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"

namespace sangam::analytics {

namespace {
store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
}  // namespace

LinkService::LinkService(store::Database& db, const Clock& clock, EventLog& log, std::string public_base)
    : db_(db), clock_(clock), log_(log) {
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

std::optional<ClickOutcome> LinkService::follow(const std::string& code, const std::string& user_agent,
                                                const std::string& method) {
  if (!looks_like_link_code(code)) return std::nullopt;
  auto r = db_.read([&](store::Conn& c) { return c.run("link-get", {code}); });
  if (r.empty()) return std::nullopt;
  auto row = r[0];
  ClickOutcome out{row.str("url"), is_preview_fetcher(user_agent, method)};
  StoredEvent e;
  e.project_id = row.i64("project_id");
  e.kind = out.preview ? "preview" : "click";
  e.priority = 2;
  e.at_ms = clock_.now_ms();
  e.campaign_id = row.opt_i64("campaign_id");
  e.contact_id = row.opt_i64("contact_id");
  e.group_id = row.opt_i64("group_id");
  e.account_id = row.opt_i64("account_id");
  e.link_code = code;
  e.data = {{"id", crypto::random_token(12)}, {"user_agent", user_agent.substr(0, 300)}};
  // Day and hour are computed by the writer (it knows the project's zone); see EventLog::record.
  log_.record(std::move(e));
  return out;
}

}  // namespace sangam::analytics
