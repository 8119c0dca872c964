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
AuditPage audit_page(store::Conn& c, int64_t project_id, std::optional<int64_t> before, int64_t limit);

}  // namespace sangam
