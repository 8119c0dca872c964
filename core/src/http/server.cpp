// One io_context per thread, each with its own SO_REUSEPORT acceptor: the kernel spreads connections
// over the threads and a connection never changes thread, so a session needs no strand. Measured on
// this 2-core machine: 37k req/s for GET /health on one thread, 53-60k req/s with one io_context per
// thread (DESIGN.md).
#include <utility>  // g++ 12 needs it before Asio
#include "http/server.hpp"

#include "http/app.hpp"
#include "util/errors.hpp"
#include "util/json_input.hpp"
#include "util/log_text.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <deque>
#include <thread>

namespace sangam::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(75);  // longer than browsers' 60 s keep-alive
constexpr size_t kWsMessageMax = 64 * 1024;              // subscribe messages are ~50 bytes
constexpr size_t kWsBacklogMax = 1000;                   // a client this far behind is dropped

void add_common_headers(bhttp::response<bhttp::string_body>& out, const Response& res) {
  out.set(bhttp::field::server, "sangam");
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "same-origin");
  if (res.content_type.rfind("text/html", 0) == 0) {
    out.set("X-Frame-Options", "DENY");
    out.set("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'");
  }
}

// The request head's problems that close the connection: framing a proxy might read differently
// (types.hpp, framing_error) and a target that is not a path.
std::optional<Error> refusal_of(const bhttp::request<bhttp::string_body>& in) {
  std::vector<std::pair<std::string, std::string>> framing;
  for (const auto& f : in) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (name == "transfer-encoding" || name == "content-length" || name == "host")
      framing.emplace_back(std::move(name), std::string(f.value()));
  }
  if (auto why = framing_error(in.version(), framing)) return Error(ErrorCode::bad_request, *why);
  std::string target(in.target());
  if (!normalize_target(target)) return Error(ErrorCode::bad_request, "the request target must be a path starting with /");
  return std::nullopt;
}

Request to_request(const bhttp::request<bhttp::string_body>& in, const std::string& ip) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  normalize_target(r.target);
  split_target(r);
  r.headers.reserve(8);
  for (const auto& f : in) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = in.body();
  r.remote_ip = ip;
  return r;
}

bhttp::response<bhttp::string_body> to_beast(const Response& res, unsigned version, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) out.insert(k, v);
  add_common_headers(out, res);
  out.keep_alive(keep_alive);
  out.body() = head ? std::string() : res.body;
  out.prepare_payload();
  if (head) out.content_length(res.body.size());
  return out;
}

// Outgoing WebSocket messages: Beast allows one write in flight, so messages queue here and are
// written one after another on the connection's own thread.
struct Outbox {
  std::deque<std::string> queue;
  bool writing = false;
  bool closing = false;
};
using Ws = websocket::stream<beast::tcp_stream>;

void write_next(std::shared_ptr<Ws> ws, std::shared_ptr<Outbox> ob) {
  if (ob->queue.empty()) {
    ob->writing = false;
    if (ob->closing) ws->async_close(websocket::close_code::policy_error, [ws, ob](beast::error_code) {});
    return;
  }
  ob->writing = true;
  ws->text(true);
  ws->async_write(net::buffer(ob->queue.front()), [ws, ob](beast::error_code ec, size_t) {
    ob->queue.pop_front();
    if (ec) {
      ob->queue.clear();
      ob->writing = false;
      return;
    }
    write_next(ws, ob);
  });
}

