#pragma once
// Message templates (issue 8 item 1): text with variables ({{name}}, {{group}}, {{link}}, custom
// attributes; `{{name|friend}}` gives a fallback inline) and nestable spintax ({Hello|Namaste|Vanakkam}).
// `\{`, `\}`, `\|` and `\\` are the literal characters. Errors carry their line and column (in
// characters, 1-based) so the editor can point at them; all errors are reported, not just the first.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sangam::campaigns {

struct TemplateError {
  size_t offset = 0;  // bytes
  int line = 1, column = 1;
  std::string message;
};

// Variables every template may use; projects add custom attributes.
const std::set<std::string>& builtin_variables();  // name, first_name, group, link, project, account

struct TemplateNode;

class Template {
 public:
  // Parses `text`; every variable must be in `known`. Errors go to `errors` (empty when it parsed).
  static Template parse(const std::string& text, const std::set<std::string>& known, std::vector<TemplateError>& errors);

  // A value for a variable (nullopt or empty: use the inline fallback, then `defaults`, then "").
  using Lookup = std::function<std::optional<std::string>(const std::string&)>;
  // One rendering; the same seed (e.g. the recipient's id) always picks the same variants.
  std::string render(const Lookup& vars, const std::map<std::string, std::string>& defaults, uint64_t seed) const;

  double variations() const;                  // distinct spintax choices (products and sums)
  std::vector<std::string> variables() const;  // in order of first use
  bool personalised() const;                   // uses at least one per-recipient variable

  Template();
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

 private:
  std::unique_ptr<TemplateNode> root_;
};

// Text by user-perceived characters (extended grapheme clusters, ICU): a Tamil "கா" or an emoji
// family is one character, never cut in two.
size_t grapheme_count(const std::string& utf8);
std::string truncate_graphemes(const std::string& utf8, size_t max_graphemes);

}  // namespace sangam::campaigns
