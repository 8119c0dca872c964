#pragma once
// Outgoing webhooks (issue 9 item 8). A project's webhook receives the events it subscribed to
// (lead.attributed, account.banned, account.critical, campaign.completed, campaign.paused,
// report.weekly, webhook.test) as a signed JSON POST: X-Sangam-Signature: sha256=<HMAC-SHA256 of the
// body under the webhook's secret>, the secret sealed at rest. Deliveries are rows (a queue is a
// table): a failed one is tried again with exponential backoff for a day, and every attempt's status,
// latency and the first 500 bytes of the answer are kept for the delivery log.
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sangam::ops {

using json = nlohmann::json;

struct WebhookOptions {
  // Attempt n (1-based) that fails waits 30 s · 2^(n-1), at most 2 h: 30 s, 1 min, 2 min … so a
  // receiver down for an hour is reached within ~1 h of coming back; after 24 h the delivery fails.
  int64_t first_retry_ms = 30'000;
  int64_t max_retry_ms = 2 * 3'600'000;
  int64_t give_up_after_ms = 24 * 3'600'000;
  int64_t timeout_ms = 10'000;  // per attempt, connect included
  int poll_ms = 1000;           // how often the sender looks for due deliveries
  bool start_thread = true;     // tests call run_due() themselves
};

class WebhookService {
 public:
  WebhookService(store::Database& db, const Clock& clock, crypto::SecretKey key, WebhookOptions opts = {});
  ~WebhookService();
  WebhookService(const WebhookService&) = delete;
  WebhookService& operator=(const WebhookService&) = delete;
  void stop();

  // {url, events:[…], allow_private?}: allow_private only counts for an administrator. Answers the
  // webhook with its secret (shown once). Throws validation_failed naming url or events.
  json create(int64_t project_id, const json& body, bool is_admin);
  json list(int64_t project_id);
  void remove(int64_t project_id, int64_t webhook_id);
  json deliveries(int64_t project_id, int64_t webhook_id, int limit = 50);

  // Queues `event` for every active webhook of the project that subscribed to it.
  void publish(int64_t project_id, const std::string& event, const json& data);
  // A webhook.test delivery to one webhook, whatever it subscribed to; answers the delivery row.
  json send_test(int64_t project_id, int64_t webhook_id);

  // Also run by the sender thread once a minute (the weekly report's Friday check, group reach).
  void set_periodic(std::function<void()> fn) {
    std::lock_guard g(mu_);
    periodic_ = std::move(fn);
  }

  // Sends what is due now; returns the number of attempts made.
  int run_due();

  static const std::vector<std::string>& event_names();

 private:
  void loop();
  bool attempt(int64_t delivery_id);

  store::Database& db_;
  const Clock& clock_;
  crypto::SecretKey key_;
  WebhookOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::function<void()> periodic_;
  std::thread thread_;
};

}  // namespace sangam::ops
