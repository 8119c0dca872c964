#include "engines/bridge/supervisor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

extern char** environ;

namespace sangam {

ConnectorSupervisor::ConnectorSupervisor(Options opts, ExitHook on_exit)
    : opts_(std::move(opts)), on_exit_(std::move(on_exit)) {}

ConnectorSupervisor::~ConnectorSupervisor() { stop(); }

void ConnectorSupervisor::start() { thread_ = std::thread([this] { run(); }); }

namespace {

// argv[0] looked up in PATH like execvp does, but before fork: between fork and exec a child of a
// threaded process may only make async-signal-safe calls, and execvp may allocate.
std::string resolve(const std::string& file) {
  if (file.find('/') != std::string::npos) return file;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t b = 0; b <= dirs.size();) {
    size_t e = dirs.find(':', b);
    if (e == std::string::npos) e = dirs.size();
    std::string dir = e > b ? dirs.substr(b, e - b) : ".";
    std::string candidate = dir + "/" + file;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    b = e + 1;
  }
  return {};
}

}  // namespace

int ConnectorSupervisor::spawn() {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!opts_.env.count(key) && key != "SANGAM_SUPERVISED") env_strings.push_back(kv);
  }
  for (auto& [k, v] : opts_.env) env_strings.push_back(k + "=" + v);
  // Tells the connector that its stdin is our pipe: it stops (as on SIGTERM) when the pipe closes,
  // which the kernel does when this process dies, however it dies (kill -9 included).
  env_strings.push_back("SANGAM_SUPERVISED=1");
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& a : opts_.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string exe = resolve(opts_.argv[0]);
  if (exe.empty()) {
    spdlog::error("event=connector.spawn_failed command={} error=\"not found in PATH\"", opts_.argv[0]);
    return 0;
  }
  // in: the connector's stdin (we keep the write end and never write to it); err: reports a failed
  // exec (close-on-exec, so a successful exec closes it with nothing written).
  int in[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    spdlog::error("event=connector.spawn_failed command={} error=\"pipe: {}\"", opts_.argv[0], std::strerror(errno));
    return 0;
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    spdlog::error("event=connector.spawn_failed command={} error=\"pipe: {}\"", opts_.argv[0], std::strerror(errno));
    ::close(in[0]);
    ::close(in[1]);
    return 0;
  }
  // fork + execve rather than posix_spawn, which cannot set PR_SET_PDEATHSIG in the child. Each line
  // alone was checked with tests/api/orphans.test.mjs: the pipe alone, or the signal alone, leaves
  // nothing 0.2-0.8 s after kill -9 of sangam.
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until execve.
    // Second line after the stdin pipe: SIGTERM when the thread that forked (this supervisor's, which
    // lives until stop()) dies. It survives execve; the getppid() check covers a parent that died
    // before prctl.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    // Its own process group, so stopping it also stops what it started if it cannot close it itself.
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the core blocks SIGTERM in its threads; the child must not
    ::dup2(in[0], 0);
    ::fcntl(0, F_SETFD, 0);  // (dup2 onto itself keeps close-on-exec)
    if (err[1] != 3) ::dup2(err[1], 3);
    ::fcntl(3, F_SETFD, FD_CLOEXEC);
    // Only stdin/stdout/stderr cross: the listening sockets and the database files must not, or a
    // connector outliving the core would keep the port and the SQLite locks (seen: "address in use").
    ::closefrom(4);
    ::execve(exe.c_str(), argv.data(), envp.data());
    int e = errno;
    ssize_t ignored = ::write(3, &e, sizeof e);
    (void)ignored;
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(in[0]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(in[1]);
    ::close(err[0]);
    spdlog::error("event=connector.spawn_failed command={} error=\"fork: {}\"", opts_.argv[0], std::strerror(fork_errno));
    return 0;
  }
  ::setpgid(pid, pid);  // also here, so a kill(-pid) right after spawn cannot miss the group
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(err[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(err[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    ::close(in[1]);
    spdlog::error("event=connector.spawn_failed command={} error=\"{}\"", exe, std::strerror(exec_errno));
    return 0;
  }
  stdin_fd_ = in[1];
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
      ::close(stdin_fd_);
      stdin_fd_ = -1;
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
