// Content checks: each finding for a text that has it, none for a value-first post.
#include "campaigns/content_check.hpp"

#include <gtest/gtest.h>

using namespace sangam::campaigns;

namespace {
std::vector<Finding> check(const std::string& text, std::vector<std::string> recent = {}, bool direct = false) {
  std::vector<TemplateError> errors;
  Template t = Template::parse(text, builtin_variables(), errors);
  EXPECT_TRUE(errors.empty());
  return check_content(text, t, recent, direct);
}
bool has(const std::vector<Finding>& f, const std::string& code, Severity s) {
  for (auto& x : f)
    if (x.code == code && x.severity == s) return true;
  return false;
}
const char* kValuePost =
    "{Vanakkam|Namaste|Hello} {{first_name|friends}}! {Winter|Cold-season} tip: keep the brooder at 32 °C "
    "for the first {week|seven days} and {check|watch} water lines each morning. {More|Details}: {{link}}";
}  // namespace

TEST(ContentCheck, AValueFirstPostPasses) {
  auto f = check(kValuePost, {}, true);
  EXPECT_TRUE(f.empty()) << f[0].code << ": " << f[0].message;
}

TEST(ContentCheck, SpamSalesLinksCapsAndShouting) {
  auto f = check("FREE CHICKS FOR THE WINNER!!! BUY NOW AT THE BEST PRICE http://a.in http://b.in http://c.in");
  EXPECT_TRUE(has(f, "spam_word", Severity::warning));
  EXPECT_TRUE(has(f, "sales_phrase", Severity::warning));
  EXPECT_TRUE(has(f, "too_many_links", Severity::warning));
  EXPECT_TRUE(has(f, "all_caps", Severity::warning));
  EXPECT_TRUE(has(f, "shouting", Severity::warning));
  EXPECT_FALSE(blocks(f));
  EXPECT_TRUE(blocks(check("a http://1.in b http://2.in c http://3.in d http://4.in e http://5.in")));
  // Whole words only: "freedom" is not "free", "discounted" is not "discount".
  auto clean = check("{Hi|Hello}, freedom from disease starts with discounted vaccination days? Ask us.");
  EXPECT_FALSE(has(clean, "spam_word", Severity::warning));
  EXPECT_FALSE(has(clean, "sales_phrase", Severity::warning));
}

TEST(ContentCheck, SimilarityToRecentCampaignsAndOwnVariation) {
  std::string last_week = "Vanakkam friends! Winter tip: keep the brooder at 32 °C for the first week and check water lines each morning. More: ";
  auto f = check("Vanakkam friends! Winter tip: keep the brooder at 32 °C for the first week and check water lines each morning. More: {{link}}", {last_week});
  EXPECT_TRUE(has(f, "similar_to_recent", Severity::block));
  EXPECT_TRUE(has(f, "low_variation", Severity::warning));
  EXPECT_GT(similarity(last_week, last_week), 0.999);
  EXPECT_LT(similarity(last_week, "Restopi: your kitchen's rush hour, planned in five minutes."), 0.1);
  // Tamil: the same measure on code points.
  EXPECT_GT(similarity("காலை வணக்கம் நண்பர்களே", "காலை வணக்கம் நண்பர்களே!"), 0.8);
  EXPECT_TRUE(has(check("See the tips {{link}}", {}, true), "not_personalised", Severity::warning));
}
