#include "http/metrics.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

namespace sangam::http {

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard g(mu_);
  ++requests_[{method, route, status}];
  auto& h = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::ws_connections(int delta) {
  std::lock_guard g(mu_);
  ws_ += delta;
}

size_t process_rss_bytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard g(mu_);
  out += "# HELP sangam_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE sangam_http_requests_total counter\n";
  for (auto& [k, n] : requests_)
    out += fmt::format("sangam_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       std::get<0>(k), std::get<1>(k), std::get<2>(k), n);
  out += "# HELP sangam_http_request_duration_seconds HTTP request latency by route.\n";
  out += "# TYPE sangam_http_request_duration_seconds histogram\n";
  for (auto& [k, h] : latency_) {
    auto labels = fmt::format("method=\"{}\",route=\"{}\"", k.first, k.second);
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("sangam_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i], h.counts[i]);
    out += fmt::format("sangam_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
    out += fmt::format("sangam_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("sangam_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
  }
  out += "# HELP sangam_websocket_connections Open WebSocket connections.\n# TYPE sangam_websocket_connections gauge\n";
  out += fmt::format("sangam_websocket_connections {}\n", ws_);
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", process_rss_bytes());
  return out;
}

}  // namespace sangam::http