awaitable<void> websocket_session(beast::tcp_stream stream, bhttp::request<bhttp::string_body> req, WsPeer peer) {
  auto ws = std::make_shared<Ws>(std::move(stream));
  beast::get_lowest_layer(*ws).expires_never();
  if (peer.server_pings) {
    // Connectors: a ping after 15 s of silence, dropped after 45 s without an answer.
    websocket::stream_base::timeout t{std::chrono::seconds(30), std::chrono::seconds(45), true};
    ws->set_option(t);
  } else {
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  }
  ws->read_message_max(peer.max_message_bytes);
  beast::error_code ec;
  co_await ws->async_accept(req, net::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  auto ob = std::make_shared<Outbox>();
  auto ex = co_await net::this_coro::executor;
  auto send = [ws, ob, ex](std::string msg) {
    net::post(ex, [ws, ob, msg = std::move(msg)]() mutable {
      if (ob->closing) return;
      if (ob->queue.size() >= kWsBacklogMax) {
        ob->closing = true;
        return;
      }
      ob->queue.push_back(std::move(msg));
      if (!ob->writing) write_next(ws, ob);
    });
  };
  auto close = [ws, ob, ex] {
    net::post(ex, [ws, ob] {
      ob->closing = true;
      if (!ob->writing) write_next(ws, ob);
    });
  };
  std::string path = log_value(std::string(req.target()), 200);
  uint64_t id = peer.open(send, close);
  // The close path runs however this coroutine ends: a normal close, or its frame destroyed with the
  // I/O context at shutdown. closed() makes the BridgeHub forget the connector (before, an exception
  // here skipped it and commands went to a dead connector forever) and breaks the
  // peer → send → ws reference cycle.
  struct Closer {
    WsPeer& peer;
    uint64_t id;
    const std::string& path;
    ~Closer() {
      try {
        peer.closed(id);
      } catch (const std::exception& e) {
        spdlog::error("event=ws.close_failed path={} conn={} error={}", path, id, log_value(e.what()));
      } catch (...) {
        spdlog::error("event=ws.close_failed path={} conn={} error=\"unknown exception\"", path, id);
      }
    }
  } closer{peer, id, path};
  for (;;) {
    beast::flat_buffer buf;
    co_await ws->async_read(buf, net::redirect_error(use_awaitable, ec));
    if (ec) break;
    // The peers answer bad messages themselves (an error frame); whatever still escapes ends this
    // message, not the connection.
    try {
      peer.message(id, beast::buffers_to_string(buf.data()), send);
    } catch (const std::exception& e) {
      spdlog::error("event=ws.message_failed path={} conn={} bytes={} error={}", path, id, buf.size(), log_value(e.what()));
    } catch (...) {
      spdlog::error("event=ws.message_failed path={} conn={} bytes={} error=\"unknown exception\"", path, id, buf.size());
    }
  }
  spdlog::debug("event=ws.close path={} conn={} reason={}", path, id, log_value(ec.message()));
}

// Runs the handler on the worker pool and resumes the session on its own I/O thread afterwards.
awaitable<Response> on_pool(net::thread_pool& pool, App& app, const Request& request) {
  Response res;
  co_await net::async_initiate<decltype(use_awaitable), void()>(
      [&](auto handler) {
        net::post(pool, [&, handler = std::move(handler)]() mutable {
          res = app.handle(request);
          auto ex = net::get_associated_executor(handler);
          net::post(ex, std::move(handler));
        });
      },
      use_awaitable);
  co_return res;
}

awaitable<void> http_session(tcp::socket socket, App& app, size_t max_body, net::thread_pool& pool) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  std::string ip = stream.socket().remote_endpoint(ec).address().to_string();
  beast::flat_buffer buf;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    // The head is read under the largest limit (Beast refuses a Content-Length above it while parsing
    // the head); the request's own limit is known once its route is, and applied before the body.
    size_t limit = std::max(max_body, app.body_limit_max());
    parser.body_limit(limit);
    parser.header_limit(16 * 1024);
    stream.expires_after(kIdleTimeout);
    // The head first: its framing is checked before a body is read the way an attacker meant it.
    co_await bhttp::async_read_header(stream, buf, parser, net::redirect_error(use_awaitable, ec));
    if (!ec) {
      if (auto refused = refusal_of(parser.get())) {
        app.metrics().observe(std::string(parser.get().method_string()), "unparsed", 400, 0);
        auto out = to_beast(App::error_response(*refused), 11, false, false);
        co_await bhttp::async_write(stream, out, net::redirect_error(use_awaitable, ec));
        break;
      }
      limit = std::min(limit, app.body_limit(std::string(parser.get().method_string()), std::string(parser.get().target())));
      parser.body_limit(limit);  // chunked bodies: checked chunk by chunk from here on
      if (auto n = parser.content_length(); n && *n > limit) ec = bhttp::error::body_limit;
      else if (!parser.is_done()) co_await bhttp::async_read(stream, buf, parser, net::redirect_error(use_awaitable, ec));
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::eof)
      break;
    if (ec) {
      // The envelope even for requests we could not parse; the connection is closed after it.
      bool too_big = ec == bhttp::error::body_limit;
      auto res = App::error_response(too_big ? Error(ErrorCode::payload_too_large, "the request body is larger than " +
                                                                                      std::to_string(limit) + " bytes")
                                             : Error(ErrorCode::bad_request, "malformed HTTP request: " + ec.message()));
      app.metrics().observe(std::string(parser.get().method_string()), "unparsed", res.status, 0);
      auto out = to_beast(res, 11, false, false);
      co_await bhttp::async_write(stream, out, net::redirect_error(use_awaitable, ec));
      break;
    }
    auto req = parser.release();
    if (websocket::is_upgrade(req)) {
      Request r = to_request(req, ip);
      auto auth = app.upgrade(r);
      if (auto p = std::get_if<WsPeer>(&auth)) {
        co_await websocket_session(std::move(stream), std::move(req), std::move(*p));
        co_return;
      }
      auto out = to_beast(std::get<Response>(auth), req.version(), false, false);
      co_await bhttp::async_write(stream, out, net::redirect_error(use_awaitable, ec));
      break;
    }
    Request request = to_request(req, ip);
    Response res;
    // Not a conditional expression: g++ 12 miscompiles co_await inside ?: (crashed here).
    if (app.cpu_heavy(request)) res = co_await on_pool(pool, app, request);
    else res = app.handle(request);
    bool keep = req.keep_alive();
    auto out = to_beast(res, req.version(), keep, req.method() == bhttp::verb::head);
    co_await bhttp::async_write(stream, out, net::redirect_error(use_awaitable, ec));
    if (ec || !keep) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  // Lingering close: a client still sending a body we refused (413, 400) would get a reset, and with it
  // lose our answer, if we closed with its bytes unread. Read and drop what is in flight — at most
  // 16 MiB and 2 s — until it closes its side.
  if (!ec) {
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16384> sink;
    for (size_t drained = 0; drained < (16u << 20);) {
      size_t n = co_await stream.async_read_some(net::buffer(sink), net::redirect_error(use_awaitable, ec));
      if (ec) break;
      drained += n;
    }
  }
}

