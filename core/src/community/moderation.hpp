#pragma once
// Moderation in groups where our number is admin (issue 10 item 7): rules (links from non-admins,
// forwarded chain messages, banned words, flooding: more than N messages in M minutes) → delete the
// message and warn, remove the member after K strikes; every decision logged with the message and
// the rule. Admins and allow-listed members are exempt.
//
// In a dry run it only reports. With dry_run off it acts through the engine (message.delete for an
// admin delete, group.remove after K strikes) and warns the member with a group message through the
// outbox (the one sending path); each action's outcome is written to its log line.
#include "auth/user.hpp"
#include "engines/group_admin.hpp"
#include "contacts/incoming.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sangam {

struct ModerationRules {
  bool links = true;                      // links from members who are not admins
  bool forwarded_chains = true;           // "forwarded many times" (WhatsApp's label: score >= 5)
  std::vector<std::string> banned_words;  // words or phrases, matched word for word
  int flood_messages = 0;                 // more than this many …
  int flood_minutes = 0;                  // … within this many minutes (0: off)
  int strikes_to_remove = 3;              // K
  std::vector<std::string> allow;         // phones (E.164) exempt from every rule
  std::vector<std::string> patterns;      // regular expressions (ECMAScript, case-insensitive)
};

struct ModeratedMessage {
  std::string author_phone;  // E.164, "" when known only by lid
  bool author_admin = false;
  std::string body;
  int forwarding_score = 0;
  int recent_messages = 0;   // the author's messages in the group within flood_minutes, this one included
};

// Parses and checks a rules object; throws validation naming the field (e.g. "banned_words[2]").
ModerationRules moderation_rules_from(const json& j);
json moderation_rules_json(const ModerationRules& r);
// The first rule the message breaks ("link", "forwarded", "banned_word", "flood"), or nullopt. Pure.
std::optional<std::string> violated_rule(const ModerationRules& r, const ModeratedMessage& m);

class ModerationService final : public IncomingListener {
 public:
  using Executor = std::function<void(std::function<void()>)>;
  ModerationService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // The engine that deletes and removes, and where its answers are handled (off the I/O threads).
  // Without it dry_run cannot be switched off.
  void set_actor(Engine* engine, Executor executor) {
    admin_ = engine ? std::make_unique<GroupAdmin>(*engine) : nullptr;
    executor_ = std::move(executor);
  }
  void on_incoming(int64_t project_id, int64_t account_id, const std::string& event, const json& data) override;

  // GET/PUT …/groups/{groupId}/moderation: {rules, dry_run}; GET …/moderation/log: {items}.
  json get(int64_t project_id, int64_t group_id);
  json put(const User& u, int64_t project_id, int64_t group_id, const json& body);
  json log(int64_t project_id, int64_t group_id);

 private:
  int recent(int64_t group_id, const std::string& author, int64_t now, int minutes);
  void act(int64_t pid, int64_t gid, int64_t aid, int64_t log_id, const std::string& wa, const std::string& author,
           const std::string& author_phone, const std::string& message_id, const std::string& rule, bool remove);
  void record(int64_t log_id, const std::string& outcome);

  store::Database& db_;
  const Clock& clock_;
  std::unique_ptr<GroupAdmin> admin_;
  Executor executor_;
  // Message times per (group, author) for the flood rule. In memory on purpose: a restart forgets at
  // most flood_minutes of counting (minutes), and writing every group message for it would double the
  // write load of busy groups (~1,000 messages an hour in the demo).
  std::mutex mu_;
  std::map<std::pair<int64_t, std::string>, std::deque<int64_t>> seen_;
};

}  // namespace sangam
