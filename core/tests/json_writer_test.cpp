// append_json_string: what it writes parses back to the same string, for every byte that needs an
// escape and for text around them (the hot path of GET /api/v1/projects writes JSON without a tree).
#include "util/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

using namespace sangam;

namespace {
std::string written(std::string_view s) {
  std::string out = "x";  // appends, never replaces
  append_json_string(out, s);
  EXPECT_EQ(out[0], 'x');
  return out.substr(1);
}
}  // namespace

TEST(JsonWriter, EscapesWhatJsonNeedsAndNothingElse) {
  EXPECT_EQ(written(""), "\"\"");
  EXPECT_EQ(written("Poultry care"), "\"Poultry care\"");
  EXPECT_EQ(written("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(written(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(written("\"\""), "\"\\\"\\\"\"");
  EXPECT_EQ(written("मुर्गी पालन 🐔"), "\"मुर्गी पालन 🐔\"");  // UTF-8 as it is
}

TEST(JsonWriter, AnyStringParsesBackToItself) {
  std::mt19937 rng(42);
  const std::string alphabet("ab \"\\\n\r\t\x01\x1f\x7f/", 12);
  for (int n = 0; n < 5000; ++n) {
    std::string s;
    for (size_t len = rng() % 12; len > 0; --len) s += alphabet[rng() % alphabet.size()];
    EXPECT_EQ(nlohmann::json::parse(written(s)).get<std::string>(), s) << nlohmann::json(s).dump();
  }
}
