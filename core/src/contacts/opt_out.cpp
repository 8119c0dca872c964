#include "contacts/opt_out.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <set>

namespace sangam {
namespace {

// Filler words that may stand around a keyword without making the message ordinary speech.
const std::set<std::string>& fillers() {
  static const std::set<std::string> f = [] {
    std::set<std::string> out;
    for (const char* w : {"please", "pls", "plz", "plss", "pl", "kindly", "sir", "madam", "mam", "maam", "ji", "bhai",
                          "now", "all", "it", "this", "these", "that", "messages", "message", "msg", "msgs", "sms",
                          "me", "thanks", "thank", "you", "ok", "okay", "yaar", "anna", "akka", "garu", "saar",
                          "kripya", "कृपया", "जी", "अभी", "प्लीज़", "प्लीज", "மெசேஜ்", "மெசேஜ", "దయచేసి", "ದಯವಿಟ್ಟು", "ദയവായി"})
      for (auto& t : opt_out_tokens(w)) out.insert(t);
    return out;
  }();
  return f;
}

}  // namespace

const OptOutWords& default_opt_out_words() {
  static const OptOutWords w{
      {// English
       "stop", "stop all", "stopall", "unsubscribe", "unsub", "quit", "opt out", "optout", "remove me",
       // Hindi (Devanagari, romanised): बंद करो = close/stop it, मत भेजो = don't send, नहीं चाहिए = don't want
       "बंद", "बंद करो", "बंद करें", "बंद कर दो", "band", "bandh", "band karo", "bandh karo", "band kro", "band kar do",
       "band kardo", "मत भेजो", "mat bhejo", "नहीं चाहिए", "nahi chahiye", "nahin chahiye",
       // Tamil: நிறுத்து = stop, அனுப்ப வேண்டாம் = don't send
       "நிறுத்து", "நிறுத்துங்கள்", "நிறுத்தவும்", "niruthu", "nirutthu", "niruththu", "niruthunga", "niruthungal",
       "niruthavum",
       // Telugu: ఆపు / ఆపండి = stop, పంపవద్దు = don't send
       "ఆపు", "ఆపండి", "aapu", "apu", "aapandi", "apandi", "aapeyandi",
       // Kannada: ನಿಲ್ಲಿಸಿ = stop, ಕಳುಹಿಸಬೇಡಿ = don't send
       "ನಿಲ್ಲಿಸಿ", "ನಿಲ್ಲಿಸು", "nillisi", "nillisu",
       // Malayalam: നിർത്തൂ / നിർത്തുക = stop, അയക്കരുത് = don't send
       "നിർത്തൂ", "നിർത്തുക", "നിർത്ത്", "nirthu", "nirthuka", "nirthoo"},
      {// English
       "unsubscribe", "opt out", "optout", "stop sending", "stop messaging", "stop texting", "stop these messages",
       "stop the messages", "remove me from", "don't send", "dont send", "do not send", "don't message",
       "do not message", "no more messages",
       // Hindi
       "मत भेजो", "मत भेजिए", "mat bhejo", "mat bhejiye", "message band karo", "msg band karo", "messages band karo",
       "मैसेज बंद करो", "मैसेज मत भेजो",
       // Tamil
       "அனுப்ப வேண்டாம்", "anuppa vendam", "anupa vendam",
       // Telugu
       "పంపవద్దు", "పంపకండి", "pampavaddu", "pampakandi",
       // Kannada
       "ಕಳುಹಿಸಬೇಡಿ", "kalisabedi", "kalisbedi", "kalisabeda",
       // Malayalam
       "അയക്കരുത്", "അയക്കണ്ട", "ayakkaruthu", "ayakkanda"},
      "You are unsubscribed and will get no more messages from us. / आपको अब हमारे संदेश नहीं मिलेंगे।"};
  return w;
}

OptOutWords opt_out_words_from(const nlohmann::json& s) {
  OptOutWords w = default_opt_out_words();
  if (!s.is_object()) return w;
  if (s.contains("keywords") && s["keywords"].is_array()) w.keywords = s["keywords"].get<std::vector<std::string>>();
  if (s.contains("phrases") && s["phrases"].is_array()) w.phrases = s["phrases"].get<std::vector<std::string>>();
  if (s.contains("confirmation") && s["confirmation"].is_string()) w.confirmation = s["confirmation"];
  return w;
}

std::vector<std::string> opt_out_tokens(const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  static const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err) || !fold) return {};
  icu::UnicodeString raw = icu::UnicodeString::fromUTF8(utf8);
  icu::UnicodeString s = fold->normalize(raw, err);
  if (U_FAILURE(err)) return {};
  // Malayalam chillu letters U+0D7A…U+0D7F are the older spelling consonant + virama (+ ZWJ, which
  // the fold removed): ർ (U+0D7C) and ര് (U+0D30 U+0D4D) must read alike.
  static const std::pair<UChar, UChar> chillu[] = {{0x0D7A, 0x0D23}, {0x0D7B, 0x0D28}, {0x0D7C, 0x0D30},
                                                   {0x0D7D, 0x0D32}, {0x0D7E, 0x0D33}, {0x0D7F, 0x0D15}};
  for (auto [atomic, base] : chillu) {
    UChar with_virama[2] = {base, 0x0D4D};
    s.findAndReplace(icu::UnicodeString(atomic), icu::UnicodeString(with_virama, 2));
  }
  // One break iterator, cloned per call: createWordInstance loads the rules (~50 µs), a clone is cheap.
  static std::unique_ptr<icu::BreakIterator> proto = [] {
    UErrorCode e = U_ZERO_ERROR;
    return std::unique_ptr<icu::BreakIterator>(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), e));
  }();
  static std::mutex proto_mu;
  std::unique_ptr<icu::BreakIterator> it;
  {
    std::lock_guard g(proto_mu);
    if (!proto) return {};
    it.reset(proto->clone());
  }
  it->setText(s);
  std::vector<std::string> out;
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    if (it->getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces, punctuation, emoji
    std::string word;
    s.tempSubStringBetween(start, end).toUTF8String(word);
    out.push_back(std::move(word));
  }
  return out;
}

