#pragma once
// Typed group admin requests over any Engine (issue 10 items 3, 4, 5, 7): what community/ calls, so it
// never builds or reads the bridge's JSON (docs/bridge-protocol.md: group.create, group.add,
// group.remove, group.invite_code, group.revoke_invite, group.requests, group.approve, group.reject,
// message.delete). A malformed answer is an EngineFailure (bad_answer), never a crash.
#include "engines/group_commands.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <mutex>

namespace sangam {

struct CreateGroupRequest {
  std::string name;
  std::string description;
  std::vector<std::string> participants;  // E.164
  bool announce = false;                  // only admins may send
  bool admins_add_only = true;            // only admins may add members
  std::optional<std::string> community;   // …@g.us of one of our communities
};

// WhatsApp's answer for one person (bridge-protocol.md `Add`).
struct AddOutcome {
  std::string participant;  // +91…
  int code = 0;
  std::string status;       // added | invite_required | not_on_whatsapp | recently_left | already_member | group_full | failed
  std::string message;
};

struct CreatedGroup {
  std::string wa_id;
  std::optional<std::string> invite_code;
  std::vector<AddOutcome> participants;
};

struct EngineJoinRequest {
  std::string requester;               // …@c.us or …@lid
  std::optional<std::string> phone;    // E.164 when WhatsApp gave one
  std::optional<int64_t> requested_at_ms;
};

struct DecisionOutcome {
  std::string requester;
  bool ok = false;
  std::string message;
};

class GroupAdmin {
 public:
  explicit GroupAdmin(Engine& engine) : engine_(engine) {}
  void create(int64_t aid, const CreateGroupRequest& req, std::function<void(EngineOutcome<CreatedGroup>)> cb);
  void add(int64_t aid, const std::string& group, const std::string& phone, std::function<void(EngineOutcome<AddOutcome>)> cb);
  void remove(int64_t aid, const std::string& group, const std::string& participant, std::function<void(EngineOutcome<int64_t>)> cb);
  void invite_code(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::string>)> cb);
  // Revokes the current link; the answer is the new code.
  void revoke_invite(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::string>)> cb);
  void requests(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::vector<EngineJoinRequest>>)> cb);
  void decide(int64_t aid, const std::string& group, const std::string& requester, bool approve,
              std::function<void(EngineOutcome<DecisionOutcome>)> cb);
  void delete_message(int64_t aid, const std::string& message_id, std::function<void(EngineOutcome<bool>)> cb);

  static AddOutcome parse_add(const json& j);

 private:
  Engine& engine_;
};

// Blocks the caller (a worker thread, never an I/O thread) until the engine answers or `wait_ms` pass.
template <class T>
EngineOutcome<T> wait_engine(int64_t wait_ms, const std::function<void(std::function<void(EngineOutcome<T>)>)>& call) {
  auto p = std::make_shared<std::promise<EngineOutcome<T>>>();
  auto f = p->get_future();
  auto once = std::make_shared<std::once_flag>();
  call([p, once](EngineOutcome<T> out) { std::call_once(*once, [&] { p->set_value(std::move(out)); }); });
  if (f.wait_for(std::chrono::milliseconds(wait_ms)) != std::future_status::ready)
    return EngineFailure{"timeout", "WhatsApp did not answer in time"};
  return f.get();
}

}  // namespace sangam
