#pragma once
// Words of a group message for the "frequent keywords" of group activity (issue 7 item 3). Indian
// scripts are tokenised by code point, not by byte or by a Latin idea of a letter: vowel signs,
// viramas and the zero-width joiners are parts of a word (a tokeniser that splits at every
// non-letter cuts "தீவனம்" into four pieces at its vowel signs and virama).
#include <string>
#include <string_view>
#include <vector>

namespace sangam {

// Distinct words of one message, lower-cased (ASCII), in first-seen order; numbers, one- and
// two-letter Latin words, and common filler words (English, romanised Tamil/Hindi, a few native
// ones) left out. Invalid UTF-8 bytes separate words.
std::vector<std::string> message_keywords(std::string_view text);

}  // namespace sangam
