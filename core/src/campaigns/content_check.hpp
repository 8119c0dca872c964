#pragma once
// Content checks at save and at launch (issue 8 item 2): what makes a message look like spam to
// people and to WhatsApp. Each finding is a warning or a block, with its reason in words.
#include "campaigns/template.hpp"

#include <string>
#include <vector>

namespace sangam::campaigns {

enum class Severity { warning, block };

struct Finding {
  std::string code;  // spam_word, sales_phrase, too_many_links, all_caps, shouting, low_variation,
                     // similar_to_recent, not_personalised
  Severity severity = Severity::warning;
  std::string message;
};

struct CheckConfig {
  // Project-configurable lists; lower-case, matched as whole words (or phrases) in lower-cased text.
  std::vector<std::string> spam_words = {"free", "winner", "guaranteed", "100% free", "click here", "act now",
                                         "limited time", "lottery", "urgent", "risk free", "cash prize"};
  std::vector<std::string> sales_phrases = {"buy now", "order now", "best price", "lowest price", "discount",
                                            "offer ends", "call now", "hurry", "special offer"};
  int warn_links = 2;    // more links than this: a warning
  int block_links = 4;   // more than this: a block
  double caps_ratio = 0.6;  // share of upper-case among ≥ 20 cased letters
  int shouting_run = 3;     // "!!!" or "???" and longer
  double similar_warn = 0.75, similar_block = 0.9;  // shingle similarity, see similarity()
  double variation_warn = 0.9;  // mean similarity of a campaign's own renderings
};

// Jaccard similarity of the two texts' sets of 5-character shingles, after lower-casing and
// collapsing whitespace (code points, so it works the same for Tamil or Hindi as for English):
// 1 for the same text, ~0.9 when one word of twenty changed, 0 for unrelated texts.
double similarity(const std::string& a, const std::string& b);

// `text` is the template's source; `t` its parsed form; `recent` bodies of the project's recent
// campaigns; `one_to_one` turns on the personalisation check.
std::vector<Finding> check_content(const std::string& text, const Template& t, const std::vector<std::string>& recent,
                                   bool one_to_one, const CheckConfig& cfg = {});

bool blocks(const std::vector<Finding>& f);

}  // namespace sangam::campaigns
