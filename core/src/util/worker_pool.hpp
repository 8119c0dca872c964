#pragma once
// A few threads for work that must not run on an I/O thread (issue 6.8: session archives of tens of
// MB, sealed or opened and written to the database, arriving over the bridge WebSocket). post() is
// thread-safe; stop() lets running jobs finish and drops the queued ones, and must come before what
// the jobs use (the BridgeHub, the account service, the sockets' I/O contexts) is destroyed.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>

namespace sangam {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads) : pool_(threads) {}
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> job) { boost::asio::post(pool_, std::move(job)); }
  void stop() {
    pool_.stop();
    pool_.join();
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace sangam
