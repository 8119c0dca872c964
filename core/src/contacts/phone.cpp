#include "contacts/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <cctype>

namespace sangam {
namespace {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// 40 characters: "+91 (98000) 00011 ext. 1234" is 27; anything longer is not a phone number and
// libphonenumber would spend time on it (it accepts up to 250).
constexpr size_t kMaxInput = 40;

std::string why_invalid(const PhoneNumberUtil* util, const PhoneNumber& n) {
  switch (util->IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return "unknown country code";
    case PhoneNumberUtil::TOO_SHORT: return "too few digits";
    case PhoneNumberUtil::TOO_LONG: return "too many digits";
    case PhoneNumberUtil::INVALID_LENGTH: return "wrong number of digits for its country";
    default: break;
  }
  return "not a number in use in its country (e.g. an Indian mobile starts with 6, 7, 8 or 9)";
}
}  // namespace

PhoneParse parse_phone(const std::string& input, const std::string& region) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  bool any_digit = false;
  for (unsigned char ch : input) any_digit = any_digit || std::isdigit(ch);
  if (!any_digit) return {std::nullopt, input.empty() ? "empty" : "no digits"};
  if (input.size() > kMaxInput) return {std::nullopt, "longer than 40 characters"};
  PhoneNumber n;
  switch (util->Parse(input, region, &n)) {
    case PhoneNumberUtil::NO_PARSING_ERROR: break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return {std::nullopt, "unknown country code"};
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return {std::nullopt, "too few digits"};
    case PhoneNumberUtil::TOO_LONG_NSN: return {std::nullopt, "too many digits"};
    default: return {std::nullopt, "not a phone number"};
  }
  if (!util->IsValidNumber(n)) return {std::nullopt, why_invalid(util, n)};
  std::string out;
  util->Format(n, PhoneNumberUtil::E164, &out);
  // What comes out must parse again to itself, or a contact stored under it is not found under it.
  // It does not always at once: "005211Z998000-00A11" typed in Turkey gave +5219980000011, whose
  // Mexican mobile "1" libphonenumber drops when it parses that again (+529980000011; the phone
  // fuzzer, 2026-12-02). So the E.164 is parsed again until it stays the same, twice at most.
  for (int i = 0; i < 2; ++i) {
    PhoneNumber again;
    if (util->Parse(out, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR || !util->IsValidNumber(again))
      return {std::nullopt, "not a phone number"};
    std::string next;
    util->Format(again, PhoneNumberUtil::E164, &next);
    if (next == out) return {out, {}};
    out = std::move(next);
  }
  return {std::nullopt, "not a phone number"};
}

std::optional<std::string> normalize_phone(const std::string& input, const std::string& region) {
  return parse_phone(input, region).e164;
}

PhoneParse parse_engine_phone(const std::string& input) {
  std::string s = input.substr(0, input.find('@'));
  if (!s.empty() && s[0] != '+') s.insert(s.begin(), '+');
  return parse_phone(s, "ZZ");
}

std::string phone_region(const std::string& e164) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (util->Parse(e164, "ZZ", &n) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  std::string r;
  util->GetRegionCodeForNumber(n, &r);
  return r;
}

std::string phone_problem(const std::string& input, const std::string& region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  std::string shown = "'" + input + "'";
  if (input.size() > 40) return "A phone number has at most 15 digits; " + shown.substr(0, 20) + "…' is far longer";
  PhoneNumber n;
  // ...AndKeepRawInput: only then does the number record whether the country code was typed.
  auto err = util->ParseAndKeepRawInput(input, region, &n);
  if (err == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR)
    return shown + " starts with a country code that does not exist; check the digits after +";
  if (err == PhoneNumberUtil::TOO_SHORT_NSN || err == PhoneNumberUtil::TOO_SHORT_AFTER_IDD)
    return shown + " is too short for a phone number";
  if (err == PhoneNumberUtil::TOO_LONG_NSN) return shown + " is too long for a phone number";
  if (err != PhoneNumberUtil::NO_PARSING_ERROR) return shown + " is not a phone number; type digits, starting with + and the country code";
  bool typed_code = n.country_code_source() != PhoneNumber::FROM_DEFAULT_COUNTRY;
  std::string where;
  std::string cc = "+" + std::to_string(n.country_code());
  if (typed_code) {
    std::string r;
    util->GetRegionCodeForCountryCode(n.country_code(), &r);
    where = "a " + cc + " number" + (r.empty() || r == "001" ? "" : " (" + r + ")");
  } else {
    where = "a number in region " + region + " (" + cc + "); add + and the country code for another country";
  }
  switch (util->IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::TOO_SHORT: return shown + " has too few digits for " + where;
    case PhoneNumberUtil::TOO_LONG: return shown + " has too many digits for " + where;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return shown + " starts with a country code that does not exist";
    default: break;
  }
  return shown + " is not a number in use for " + where + "; check the digits";
}

}  // namespace sangam
