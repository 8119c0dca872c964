// Pure contact logic: phone numbers, opt-out words, consent rules, engagement decay.
#include "contacts/consent.hpp"
#include "contacts/engagement.hpp"
#include "contacts/opt_out.hpp"
#include "contacts/phone.hpp"

#include <gtest/gtest.h>

using namespace sangam;

TEST(Phone, EveryCommonIndianFormatBecomesOneE164) {
  for (const char* in : {"+91 98000 00011", "+919800000011", "919800000011", "09800000011", "9800000011",
                         "98000-00011", "(+91) 98000 00011", "+91-98000-00011", "098000 00011", "+91 (980) 000-0011",
                         "0091 98000 00011", " 98000 00011 ", "+91.98000.00011"})
    EXPECT_EQ(parse_phone(in, "IN").e164.value_or("refused: " + parse_phone(in, "IN").reason), "+919800000011") << in;
  EXPECT_EQ(parse_phone("044 2811 0000", "IN").e164.value_or(""), "+914428110000");  // a Chennai landline
  EXPECT_EQ(parse_phone("+971 50 123 4567", "IN").e164.value_or(""), "+971501234567");
}

TEST(Phone, InvalidNumbersAreRefusedWithTheirReason) {
  EXPECT_EQ(parse_phone("", "IN").reason, "empty");
  EXPECT_EQ(parse_phone("call me", "IN").reason, "no digits");
  EXPECT_EQ(parse_phone("98000", "IN").reason, "too few digits");
  EXPECT_EQ(parse_phone("+91 98000 000111234", "IN").reason, "too many digits");
  EXPECT_NE(parse_phone("+91 52345 67890", "IN").reason.find("not a number in use"), std::string::npos);
  EXPECT_EQ(parse_phone("+999 1234 5678", "IN").reason, "unknown country code");
  EXPECT_EQ(parse_phone(std::string(41, '9'), "IN").reason, "longer than 40 characters");
  EXPECT_FALSE(parse_phone("+91 98000 00011", "IN").e164->empty());
}

TEST(Phone, EnginePhonesAreInternationalWhateverTheProject) {
  EXPECT_EQ(parse_engine_phone("919800000011@c.us").e164.value_or(""), "+919800000011");
  EXPECT_EQ(parse_engine_phone("+919800000011").e164.value_or(""), "+919800000011");
  EXPECT_EQ(parse_engine_phone("971501234567").e164.value_or(""), "+971501234567");
  EXPECT_FALSE(parse_engine_phone("123@lid").e164);
  EXPECT_EQ(phone_region("+971501234567"), "AE");
  EXPECT_EQ(phone_region("+919800000011"), "IN");
}

namespace {
std::optional<std::string> opt_out(const std::string& text) {
  static const OptOutMatcher m(default_opt_out_words());
  return m.match(text);
}
}  // namespace

TEST(OptOut, EachLanguageInNativeScriptAndRomanised) {
  for (const char* s : {"STOP", "stop", "Stop.", "UNSUBSCRIBE", "unsubscribe", "Quit",
                        // Hindi
                        "बंद करो", "बंद", "band karo", "Band Karo", "bandh karo", "mat bhejo", "मत भेजो", "nahi chahiye",
                        // Tamil
                        "நிறுத்து", "நிறுத்துங்கள்", "niruthu", "Niruthunga", "அனுப்ப வேண்டாம்",
                        // Telugu
                        "ఆపు", "ఆపండి", "aapu", "aapandi", "పంపవద్దు",
                        // Kannada
                        "ನಿಲ್ಲಿಸಿ", "nillisi", "ಕಳುಹಿಸಬೇಡಿ",
                        // Malayalam
                        "നിർത്തൂ", "നിർത്തുക", "nirthu", "അയക്കരുത്"})
    EXPECT_TRUE(opt_out(s)) << s;
}

