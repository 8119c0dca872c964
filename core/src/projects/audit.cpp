#include "projects/audit.hpp"

#include "util/clock.hpp"

#include <limits>

namespace sangam {

void audit(store::Conn& c, int64_t at_ms, std::optional<int64_t> project_id, const Actor& actor,
           std::string_view action, std::string_view target, const json& before, const json& after) {
  auto dump = [](const json& j) -> store::Value {
    if (j.is_null()) return nullptr;
    return j.dump();
  };
  // Actor id 0 is Sangam itself (an engine event: a ban, a lost session), stored with no actor.
  c.run("audit-insert", {project_id ? store::Value(*project_id) : store::Value(nullptr),
                         actor.id ? store::Value(actor.id) : store::Value(nullptr),
                         actor.id ? store::Value(actor.email) : store::Value(nullptr),
                         std::string(action), std::string(target), dump(before), dump(after), at_ms});
}

AuditPage audit_page(store::Conn& c, int64_t project_id, std::optional<int64_t> before, int64_t limit,
                     const AuditFilter& f) {
  auto r = c.run("audit-list", {project_id, before.value_or(std::numeric_limits<int64_t>::max()), limit + 1,
                                f.actor.value_or(-1), f.kind.empty() ? std::string() : f.kind + "%",
                                f.from_ms.value_or(0), f.to_ms.value_or(std::numeric_limits<int64_t>::max())});
  AuditPage page{json::array(), std::nullopt};
  size_t n = std::min<size_t>(r.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) {
    auto row = r[i];
    json actor = nullptr;
    if (auto id = row.opt_i64("actor_id")) actor = {{"id", *id}, {"email", row.str("actor_email")}};
    auto parse = [&](const char* col) -> json {
      auto s = row.opt_str(col);
      return s ? json::parse(*s) : json(nullptr);
    };
    page.items.push_back({{"id", row.i64("id")},
                          {"at", format_iso8601(row.i64("at"))},
                          {"actor", actor},
                          {"action", row.str("action")},
                          {"target", row.str("target")},
                          {"before", parse("before_json")},
                          {"after", parse("after_json")}});
  }
  if (r.size() > static_cast<size_t>(limit)) page.next_before = r[n - 1].i64("id");
  return page;
}

}  // namespace sangam
