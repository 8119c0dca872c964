#pragma once
// The seam between group sync (groups/) and the contact base (contacts/): sync reports who it saw in a
// group, the contact base turns them into contacts and memberships. Sync depends on this interface
// only, so it is tested with a recording sink and never knows how contacts are stored.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sangam {

// One participant as an engine reported it. WhatsApp shows a member by phone (`9198…@c.us`) or only
// by a linked id (`…@lid`); when the engine could resolve a lid, both are set.
struct GroupMember {
    std::optional<std::string> phone;  // digits with country code as the engine gave them, not yet E.164
    std::optional<std::string> lid;    // "123456789012345@lid"
    std::string push_name;             // the member's own display name, may be empty
    bool is_admin = false;
};

class MemberSink {
public:
    virtual ~MemberSink() = default;
    // All members of one group as seen by one of our accounts at `seen_at_ms` (UTC ms). Called from a
    // background job; may take seconds for 100k members, must not hold the API.
    virtual void members_seen(std::int64_t project_id, std::int64_t group_id, std::int64_t account_id,
                              const std::vector<GroupMember>& members, std::int64_t seen_at_ms) = 0;
    // A lid the engine resolved later: the lid-only contact merges into the phone contact.
    virtual void lid_resolved(std::int64_t project_id, const std::string& lid, const std::string& phone) = 0;
    // A sync of one account finished and stored every group it saw: rules over group names and
    // memberships (personas) can run again. On the sync's background thread.
    virtual void sync_finished(std::int64_t /*project_id*/, std::int64_t /*account_id*/) {}
};

}  // namespace sangam
