#include "engines/sender.hpp"

#include <regex>

namespace sangam {

const char* send_status_name(SendStatus s) {
  switch (s) {
    case SendStatus::sent: return "sent";
    case SendStatus::not_sent: return "not_sent";
    case SendStatus::refused: return "refused";
    case SendStatus::rate_limited: return "rate_limited";
    case SendStatus::unknown: return "unknown";
  }
  return "unknown";
}

const char* find_status_name(FindStatus s) {
  switch (s) {
    case FindStatus::found: return "found";
    case FindStatus::absent: return "absent";
    case FindStatus::unknown: return "unknown";
  }
  return "unknown";
}

namespace {
const char* kind_name(ContentKind k) {
  switch (k) {
    case ContentKind::text: return "text";
    case ContentKind::image: return "image";
    case ContentKind::document: return "document";
    case ContentKind::video: return "video";
    case ContentKind::poll: return "poll";
  }
  return "text";
}

// WhatsApp's refusals for rate (whatsapp-web.js surfaces the server's "rate-overlimit" / 429 text in
// the thrown error's message): the message did not go out, and retrying soon makes it worse.
bool is_rate_refusal(const std::string& m) {
  static const std::regex re("rate[- _]?overlimit|\\b429\\b|too many (messages|requests)", std::regex::icase);
  return std::regex_search(m, re);
}
}  // namespace

json send_args(const SendRequest& req) {
  const Content& c = req.content;
  json a = {{"key", req.idempotency_key}, {"to", req.to}, {"kind", kind_name(c.kind)}, {"text", c.text},
            {"media", nullptr}, {"poll", nullptr}, {"mentions", c.mentions}, {"link_preview", c.link_preview}};
  if (c.media) a["media"] = {{"mimetype", c.media->mimetype}, {"filename", c.media->filename}, {"data_base64", c.media->data_base64}};
  if (c.poll) a["poll"] = {{"question", c.poll->question}, {"options", c.poll->options}, {"multiple", c.poll->multiple}};
  if (req.quoted_id) a["quoted_id"] = *req.quoted_id;
  return a;
}

SendOutcome classify_send_result(const EngineResult& r) {
  SendOutcome o;
  if (r.ok) {
    const json* id = r.data.is_object() && r.data.contains("message_id") ? &r.data["message_id"] : nullptr;
    if (id && id->is_string() && !id->get<std::string>().empty()) {
      o.status = SendStatus::sent;
      o.message_id = id->get<std::string>();
      o.duplicate = r.data.value("duplicate", false);
    } else {
      o.status = SendStatus::unknown;
      o.reason = "the engine answered without a message id";
    }
    return o;
  }
  o.reason = r.error_message.empty() ? r.error_code : r.error_message;
  const std::string& code = r.error_code;
  if (!r.dispatched || code == "not_ready" || code == "unknown_account") {
    // Never reached the engine (the connector checks these before calling it; its ledger does not
    // burn the key), so nothing went out.
    o.status = SendStatus::not_sent;
    o.left_core = r.dispatched;
  } else if (code == "bad_request" || code == "unsupported") {
    o.status = SendStatus::refused;
  } else if (code == "failed" && is_rate_refusal(r.error_message)) {
    o.status = SendStatus::rate_limited;
  } else {
    // timeout, a connector lost after the command left, or the engine threw while sending:
    // WhatsApp may have the message.
    o.status = SendStatus::unknown;
  }
  return o;
}

void EngineSender::send(const SendRequest& req, SendCallback cb) {
  engine_.command(req.account_id, "message.send", send_args(req), [cb = std::move(cb)](const EngineResult& r) {
    if (cb) cb(classify_send_result(r));
  });
}

json find_args(const FindRequest& req) {
  const Content& c = req.content;
  // The text WhatsApp shows for the message: the body, a media caption, or a poll's question.
  std::string text = c.kind == ContentKind::poll && c.poll ? c.poll->question : c.text;
  return {{"key", req.idempotency_key}, {"chat", req.chat}, {"text", text}, {"kind", kind_name(c.kind)},
          {"since", req.since_ms}, {"known_ids", req.known_ids}};
}

FindOutcome classify_find_result(const EngineResult& r) {
  FindOutcome o;
  if (!r.ok) {
    o.reason = r.error_message.empty() ? r.error_code : r.error_message;
    return o;  // whatever went wrong, it proves nothing
  }
  o.looked = true;
  if (!r.data.is_object()) {
    o.reason = "the engine answered without a verdict";
    return o;
  }
  const json& id = r.data.contains("message_id") ? r.data["message_id"] : json();
  if (r.data.value("found", false) && id.is_string() && !id.get<std::string>().empty()) {
    o.status = FindStatus::found;
    o.message_id = id.get<std::string>();
  } else if (!r.data.value("found", true) && r.data.value("definitive", false)) {
    o.status = FindStatus::absent;
  } else {
    o.reason = r.data.value("reason", std::string("the engine could not tell"));
  }
  return o;
}

void EngineSender::find(const FindRequest& req, FindCallback cb) {
  engine_.command(req.account_id, "message.find", find_args(req), [cb = std::move(cb)](const EngineResult& r) {
    if (cb) cb(classify_find_result(r));
  });
}

void EngineSender::mark_seen(int64_t account_id, const std::string& chat, DoneCallback cb) {
  engine_.command(account_id, "chat.seen", {{"chat", chat}}, [cb = std::move(cb)](const EngineResult& r) {
    if (cb) cb(r.ok, r.error_message);
  });
}

void EngineSender::typing(int64_t account_id, const std::string& chat, bool on, DoneCallback cb) {
  engine_.command(account_id, "chat.typing", {{"chat", chat}, {"state", on ? "typing" : "paused"}},
                  [cb = std::move(cb)](const EngineResult& r) {
                    if (cb) cb(r.ok, r.error_message);
                  });
}

}  // namespace sangam
