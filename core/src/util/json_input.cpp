#include "util/json_input.hpp"

#include "util/errors.hpp"

#include <fmt/format.h>

namespace sangam {

bool json_nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced text is the parser's to refuse
    }
  }
  return false;
}

json parse_json_input(std::string_view text, std::string_view what) {
  if (json_nests_deeper_than(text))
    throw Error(ErrorCode::invalid_json, fmt::format("{} nests deeper than {} levels", what, kMaxJsonDepth));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::invalid_json, fmt::format("{} is not valid JSON", what));
  return j;
}

json parse_json_object(std::string_view body) {
  json j = parse_json_input(body, "request body");
  if (!j.is_object()) throw Error(ErrorCode::invalid_json, "request body must be a JSON object");
  return j;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] continues a sequence
  return std::string(s.substr(0, n));
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

void Input::only(std::initializer_list<std::string_view> allowed) const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == it.key();
    if (!ok) throw validation(field(it.key()), "unknown field");
  }
}

std::optional<std::string> Input::opt_str(const char* name, size_t min_len, size_t max_len) const {
  if (!has(name)) return std::nullopt;
  const json& v = j_.at(name);
  if (!v.is_string()) throw validation(field(name), "must be a string");
  std::string s = trim(v.get<std::string>());
  size_t n = utf8_length(s);
  if (n < min_len) throw validation(field(name), min_len == 1 ? "must not be empty" : fmt::format("must be at least {} characters", min_len));
  if (n > max_len) throw validation(field(name), fmt::format("must be at most {} characters", max_len));
  return s;
}

std::string Input::str(const char* name, size_t min_len, size_t max_len) const {
  auto s = opt_str(name, min_len, max_len);
  if (!s) throw validation(field(name), "is required");
  return *s;
}

std::optional<bool> Input::opt_bool(const char* name) const {
  if (!has(name)) return std::nullopt;
  const json& v = j_.at(name);
  if (!v.is_boolean()) throw validation(field(name), "must be true or false");
  return v.get<bool>();
}

std::optional<double> Input::opt_number(const char* name, double min, double max) const {
  if (!has(name)) return std::nullopt;
  const json& v = j_.at(name);
  if (!v.is_number()) throw validation(field(name), "must be a number");
  double d = v.get<double>();
  if (d < min || d > max) throw validation(field(name), fmt::format("must be between {} and {}", min, max));
  return d;
}

std::optional<int64_t> Input::opt_int(const char* name, int64_t min, int64_t max) const {
  if (!has(name)) return std::nullopt;
  const json& v = j_.at(name);
  if (!v.is_number_integer()) throw validation(field(name), "must be an integer");
  int64_t d = v.get<int64_t>();
  if (d < min || d > max) throw validation(field(name), fmt::format("must be between {} and {}", min, max));
  return d;
}

std::string Input::one_of(const char* name, std::initializer_list<std::string_view> values) const {
  if (!has(name)) throw validation(field(name), "is required");
  const json& v = j_.at(name);
  std::string list;
  for (auto x : values) list += (list.empty() ? "" : ", ") + std::string(x);
  if (!v.is_string()) throw validation(field(name), "must be one of " + list);
  auto s = v.get<std::string>();
  for (auto x : values)
    if (x == s) return s;
  throw validation(field(name), fmt::format("'{}' is not one of {}", s, list));
}

}  // namespace sangam
