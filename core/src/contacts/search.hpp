#pragma once
// Contact search (issue 7 item 11): filters, sorting, keyset pagination and a total, over one project.
// The WHERE clause is composed from the filters given, each fragment an index range (see the
// indexes in migration 0008 and the figures per filter kind in docs/performance.md).
#include "store/db.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace sangam {

struct ContactFilter {
  std::optional<std::string> persona;
  std::optional<int64_t> min_confidence;
  std::optional<std::string> region;
  std::optional<int64_t> group_id;
  std::optional<std::string> tag;
  std::optional<std::string> consent;
  std::optional<double> min_engagement;
  std::optional<int64_t> contacted_before, contacted_after;  // ms
  std::optional<std::string> q;  // name prefix (case-insensitive) or phone digits
  std::string sort = "id";       // id | -id | name | -engagement | -created
  int64_t limit = 50;            // 1…500
  std::optional<std::string> cursor;
  bool exact_total = false;      // total=exact: count every match, however many (slow past ~100k)
};

// Totals are exact up to this many matches; past it the answer says "10,000+" (total_capped) unless
// the caller asks for total=exact. Counting 1M matches costs 55-115 ms (docs/performance.md), more
// than the page itself; a capped count stops after 10,001 index entries (~1 ms).
inline constexpr int64_t kContactTotalCap = 10000;

// Reads the query string (name → value); throws validation naming the parameter.
ContactFilter parse_contact_filter(const std::function<std::optional<std::string>(const char*)>& param);

struct ContactPage {
  nlohmann::json items = nlohmann::json::array();  // rows as SQL gave them (id, phone, …)
  std::optional<std::string> next_cursor;
  int64_t total = 0;
  bool total_capped = false;  // more than kContactTotalCap matched; total is the cap
};
// `default_cc`: the project's country calling code ("91"), so "98000" finds +9198000….
// `with_total`: false skips the count (CSV export walks pages).
ContactPage search_contacts(store::Conn& c, store::Backend b, int64_t project_id, const ContactFilter& f,
                            const std::string& default_cc, int64_t now_ms, bool with_total = true);

}  // namespace sangam
