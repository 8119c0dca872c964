// Outgoing webhooks (issue 9 item 8) on both backends against a local receiver that fails, then
// succeeds: signed bodies, retries with backoff, the delivery log, giving up after a day, and the URL
// rules (no loopback or private range unless an administrator allows it).
#include "analytics/signature.hpp"
#include "ops/url_check.hpp"
#include "ops/webhook_events.hpp"
#include "ops/webhooks.hpp"
#include "projects/project.hpp"
#include "util/field_errors.hpp"

#include "support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

using namespace sangam;
using json = nlohmann::json;

namespace {

// One connection at a time: answers each POST with the next status of `statuses` (the last repeats)
// and keeps what it received.
class Receiver {
 public:
  explicit Receiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard g(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      size_t want = std::string::npos;
      while (req.size() < want) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
        auto end = req.find("\r\n\r\n");
        if (end != std::string::npos && want == std::string::npos) {
          auto cl = req.find("Content-Length: ");
          size_t body = cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16));
          want = end + 4 + body;
        }
      }
      int status;
      {
        std::lock_guard g(mu_);
        requests_.push_back(req);
        status = statuses_[std::min(requests_.size() - 1, statuses_.size() - 1)];
      }
      std::string res = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)!write(c, res.data(), res.size());
      close(c);
    }
  }
  std::vector<int> statuses_;
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

crypto::SecretKey test_key() {
  crypto::SecretKey k;
  k.bytes.assign(32, 9);
  return k;
}

class WebhooksTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
    });
  }
  ops::WebhookOptions manual() {
    ops::WebhookOptions o;
    o.start_thread = false;
    o.timeout_ms = 3000;
    return o;
  }
  int64_t pid = 0;
};
SANGAM_BOTH_BACKENDS(WebhooksTest);

std::string header_of(const std::string& req, const std::string& name) {
  auto at = req.find(name + ": ");
  if (at == std::string::npos) return "";
  auto end = req.find("\r\n", at);
  return req.substr(at + name.size() + 2, end - at - name.size() - 2);
}

}  // namespace

TEST_P(WebhooksTest, AFailedDeliveryIsRetriedWithBackoffAndTheReceiverCanCheckTheSignature) {
  Receiver rx({500, 200});
  ops::WebhookService wh(*db, clock, test_key(), manual());
  std::string url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/hook";
  // The loopback needs an administrator's allow_private.
  auto refused = test::failure_of([&] { wh.create(pid, {{"url", url}, {"events", json::array({"lead.attributed"})}}, true); });
  EXPECT_EQ(refused.code, ErrorCode::validation_failed);
  EXPECT_EQ(refused.field, "url");
  EXPECT_EQ(test::failure_of([&] { wh.create(pid, {{"url", url}, {"events", json::array({"lead.attributed"})}, {"allow_private", true}}, false); }).field,
            "allow_private");
  json hook = wh.create(pid, {{"url", url}, {"events", json::array({"lead.attributed"})}, {"allow_private", true}}, true);
  std::string secret = hook["secret"];
  ASSERT_EQ(secret.rfind("whsec_", 0), 0u);

  wh.publish(pid, "lead.attributed", {{"id", 41}, {"phone", "+919800000011"}});
  wh.publish(pid, "campaign.paused", {{"id", 2}});  // not subscribed: nothing queued
  EXPECT_EQ(wh.run_due(), 1);                       // → 500
  auto log = wh.deliveries(pid, hook["id"]);
  ASSERT_EQ(log["items"].size(), 1u);
  EXPECT_EQ(log["items"][0]["status"], "pending");
  EXPECT_EQ(log["items"][0]["last_status"], 500);
  EXPECT_EQ(wh.run_due(), 0);  // the retry waits 30 s
  clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(wh.run_due(), 1);  // → 200
  log = wh.deliveries(pid, hook["id"]);
  EXPECT_EQ(log["items"][0]["status"], "delivered");
  EXPECT_EQ(log["items"][0]["attempts"], 2);
  EXPECT_EQ(log["items"][0]["response"], "ok");
  EXPECT_TRUE(log["items"][0]["latency_ms"].is_number());

  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 2u);
  std::string body = reqs[1].substr(reqs[1].find("\r\n\r\n") + 4);
  EXPECT_EQ(header_of(reqs[1], "X-Sangam-Signature"), analytics::sign_body(secret, body));
  json payload = json::parse(body);
  EXPECT_EQ(payload["event"], "lead.attributed");
  EXPECT_EQ(payload["data"]["id"], 41);
}

