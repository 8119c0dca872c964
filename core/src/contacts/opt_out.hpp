#pragma once
// Opt-out words in incoming messages (issue 7 item 9), in English, Hindi, Tamil, Telugu, Kannada and
// Malayalam, native script and the romanised forms people type. How a message is read
// (docs/contacts.md, "Opt-out words"):
// 1. Text is NFKC-case-folded (so "STOP", "Stop" and full-width "ＳＴＯＰ" are one word; zero-width
//    joiners, which some keyboards put inside Malayalam and Hindi words, vanish), Malayalam atomic
//    chillu letters are spelt as consonant + virama (keyboards produce either), and split into words
//    with ICU's word break rules (Indian scripts keep their vowel signs and viramas inside the word).
// 2. A *keyword* ("stop", "band karo", "நிறுத்து", "aapu") opts out when the message is made only
//    of keywords and filler words ("please", "pls", "ji", "sir", "now", "messages", punctuation,
//    emoji): "STOP", "Stop please 🙏", "pls बंद करो", "stop stop".
// 3. A *phrase* ("unsubscribe", "stop sending", "mat bhejo", "அனுப்ப வேண்டாம்") opts out anywhere in
//    a longer message: "Please stop sending me these offers".
// So "stop by our stall", "bus stop", "non-stop offer", "band baaja", "dukaan band karo 6 baje" do
// not opt out: a keyword with other words around it is ordinary speech, and bare "stop"/"band" are
// keywords only.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sangam {

struct OptOutWords {
  std::vector<std::string> keywords;
  std::vector<std::string> phrases;
  std::string confirmation;  // the one reply queued after an opt-out
};
const OptOutWords& default_opt_out_words();
// A project's setting (JSON {"keywords","phrases","confirmation"}, each optional: absent = default).
OptOutWords opt_out_words_from(const nlohmann::json& setting);

// NFKC case fold, chillu spelling, ICU word break; words only (no spaces, punctuation, emoji).
std::vector<std::string> opt_out_tokens(const std::string& utf8);

class OptOutMatcher {
 public:
  explicit OptOutMatcher(const OptOutWords& words);
  // The keyword or phrase that makes `text` an opt-out, or nullopt.
  std::optional<std::string> match(const std::string& text) const;

 private:
  struct Entry {
    std::vector<std::string> tokens;
    std::string text;
  };
  std::vector<Entry> keywords_, phrases_;
};

}  // namespace sangam
