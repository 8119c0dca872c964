#include "contacts/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace sangam {

std::optional<std::string> normalize_phone(const std::string& input, const std::string& region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (input.size() > 40 || util->Parse(input, region, &n) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  if (!util->IsValidNumber(n)) return std::nullopt;
  std::string out;
  util->Format(n, PhoneNumberUtil::E164, &out);
  return out;
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
