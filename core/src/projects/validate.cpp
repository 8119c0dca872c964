#include "projects/validate.hpp"

#include <date/tz.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <set>

namespace sangam {

bool is_valid_time_zone(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> all_time_zones() {
  std::vector<std::string> out;
  for (const auto& z : date::get_tzdb().zones) out.push_back(z.name());
  std::sort(out.begin(), out.end());
  return out;
}

bool is_supported_phone_region(const std::string& code) {
  static const std::set<std::string> regions = [] {
    std::set<std::string> s;
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&s);
    return s;
  }();
  return regions.count(code) > 0;
}

}  // namespace sangam