TEST(OptOut, InsideLongerMessagesAndMixedScripts) {
  for (const char* s : {"Stop please 🙏", "pls stop!!!", "STOP STOP STOP", "please stop sending me these offers",
                        "Kindly unsubscribe me from this list", "I want to opt-out", "pls बंद करो", "बंद करो please",
                        "bhai message mat bhejo", "ये मैसेज मत भेजो", "sir ఆపండి", "இனி மெசேஜ் அனுப்ப வேண்டாம்",
                        "ദയവായി നിർത്തൂ", "ಇನ್ನು ಕಳುಹಿಸಬೇಡಿ", "ＳＴＯＰ", "stop messaging me", "do not send messages"})
    EXPECT_TRUE(opt_out(s)) << s;
}

TEST(OptOut, MalayalamChilluAndJoinersReadAlike) {
  // ർ as the atomic chillu (U+0D7C) and as ra + virama + zero-width joiner (older keyboards)
  EXPECT_TRUE(opt_out("\u0D28\u0D3F\u0D7C\u0D24\u0D4D\u0D24\u0D42"));
  EXPECT_TRUE(opt_out("\u0D28\u0D3F\u0D30\u0D4D\u200D\u0D24\u0D4D\u0D24\u0D42"));
}

TEST(OptOut, LookAlikesDoNotOptOut) {
  for (const char* s : {"stop by our stall", "Stop by our stall at the Namakkal fair!", "bus stop near the market",
                        "non-stop offers this week", "nonstop", "stopped", "who will stop the price rise?", "don't stop",
                        "band baaja", "dukaan band karo 6 baje", "market band hai aaj", "the band played well",
                        "niruthu vandi inga", "", "🙏", "ok thanks", "aapu ledu, vastanu"})
    EXPECT_FALSE(opt_out(s)) << s;
}

TEST(OptOut, ProjectWordsReplaceTheDefaults) {
  OptOutMatcher m(opt_out_words_from({{"keywords", {"basta"}}, {"phrases", {"no more offers"}}}));
  EXPECT_TRUE(m.match("Basta!"));
  EXPECT_TRUE(m.match("please, no more offers for me"));
  EXPECT_FALSE(m.match("STOP"));
}

TEST(Consent, TransitionsFollowTheLedgerRules) {
  EXPECT_FALSE(consent_transition(Consent::engaged, Consent::unknown, true, true).allowed);
  EXPECT_TRUE(consent_transition(Consent::unknown, Consent::engaged, false, false).changes);
  auto keep = consent_transition(Consent::opted_out, Consent::engaged, false, false);
  EXPECT_TRUE(keep.allowed);
  EXPECT_FALSE(keep.changes);  // engaging never undoes an opt-out
  EXPECT_FALSE(consent_transition(Consent::opted_in, Consent::engaged, false, false).changes);
  EXPECT_FALSE(consent_transition(Consent::unknown, Consent::opted_in, false, true).allowed);  // no evidence
  EXPECT_FALSE(consent_transition(Consent::opted_out, Consent::opted_in, true, false).allowed);  // a CSV
  EXPECT_TRUE(consent_transition(Consent::opted_out, Consent::opted_in, true, true).changes);   // the API
}

TEST(Consent, TheGateLetsOnlyConsentingReachablePeopleThrough) {
  EXPECT_TRUE(consent_gate(Consent::opted_in, true, false).allowed);
  EXPECT_TRUE(consent_gate(Consent::engaged, true, false).allowed);
  EXPECT_EQ(consent_gate(Consent::unknown, true, false).reason, "no_consent");
  EXPECT_EQ(consent_gate(Consent::opted_out, true, false).reason, "opted_out");
  EXPECT_EQ(consent_gate(Consent::opted_in, true, true).reason, "suppressed");
  EXPECT_EQ(consent_gate(Consent::opted_in, false, false).reason, "no_phone");  // @lid only
}

