#include "groups/keywords.hpp"

#include <algorithm>
#include <unordered_set>

namespace sangam {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point (0xFFFD for invalid) and advances i.
char32_t next_cp(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
  for (int k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 2) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += n;
  return cp;
}

// Indic digits sit at offsets 0x66-0x6F of each 128-code-point script block (U+0966 ०, U+0BE6 ௦, …).
bool indic_digit(char32_t cp) { return cp >= 0x0900 && cp <= 0x0DFF && (cp & 0x7F) >= 0x66 && (cp & 0x7F) <= 0x6F; }
// Devanagari through Sinhala (U+0900-U+0DFF): letters, vowel signs, viramas, nuktas; the dandas
// U+0964/U+0965 are punctuation.
bool indic(char32_t cp) { return cp >= 0x0900 && cp <= 0x0DFF && cp != 0x0964 && cp != 0x0965 && !indic_digit(cp); }
bool latin_letter(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}
bool digit(char32_t cp) { return (cp >= '0' && cp <= '9') || indic_digit(cp); }
// ZWNJ/ZWJ join inside Malayalam, Kannada and Devanagari words ("സോഫ്റ്റ്‌വെയർ").
bool joiner(char32_t cp) { return cp == 0x200C || cp == 0x200D; }

const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> words = {
      // English
      "the", "and", "for", "you", "are", "any", "anyone", "this", "that", "with", "from", "have", "has", "was", "will",
      "can", "please", "pls", "plz", "what", "how", "who", "when", "where", "our", "your", "all", "not", "but", "get",
      "again", "today", "sir", "madam", "hello", "thanks", "thank", "okay", "yes", "need", "near", "next", "week",
      "available", "possible", "details", "send", "there", "here", "than", "too", "much", "very", "also", "just",
      // romanised Tamil / Hindi fillers
      "enna", "irukka", "iruku", "sollunga", "pannunga", "kudukkanum", "hai", "kya", "nahi", "aur", "bhai", "anna",
      "kitna", "kaise",
      // native-script fillers: Tamil "what/is there/to whom", Hindi particles
      "என்ன", "யாருக்காவது", "உள்ளதா", "है", "का", "के", "की", "में", "को", "से", "क्या", "और", "कौन", "सा",
      "ಎಷ್ಟು", "ఎంత",  // Kannada, Telugu "how much"
  };
  return words;
}

}  // namespace

std::vector<std::string> message_keywords(std::string_view text) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  std::string word;
  size_t letters = 0, digits = 0;
  bool has_indic = false;
  auto flush = [&] {
    // Latin words of one or two letters are mostly fillers ("is", "la"); an Indic word of two code
    // points is a real word (கோழி is 4, आज is 2).
    bool keep = !word.empty() && digits == 0 && (has_indic ? letters >= 2 : letters >= 3);
    if (keep && !stop_words().count(word) && seen.insert(word).second) out.push_back(word);
    word.clear();
    letters = digits = 0;
    has_indic = false;
  };
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t cp = next_cp(text, i);
    if (latin_letter(cp)) {
      if (cp >= 'A' && cp <= 'Z') word += static_cast<char>(cp - 'A' + 'a');
      else word.append(text.substr(start, i - start));
      ++letters;
    } else if (indic(cp)) {
      word.append(text.substr(start, i - start));
      ++letters;
      has_indic = true;
    } else if (joiner(cp) && !word.empty()) {
      word.append(text.substr(start, i - start));
    } else if (digit(cp)) {
      word.append(text.substr(start, i - start));
      ++digits;
    } else if (cp == '\'' && !word.empty()) {
      // "don't" stays one word
      word += '\'';
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace sangam
