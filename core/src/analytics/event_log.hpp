#pragma once
// The analytics event pipeline (issue 9 item 1). Engine events are queued by the engine tap (cheap, on
// the bridge's thread), then classified, enriched (project, contact, group, campaign via the outbox,
// account) and written by one writer thread in batches through the Store's bulk path (COPY on
// PostgreSQL, one prepared INSERT in one transaction on SQLite). Rollups per campaign/day,
// account/day, group/day, project/day and posting hour are updated in the same transaction.
//
// Counting once: every increment is tied to a *mark* ("d:<outbox>" = outbox row delivered). A batch
// inserts its marks (each once: deduplicated in memory first) in one statement with ON CONFLICT DO
// NOTHING … RETURNING; only marks inserted now are counted (events made once by construction, the
// clicks of /r/, skip the marks: StoredEvent::once). An ack implies the weaker ones (read ⇒ delivered ⇒ sent), so a read that arrives before
// its delivery counts both, and the late delivery adds nothing. Message facts are counted on the day
// the message was sent (its claim), which is fixed, so the rollups do not depend on arrival order and
// equal a recomputation from the raw log (core/tests/analytics_events_test.cpp).
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sangam::analytics {

using json = nlohmann::json;

enum Counter { c_sent, c_delivered, c_read, c_replied, c_failed, c_clicks, c_previews, c_incoming, c_joins, c_leaves, c_leads, c_count };
const char* counter_name(int c);

// One row of the log, enriched. `data` carries what the facts are computed from ("day"/"hour": the
// project-local day and hour the message was sent, for message facts; "level" for acks).
struct StoredEvent {
  int64_t project_id = 0;
  std::string kind;  // sent | delivered | read | played | failed | incoming | reply | reaction | poll_vote | join | leave | account | click | preview | lead
  int priority = 2;  // 1 high: incoming messages and account alerts; 2 standard: acks, clicks, analytics
  int64_t at_ms = 0;
  std::optional<int64_t> account_id, contact_id, group_id, campaign_id, outbox_id;
  std::optional<std::string> link_code;
  json data = json::object();
  // Made once by its producer, so its facts need no mark: a click from LinkService::follow, whose id is
  // 12 random characters and which is recorded exactly once (a failed batch is dropped, never
  // retried). Saves a mark row and its index entry per click, the /r/ redirect's biggest storage cost.
  bool once = false;
};

// A counted fact: `counter` +1 on every dimension of the event (campaign, account, group, project,
// posting hour) for local day `day`, once per project and mark.
struct Fact {
  std::string mark;
  int counter = 0;
  int64_t day = 0;
  int hour = -1;  // local hour for the "hour" dimension; -1 when the fact has none
};
// Pure: the facts an event stands for (the same function serves ingest and any recomputation).
std::vector<Fact> facts_of(const StoredEvent& e);

struct EventLogOptions {
  // A batch is written when it holds this many events or the oldest waited this long. 5,000 rows per
  // transaction keep the SQLite write lock under ~50 ms at the rates in docs/performance.md; 200 ms
  // bounds how stale a chart is. High-priority events (incoming messages) wake the writer at once.
  size_t batch_size = 5000;
  int max_wait_ms = 200;
  // A one-to-one message counts as a reply to the latest campaign message sent to that chat within
  // this many hours (a quoted message is matched exactly, whatever its age).
  int reply_window_hours = 72;
  // Above this many queued events new ones are dropped and counted (a log line each 10,000): the
  // engine's thread must never block on the database. 1,000,000 rows ≈ 300 MB at worst.
  size_t max_queue = 1'000'000;
  bool start_thread = true;  // tests call flush() themselves
};

class EventLog {
 public:
  EventLog(store::Database& db, const Clock& clock, EventBus& bus, EventLogOptions opts = {});
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // From the engine tap: any thread, never blocks on the database.
  void on_engine_event(int64_t account_id, const std::string& event, const json& data);
  // An engine event that happened at `at_ms` (the demo's history, replays with their own times).
  void ingest(int64_t account_id, const std::string& event, const json& data, int64_t at_ms);
  // Already enriched events (clicks, leads, the demo's history).
  void record(StoredEvent e);
  // Writes everything queued so far (tests, shutdown, the demo generator). Returns events written.
  size_t flush();
  void stop();

  // Writes `events` (already enriched) in one transaction with their rollups. Returns the facts counted.
  size_t write_batch(std::vector<StoredEvent>& events);

  // Classifies and enriches one engine event: none for what analytics does not keep (QR codes), two
  // for an incoming message that replies to a campaign message (the message and the reply).
  std::vector<StoredEvent> enrich(store::Conn& c, int64_t account_id, const std::string& event, const json& data, int64_t at_ms);

  // Local day and hour of `ms` in the project's zone (cached per project for one batch).
  std::pair<int64_t, int> local_day_hour(store::Conn& c, int64_t project_id, int64_t ms);

  size_t queued() {
    std::lock_guard g(mu_);
    return raw_.size() + ready_.size();
  }
  uint64_t written() const { return written_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  struct Raw {
    int64_t account_id;
    std::string event;
    json data;
    int64_t at_ms;
  };
  struct OutboxInfo {
    int64_t id = 0, project_id = 0;
    std::optional<int64_t> account_id, contact_id, campaign_id, group_id;
    int64_t sent_ms = 0;
  };
  std::optional<OutboxInfo> outbox_by(store::Conn& c, const std::string& query, const store::Value& value);
  OutboxInfo outbox_of(store::Conn& c, const store::Row& r);
  // By the message's idempotency key: from the batch's prefetch when it is there, else one look-up.
  std::optional<OutboxInfo> outbox_by_key(store::Conn& c, const std::string& key);
  // A batch's acks' outbox rows, read in one statement before the batch is enriched (by idempotency
  // key); cleared after it. A key not found here is looked up as before, by the message's id.
  void prefetch_acks(store::Conn& c, const std::vector<Raw>& raw);
  std::unordered_map<std::string, OutboxInfo> batch_outbox_;
  std::map<std::pair<int64_t, std::string>, std::optional<int64_t>> batch_groups_;  // (project, wa id) → group
  bool in_batch_ = false;  // the two above are used only while flush() enriches a batch (under write_mu_)
  std::optional<int64_t> project_of_account(store::Conn& c, int64_t account_id);
  std::optional<int64_t> group_of(store::Conn& c, int64_t project_id, const std::string& wa_id);
  std::optional<int64_t> contact_of(store::Conn& c, int64_t project_id, const std::string& wa_user);
  void set_message(StoredEvent& e, store::Conn& c, const OutboxInfo& o);
  void run();

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  EventLogOptions opts_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Raw> raw_;
  std::vector<StoredEvent> ready_;
  bool urgent_ = false, stopping_ = false;
  std::mutex write_mu_;  // one batch at a time from this process (flush() and the thread)

  // A project's zone is read once per batch (one query per project per 5,000 events), never kept
  // longer: the team may change it at any time, on any node, and a zone kept from before would cut
  // the following days at the old midnight.
  void forget_zones();
  std::mutex cache_mu_;
  std::map<int64_t, std::string> zones_;
  std::map<int64_t, int64_t> account_project_;

  std::atomic<uint64_t> written_{0}, dropped_{0};
  std::mutex publish_mu_;
  std::map<int64_t, int64_t> last_published_;  // project → ms, the live "analytics.updated" at most 1/s
  std::thread thread_;
};

}  // namespace sangam::analytics
