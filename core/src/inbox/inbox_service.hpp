#pragma once
// The team inbox of every project (issue 10 items 1-2): incoming one-to-one messages, replies to our
// posts, and group messages that mention our number or quote our message become conversations with
// their threads; a team member answers from the dashboard, and the answer is an outbox row of
// priority 1 from the same account — the one sending path, never a direct engine call. Also the place
// where a person settles sends whose outcome is unknown, and the project's saved replies.
// Knows nothing of HTTP.
#include "auth/user.hpp"
#include "contacts/incoming.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <map>
#include <string>

namespace sangam {

using json = nlohmann::json;

struct InboxOptions {
  // An unquoted direct message answers what we last sent into that chat within this window (7 days:
  // campaign replies come within hours; older ones are a new conversation topic).
  int64_t context_window_ms = 7LL * 24 * 3600 * 1000;
  // A reply longer than this is refused: WhatsApp takes 65,536, but a team's answer over 4,096
  // characters is a paste gone wrong.
  size_t max_reply_chars = 4096;
};

class InboxService final : public IncomingListener {
 public:
  InboxService(store::Database& db, const Clock& clock, EventBus& bus, InboxOptions opts = {});

  // IncomingListener: message.received (after the contact base, so the sender is a contact already).
  void on_incoming(int64_t project_id, int64_t account_id, const std::string& event, const json& data) override;

  // GET …/inbox: conversations newest first with filters (account, group, persona, consent,
  // needs_reply, status, assignee, q), keyset paged by `before`; counts of the open ones.
  json list(int64_t project_id, const std::map<std::string, std::string>& query, int64_t me);
  // GET …/inbox/{cid}: the conversation, its newest messages (before, limit), suggested saved replies.
  json conversation(int64_t project_id, int64_t conversation_id, const std::map<std::string, std::string>& query);
  // POST …/inbox/{cid}/replies: {text | saved_reply_id, idempotency_key?} → the message; an outbox
  // row of priority 1 from the conversation's account (mark seen, typing, send by the dispatcher).
  json reply(const User& u, int64_t project_id, int64_t conversation_id, const json& body);
  // PATCH …/inbox/{cid}: {assignee_id (null: nobody), status: open|done, read: true}.
  json update(const User& u, int64_t project_id, int64_t conversation_id, const json& body);

  // Sends whose outcome is unknown, and a person's decision on one: mark_sent (it arrived) or
  // send_again (a new row with a new key). Both audited.
  json unknown_sends(int64_t project_id);
  json resolve_unknown(const User& u, int64_t project_id, int64_t outbox_id, const json& body);

  // Saved replies: {name, body (variables: name, first_name, phone, project, account, agent), keywords[]}.
  json saved_replies(int64_t project_id);
  json create_saved_reply(const User& u, int64_t project_id, const json& body);
  json update_saved_reply(const User& u, int64_t project_id, int64_t id, const json& body);
  void delete_saved_reply(const User& u, int64_t project_id, int64_t id);

 private:
  json summary(const store::Row& r) const;
  json saved_reply_json(const store::Row& r) const;
  // Renders a saved reply's body for a conversation's contact.
  std::string render(store::Conn& c, int64_t project_id, const store::Row& conv, const std::string& body,
                     const std::string& agent);
  json suggestions(store::Conn& c, int64_t project_id, const store::Row& conv, const std::string& last_text);
  json validated_saved_reply(const json& body);
  void publish(const std::string& name, int64_t project_id, json data);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  InboxOptions opts_;
};

// Whether a group message concerns us: it mentions our number, or quotes a message we sent
// (`ours(quoted_id)`). Pure, for the tests.
bool mentions_phone(const json& mentions, const std::string& phone_e164);

}  // namespace sangam
