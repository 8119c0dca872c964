#pragma once
#include "store/db.hpp"
#include "util/json_input.hpp"

#include <optional>

namespace sangam {

struct Actor {
  int64_t id;
  std::string email;
};

// Written in the same transaction as the change it records, so the log never disagrees with the data.
void audit(store::Conn& c, int64_t at_ms, std::optional<int64_t> project_id, const Actor& actor,
           std::string_view action, std::string_view target, const json& before, const json& after);

struct AuditPage {
  json items;
  std::optional<int64_t> next_before;
};
// Filters of the audit page (issue 13 item 6); empty ones match everything.
struct AuditFilter {
  std::optional<int64_t> actor;  // a user id; 0 is Sangam itself (engine events)
  std::string kind;              // an action prefix: "account", "member", "project.updated"
  std::optional<int64_t> from_ms, to_ms;  // [from, to)
};
AuditPage audit_page(store::Conn& c, int64_t project_id, std::optional<int64_t> before, int64_t limit,
                     const AuditFilter& filter = {});

}  // namespace sangam