TEST_P(WebhooksTest, AReceiverThatNeverAnswersWellIsGivenUpAfterADay) {
  Receiver rx({503});
  ops::WebhookService wh(*db, clock, test_key(), manual());
  json hook = wh.create(pid, {{"url", "http://127.0.0.1:" + std::to_string(rx.port()) + "/"}, {"events", json::array({"report.weekly"})},
                              {"allow_private", true}},
                        true);
  json test = wh.send_test(pid, hook["id"]);  // the button: one attempt at once
  EXPECT_EQ(test["last_status"], 503);
  EXPECT_EQ(test["status"], "pending");
  int attempts = 1;
  for (int i = 0; i < 40; ++i) {
    clock.advance(std::chrono::hours(2));
    attempts += wh.run_due();
  }
  auto log = wh.deliveries(pid, hook["id"]);
  EXPECT_EQ(log["items"][0]["status"], "failed");
  // Retries wait 30 s, 1, 2, 4 … minutes, at most 2 h; checked every 2 h here, so one attempt per
  // check: about 13 in the day, then none.
  EXPECT_GE(attempts, 10);
  EXPECT_LE(attempts, 20);
  EXPECT_EQ(log["items"][0]["attempts"], attempts);
}

TEST_P(WebhooksTest, ABannedOrCriticalNumberReachesItsSubscribersAfterTheFailover) {
  Receiver rx({200});
  ops::WebhookService wh(*db, clock, test_key(), manual());
  std::string url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/hook";
  json hook = wh.create(pid, {{"url", url}, {"events", json::array({"account.banned", "account.critical"})}, {"allow_private", true}}, true);
  json leads_only = wh.create(pid, {{"url", url + "2"}, {"events", json::array({"lead.attributed"})}, {"allow_private", true}}, true);
  int64_t aid = db->write([&](store::Conn& c) {
    return c.run("account-insert", {pid, std::string("+919800000001"), std::string("Sales 1"), std::string("sim"), std::string("production"),
                                    int64_t(200), clock.now_ms()})[0].i64("id");
  });
  struct Next final : AccountLossListener {
    std::vector<std::string> causes;
    void on_account_lost(int64_t, int64_t, const std::string& cause, const std::string&) override {
      causes.push_back(cause);
      throw std::runtime_error("the failover failed");  // must not keep the webhook from going out
    }
  } failover;
  ops::AccountWebhooks hooks(*db, wh, &failover);
  hooks.on_account_lost(pid, aid, "banned", "spam reports");
  hooks.on_account_lost(pid, aid, "critical", "health 55");
  EXPECT_EQ(failover.causes, (std::vector<std::string>{"banned", "critical"}));
  EXPECT_EQ(wh.run_due(), 2);
  EXPECT_TRUE(wh.deliveries(pid, leads_only["id"])["items"].empty());
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 2u);
  std::vector<std::string> events;
  for (auto& req : reqs) {
    std::string body = req.substr(req.find("\r\n\r\n") + 4);
    EXPECT_EQ(header_of(req, "X-Sangam-Signature"), analytics::sign_body(hook["secret"].get<std::string>(), body));
    json p = json::parse(body);
    events.push_back(p["event"]);
    EXPECT_EQ(p["data"]["account"]["id"], aid);
    EXPECT_EQ(p["data"]["account"]["phone"], "+919800000001");
  }
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"account.banned", "account.critical"}));
}

TEST(WebhookUrls, OnlyPublicHttpAddressesUnlessAllowed) {
  EXPECT_TRUE(ops::check_webhook_url("ftp://93.184.216.34/", false));
  EXPECT_TRUE(ops::check_webhook_url("http://user:pw@93.184.216.34/", false));
  EXPECT_FALSE(ops::check_webhook_url("https://93.184.216.34/hook", false));
  for (const char* u : {"http://127.0.0.1/", "http://10.1.2.3/", "http://172.20.0.1/", "http://192.168.1.1/",
                        "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://[fd00::1]/",
                        "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://localhost/"})
    EXPECT_TRUE(ops::check_webhook_url(u, false)) << u;
  EXPECT_FALSE(ops::check_webhook_url("http://127.0.0.1:9/", true));
  EXPECT_TRUE(ops::check_webhook_url("http://93.184.216.34:99999/", false));
  EXPECT_FALSE(ops::is_private_address("8.8.8.8"));
  EXPECT_FALSE(ops::is_private_address("2001:4860:4860::8888"));
  EXPECT_TRUE(ops::is_private_address("100.64.0.1"));
}