TEST(Engagement, HalvesEveryThirtyDaysAndAddsUp) {
  int64_t t = kEngagementT0Ms + 100LL * 86400000;
  double ref = engagement_ref_of(*engagement_weight("reply"), t);
  EXPECT_NEAR(engagement_now(ref, t), 5.0, 1e-9);
  EXPECT_NEAR(engagement_now(ref, t + kEngagementHalfLifeMs), 2.5, 1e-9);
  ref += engagement_ref_of(*engagement_weight("reaction"), t + kEngagementHalfLifeMs);
  EXPECT_NEAR(engagement_now(ref, t + kEngagementHalfLifeMs), 4.5, 1e-9);
  EXPECT_GE(ref, engagement_ref_threshold(4.5, t + kEngagementHalfLifeMs) - 1e-9);
  EXPECT_LT(ref, engagement_ref_threshold(4.6, t + kEngagementHalfLifeMs));
  EXPECT_FALSE(engagement_weight("typing"));
}

#include "contacts/persona.hpp"
#include "util/errors.hpp"

TEST(Persona, AGroupNamesItsRegionByWholeWords) {
  std::vector<std::string> regions = {"Tamil Nadu", "Erode", "Coimbatore"};
  EXPECT_EQ(region_named_in("Erode Handloom Sellers", regions), "Erode");
  EXPECT_EQ(region_named_in("Traders of TAMIL nadu\nand Erode too", regions), "Tamil Nadu");  // first by position
  EXPECT_EQ(region_named_in("Coimbatore Readymade", regions), "Coimbatore");
  EXPECT_EQ(region_named_in("Erodes and Nadu", regions), std::nullopt);  // not a word of it, not half a name
  EXPECT_EQ(region_named_in("", regions), std::nullopt);
  EXPECT_EQ(region_named_in("Erode", {}), std::nullopt);
}

TEST(Persona, ScoringFollowsTheDocumentedPoints) {
  std::vector<PersonaRule> rules = {{"broiler", {"broiler", "chicken meat"}, {7}, {"Namakkal"}},
                                    {"layer", {"layer", "egg", "முட்டை"}, {}, {}}};
  PersonaSignals s;
  s.group_texts = {"Broiler Farmers Namakkal", "Namakkal broiler rates", "Egg prices"};
  s.group_ids = {7, 8, 9};
  s.region = "Namakkal";
  auto r = score_persona(rules, s);
  ASSERT_TRUE(r.persona);
  EXPECT_EQ(*r.persona, "broiler");
  // broiler: 2 groups (50) + group 7 (40) + region (20) = 110 → 100; layer: 1 group (25) → 100 − 12
  EXPECT_EQ(r.confidence, 88);
  PersonaSignals tamil;
  tamil.group_texts = {"முட்டை விலை குழு"};  // "egg price group" in Tamil
  tamil.messages = {"daily 20000 eggs, layer shed"};
  auto t = score_persona(rules, tamil);
  EXPECT_EQ(t.persona.value_or(""), "layer");
  EXPECT_EQ(t.confidence, 40);  // one group (25) + one message (15)
  EXPECT_FALSE(score_persona(rules, PersonaSignals{{"multilayer packaging"}, {}, {}, std::nullopt}).persona);
  EXPECT_THROW(persona_rules_from({{"rules", {{{"persona", "pig"}}}}}, {"broiler", "layer"}), Error);
}

#include "contacts/csv.hpp"
#include "contacts/csv_import.hpp"

namespace {
std::vector<CsvRecord> read_all(const std::string& text, std::string* error = nullptr) {
  CsvReader r(text);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (r.next(rec)) out.push_back(rec);
  if (error) *error = r.error();
  return out;
}
}  // namespace

