#pragma once
// Phone numbers: parsed with libphonenumber in the project's default region, stored as E.164.
#include <optional>
#include <string>

namespace sangam {

// "098000 00011" with region IN → "+919800000011"; nullopt when it is not a valid number.
std::optional<std::string> normalize_phone(const std::string& input, const std::string& region);

}  // namespace sangam
