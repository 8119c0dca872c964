#pragma once
// Short links (issue 9 item 3). The planner turns every link of a rendered campaign message into a
// per-recipient link (a group post gets one per post) with shorten(); /r/{code} answers follow(),
// which records the click (or the preview fetch) in the event log and gives the target with its UTM
// parameters. A link made by hand is a row with 12 random characters (links.hpp: 71 bits); a campaign
// link is one row per (campaign, URL) and a signed per-recipient code over it (links.hpp,
// RecipientCodes), so neither can be enumerated.
#include "analytics/event_log.hpp"
#include "analytics/links.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sangam::analytics {

struct LinkTarget {
  int64_t project_id = 0;
  std::optional<int64_t> campaign_id, contact_id, group_id, account_id;
  std::string outbox_key;  // the outbox row's idempotency key: one link per (message, url)
  std::string url;         // absolute http(s)
  // Merged into the URL; defaults: utm_source=whatsapp, utm_medium=group|direct,
  // utm_campaign=campaign-<id> (the planner passes the campaign's own slug when it has one).
  std::map<std::string, std::string> utm;
};

struct ClickOutcome {
  std::string location;  // where to redirect
  bool preview = false;  // a link-preview fetcher: recorded, not counted as a click
};

class LinkService {
 public:
  // `public_base`: what goes before /r/{code} in a message ("https://go.example.com").
  // `code_key`: the install's secret key (per-recipient codes are signed with a key derived from it,
  // so they keep working across restarts and on every node); empty: a random one (tests).
  LinkService(store::Database& db, const Clock& clock, EventLog& log, std::string public_base,
              const std::vector<unsigned char>& code_key = {});

  // The short URL for `t` (the same one again for the same message and URL). Throws
  // validation_failed (field "url") for a target that is not an absolute http(s) URL.
  std::string shorten(const LinkTarget& t);
  std::string shorten(store::Conn& c, const LinkTarget& t);  // inside the planner's transaction

  // The links of one campaign's messages, for its launch (in the launch's transaction `c`, which must
  // outlive the answer): rewrites every http(s) link of a rendered message into the recipient's short
  // link: per contact for a direct message, per group for a post. One links row per distinct URL.
  std::function<std::string(const std::string& text, int64_t contact_id, int64_t group_id)> campaign_links(
      store::Conn& c, int64_t project_id, int64_t campaign_id, bool direct);
  // The links of one campaign's launch when its messages render on a second thread while the launch's
  // connection streams the outbox rows (campaign_service.cpp launch_impl): rewrite() touches no Conn
  // (a PostgreSQL connection in a COPY can run nothing else). The campaign's links rows are read up
  // front; a URL first seen gets its row's code at once (12 random characters, as shorten() makes
  // them) and save() inserts those rows in the launch's transaction after the outbox rows. Codes,
  // URLs and rows are the ones campaign_links() makes; only when the row is written moves.
  class LaunchLinks {
   public:
    // Every http(s) link of `text` rewritten into the recipient's short link (one thread at a time).
    std::string rewrite(const std::string& text, int64_t contact_id, int64_t group_id);
    // Throws store::DbError (unique_violation) on a code collision (~1 in 10^15 a row): the launch
    // rolls back, and launching again draws new codes.
    void save(store::Conn& c);

   private:
    friend class LinkService;
    struct Url {
      std::string code;  // empty: not a link we redirect (left as written)
    };
    struct NewRow {
      std::string code, url;
    };
    const RecipientCodes* codes_ = nullptr;
    int64_t project_id_ = 0, campaign_id_ = 0, now_ms_ = 0;
    bool direct_ = true;
    std::string ours_, key_;
    std::map<std::string, std::string> existing_;  // URL with its UTM → code, read at the start
    std::unordered_map<std::string, Url> urls_;    // written URL → its row's code
    std::vector<NewRow> new_rows_;
  };
  std::shared_ptr<LaunchLinks> launch_links(store::Conn& c, int64_t project_id, int64_t campaign_id, bool direct);

  // nullopt: no such code.
  std::optional<ClickOutcome> follow(const std::string& code, const std::string& user_agent, const std::string& method);

  std::string public_base() const;
  void set_public_base(std::string base);  // before the server takes requests (the port is known then)

 private:
  // What follow() needs of a links row, and of the message a recipient's code came in.
  struct LinkRow {
    int64_t project_id = 0;
    std::string url;
    std::optional<int64_t> campaign_id, contact_id, group_id, account_id;
    int64_t until_ms = 0;
  };
  struct MessageRow {
    int64_t id = 0;
    std::optional<int64_t> account_id;
    int64_t until_ms = 0;
  };
  // A code's row never changes (no API edits or deletes a link; a project's deletion removes its
  // links): /r/ looks it up once a minute per code instead of on every click, which was two SQLite
  // statements per redirect (docs/performance.md). So a deleted project's links may redirect, and
  // their clicks be logged, for up to kCacheMs on a node that had them cached. Unknown codes are not
  // cached (a scan would only fill the cache). At most kCacheEntries of each; a full cache is emptied.
  static constexpr int64_t kCacheMs = 60'000;
  static constexpr size_t kCacheEntries = 100'000;
  std::optional<LinkRow> link_row(const std::string& code, int64_t now);
  std::optional<MessageRow> message_row(const std::string& outbox_key, int64_t now);

  store::Database& db_;
  const Clock& clock_;
  EventLog& log_;
  RecipientCodes codes_;
  mutable std::mutex mu_;
  std::string base_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, LinkRow> links_;
  std::unordered_map<std::string, MessageRow> messages_;
};

}  // namespace sangam::analytics
