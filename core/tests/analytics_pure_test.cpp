// Attribution on hand-built journeys, lead signatures, short links and preview fetchers.
#include "analytics/attribution.hpp"
#include "analytics/links.hpp"
#include "analytics/signature.hpp"
#include "util/crypto.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>

using namespace sangam::analytics;

namespace {
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kLead = 1'796'000'000'000;
Touchpoint tp(TouchKind k, std::optional<int64_t> campaign, int64_t days_before, std::optional<int64_t> group = std::nullopt) {
  return Touchpoint{k, campaign, group, kLead - days_before};
}
}  // namespace

TEST(Attribution, LastTouchWinsFirstAndLinearBeside) {
  auto a = attribute({tp(TouchKind::imported, std::nullopt, 40 * kDay, 9),
                      tp(TouchKind::delivered, 1, 20 * kDay), tp(TouchKind::read, 1, 19 * kDay),
                      tp(TouchKind::delivered, 2, 5 * kDay), tp(TouchKind::clicked, 2, 4 * kDay),
                      tp(TouchKind::form, std::nullopt, 0)},
                     kLead);
  EXPECT_EQ(a.last_touch, 2);
  EXPECT_EQ(a.first_touch, 1);
  ASSERT_EQ(a.linear.size(), 2u);
  EXPECT_DOUBLE_EQ(a.linear[0].credit, 0.5);
  EXPECT_DOUBLE_EQ(a.linear[1].credit, 0.5);
  EXPECT_EQ(a.touchpoints, 4);
  EXPECT_EQ(a.source_group, 9);  // imported before the window: still the source
  EXPECT_DOUBLE_EQ(*a.days_to_convert, 20.0);
  EXPECT_EQ(a.journey.size(), 5u);  // the import is outside the 30 days
}

TEST(Attribution, WindowEdgesFutureTouchesAndTies) {
  auto edge = attribute({tp(TouchKind::read, 1, 30 * kDay), tp(TouchKind::read, 2, 30 * kDay + 1)}, kLead);
  EXPECT_EQ(edge.last_touch, 1);
  EXPECT_EQ(edge.touchpoints, 1);
  auto after = attribute({tp(TouchKind::read, 1, 2 * kDay), tp(TouchKind::clicked, 2, -1)}, kLead);
  EXPECT_EQ(after.last_touch, 1);  // a click after the form is not why the lead came
  auto tie = attribute({tp(TouchKind::clicked, 3, kDay), tp(TouchKind::delivered, 4, kDay)}, kLead);
  EXPECT_EQ(tie.last_touch, 3);
  auto none = attribute({tp(TouchKind::imported, std::nullopt, kDay, 5)}, kLead);
  EXPECT_FALSE(none.last_touch);
  EXPECT_TRUE(none.linear.empty());
  EXPECT_EQ(none.source_group, 5);
  auto seven = attribute({tp(TouchKind::read, 1, 10 * kDay)}, kLead, 7);
  EXPECT_FALSE(seven.last_touch);
  auto linear = attribute({tp(TouchKind::delivered, 1, 3 * kDay), tp(TouchKind::read, 1, 2 * kDay), tp(TouchKind::read, 2, kDay)}, kLead);
  EXPECT_NEAR(linear.linear[0].credit, 2.0 / 3, 1e-12);
  EXPECT_NEAR(linear.linear[1].credit, 1.0 / 3, 1e-12);
}

TEST(LeadSignature, OnlyTheRawBodyWithTheRightSecretPasses) {
  sangam::crypto::init();
  std::string body = R"({"submission_id":"f-1","phone":"+919800000011","form":"demo"})";
  std::string sig = sign_body("project-secret", body);
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_EQ(verify_body("project-secret", body, sig), SignatureCheck::ok);
  EXPECT_EQ(verify_body("project-secret", body, "  " + sig + " "), SignatureCheck::ok);
  EXPECT_EQ(verify_body("project-secret", body + " ", sig), SignatureCheck::mismatch);  // tampered
  EXPECT_EQ(verify_body("other-secret", body, sig), SignatureCheck::mismatch);
  EXPECT_EQ(verify_body("project-secret", body, ""), SignatureCheck::missing);
  EXPECT_EQ(verify_body("project-secret", body, sig.substr(7)), SignatureCheck::malformed);
  EXPECT_EQ(verify_body("project-secret", body, "sha256=abc"), SignatureCheck::malformed);
  EXPECT_EQ(verify_body("project-secret", body, "sha1=" + sig.substr(7)), SignatureCheck::malformed);
  EXPECT_STRNE(signature_problem(SignatureCheck::mismatch), "");
}

