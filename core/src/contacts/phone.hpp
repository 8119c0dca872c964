#pragma once
// Phone numbers: parsed with libphonenumber in the project's default region, stored as E.164.
#include <optional>
#include <string>

namespace sangam {

// "098000 00011" with region IN → "+919800000011"; nullopt when it is not a valid number.
std::optional<std::string> normalize_phone(const std::string& input, const std::string& region);

// Why `input` is not a valid number, in words about what was typed: "+1 212 555" → "'+1 212 555' is
// too short for a number in the United States (+1)". Says "for region IN" only when the typed
// number had no country code, because only then was the region used.
std::string phone_problem(const std::string& input, const std::string& region);

}  // namespace sangam
