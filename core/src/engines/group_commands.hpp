#pragma once
// Typed group requests over any Engine (issue 7 items 1, 2, 5): what groups/ calls, so it never builds
// or reads the bridge's JSON (docs/bridge-protocol.md: account.groups, account.channels,
// account.resolve_lids, group.invite_info, group.join). Parsing the engine's answer happens here and
// only here; a malformed answer is an EngineFailure, never a crash.
#include "engines/engine.hpp"
#include "groups/member_sink.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sangam {

struct EngineFailure {
  // Engine codes plus the invite ones: invite_invalid | invite_expired | group_full | bad_request |
  // not_ready | unknown_account | unsupported | failed | timeout | no_connector | bad_answer
  std::string code;
  std::string message;
};

template <class T>
using EngineOutcome = std::variant<T, EngineFailure>;

struct EngineGroup {
  std::string wa_id;                   // …@g.us
  std::string name;
  std::string description;
  std::string kind = "group";          // group | community | announcement
  bool announce_only = false;
  std::optional<std::string> parent;   // community …@g.us
  std::optional<std::string> invite_code;  // only where our account is admin
  std::optional<int64_t> created_at_ms;
  bool we_are_admin = false;
  std::vector<GroupMember> members;    // without our own account
};

struct GroupPageRequest {
  int64_t offset = 0;
  int64_t limit = 25;  // connector default and docs: 25 groups of ≤1,024 members ≈ ≤2.5 MB a page
};

struct GroupPage {
  std::vector<EngineGroup> groups;
  int64_t total = 0;
  std::optional<int64_t> next_offset;  // none on the last page
};

struct EngineChannel {
  std::string wa_id;  // …@newsletter
  std::string name;
  std::string description;
  int64_t followers = 0;
  std::string role;  // owner | admin | subscriber
};

struct InviteInfo {
  std::string group_wa_id;
  std::string name;
  std::optional<int64_t> size;
  bool full = false;
};

class GroupCommands {
 public:
  explicit GroupCommands(Engine& engine) : engine_(engine) {}
  // `me` is our account's own number (E.164), left out of the members and used to tell whether we are admin.
  void list_groups(int64_t account_id, const std::string& me, GroupPageRequest req,
                   std::function<void(EngineOutcome<GroupPage>)> cb);
  void list_channels(int64_t account_id, std::function<void(EngineOutcome<std::vector<EngineChannel>>)> cb);
  // lid → phone (digits with +, as the engine gave it) or nullopt when WhatsApp would not say.
  void resolve_lids(int64_t account_id, const std::vector<std::string>& lids,
                    std::function<void(EngineOutcome<std::map<std::string, std::optional<std::string>>>)> cb);
  void invite_info(int64_t account_id, const std::string& code, std::function<void(EngineOutcome<InviteInfo>)> cb);
  void join(int64_t account_id, const std::string& code, std::function<void(EngineOutcome<std::string>)> cb);

  // Pure parsers (tests feed them connector answers).
  static GroupPage parse_page(const json& data, const std::string& me);
  static std::vector<EngineChannel> parse_channels(const json& data);

 private:
  Engine& engine_;
};

}  // namespace sangam
