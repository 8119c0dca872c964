#pragma once
// Our own groups (issue 10 items 3, 4, 5): create a group from the dashboard with one of the
// project's active numbers; invite engaged contacts — the invite link one-to-one through the outbox
// (consent gate at request time and again at send time), or a paced direct add (>= 10 s apart, a
// daily cap per number) that falls back to the link for people whose privacy refuses adds; the
// seed's growth phases per group; the invite link (show, revoke, rotate) and one public link per
// project that leads to the first of our groups that is not full; join requests decided by hand or
// by rule, every decision logged.
//
// Threads: the HTTP calls that wait for WhatsApp (create, link, requests) run on the worker pool
// (routes mark them cpu_heavy); tick() runs direct adds from the scheduler thread, one per number.
#include "auth/user.hpp"
#include "community/own_group_rules.hpp"
#include "engines/forwarding_listener.hpp"
#include "engines/group_admin.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/errors.hpp"
#include "util/events.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace sangam {

class ContactBase;

struct OwnGroupOptions {
  int64_t engine_wait_ms = 45 * 1000;  // how long a caller waits for WhatsApp (a command times out at 60 s)
  int64_t default_add_interval_ms = 10 * 1000;  // issue 10: adds >= 10 s apart by default
  int64_t default_adds_per_day = 50;            // per number and local day: WhatsApp flags bulk adds
  int64_t tick_ms = 1000;                       // the scheduler's round for due adds
};

class OwnGroupService {
 public:
  using Executor = std::function<void(std::function<void()>)>;
  OwnGroupService(store::Database& db, const Clock& clock, EventBus& bus, Engine& engine, ContactBase* contacts,
                  Executor executor, OwnGroupOptions opts = {});
  void set_public_base(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::lock_guard lk(base_mu_);
    public_base_ = std::move(base);
  }

  json list(int64_t pid);
  json get(int64_t pid, int64_t gid);
  json create(const User& u, int64_t pid, const json& body);
  json invite(const User& u, int64_t pid, int64_t gid, const json& body);
  json invites(int64_t pid, int64_t gid);
  json invite_link(int64_t pid, int64_t gid);
  // rotate: a new link, shown; revoke: a new link too (WhatsApp has no link-less group), kept hidden.
  json renew_link(const User& u, int64_t pid, int64_t gid, bool keep_hidden);
  json public_link(int64_t pid);
  // /j/{slug}: the chat.whatsapp.com link of the first of our groups with room; nullopt when none.
  std::optional<std::string> public_target(const std::string& slug_or_id);
  json requests(int64_t pid, int64_t gid, bool refresh);
  json decide(const User& u, int64_t pid, int64_t gid, int64_t rid, bool approve);
  json apply_rule(int64_t pid, int64_t gid);
  json settings(int64_t pid);
  json update_settings(const User& u, int64_t pid, const json& body);

  // Engine events (group.join_request): stored, and decided at once when the project has a rule.
  void on_engine_event(int64_t aid, const std::string& event, const json& data);
  // Direct adds that are due, at most one per number per add interval.
  void tick();

 private:
  struct Settings {
    int64_t add_interval_ms, adds_per_day;
    JoinRule rule;
  };
  Settings settings_of(store::Conn& c, int64_t pid);
  json item_json(const store::Row& r, int64_t now);
  store::Row own_row(store::Conn& c, int64_t pid, int64_t gid, store::Result& keep);
  Error engine_error(int64_t pid, int64_t gid, int64_t aid, const EngineFailure& f, const std::string& field);
  // The link one-to-one through the outbox (priority 3, kind group_invite): the dispatcher checks
  // consent, suppression and the policy again at send time.
  int64_t enqueue_link(store::Conn& c, int64_t pid, int64_t aid, int64_t contact_id, const std::string& phone,
                       const std::string& group_name, const std::string& code, const std::string& key, int64_t now);
  JoinFacts facts_of(store::Conn& c, int64_t pid, const std::optional<std::string>& phone);
  json decide_one(std::optional<int64_t> user, int64_t pid, int64_t gid, int64_t aid, const std::string& wa,
                  int64_t rid, const std::string& requester, bool approve, const std::string& rule);
  std::string public_base();

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  GroupAdmin admin_;
  ContactBase* contacts_;
  Executor executor_;
  OwnGroupOptions opts_;
  std::mutex base_mu_;
  std::string public_base_;
  std::mutex tick_mu_;
  int64_t last_tick_ = 0;
};

}  // namespace sangam

namespace sangam {
// Engine events on their way to the rest of the core; join requests also go to our own groups.
class OwnGroupTap final : public ForwardingListener {
 public:
  OwnGroupTap(EngineListener& inner, OwnGroupService& own) : ForwardingListener(inner), own_(own) {}
  void on_engine_event(int64_t aid, const std::string& event, const json& data) override;

 private:
  OwnGroupService& own_;
};
}  // namespace sangam
