#include "ops/webhooks.hpp"

#include "analytics/signature.hpp"
#include "ops/url_check.hpp"
#include "util/errors.hpp"
#include "util/field_errors.hpp"
#include "util/log_text.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sangam::ops {

namespace {

std::string ad_of(int64_t project_id) { return "webhook-secret:" + std::to_string(project_id); }

size_t collect(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  size_t bytes = size * n;
  if (s->size() < 500) s->append(data, std::min(bytes, 500 - s->size()));
  return bytes;  // read and drop the rest: the receiver is not blocked by a closed pipe
}

json webhook_json(const store::Row& r) {
  return {{"id", r.i64("id")},
          {"url", r.str("url")},
          {"events", json::parse(r.str("events"))},
          {"active", r.boolean("active")},
          {"created_at", format_iso8601(r.i64("created_at"))}};
}

json delivery_json(const store::Row& r) {
  auto n = [&](const char* col) { return r.is_null(col) ? json(nullptr) : json(r.i64(col)); };
  return {{"id", r.i64("id")},
          {"event", r.str("event")},
          {"status", r.str("status")},
          {"attempts", r.i64("attempts")},
          {"next_at", r.is_null("next_at") ? json(nullptr) : json(format_iso8601(r.i64("next_at")))},
          {"last_status", n("last_status")},
          {"latency_ms", n("latency_ms")},
          {"response", r.opt_str("response") ? json(*r.opt_str("response")) : json(nullptr)},
          {"created_at", format_iso8601(r.i64("created_at"))},
          {"updated_at", format_iso8601(r.i64("updated_at"))}};
}

}  // namespace

const std::vector<std::string>& WebhookService::event_names() {
  static const std::vector<std::string> names = {"lead.attributed",   "account.banned",  "account.critical",
                                                 "campaign.completed", "campaign.paused", "report.weekly"};
  return names;
}

WebhookService::WebhookService(store::Database& db, const Clock& clock, crypto::SecretKey key, WebhookOptions opts)
    : db_(db), clock_(clock), key_(std::move(key)), opts_(opts) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (opts_.start_thread) thread_ = std::thread([this] { loop(); });
}

WebhookService::~WebhookService() { stop(); }

void WebhookService::stop() {
  {
    std::lock_guard g(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

json WebhookService::create(int64_t pid, const json& body, bool is_admin) {
  std::vector<FieldError> errs;
  std::string url = body.contains("url") && body["url"].is_string() ? body["url"].get<std::string>() : "";
  bool allow_private = body.value("allow_private", false) && is_admin;
  if (body.value("allow_private", false) && !is_admin)
    errs.push_back({"allow_private", "only an administrator can allow a loopback or private address"});
  if (url.empty()) errs.push_back({"url", "url is required"});
  else if (url.size() > 2000) errs.push_back({"url", "url is longer than 2000 characters"});
  else if (auto problem = check_webhook_url(url, allow_private)) errs.push_back({"url", *problem});
  json events = json::array();
  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    errs.push_back({"events", "events must list at least one of: lead.attributed, account.banned, account.critical, "
                              "campaign.completed, campaign.paused, report.weekly"});
  } else {
    for (auto& e : body["events"]) {
      auto& names = event_names();
      if (!e.is_string() || std::find(names.begin(), names.end(), e.get<std::string>()) == names.end())
        errs.push_back({"events", "'" + (e.is_string() ? e.get<std::string>() : e.dump()) + "' is not an event a webhook can receive"});
      else if (std::find(events.begin(), events.end(), e) == events.end())
        events.push_back(e);
    }
  }
  if (!errs.empty()) throw FieldErrors(std::move(errs));
  std::string secret = "whsec_" + crypto::random_token(32);
  int64_t now = clock_.now_ms();
  json out = db_.write([&](store::Conn& c) {
    auto r = c.run("webhook-insert", {pid, url, store::Blob{crypto::seal(key_, secret, ad_of(pid))}, events.dump(),
                                      int64_t{allow_private}, now});
    return webhook_json(r[0]);
  });
  out["secret"] = secret;
  out["allow_private"] = allow_private;
  return out;
}

json WebhookService::list(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("webhook-list", {pid});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(webhook_json(r[i]));
    return json{{"items", items}};
  });
}

void WebhookService::remove(int64_t pid, int64_t id) {
  db_.write([&](store::Conn& c) {
    if (c.run("webhook-delete", {pid, id}).affected == 0) throw not_found("no such webhook");
  });
}

json WebhookService::deliveries(int64_t pid, int64_t id, int limit) {
  return db_.read([&](store::Conn& c) {
    if (c.run("webhook-get", {pid, id}).empty()) throw not_found("no such webhook");
    auto r = c.run("webhook-deliveries", {id, int64_t{limit}});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) items.push_back(delivery_json(r[i]));
    return json{{"items", items}};
  });
}

void WebhookService::publish(int64_t pid, const std::string& event, const json& data) {
  int64_t now = clock_.now_ms();
  bool queued = false;
  db_.write([&](store::Conn& c) {
    auto hooks = c.run("webhook-list", {pid});
    for (size_t i = 0; i < hooks.size(); ++i) {
      if (!hooks[i].boolean("active")) continue;
      json events = json::parse(hooks[i].str("events"));
      if (std::find(events.begin(), events.end(), event) == events.end()) continue;
      json payload = {{"event", event}, {"project_id", pid}, {"at", format_iso8601(now)}, {"data", data}};
      c.run("webhook-delivery-insert", {pid, hooks[i].i64("id"), event, payload.dump(), now});
      queued = true;
    }
  });
  if (queued) cv_.notify_all();
}

