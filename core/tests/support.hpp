#pragma once
// Test support: a fresh database per test on either backend. SQLite is a file in a temp dir;
// PostgreSQL is a new database on the server named by SANGAM_TEST_DATABASE_URL (test_main starts a
// throwaway cluster when it is unset).
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/events.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

namespace sangam::test {

std::string temp_dir();  // removed at process exit
std::string postgres_admin_url();
std::string fresh_postgres_database();  // returns its URL

std::unique_ptr<store::Database> make_database(store::Backend b, size_t conns = 4);

inline TimePoint at(const char* iso) {  // "2026-11-24T10:00:00Z"
  std::tm tm{};
  strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Collects published events so tests can assert who was told what. The race tests publish from several
// threads; the events are read after they joined.
class RecordingBus final : public EventBus {
 public:
  void publish(const Event& e) override {
    std::lock_guard g(mu_);
    events.push_back(e);
  }
  std::vector<Event> events;
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& e : events) out.push_back(e.name);
    return out;
  }

 private:
  std::mutex mu_;
};

// Parameterised over both backends: every store-touching test runs twice.
class BothBackends : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  std::unique_ptr<store::Database> db;
  ManualClock clock{at("2026-11-24T05:30:00Z")};
};

// What a call failed with (code internal when it did not fail), for assertions on error codes and fields.
struct Failure {
  ErrorCode code = ErrorCode::internal;
  std::string field;
  std::string message;
};
inline Failure failure_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.code(), e.field(), e.what()};
  }
  return {};
}
inline ErrorCode code_of(const std::function<void()>& fn, std::string* field = nullptr) {
  Failure f = failure_of(fn);
  if (field) *field = f.field;
  return f.code;
}

std::string backend_label(const ::testing::TestParamInfo<store::Backend>& info);

#define SANGAM_BOTH_BACKENDS(Suite)                                                                        \
  INSTANTIATE_TEST_SUITE_P(Store, Suite, ::testing::Values(store::Backend::sqlite, store::Backend::postgres), \
                           ::sangam::test::backend_label)

}  // namespace sangam::test
