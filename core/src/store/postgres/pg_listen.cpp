// LISTEN on a dedicated libpq connection, served by its own thread: poll() on the connection's socket
// and on an eventfd that the destructor signals. A lost connection is reported (handlers.state(false)),
// then re-opened once a second until it LISTENs again (handlers.state(true)); notifications sent in
// between are lost, which is why state(true) means "assume you missed some".
#include "store/postgres/pg_listen.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <thread>

namespace sangam::store {
namespace {

constexpr int kRetryMs = 1000;  // between reconnection attempts; the caller's own bound covers the gap

class PgListener final : public Listener {
 public:
  PgListener(std::string url, std::string channel, ListenHandlers h)
      : url_(std::move(url)), channel_(std::move(channel)), h_(std::move(h)), stop_fd_(eventfd(0, EFD_CLOEXEC)) {
    if (stop_fd_ < 0) throw DbError(DbError::Kind::other, "eventfd failed");
    // The first attempt runs here, so a node that could open its pool also listens from its first request.
    PGconn* pg = open();
    thread_ = std::thread([this, pg] { run(pg); });
  }
  ~PgListener() override {
    uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0) spdlog::error("event=store.listen_stop_failed");
    thread_.join();
    ::close(stop_fd_);
  }

 private:
  // A connected, LISTENing connection, or nullptr.
  PGconn* open() {
    // Keepalives notice a silently dead TCP peer in ~16 s (10 s idle + 3 probes 2 s apart); they mean
    // nothing on a unix socket, where a lost server is seen at once. The caller's bound holds regardless.
    // application_name shows the connection in pg_stat_activity. Keywords after dbname override the URL's.
    const char* keys[] = {"keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "dbname",
                          "application_name", nullptr};
    const char* vals[] = {"1", "10", "2", "3", url_.c_str(), "sangam-listen", nullptr};
    PGconn* pg = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(pg) == CONNECTION_OK) {
      char* ident = PQescapeIdentifier(pg, channel_.c_str(), channel_.size());
      std::string sql = std::string("LISTEN ") + (ident ? ident : "");
      PQfreemem(ident);
      PGresult* r = PQexec(pg, sql.c_str());
      bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (ok) {
        state(true);
        return pg;
      }
    }
    std::string msg = PQerrorMessage(pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    spdlog::warn("event=store.listen_failed channel={} error=\"{}\" retry_ms={}", channel_, msg, kRetryMs);
    PQfinish(pg);
    return nullptr;
  }

  void run(PGconn* pg) {
    for (;;) {
      if (pg) {
        bool stopped = serve(pg);
        PQfinish(pg);
        if (stopped) return;
        spdlog::warn("event=store.listen_lost channel={}", channel_);
        state(false);
      }
      if (wait_stop(kRetryMs)) return;
      pg = open();
    }
  }

  // Delivers notifications until the connection is lost (false) or the listener is stopped (true).
  bool serve(PGconn* pg) {
    for (;;) {
      pollfd fds[2] = {{PQsocket(pg), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (fds[1].revents) return true;
      if (!PQconsumeInput(pg)) return false;
      while (PGnotify* n = PQnotifies(pg)) {
        std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        try {
          h_.message(payload);
        } catch (const std::exception& e) {
          spdlog::error("event=store.listen_handler_failed channel={} error=\"{}\"", channel_, e.what());
        }
      }
      if (PQstatus(pg) != CONNECTION_OK) return false;
    }
  }

  void state(bool listening) {
    try {
      h_.state(listening);
    } catch (const std::exception& e) {
      spdlog::error("event=store.listen_handler_failed channel={} error=\"{}\"", channel_, e.what());
    }
  }

  bool wait_stop(int ms) {
    pollfd fd{stop_fd_, POLLIN, 0};
    return ::poll(&fd, 1, ms) > 0;
  }

  std::string url_, channel_;
  ListenHandlers h_;
  int stop_fd_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Listener> pg_listen(const std::string& url, const std::string& channel, ListenHandlers handlers) {
  return std::make_unique<PgListener>(url, channel, std::move(handlers));
}

}  // namespace sangam::store
