#pragma once
// The demo's own groups (issue 10 items 3-5, 7): once a project's first active number is connected,
// one or two groups created through the real path (group.create on the simulated network), a few
// opted-in contacts added paced, two people asking to join, and a spam link the dry-run moderation
// reports — so the Community page shows believable data from the first minutes.
#include "community/moderation.hpp"
#include "community/own_groups.hpp"
#include "engines/engine.hpp"
#include "store/db.hpp"

#include <atomic>
#include <functional>
#include <set>
#include <string>

namespace sangam {

class DemoOwnGroups {
 public:
  using Executor = std::function<void(std::function<void()>)>;
  DemoOwnGroups(store::Database& db, OwnGroupService& own, ModerationService& moderation, Engine& engine, std::string admin_email,
                Executor executor, int64_t start_ms, int64_t window_ms = 20 * 60 * 1000)
      : db_(db), own_(own), moderation_(moderation), engine_(engine), admin_email_(std::move(admin_email)),
        executor_(std::move(executor)), until_(start_ms + window_ms) {}
  void tick(int64_t now_ms);

 private:
  void seed(int64_t pid);

  store::Database& db_;
  OwnGroupService& own_;
  ModerationService& moderation_;
  Engine& engine_;
  std::string admin_email_;
  Executor executor_;
  int64_t until_;
  int64_t last_ = 0;
  std::set<int64_t> done_;
  std::atomic<bool> busy_{false};
};

}  // namespace sangam
