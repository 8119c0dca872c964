#pragma once
#include <string>
#include <vector>

namespace sangam {

bool is_valid_time_zone(const std::string& name);           // IANA name, links included
std::vector<std::string> all_time_zones();                  // sorted canonical names
bool is_supported_phone_region(const std::string& code);    // ISO 3166-1 alpha-2 known to libphonenumber

}  // namespace sangam
