#include "engines/bridge/supervisor.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <vector>

extern char** environ;

namespace sangam {

ConnectorSupervisor::ConnectorSupervisor(Options opts, ExitHook on_exit)
    : opts_(std::move(opts)), on_exit_(std::move(on_exit)) {}

ConnectorSupervisor::~ConnectorSupervisor() { stop(); }

void ConnectorSupervisor::start() { thread_ = std::thread([this] { run(); }); }

int ConnectorSupervisor::spawn() {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!opts_.env.count(key)) env_strings.push_back(kv);
  }
  for (auto& [k, v] : opts_.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& a : opts_.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The connector gets its own process group, so stopping it also stops the Chromium processes it
  // started if it cannot close them itself.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the core blocks SIGTERM in its threads; the child must not
  // Only stdin/stdout/stderr cross: the listening sockets and the database files must not, or a
  // connector outliving the core would keep the port and the SQLite locks (seen: "address in use").
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    spdlog::error("event=connector.spawn_failed command={} error=\"{}\"", opts_.argv[0], std::strerror(rc));
    return 0;
  }
  spdlog::info("event=connector.started pid={}", pid);
  return pid;
}

void ConnectorSupervisor::run() {
  int backoff_s = 1;
  while (!stopping_) {
    auto started = std::chrono::steady_clock::now();
    int pid = spawn();
    pid_ = pid;
    std::string how = "could not be started";
    if (pid > 0) {
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      how = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                              : std::string("was killed by signal ") + std::to_string(WTERMSIG(status));
      ::kill(-pid, SIGKILL);  // whatever the connector left behind in its process group
    }
    pid_ = 0;
    if (stopping_) break;
    spdlog::error("event=connector.exited pid={} how=\"{}\" restart_in_s={}", pid, how, backoff_s);
    if (on_exit_) on_exit_(pid, how);
    if (std::chrono::steady_clock::now() - started > std::chrono::minutes(1)) backoff_s = 1;
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::seconds(backoff_s), [this] { return stopping_.load(); });
    backoff_s = std::min(backoff_s * 2, 30);
  }
}

void ConnectorSupervisor::stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  cv_.notify_all();
  if (int pid = pid_.load(); pid > 0) {
    ::kill(pid, SIGTERM);
    // The connector closes its browsers on SIGTERM; 10 s covers Chromium's shutdown (~1-2 s each).
    for (int i = 0; i < 100 && pid_.load() == pid; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (pid_.load() == pid) ::kill(-pid, SIGKILL);
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace sangam
