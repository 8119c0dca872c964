#pragma once
// The HTTP + WebSocket listener (Boost.Beast, C++20 coroutines). Only server.cpp includes Beast.
#include <memory>
#include <string>

namespace sangam::http {

class App;

class Server {
 public:
  Server(App& app, const std::string& host, unsigned short port, unsigned threads, size_t max_body_bytes);
  ~Server();
  unsigned short port() const;  // the bound port (useful when 0 was asked for)
  void run();                   // serves until stop(); returns when every thread has finished
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sangam::http
