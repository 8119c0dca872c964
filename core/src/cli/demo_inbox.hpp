#pragma once
// The demo's team inbox (issue 10, demo): saved replies for the three projects, and a colleague who
// answers about one conversation in three through the inbox (the outbox, P1, the dispatcher), so a
// newcomer sees both waiting and answered conversations within a minute. Called every second from the
// scheduler; stops after `window_ms`.
#include "inbox/inbox_service.hpp"

#include <set>

namespace sangam {

class DemoInbox {
 public:
  DemoInbox(store::Database& db, InboxService& inbox, std::string admin_email, int64_t start_ms,
            int64_t window_ms = 15 * 60 * 1000)
      : db_(db), inbox_(inbox), admin_email_(std::move(admin_email)), until_(start_ms + window_ms) {}
  void tick(int64_t now_ms);

 private:
  store::Database& db_;
  InboxService& inbox_;
  std::string admin_email_;
  int64_t until_;
  int64_t last_ = 0;
  bool seeded_ = false;
  std::set<int64_t> tried_;
};

}  // namespace sangam
