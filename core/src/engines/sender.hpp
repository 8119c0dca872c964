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
};
using SendCallback = std::function<void(const SendOutcome&)>;
using DoneCallback = std::function<void(bool ok, const std::string& error)>;

class Sender {
 public:
  virtual ~Sender() = default;
  virtual void send(const SendRequest& req, SendCallback cb) = 0;
  virtual void mark_seen(int64_t account_id, const std::string& chat, DoneCallback cb) = 0;
  virtual void typing(int64_t account_id, const std::string& chat, bool on, DoneCallback cb) = 0;
};

// The bridge's message.send / chat.seen / chat.typing over any Engine.
class EngineSender final : public Sender {
 public:
  explicit EngineSender(Engine& engine) : engine_(engine) {}
  void send(const SendRequest& req, SendCallback cb) override;
  void mark_seen(int64_t account_id, const std::string& chat, DoneCallback cb) override;
  void typing(int64_t account_id, const std::string& chat, bool on, DoneCallback cb) override;

 private:
  Engine& engine_;
};

// Pure parts, tested on their own: the wire form of a request, and what an engine's answer means.
json send_args(const SendRequest& req);
SendOutcome classify_send_result(const EngineResult& r);

}  // namespace sangam
