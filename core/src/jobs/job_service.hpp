#pragma once
// Background work with progress (issue 7: CSV import, member import, group sync). A job is a row in
// `jobs` (status queued → running → succeeded | failed, done/total, counts, rejected lines), so any
// node answers GET …/jobs/{id}; the work runs on this process's job threads, which hold what the
// request brought (an uploaded file). A job of a process that died is failed at the next start.
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sangam {

using json = nlohmann::json;

// What a running job reports. Progress is written at most every 250 ms (and at the end), so a
// 100,000-row import costs a few dozen small UPDATEs, not one per row; each write is also a
// `job.progress` event to the project's dashboards.
class JobContext {
 public:
  JobContext(store::Database& db, const Clock& clock, EventBus& bus, int64_t project_id, int64_t job_id);
  int64_t id() const { return id_; }
  void progress(int64_t done, std::optional<int64_t> total = std::nullopt);
  void count(const std::string& what, int64_t n = 1);
  // Kept up to kMaxRejected lines; counts["rejected"] counts them all.
  void reject(int64_t line, std::string reason);
  static constexpr size_t kMaxRejected = 1000;

 private:
  friend class JobService;
  void flush(bool force, const char* status);
  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  int64_t project_, id_;
  int64_t done_ = 0;
  std::optional<int64_t> total_;
  json counts_ = json::object();
  json rejected_ = json::array();
  int64_t last_flush_ = 0;
};

class JobService {
 public:
  JobService(store::Database& db, const Clock& clock, EventBus& bus, size_t threads = 1);
  ~JobService();  // waits for the running job; queued ones stay queued and are failed at next start
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  // Queues `work`; returns the job as GET shows it (status queued). An exception from work fails the
  // job with its message (a sangam::Error's text; anything else "internal error").
  json start(int64_t project_id, const std::string& kind, std::optional<int64_t> user_id, std::optional<int64_t> total,
             std::function<void(JobContext&)> work);
  json get(int64_t project_id, int64_t job_id);
  void wait_idle();  // tests and benchmarks: until every queued job has finished

  static json job_json(const store::Row& r);

 private:
  void run();
  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<std::function<void()>> queue_;
  size_t busy_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sangam
