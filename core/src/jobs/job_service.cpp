#include "jobs/job_service.hpp"

#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

JobContext::JobContext(store::Database& db, const Clock& clock, EventBus& bus, int64_t project_id, int64_t job_id)
    : db_(db), clock_(clock), bus_(bus), project_(project_id), id_(job_id) {}

void JobContext::progress(int64_t done, std::optional<int64_t> total) {
  done_ = done;
  if (total) total_ = total;
  flush(false, "running");
}

void JobContext::count(const std::string& what, int64_t n) { counts_[what] = counts_.value(what, int64_t(0)) + n; }

void JobContext::reject(int64_t line, std::string reason) {
  count("rejected");
  if (rejected_.size() < kMaxRejected) rejected_.push_back({{"line", line}, {"reason", std::move(reason)}});
}

void JobContext::flush(bool force, const char* status) {
  int64_t now = clock_.now_ms();
  if (!force && now - last_flush_ < 250) return;
  last_flush_ = now;
  store::Value total = total_ ? store::Value(*total_) : store::Value(nullptr);
  db_.write([&](store::Conn& c) {
    c.run("job-progress", {id_, std::string(status), done_, total, counts_.dump(), rejected_.dump(), now});
  });
  bus_.publish({"job.progress", project_, std::nullopt,
                {{"id", id_}, {"status", status}, {"done", done_}, {"total", total_ ? json(*total_) : json(nullptr)}, {"counts", counts_}},
                now});
}

JobService::JobService(store::Database& db, const Clock& clock, EventBus& bus, size_t threads)
    : db_(db), clock_(clock), bus_(bus) {
  // Jobs left queued or running by a process that died: failed, unless another live node updated
  // them within the last 5 minutes (its progress writes come every 250 ms while it works).
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) { c.run("job-fail-unfinished", {now, now - 5 * 60 * 1000}); });
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

JobService::~JobService() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

json JobService::job_json(const store::Row& r) {
  auto total = r.opt_i64("total");
  json counts = json::parse(r.str("counts"), nullptr, false);
  return {{"id", r.i64("id")},
          {"kind", r.str("kind")},
          {"status", r.str("status")},
          {"progress", {{"done", r.i64("done")}, {"total", total ? json(*total) : json(nullptr)}}},
          {"counts", counts},
          {"rejected", json::parse(r.str("rejected"), nullptr, false)},
          {"error", r.is_null("error") ? json(nullptr) : json(r.str("error"))},
          {"created_at", format_iso8601(r.i64("created_at"))},
          {"finished_at", r.is_null("finished_at") ? json(nullptr) : json(format_iso8601(r.i64("finished_at")))}};
}

json JobService::start(int64_t pid, const std::string& kind, std::optional<int64_t> user_id, std::optional<int64_t> total,
                       std::function<void(JobContext&)> work) {
  int64_t now = clock_.now_ms();
  int64_t id = db_.write([&](store::Conn& c) {
    return c.run("job-insert", {pid, kind, total ? store::Value(*total) : store::Value(nullptr),
                                user_id ? store::Value(*user_id) : store::Value(nullptr), now})[0]
        .i64("id");
  });
  {
    std::lock_guard g(mu_);
    queue_.push_back([this, pid, id, kind, total, work = std::move(work)] {
      JobContext ctx(db_, clock_, bus_, pid, id);
      ctx.total_ = total;
      std::string status = "succeeded";
      std::optional<std::string> error;
      try {
        ctx.flush(true, "running");
        work(ctx);
      } catch (const Error& e) {
        status = "failed";
        error = e.what();
      } catch (const std::exception& e) {
        status = "failed";
        error = "internal error; the server log has the details";
        spdlog::error("event=job.failed project={} job={} kind={} error={}", pid, id, kind, log_value(e.what()));
      }
      try {
        int64_t end = clock_.now_ms();
        db_.write([&](store::Conn& c) {
          c.run("job-finish", {id, status, ctx.done_, ctx.total_ ? store::Value(*ctx.total_) : store::Value(nullptr),
                               ctx.counts_.dump(), ctx.rejected_.dump(), error ? store::Value(*error) : store::Value(nullptr), end});
        });
        bus_.publish({"job.progress", pid, std::nullopt, {{"id", id}, {"status", status}, {"done", ctx.done_}, {"counts", ctx.counts_}}, end});
      } catch (const std::exception& e) {
        spdlog::error("event=job.finish_failed project={} job={} error={}", pid, id, log_value(e.what()));
      }
    });
  }
  cv_.notify_one();
  return get(pid, id);
}

json JobService::get(int64_t pid, int64_t job_id) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("job-get", {pid, job_id});
    if (r.empty()) throw not_found("no such job");
    return job_json(r[0]);
  });
}

void JobService::wait_idle() {
  std::unique_lock lk(mu_);
  idle_cv_.wait(lk, [&] { return queue_.empty() && busy_ == 0; });
}

void JobService::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    job();  // catches everything it throws (above)
    {
      std::lock_guard g(mu_);
      --busy_;
    }
    idle_cv_.notify_all();
  }
}

}  // namespace sangam
