#pragma once
// Appending JSON text directly, for the few hot responses where building an nlohmann tree first
// costs more than the query (GET /api/v1/projects: 33 µs with a tree, see docs/performance.md).
#include <string>
#include <string_view>

namespace sangam {

void append_json_string(std::string& out, std::string_view s);  // quoted and escaped

}  // namespace sangam