json WebhookService::send_test(int64_t pid, int64_t id) {
  int64_t now = clock_.now_ms();
  int64_t did = db_.write([&](store::Conn& c) {
    if (c.run("webhook-get", {pid, id}).empty()) throw not_found("no such webhook");
    json payload = {{"event", "webhook.test"}, {"project_id", pid}, {"at", format_iso8601(now)},
                    {"data", {{"message", "A test event from Sangam: this webhook is reachable."}}}};
    return c.run("webhook-delivery-insert", {pid, id, std::string("webhook.test"), payload.dump(), now})[0].i64("id");
  });
  attempt(did);  // the button shows the result at once
  return db_.read([&](store::Conn& c) { return delivery_json(c.run("webhook-delivery-get", {did})[0]); });
}

int WebhookService::run_due() {
  auto due = db_.read([&](store::Conn& c) { return c.run("webhook-due", {clock_.now_ms(), int64_t{20}}); });
  int n = 0;
  for (size_t i = 0; i < due.size(); ++i)
    if (attempt(due[i].i64("id"))) ++n;
  return n;
}

bool WebhookService::attempt(int64_t did) {
  int64_t now = clock_.now_ms();
  // Claim: push next_at ahead by the timeout so another node (or the next poll) leaves it alone.
  auto row = db_.write([&](store::Conn& c) -> std::optional<json> {
    auto r = c.run("webhook-delivery-claim", {did, now, now + opts_.timeout_ms + 5000});
    if (r.empty()) return std::nullopt;
    auto x = r[0];
    return json{{"url", x.str("url")}, {"secret", x.str("secret")}, {"payload", x.str("payload")},
                {"attempts", x.i64("attempts")}, {"created_at", x.i64("created_at")}, {"project_id", x.i64("project_id")},
                {"allow_private", x.boolean("allow_private")}};
  });
  if (!row) return false;
  std::string url = (*row)["url"], payload = (*row)["payload"];
  int64_t pid = (*row)["project_id"];
  auto secret = crypto::open(key_, (*row)["secret"].get<std::string>(), ad_of(pid));
  long status = 0;
  std::string response, error;
  auto t0 = std::chrono::steady_clock::now();
  UrlTarget target;
  if (!secret) {
    error = "the webhook's secret cannot be opened with this server's key";
  } else if (auto problem = check_webhook_url(url, (*row)["allow_private"].get<bool>(), &target)) {
    error = *problem;
  } else {
    CURL* h = curl_easy_init();
    std::string sig = "X-Sangam-Signature: " + analytics::sign_body(*secret, payload);
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, sig.c_str());
    headers = curl_slist_append(headers, "User-Agent: Sangam-Webhook/1");
    // Connect to the address that was checked, not to whatever the name resolves to a moment later.
    std::string pin = target.host + ":" + std::to_string(target.port) + ":" +
                      (target.addresses[0].find(':') != std::string::npos ? "[" + target.addresses[0] + "]" : target.addresses[0]);
    curl_slist* resolve = curl_slist_append(nullptr, pin.c_str());
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout_ms));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could lead anywhere, the loopback included
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) error = curl_easy_strerror(rc);
    else curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    curl_easy_cleanup(h);
  }
  int64_t latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  bool ok = error.empty() && status >= 200 && status < 300;
  int64_t attempts = (*row)["attempts"].get<int64_t>() + 1;
  int64_t after = clock_.now_ms();
  std::string outcome = ok ? "delivered" : "pending";
  std::optional<int64_t> next;
  if (!ok) {
    int64_t wait = opts_.first_retry_ms << std::min<int64_t>(attempts - 1, 20);
    wait = std::min(wait, opts_.max_retry_ms);
    if (after + wait - (*row)["created_at"].get<int64_t>() > opts_.give_up_after_ms) outcome = "failed";
    else next = after + wait;
  }
  std::string excerpt = error.empty() ? response : error;
  db_.write([&](store::Conn& c) {
    c.run("webhook-delivery-finish", {did, outcome, attempts, next ? store::Value(*next) : store::Value(nullptr),
                                      status ? store::Value(int64_t{status}) : store::Value(nullptr), latency, excerpt, after});
  });
  spdlog::info("event=webhook.attempt project={} delivery={} status={} http={} latency_ms={} attempts={}", pid, did,
               outcome, status, latency, attempts);
  return true;
}

void WebhookService::loop() {
  std::unique_lock lk(mu_);
  auto last_periodic = std::chrono::steady_clock::now() - std::chrono::minutes(1);
  while (!stopping_) {
    std::function<void()> periodic = periodic_;
    lk.unlock();
    try {
      run_due();
      if (periodic && std::chrono::steady_clock::now() - last_periodic >= std::chrono::minutes(1)) {
        last_periodic = std::chrono::steady_clock::now();
        periodic();
      }
    } catch (const std::exception& e) {
      spdlog::error("event=webhook.loop_failed error=\"{}\"", log_value(e.what()));
    }
    lk.lock();
    cv_.wait_for(lk, std::chrono::milliseconds(opts_.poll_ms), [&] { return stopping_; });
  }
}

}  // namespace sangam::ops
