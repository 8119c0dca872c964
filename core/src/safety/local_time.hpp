#pragma once
// "Now" in a project's time zone, for the safety policy (which stays free of time zone lookups).
#include "safety/policy.hpp"

#include <string>

namespace sangam::safety {

// Throws std::runtime_error for a zone the time zone database does not know (projects are
// validated on save, so this is a bug, not bad input).
LocalTime local_time(const std::string& time_zone, int64_t utc_ms);
// When local calendar day `day` (days since 1970-01-01) begins in the zone, in UTC ms.
int64_t local_midnight(const std::string& time_zone, int64_t day);

}  // namespace sangam::safety