TEST(Csv, QuotedFieldsEmbeddedNewlinesBomAndCrlf) {
  auto recs = read_all("\xEF\xBB\xBFphone,name\r\n\"+91 98000 00011\",\"Ravi, \"\"RK\"\" Kumar\"\r\n9800000012,\"two\r\nlines\"\r\n\r\n9800000013,last");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].fields[0], "phone");  // the BOM is not part of the first header
  EXPECT_EQ(recs[1].fields[1], "Ravi, \"RK\" Kumar");
  EXPECT_EQ(recs[2].fields[1], "two\r\nlines");
  EXPECT_EQ(recs[2].line, 3);
  EXPECT_EQ(recs[3].line, 6);  // physical lines: the quoted line break and the blank line count
  EXPECT_EQ(recs[3].fields[1], "last");
  std::string err;
  read_all("phone\n\"never closed\n9800000014\n", &err);
  EXPECT_EQ(err, "line 2: a quoted field is never closed");
  auto semi = read_all("phone;name\n9800000015;A\n");
  EXPECT_EQ(semi[1].fields[1], "A");
}

TEST(Csv, InvalidUtf8IsFoundWithItsLine) {
  EXPECT_FALSE(find_invalid_utf8("phone,name\n9800000011,Jos\xC3\xA9 நிறுத்து ✓\n"));
  auto bad = find_invalid_utf8("phone,name\n9800000011,Jos\xE9\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->line, 2);
  EXPECT_TRUE(find_invalid_utf8("\xC0\x80"));      // overlong
  EXPECT_TRUE(find_invalid_utf8("\xED\xA0\x80"));  // a UTF-16 surrogate
}

TEST(Csv, ExportFieldsAreQuotedAndFormulasDefused) {
  EXPECT_EQ(csv_field("+919800000011"), "+919800000011");
  EXPECT_EQ(csv_field("Meena, S."), "\"Meena, S.\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
}

TEST(CsvImport, WholeFileChecksNameTheProblem) {
  auto field_of = [](const std::string& text) {
    try {
      plan_csv_import(text);
    } catch (const Error& e) {
      return e.field() + ": " + e.what();
    }
    return std::string("accepted");
  };
  EXPECT_NE(field_of("").find("body"), std::string::npos);
  EXPECT_NE(field_of("name,city\nRavi,Salem\n").find("header: "), std::string::npos);
  EXPECT_NE(field_of("phone,name\n").find("no contacts"), std::string::npos);
  EXPECT_NE(field_of("phone\n9800000011\n\xff\n").find("line 3"), std::string::npos);
  auto g = plan_csv_import("Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Value,Labels\nA,Mobile,98000 00011,,x\n");
  EXPECT_EQ(g.format, "google");
  EXPECT_EQ(g.phone_cols.size(), 2u);
  auto o = plan_csv_import("First Name,Last Name,Mobile Phone,Business Phone\nA,B,98000 00011,\n");
  EXPECT_EQ(o.format, "outlook");
  EXPECT_EQ(o.name_cols.size(), 2u);
}

TEST(CsvImport, AVeryLargeFileIsPlannedInOnePass) {
  std::string text = "phone,name,notes\n";
  for (int i = 0; i < 200000; ++i) text += "98" + std::to_string(10000000 + i) + ",\"Name " + std::to_string(i) + "\",\"a\nb\"\n";
  auto p = plan_csv_import(text);
  EXPECT_EQ(p.records, 200000);
}

// Found by the phone fuzzer (CI, 2026-12-02): typed in Turkey, "00" dials out to Mexico, and the letters
// become digits. libphonenumber formatted a number that parsed again to another one, so a contact
// stored under one E.164 would not be found under it again. What comes out parses again to itself.
TEST(Phone, WhatNormalisingGivesNormalisesToItself) {
  for (auto [input, region] : {std::pair{"005211Z998000-00A11", "TR"}, std::pair{"+91 98000 00011", "IN"}}) {
    auto once = normalize_phone(input, region);
    if (!once) continue;
    EXPECT_EQ(normalize_phone(*once, region), once) << input;
    EXPECT_EQ(normalize_phone(*once, "ZZ"), once) << input;
  }
}
