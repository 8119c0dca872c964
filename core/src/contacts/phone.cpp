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

}  // namespace sangam
