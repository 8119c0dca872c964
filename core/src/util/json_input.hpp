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

json parse_json_object(std::string_view body);  // throws invalid_json

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
std::string trim(std::string_view s);

}  // namespace sangam
