#pragma once
// Spawns the local connector (node connector/dist/main.js) and restarts it when it exits, with
// backoff 1 s, 2 s, 4 s … 30 s (reset after a minute of uptime). The connector dials back into
// /bridge/v1 with the secret it was given. It dies with this process, however this process dies: its
// stdin is a pipe whose write end only we hold (SANGAM_SUPERVISED=1 tells it to stop at EOF), and
// PR_SET_PDEATHSIG sends it SIGTERM; either way it closes its clients and their Chromium first.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace sangam {

class ConnectorSupervisor {
 public:
  struct Options {
    std::vector<std::string> argv;           // e.g. {"node", "/…/connector/dist/main.js"}
    std::map<std::string, std::string> env;  // added to the inherited environment
  };
  using ExitHook = std::function<void(int pid, const std::string& how)>;

  ConnectorSupervisor(Options opts, ExitHook on_exit);
  ~ConnectorSupervisor();  // stops the connector: SIGTERM, then SIGKILL after 10 s
  void start();
  void stop();
  int pid() const { return pid_.load(); }

 private:
  void run();
  int spawn();
  Options opts_;
  ExitHook on_exit_;
  std::thread thread_;
  std::atomic<int> pid_{0};
  int stdin_fd_ = -1;  // write end of the connector's stdin (supervisor thread only)
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace sangam