TEST(ShortLinks, CodesAreUnguessableAndUtmIsMerged) {
  sangam::crypto::init();
  std::set<std::string> codes;
  for (int i = 0; i < 10'000; ++i) {
    auto c = new_link_code();
    ASSERT_TRUE(looks_like_link_code(c)) << c;
    codes.insert(c);
  }
  EXPECT_EQ(codes.size(), 10'000u);
  EXPECT_FALSE(looks_like_link_code("../etc/passwd"));
  std::map<std::string, std::string> utm = {{"utm_source", "whatsapp"}, {"utm_campaign", "winter feed"}};
  EXPECT_EQ(with_utm("https://poultrycare.in/demo", utm), "https://poultrycare.in/demo?utm_campaign=winter%20feed&utm_source=whatsapp");
  EXPECT_EQ(with_utm("https://poultrycare.in/demo?ref=qr&utm_source=old#form", utm),
            "https://poultrycare.in/demo?ref=qr&utm_source=whatsapp&utm_campaign=winter%20feed#form");
  EXPECT_FALSE(with_utm("javascript:alert(1)", utm));
  EXPECT_FALSE(with_utm("/relative", utm));
}

TEST(ShortLinks, PreviewFetcherMatchingAnswersAsTheRegexItReplaced) {
  // The regex is_preview_fetcher used before it became a substring search (docs/performance.md).
  static const std::regex bots(
      "whatsapp|facebookexternalhit|facebot|meta-externalagent|twitterbot|slackbot|telegrambot|discordbot|"
      "linkedinbot|skypeuripreview|googlebot|bingbot|applebot|pinterest|embedly|iframely|vkshare|redditbot|"
      "google-pagerenderer|curl/|wget/|python-requests|go-http-client|headlesschrome|bot\\b|crawler|spider|preview",
      std::regex::icase);
  std::vector<std::string> agents = {
      "WhatsApp/2.23.20.0 A", "Mozilla/5.0 (compatible; Googlebot/2.1)", "Robot", "robots", "botany", "abbot_x", "x-bot",
      "BOT", "ends with bot", "Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
      "curl/8.1", "CURL", "HeadlessChrome/120", "Slackbot-LinkExpanding 1.0", "LinkPreview", "bot\xc3\xa9", "\xc3\xa9" "bot9",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile/15E148 Safari/604.1", "SPIDER-man",
      "Go-http-client/1.1", "python-requests/2.31", "Wget/1.21", "meta-externalagent/1.1", "bo", "bott", "b0t"};
  std::mt19937 rng(7);
  const std::string pieces[] = {"bot", "Bot", " ", "/", "_", "a", "9", "whats", "app", "spi", "der", "\xc3"};
  for (int i = 0; i < 2000; ++i) {
    std::string ua;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 6); k < n; ++k) ua += pieces[rng() % std::size(pieces)];
    agents.push_back(ua);
  }
  for (const auto& ua : agents) EXPECT_EQ(is_preview_fetcher(ua), std::regex_search(ua, bots)) << ua;
}

TEST(ShortLinks, PreviewFetchersAreNotClicks) {
  EXPECT_TRUE(is_preview_fetcher("WhatsApp/2.23.20.0 A"));
  EXPECT_TRUE(is_preview_fetcher("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"));
  EXPECT_TRUE(is_preview_fetcher("TelegramBot (like TwitterBot)"));
  EXPECT_TRUE(is_preview_fetcher("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"));
  EXPECT_TRUE(is_preview_fetcher(""));
  EXPECT_TRUE(is_preview_fetcher("Mozilla/5.0 (Linux; Android 13)", "HEAD"));
  EXPECT_FALSE(is_preview_fetcher("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"));
  EXPECT_FALSE(is_preview_fetcher("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"));
}

TEST(ShortLinks, RecipientCodesSayWhomTheyWereMadeForAndAnyChangedCharacterIsRefused) {
  sangam::crypto::init();
  std::vector<unsigned char> secret(32, 5), other(32, 6);
  RecipientCodes codes(secret), again(secret), foreign(other);
  std::string link = new_link_code();
  std::string code = codes.make({link, 'c', 1234567});
  auto back = again.parse(code);  // another process with the same install key (a restart, another node)
  ASSERT_TRUE(back) << code;
  EXPECT_EQ(back->link, link);
  EXPECT_EQ(back->kind, 'c');
  EXPECT_EQ(back->id, 1234567);
  EXPECT_FALSE(looks_like_link_code(code));  // never mistaken for a row's code
  EXPECT_FALSE(foreign.parse(code));         // another install's key
  // Every single-character change, including another contact's id under the same tag, is refused.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (size_t i = 0; i < code.size(); ++i) {
    std::string t = code;
    t[i] = alphabet[(alphabet.find(t[i]) + 1) % alphabet.size()];
    EXPECT_FALSE(codes.parse(t)) << t;
  }
  EXPECT_FALSE(codes.parse(code.substr(0, code.size() - 1)));
  EXPECT_FALSE(codes.parse(code + "A"));
  std::string group = codes.make({link, 'g', 7});
  auto g = codes.parse(group);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, 'g');
  EXPECT_EQ(g->id, 7);
  EXPECT_FALSE(codes.parse(""));
  EXPECT_FALSE(codes.parse("../../etc/passwd/../../../etc"));
}

TEST(ShortLinks, LinksInAMessageAreFoundWithoutTheirTrailingPunctuation) {
  auto mark = [](const std::string& u) { return "<" + u + ">"; };
  EXPECT_EQ(replace_links("See https://poultrycare.in/chart?x=1. Or http://a.in/b, thanks!", "https://go.in/r/", mark),
            "See <https://poultrycare.in/chart?x=1>. Or <http://a.in/b>, thanks!");
  EXPECT_EQ(replace_links("(https://a.in/x) *https://a.in/y*", "", mark), "(<https://a.in/x>) *<https://a.in/y>*");
  EXPECT_EQ(replace_links("https://go.in/r/AbCdEfGhIjKl stays; xhttps://no and https:// alone", "https://go.in/r/", mark),
            "https://go.in/r/AbCdEfGhIjKl stays; xhttps://no and https:// alone");
  EXPECT_EQ(replace_links("no links, only http talk", "", mark), "no links, only http talk");
  EXPECT_EQ(replace_links("https://a.in", "", mark), "<https://a.in>");
}
