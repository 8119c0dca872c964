#pragma once
// Moderation in groups where our number is admin (issue 10 item 7): rules (links from non-admins,
// forwarded chain messages, banned words, flooding: more than N messages in M minutes) → delete the
// message and warn, remove the member after K strikes; every decision logged with the message and
// the rule. Admins and allow-listed members are exempt.
//
// This version runs as a dry run only: it reports what it would do. Deleting a message and removing a
// member need bridge commands (message.delete, group.remove) that the connector does not have yet, so
// switching dry_run off is refused with a conflict rather than pretending.
#include "auth/user.hpp"
#include "contacts/incoming.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"

#include <deque>
#include <map>
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
  ModerationService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  void on_incoming(int64_t project_id, int64_t account_id, const std::string& event, const json& data) override;

  // GET/PUT …/groups/{groupId}/moderation: {rules, dry_run}; GET …/moderation/log: {items}.
  json get(int64_t project_id, int64_t group_id);
  json put(const User& u, int64_t project_id, int64_t group_id, const json& body);
  json log(int64_t project_id, int64_t group_id);

 private:
  int recent(int64_t group_id, const std::string& author, int64_t now, int minutes);

  store::Database& db_;
  const Clock& clock_;
  // Message times per (group, author) for the flood rule. In memory on purpose: a restart forgets at
  // most flood_minutes of counting (minutes), and writing every group message for it would double the
  // write load of busy groups (~1,000 messages an hour in the demo).
  std::mutex mu_;
  std::map<std::pair<int64_t, std::string>, std::deque<int64_t>> seen_;
};

}  // namespace sangam
