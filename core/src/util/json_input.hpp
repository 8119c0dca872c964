#pragma once
// Reading request bodies: every accessor names the field it complains about, and unknown fields are
// refused, so a typo ("timezone" for "time_zone") is a 400 instead of a silent no-op.
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sangam {

using json = nlohmann::json;

// Nesting bound for every JSON the core parses from outside (request bodies, dashboard WebSocket
// messages, bridge frames). nlohmann's parser is iterative, but copying and dumping a value recurse:
// a bridge frame nesting 100,000 arrays overflowed an I/O thread's 8 MiB stack and killed the core.
// Our deepest legitimate input (a bridge message.send with a poll) nests 4 levels.
constexpr int kMaxJsonDepth = 64;

// Whether `text` opens more than `max_depth` arrays/objects at once (outside strings). One linear
// pass with no allocation, run before any tree is built: a 1M-deep frame is refused in ~1 ms.
bool json_nests_deeper_than(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses JSON from outside; throws invalid_json ("<what> is not valid JSON" / "… nests deeper than
// 64 levels").
json parse_json_input(std::string_view text, std::string_view what);
json parse_json_object(std::string_view body);  // a request body: parse_json_input + must be an object

class Input {
 public:
  Input(const json& j, std::string prefix = {}) : j_(j), prefix_(std::move(prefix)) {}

  void only(std::initializer_list<std::string_view> allowed) const;
  bool has(const char* name) const { return j_.contains(name) && !j_.at(name).is_null(); }
  std::string field(std::string_view name) const { return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name); }

  std::string str(const char* name, size_t min_len, size_t max_len) const;
  std::optional<std::string> opt_str(const char* name, size_t min_len, size_t max_len) const;
  std::optional<bool> opt_bool(const char* name) const;
  std::optional<double> opt_number(const char* name, double min, double max) const;
  std::optional<int64_t> opt_int(const char* name, int64_t min, int64_t max) const;
  // A string that must be one of `values`.
  std::string one_of(const char* name, std::initializer_list<std::string_view> values) const;
  const json& raw(const char* name) const { return j_.at(name); }

 private:
  const json& j_;
  std::string prefix_;
};

size_t utf8_length(std::string_view s);
// The longest prefix of s of at most max_bytes that does not end inside a UTF-8 sequence.
std::string utf8_prefix(std::string_view s, size_t max_bytes);
std::string trim(std::string_view s);

}  // namespace sangam
