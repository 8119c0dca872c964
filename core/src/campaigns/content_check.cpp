#include "campaigns/content_check.hpp"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <unordered_set>

namespace sangam::campaigns {

namespace {
std::u32string normalise(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u.foldCase();
  std::u32string out;
  bool space = true;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      if (!space) out.push_back(U' ');
      space = true;
    } else {
      out.push_back(static_cast<char32_t>(c));
      space = false;
    }
  }
  if (!out.empty() && out.back() == U' ') out.pop_back();
  return out;
}

std::unordered_set<std::u32string> shingles(const std::u32string& s) {
  constexpr size_t k = 5;
  std::unordered_set<std::u32string> out;
  if (s.size() < k) {
    if (!s.empty()) out.insert(s);
    return out;
  }
  for (size_t i = 0; i + k <= s.size(); ++i) out.insert(s.substr(i, k));
  return out;
}

std::string lower_utf8(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u.toLower();
  std::string out;
  u.toUTF8String(out);
  return out;
}

// A whole-word (or whole-phrase) match: not inside a longer word.
bool has_phrase(const std::string& lower, const std::string& phrase) {
  for (size_t at = lower.find(phrase); at != std::string::npos; at = lower.find(phrase, at + 1)) {
    bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]));
    size_t end = at + phrase.size();
    bool right = end >= lower.size() || !std::isalnum(static_cast<unsigned char>(lower[end]));
    if (left && right) return true;
  }
  return false;
}

std::string pct(double v) {
  char b[16];
  std::snprintf(b, sizeof b, "%.0f %%", v * 100);
  return b;
}
}  // namespace

double similarity(const std::string& a, const std::string& b) {
  auto sa = shingles(normalise(a)), sb = shingles(normalise(b));
  if (sa.empty() && sb.empty()) return 1.0;
  size_t common = 0;
  for (const auto& s : sa) common += sb.count(s);
  return double(common) / double(sa.size() + sb.size() - common);
}

std::vector<Finding> check_content(const std::string& text, const Template& t, const std::vector<std::string>& recent,
                                   bool one_to_one, const CheckConfig& cfg) {
  std::vector<Finding> out;
  std::string lower = lower_utf8(text);
  for (const auto& w : cfg.spam_words)
    if (has_phrase(lower, w)) out.push_back({"spam_word", Severity::warning, "\"" + w + "\" reads like spam to many people and to spam filters."});
  for (const auto& p : cfg.sales_phrases)
    if (has_phrase(lower, p)) out.push_back({"sales_phrase", Severity::warning, "\"" + p + "\" is a direct-sales phrase; value-first posts get more replies and fewer reports."});

  static const std::regex link_re(R"((https?://|www\.)\S+|\{\{\s*link\s*(\|[^}]*)?\}\})", std::regex::icase);
  int links = static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), link_re), std::sregex_iterator()));
  if (links > cfg.block_links)
    out.push_back({"too_many_links", Severity::block, std::to_string(links) + " links; at most " + std::to_string(cfg.block_links) + " can be sent, and one is best."});
  else if (links > cfg.warn_links)
    out.push_back({"too_many_links", Severity::warning, std::to_string(links) + " links; messages with one link get more clicks and fewer reports."});

  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  int upper = 0, cased = 0;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isupper(c)) ++upper, ++cased;
    else if (u_islower(c)) ++cased;
  }
  if (cased >= 20 && double(upper) / cased > cfg.caps_ratio)
    out.push_back({"all_caps", Severity::warning, pct(double(upper) / cased) + " of the letters are capitals; it reads as shouting."});

  std::regex shout("[!?]{" + std::to_string(cfg.shouting_run) + ",}");
  if (std::regex_search(text, shout))
    out.push_back({"shouting", Severity::warning, "Repeated ! or ? reads as shouting; one is enough."});

  // The campaign's own renderings: 12 seeds, mean pairwise similarity.
  std::vector<std::string> samples;
  auto sample_var = [](const std::string& name) -> std::optional<std::string> { return name; };
  for (uint64_t s = 0; s < 12; ++s) samples.push_back(t.render(sample_var, {}, s));
  double sum = 0;
  int pairs = 0;
  for (size_t i = 0; i < samples.size(); ++i)
    for (size_t j = i + 1; j < samples.size(); ++j) sum += similarity(samples[i], samples[j]), ++pairs;
  double mean = pairs ? sum / pairs : 1.0;
  if (mean > cfg.variation_warn)
    out.push_back({"low_variation", Severity::warning,
                   "Every recipient gets nearly the same text (" + pct(mean) + " alike); vary it with {Hello|Namaste|Vanakkam}."});

  double worst = 0;
  for (const auto& r : recent)
    for (size_t i = 0; i < 3 && i < samples.size(); ++i) worst = std::max(worst, similarity(samples[i], r));
  if (worst >= cfg.similar_block)
    out.push_back({"similar_to_recent", Severity::block, "This is " + pct(worst) + " the same as a recent campaign; WhatsApp flags repeated bulk text."});
  else if (worst >= cfg.similar_warn)
    out.push_back({"similar_to_recent", Severity::warning, "This is " + pct(worst) + " like a recent campaign; change more of it."});

  if (one_to_one && !t.personalised())
    out.push_back({"not_personalised", Severity::warning, "One-to-one messages without {{name}} or another personal detail look like bulk sends."});
  return out;
}

bool blocks(const std::vector<Finding>& f) {
  return std::any_of(f.begin(), f.end(), [](const Finding& x) { return x.severity == Severity::block; });
}

}  // namespace sangam::campaigns
