#pragma once
#include <map>
#include "accounts/account_service.hpp"
#include "projects/project_service.hpp"

namespace sangam {

inline constexpr const char* kDemoPassword = "sangam-demo";

// The seed's three example projects, owned by the demo administrator; idempotent.
void seed_demo(store::Database& db, ProjectService& projects, AccountService& accounts, const std::string& admin_email);

// Links the demo's numbers by simulated scans as soon as a connector is up, so a newcomer sees a
// working team within a minute (issue 7 item 13); the groups sync follows each link. Called every
// second from the scheduler; does its work in the first `window_ms` after start and then stops, so an
// account someone unlinks later stays unlinked.
class DemoLinker {
 public:
  DemoLinker(store::Database& db, AccountService& accounts, Engine& engine, std::string admin_email, int64_t start_ms,
             int64_t window_ms = 5 * 60 * 1000)
      : db_(db), accounts_(accounts), engine_(engine), admin_email_(std::move(admin_email)), start_(start_ms), until_(start_ms + window_ms) {}
  void tick(int64_t now_ms);

 private:
  store::Database& db_;
  AccountService& accounts_;
  Engine& engine_;
  std::string admin_email_;
  int64_t start_, until_;
  bool done_ = false;
  std::map<int64_t, int64_t> last_try_;  // account → when we last asked (link or scan)
};

}  // namespace sangam
