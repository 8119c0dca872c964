#pragma once
// Groups, communities and channels of the project's accounts (issue 7 items 1-3): sync from every
// linked account (after linking, daily, on demand) in pages over the engine, with progress; joining by
// invite under a per-account daily limit with a queue for the next day; engagement phases; activity
// from incoming group messages. Members go to the contact base through a MemberSink only.
//
// Threads: engine answers arrive on I/O threads and are handed to `executor` (a worker) at once, so a
// page of 25 groups with 25,000 members, or the contact base taking seconds over them, never holds a
// socket. join() blocks its caller for the engine's answer: HTTP runs it on the worker pool (cpu_heavy).
#include "auth/user.hpp"
#include "engines/group_commands.hpp"
#include "groups/member_sink.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sangam {

class ProjectService;

struct GroupOptions {
  int64_t page_size = 25;                       // groups per account.groups page (bridge-protocol.md)
  int64_t lid_batch = 200;                      // lids per account.resolve_lids
  int64_t daily_sync_ms = 24LL * 3600 * 1000;   // issue 7: "daily"
  int64_t stale_run_ms = 3 * 60 * 1000;         // no page for 3 min (a command times out after 60 s): failed
  int64_t engine_wait_ms = 45 * 1000;           // join(): how long the caller waits for WhatsApp
  int64_t observation_ms = 7LL * 86400 * 1000;  // seed 2.3: week 1 observation …
  int64_t contribution_ms = 21LL * 86400 * 1000;  // … weeks 2-3 contribution, week 4 on value posts
  int64_t activity_window_days = 7;             // list: messages and active members over the last 7 days
  int64_t default_joins_per_day = 3;            // issue 7: 3 a day unless the project says otherwise
};

using Executor = std::function<void(std::function<void()>)>;

class GroupService {
 public:
  GroupService(store::Database& db, const Clock& clock, EventBus& bus, ProjectService& projects, Engine& engine,
               Executor executor, GroupOptions opts = {});
  // The contact base (contacts/), null until it exists: then sync stores groups but no members.
  void set_member_sink(MemberSink* sink) { sink_ = sink; }

  // HTTP side (role checks are the router's; these check that the account/group is in the project).
  json list(int64_t pid, const std::map<std::string, std::string>& query);
  json get(int64_t pid, int64_t gid);
  json sync_status(int64_t pid);
  json start_sync_request(const User& u, int64_t pid, const json& body);
  json settings(int64_t pid);
  json update_settings(const User& u, int64_t pid, const json& body);
  // {status: joined|queued, …}; the bool says whether it is queued (202) rather than done (200).
  std::pair<json, bool> join(const User& u, int64_t pid, int64_t aid, const json& body);
  json joins(int64_t pid, std::optional<int64_t> aid);
  json set_phase(const User& u, int64_t pid, int64_t gid, int64_t aid, const json& body);
  // A group's name and description (what persona rules read); empty for an unknown group.
  std::string group_text(int64_t gid);

  // Engine side (GroupEngineTap).
  void on_account_ready(int64_t aid);
  void on_group_message(int64_t aid, const json& data);

  // Starts a sync of one account unless one is running; returns the run id.
  std::optional<int64_t> start_sync(int64_t aid, const std::string& cause);
  // Scheduler: daily syncs, stale runs, phase rule, queued joins. Cheap when nothing is due (runs its
  // queries once a minute).
  void tick();

  // "YYYY-MM-DD" of `ms` in the IANA zone; the next local midnight after `ms` (UTC ms).
  static std::string local_day(const std::string& tz, int64_t ms);
  static int64_t next_local_midnight(const std::string& tz, int64_t ms);
  // The code of a https://chat.whatsapp.com/<code> link (or the bare code); nullopt when malformed.
  static std::optional<std::string> invite_code_of(const std::string& invite);

 private:
  struct Run;
  void fetch_page(std::shared_ptr<Run> run, int64_t offset);
  void on_page(std::shared_ptr<Run> run, EngineOutcome<GroupPage> outcome);
  void finish_channels(std::shared_ptr<Run> run);
  void finish(std::shared_ptr<Run> run, const std::optional<std::string>& error, int64_t channels);
  void resolve_lids(int64_t pid, int64_t aid, std::vector<std::string> lids);
  void publish_run(int64_t run_id);
  std::string project_tz(store::Conn& c, int64_t pid);
  int64_t joins_per_day(store::Conn& c, int64_t pid);
  // Waits for an engine call (join(): on the HTTP worker pool, never an I/O thread).
  template <class T>
  EngineOutcome<T> wait(const std::function<void(std::function<void(EngineOutcome<T>)>)>& call);
  // The join itself, once the limit allows it: engine, then the group and our account in it.
  json perform_join(int64_t pid, int64_t aid, int64_t join_id, const std::string& code, const std::string& day);
  void run_due_joins(int64_t now);
  void advance_phases(int64_t now);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  ProjectService& projects_;
  GroupCommands cmds_;
  Executor executor_;
  GroupOptions opts_;
  MemberSink* sink_ = nullptr;
  std::mutex tick_mu_;
  int64_t last_tick_ = 0;
};

}  // namespace sangam
