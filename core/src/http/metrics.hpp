#pragma once
// Prometheus counters and latency histograms per route, plus process memory. One mutex: at 20k req/s
// on 2 threads an uncontended lock costs ~20 ns per request, far below the ~50 µs a request takes.
#include <array>
#include <map>
#include <mutex>
#include <string>

namespace sangam::http {

class Metrics {
 public:
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  void ws_connections(int delta);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  int64_t ws_ = 0;
};

size_t process_rss_bytes();

}  // namespace sangam::http