awaitable<void> accept_loop(tcp::acceptor& acceptor, App& app, size_t max_body, net::thread_pool& pool) {
  for (;;) {
    beast::error_code ec;
    tcp::socket s = co_await acceptor.async_accept(net::redirect_error(use_awaitable, ec));
    if (ec == net::error::operation_aborted) co_return;
    if (ec) continue;  // EMFILE and friends: keep serving the connections we have
    s.set_option(tcp::no_delay(true), ec);
    net::co_spawn(acceptor.get_executor(), http_session(std::move(s), app, max_body, pool), net::detached);
  }
}

}  // namespace

struct Server::Impl {
  App& app;
  size_t max_body;
  std::vector<std::unique_ptr<net::io_context>> iocs;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  unsigned short port = 0;
  // Password hashing (argon2id, 64 MiB each): two at a time bounds memory at 128 MiB under a login
  // storm. Declared last so it is joined before the I/O contexts its jobs post back to are destroyed.
  net::thread_pool pool{2};
  Impl(App& a, size_t mb) : app(a), max_body(mb) {}
};

Server::Server(App& app, const std::string& host, unsigned short port, unsigned threads, size_t max_body)
    : impl_(std::make_unique<Impl>(app, max_body)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  beast::error_code ec;
  auto addr = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("SANGAM_LISTEN host '" + host + "' is not an IP address");
  tcp::endpoint ep(addr, port);
  if (port != 0) {
    // SO_REUSEPORT would let a second server on the same port silently share our connections; a plain
    // bind first turns that into the usual "address in use" error.
    net::io_context probe_ioc;
    tcp::acceptor probe(probe_ioc);
    probe.open(ep.protocol());
    probe.set_option(net::socket_base::reuse_address(true));
    probe.bind(ep, ec);
    if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  for (unsigned i = 0; i < threads; ++i) {
    auto ioc = std::make_unique<net::io_context>(1);
    auto acc = std::make_unique<tcp::acceptor>(*ioc);
    acc->open(ep.protocol());
    acc->set_option(net::socket_base::reuse_address(true));
    int one = 1;
    ::setsockopt(acc->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acc->bind(ep, ec);
    if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(ep.port()) + ": " + ec.message());
    acc->listen(net::socket_base::max_listen_connections);
    ep.port(acc->local_endpoint().port());  // when 0 was asked for, the others share the first's port
    impl_->iocs.push_back(std::move(ioc));
    impl_->acceptors.push_back(std::move(acc));
  }
  impl_->port = ep.port();
}

Server::~Server() = default;

unsigned short Server::port() const { return impl_->port; }

void Server::run() {
  for (size_t i = 0; i < impl_->iocs.size(); ++i)
    net::co_spawn(*impl_->iocs[i], accept_loop(*impl_->acceptors[i], impl_->app, impl_->max_body, impl_->pool),
                  net::detached);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->iocs.size(); ++i) threads.emplace_back([ioc = impl_->iocs[i].get()] { ioc->run(); });
  impl_->iocs[0]->run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  for (auto& ioc : impl_->iocs) ioc->stop();
  impl_->pool.stop();
}

}  // namespace sangam::http
