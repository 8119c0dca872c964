// Templates: variables with fallbacks, nested spintax, errors with their position, Indian scripts.
#include "campaigns/template.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace sangam::campaigns;

namespace {
Template ok(const std::string& text, std::set<std::string> known = builtin_variables()) {
  std::vector<TemplateError> errors;
  Template t = Template::parse(text, known, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].message);
  return t;
}
std::vector<TemplateError> errors_of(const std::string& text) {
  std::vector<TemplateError> errors;
  Template::parse(text, builtin_variables(), errors);
  return errors;
}
Template::Lookup vars(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional(it->second);
  };
}
}  // namespace

TEST(Template, VariablesFallbacksAndDefaults) {
  Template t = ok("{{ name | friend }}, the {{group}} tip: {{link}}");
  EXPECT_EQ(t.render(vars({{"name", "Murugan"}, {"group", "Namakkal Broilers"}, {"link", "https://s.ng/r/x"}}), {}, 1),
            "Murugan, the Namakkal Broilers tip: https://s.ng/r/x");
  EXPECT_EQ(t.render(vars({{"name", ""}}), {{"group", "our group"}}, 1), "friend, the our group tip: ");
  EXPECT_EQ(t.variables(), (std::vector<std::string>{"name", "group", "link"}));
  EXPECT_TRUE(t.personalised());
  EXPECT_FALSE(ok("See {{link}}").personalised());
  Template custom = ok("Your {{farm_size}} birds", {"farm_size"});
  EXPECT_EQ(custom.render(nullptr, {{"farm_size", "5,000"}}, 0), "Your 5,000 birds");
}

TEST(Template, NestedSpintaxVariesBySeedAndCountsItsVariations) {
  Template t = ok("{Hello|Namaste|Vanakkam}{!| {{first_name}}!} {Winter {feed|water} tips|Tips for {winter|the cold}}.");
  EXPECT_EQ(t.variations(), 3 * 2 * 4);
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 500; ++seed) seen.insert(t.render(vars({{"first_name", "Priya"}}), {}, seed));
  EXPECT_EQ(seen.size(), 24u);
  EXPECT_EQ(t.render(vars({}), {}, 7), t.render(vars({}), {}, 7));
  EXPECT_TRUE(seen.count("Vanakkam Priya! Tips for the cold."));
  // Escapes are the characters themselves.
  EXPECT_EQ(ok(R"(Price \{approx\} 10\|12 \\ kg)").render(nullptr, {}, 0), R"(Price {approx} 10|12 \ kg)");
}

TEST(Template, ErrorsNameTheirLineAndColumn) {
  auto e = errors_of("Vanakkam!\nதமிழ் {Hello|Hi");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].line, 2);
  EXPECT_EQ(e[0].column, 7);  // characters, not bytes: the Tamil word is 5 code points and a space
  EXPECT_NE(e[0].message.find("not closed"), std::string::npos) << e[0].message;
  e = errors_of("Hi {{nmae}} and {{group}} {{Bad Name}} done}");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_NE(e[0].message.find("unknown variable {{nmae}}"), std::string::npos) << e[0].message;
  EXPECT_NE(e[0].message.find("known: account, first_name, group"), std::string::npos) << e[0].message;
  EXPECT_EQ(e[0].column, 4);
  EXPECT_NE(e[1].message.find("not a variable name"), std::string::npos);
  EXPECT_NE(e[2].message.find("without an opening"), std::string::npos);
  e = errors_of("Hi {{name");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].message.find("'{{' is not closed"), std::string::npos);
}

TEST(Template, GraphemesAreNeverCut) {
  std::string tamil = "காலை வணக்கம்";  // "good morning": கா is க + ா, one character
  EXPECT_EQ(grapheme_count(tamil), 8u);
  EXPECT_EQ(truncate_graphemes(tamil, 1), "கா");
  std::string hindi = "किसान";  // कि = क + ि
  EXPECT_EQ(truncate_graphemes(hindi, 1), "कि");
  std::string family = "👨‍👩‍👧 ok";  // one emoji of three people joined by ZWJ
  EXPECT_EQ(truncate_graphemes(family, 1), "👨‍👩‍👧");
  EXPECT_EQ(truncate_graphemes("abc", 10), "abc");
  EXPECT_EQ(truncate_graphemes("abc", 0), "");
}
