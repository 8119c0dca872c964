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
// The same with the reason a number was refused, in words for an import report or an API error.
struct PhoneParse {
  std::optional<std::string> e164;
  std::string reason;  // empty when e164 is set
};
PhoneParse parse_phone(const std::string& input, const std::string& region);

// A WhatsApp id's user part ("919800000011", "919800000011@c.us", "+91 98000 00011") as an engine
// reports it: always with its country code, so it is parsed as international whatever the project.
PhoneParse parse_engine_phone(const std::string& input);

// The ISO region of a valid E.164 number ("+9198…" → "IN", "+9715…" → "AE").
std::string phone_region(const std::string& e164);

}  // namespace sangam