OptOutMatcher::OptOutMatcher(const OptOutWords& w) {
  // Keywords are matched after fillers are dropped, so their own fillers go too ("remove me" → remove).
  for (auto& k : w.keywords) {
    auto t = opt_out_tokens(k);
    std::vector<std::string> kept;
    for (auto& x : t)
      if (!fillers().count(x)) kept.push_back(x);
    if (!kept.empty()) keywords_.push_back({std::move(kept), k});
  }
  for (auto& p : w.phrases)
    if (auto t = opt_out_tokens(p); !t.empty()) phrases_.push_back({std::move(t), p});
}

std::optional<std::string> OptOutMatcher::match(const std::string& text) const {
  auto tokens = opt_out_tokens(text);
  if (tokens.empty()) return std::nullopt;
  auto at = [&](const std::vector<std::string>& seq, const std::vector<std::string>& pat, size_t i) {
    if (i + pat.size() > seq.size()) return false;
    for (size_t k = 0; k < pat.size(); ++k)
      if (seq[i + k] != pat[k]) return false;
    return true;
  };
  for (const auto& p : phrases_)
    for (size_t i = 0; i < tokens.size(); ++i)
      if (at(tokens, p.tokens, i)) return p.text;
  // Keywords: every word is a filler or part of a keyword, and at least one keyword is there.
  std::vector<std::string> rest;
  for (auto& t : tokens)
    if (!fillers().count(t)) rest.push_back(t);
  std::optional<std::string> found;
  for (size_t i = 0; i < rest.size();) {
    const Entry* best = nullptr;
    for (const auto& k : keywords_)
      if (at(rest, k.tokens, i) && (!best || k.tokens.size() > best->tokens.size())) best = &k;
    if (!best) return std::nullopt;
    if (!found) found = best->text;
    i += best->tokens.size();
  }
  return found;
}

}  // namespace sangam
