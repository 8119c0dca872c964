#pragma once
// The typed sending surface the dispatcher uses (issue 8 item 12). Engine::command is a string bus
// shared with account control; the dispatcher sees only SendRequest → SendOutcome, and the bridge's
// wire form (docs/bridge-protocol.md, message.send) stays inside EngineSender.
#include "engines/engine.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sangam {

enum class ContentKind { text, image, document, video, poll };

struct Media {
  std::string mimetype, filename, data_base64;
};
struct Poll {
  std::string question;
  std::vector<std::string> options;  // 2–12
  bool multiple = false;
};

struct Content {
  ContentKind kind = ContentKind::text;
  std::string text;  // the body, or a media caption
  std::optional<Media> media;
  std::optional<Poll> poll;
  std::vector<std::string> mentions;  // phones, E.164
  bool link_preview = true;
};

struct SendRequest {
  int64_t account_id = 0;
  std::string to;  // "…@c.us", "…@g.us", "…@newsletter", or a phone
  Content content;
  std::string idempotency_key;  // stored with the outbox claim before the send leaves the core
  std::optional<std::string> quoted_id;
};

enum class SendStatus {
  sent,          // WhatsApp took it: message_id set (duplicate: an earlier send with the same key)
  not_sent,      // surely did not reach WhatsApp (no connector, client not ready): may be retried
  refused,       // the engine refused the request itself (bad recipient, unsupported content)
  rate_limited,  // WhatsApp refused for rate: back the account off, do not retry now
  unknown,       // may or may not have gone out (timeout, connector lost mid-send, engine threw):
                 // reconcile or show for review, never re-send blindly
};
const char* send_status_name(SendStatus s);

struct SendOutcome {
  SendStatus status = SendStatus::unknown;
  std::string message_id;
  bool duplicate = false;
  std::string reason;  // words, for the message's status
  // not_sent only: false when the command never left the core (no connector at all), so no engine
  // saw it — not an attempt; the row is tried again in seconds (the account's readiness stops the
  // dispatcher soon after a connector goes; this covers the moment between).
  bool left_core = true;
};
using SendCallback = std::function<void(const SendOutcome&)>;

// Reconciliation (issue 8 item 14): did a message whose send outcome is unknown reach the chat?
// The engine looks at the chat's recent messages from us (whatsapp-web.js: Chat.fetchMessages; the
// simulator: every message its network carried) for the body, sent at or after `since_ms`.
struct FindRequest {
  int64_t account_id = 0;
  std::string chat;
  std::string idempotency_key;
  Content content;
  int64_t since_ms = 0;                  // the claim: a match must not be older (minus 2 min of clock skew)
  std::vector<std::string> known_ids;    // our messages already matched to other rows: never this one
};
enum class FindStatus {
  found,    // message_id set
  absent,   // the engine is sure the chat has no such message (it saw the whole window): not sent
  unknown,  // could not tell (no connector, client not ready, history not loaded that far, timeout)
};
const char* find_status_name(FindStatus s);
struct FindOutcome {
  FindStatus status = FindStatus::unknown;
  std::string message_id;
  std::string reason;
  bool looked = false;  // the engine answered (false: not connected, not ready, timeout)
};
using FindCallback = std::function<void(const FindOutcome&)>;
using DoneCallback = std::function<void(bool ok, const std::string& error)>;

class Sender {
 public:
  virtual ~Sender() = default;
  virtual void send(const SendRequest& req, SendCallback cb) = 0;
  virtual void mark_seen(int64_t account_id, const std::string& chat, DoneCallback cb) = 0;
  virtual void typing(int64_t account_id, const std::string& chat, bool on, DoneCallback cb) = 0;
  // Unknown unless the engine can look: a sender that cannot never turns a row back to queued.
  virtual void find(const FindRequest&, FindCallback cb) {
    if (cb) cb(FindOutcome{FindStatus::unknown, "", "this engine cannot look up sent messages"});
  }
};

// The bridge's message.send / chat.seen / chat.typing over any Engine.
class EngineSender final : public Sender {
 public:
  explicit EngineSender(Engine& engine) : engine_(engine) {}
  void send(const SendRequest& req, SendCallback cb) override;
  void mark_seen(int64_t account_id, const std::string& chat, DoneCallback cb) override;
  void typing(int64_t account_id, const std::string& chat, bool on, DoneCallback cb) override;
  void find(const FindRequest& req, FindCallback cb) override;

 private:
  Engine& engine_;
};

// Pure parts, tested on their own: the wire form of a request, and what an engine's answer means.
json send_args(const SendRequest& req);
SendOutcome classify_send_result(const EngineResult& r);
json find_args(const FindRequest& req);
FindOutcome classify_find_result(const EngineResult& r);

}  // namespace sangam
