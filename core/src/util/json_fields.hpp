#pragma once
// Fields of JSON that other programs send (engine events, connector answers): a missing field, a null
// and a value of another type all read as "absent" instead of throwing. Engines send null for what
// they do not know (a lid member's from_phone, a group message's author), and json::value() throws on
// a present null: 120 message.received events were lost in the demo's first minute that way.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sangam {

// The string at `key`, or `fallback` when it is missing or not a string.
inline std::string string_field(const nlohmann::json& j, const char* key, std::string fallback = {}) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The string at `key` when it is a non-empty string.
inline std::optional<std::string> nonempty_string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace sangam
