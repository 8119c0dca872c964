#include "campaigns/template.hpp"

#include "util/mix.hpp"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <regex>

namespace sangam::campaigns {

const std::set<std::string>& builtin_variables() {
  static const std::set<std::string> v = {"name", "first_name", "group", "link", "project", "account"};
  return v;
}

// A sequence of parts; a part is text, a variable, or a choice between sequences.
struct TemplateNode {
  enum Kind { seq, text, var, choice } kind = seq;
  std::string value;                  // text, or the variable's name
  std::optional<std::string> fallback;  // var
  std::vector<TemplateNode> children;   // seq: parts; choice: alternatives (each a seq)
};

namespace {

class Parser {
 public:
  Parser(const std::string& s, const std::set<std::string>& known, std::vector<TemplateError>& errors)
      : s_(s), known_(known), errors_(errors) {}

  TemplateNode parse_all() {
    TemplateNode n = parse_seq(0);
    return n;
  }

 private:
  const std::string& s_;
  const std::set<std::string>& known_;
  std::vector<TemplateError>& errors_;
  size_t i_ = 0;

  void error(size_t at, std::string message) {
    TemplateError e;
    e.offset = at;
    for (size_t k = 0; k < at && k < s_.size(); ++k) {
      if (s_[k] == '\n') ++e.line, e.column = 1;
      else if ((static_cast<unsigned char>(s_[k]) & 0xC0) != 0x80) ++e.column;  // count code points
    }
    e.message = "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + message;
    errors_.push_back(std::move(e));
  }

  static void add_text(TemplateNode& seq, std::string_view t) {
    if (t.empty()) return;
    if (!seq.children.empty() && seq.children.back().kind == TemplateNode::text) seq.children.back().value += t;
    else seq.children.push_back({TemplateNode::text, std::string(t), std::nullopt, {}});
  }

  // Parses until end of input, or (inside a choice, depth > 0) an unescaped '|' or '}'.
  TemplateNode parse_seq(int depth) {
    TemplateNode seq;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size() && std::string_view("{}|\\").find(s_[i_ + 1]) != std::string_view::npos) {
        add_text(seq, std::string_view(&s_[i_ + 1], 1));
        i_ += 2;
      } else if (c == '{' && i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
        parse_var(seq);
      } else if (c == '{') {
        parse_choice(seq, depth);
      } else if (depth > 0 && (c == '|' || c == '}')) {
        return seq;
      } else if (c == '}') {
        error(i_, "'}' without an opening '{' (write \\} for the character itself)");
        ++i_;
      } else {
        size_t j = i_;
        while (j < s_.size() && s_[j] != '\\' && s_[j] != '{' && s_[j] != '}' && !(depth > 0 && s_[j] == '|')) ++j;
        if (j == i_) ++j;  // a lone backslash
        add_text(seq, std::string_view(s_).substr(i_, j - i_));
        i_ = j;
      }
    }
    return seq;
  }

  void parse_var(TemplateNode& seq) {
    size_t open = i_;
    size_t close = s_.find("}}", i_ + 2);
    size_t newline = s_.find('\n', i_ + 2);
    if (close == std::string::npos || (newline != std::string::npos && newline < close)) {
      error(open, "'{{' is not closed: a variable is written {{name}}");
      i_ += 2;
      return;
    }
    std::string inner = s_.substr(i_ + 2, close - i_ - 2);
    i_ = close + 2;
    std::optional<std::string> fallback;
    if (auto bar = inner.find('|'); bar != std::string::npos) {
      fallback = inner.substr(bar + 1);
      inner = inner.substr(0, bar);
    }
    auto trim = [](std::string v) {
      v.erase(0, v.find_first_not_of(" \t"));
      v.erase(v.find_last_not_of(" \t") + 1);
      return v;
    };
    std::string name = trim(inner);
    if (fallback) fallback = trim(*fallback);
    static const std::regex ident("[a-z_][a-z0-9_]{0,63}");
    if (!std::regex_match(name, ident)) {
      error(open, "'" + name + "' is not a variable name: use lower-case letters, digits and _, like {{first_name}}");
      return;
    }
    if (!known_.count(name)) {
      std::string list;
      for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
      error(open, "unknown variable {{" + name + "}}; known: " + list);
      return;
    }
    seq.children.push_back({TemplateNode::var, name, fallback, {}});
  }

  void parse_choice(TemplateNode& seq, int depth) {
    size_t open = i_++;
    if (depth >= 8) {
      error(open, "spintax nests more than 8 levels");
    }
    TemplateNode choice;
    choice.kind = TemplateNode::choice;
    for (;;) {
      choice.children.push_back(parse_seq(depth + 1));
      if (i_ >= s_.size()) {
        error(open, "'{' is not closed: spintax is written {Hello|Namaste|Vanakkam}");
        return;
      }
      if (s_[i_++] == '}') break;  // else '|': the next alternative
    }
    seq.children.push_back(std::move(choice));
  }
};

void render_into(const TemplateNode& n, const Template::Lookup& vars, const std::map<std::string, std::string>& defaults,
                 uint64_t& rng, std::string& out) {
  switch (n.kind) {
    case TemplateNode::text: out += n.value; break;
    case TemplateNode::var: {
      std::optional<std::string> v = vars ? vars(n.value) : std::nullopt;
      if (v && !v->empty()) out += *v;
      else if (n.fallback) out += *n.fallback;
      else if (auto it = defaults.find(n.value); it != defaults.end()) out += it->second;
      break;
    }
    case TemplateNode::choice: {
      rng = mix64(rng);
      render_into(n.children[rng % n.children.size()], vars, defaults, rng, out);
      break;
    }
    case TemplateNode::seq:
      for (const auto& c : n.children) render_into(c, vars, defaults, rng, out);
      break;
  }
}

double count_variations(const TemplateNode& n) {
  switch (n.kind) {
    case TemplateNode::choice: {
      double sum = 0;
      for (const auto& c : n.children) sum += count_variations(c);
      return sum;
    }
    case TemplateNode::seq: {
      double product = 1;
      for (const auto& c : n.children) product *= count_variations(c);
      return product;
    }
    default: return 1;
  }
}

void collect_vars(const TemplateNode& n, std::vector<std::string>& out) {
  if (n.kind == TemplateNode::var && std::find(out.begin(), out.end(), n.value) == out.end()) out.push_back(n.value);
  for (const auto& c : n.children) collect_vars(c, out);
}
}  // namespace

Template::Template() : root_(std::make_unique<TemplateNode>()) {}
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

Template Template::parse(const std::string& text, const std::set<std::string>& known, std::vector<TemplateError>& errors) {
  Template t;
  Parser p(text, known, errors);
  *t.root_ = p.parse_all();
  return t;
}

std::string Template::render(const Lookup& vars, const std::map<std::string, std::string>& defaults, uint64_t seed) const {
  std::string out;
  uint64_t rng = mix64(seed);
  render_into(*root_, vars, defaults, rng, out);
  return out;
}

double Template::variations() const { return count_variations(*root_); }

std::vector<std::string> Template::variables() const {
  std::vector<std::string> out;
  collect_vars(*root_, out);
  return out;
}

bool Template::personalised() const {
  for (const auto& v : variables())
    if (v != "link" && v != "project" && v != "account") return true;
  return false;
}

namespace {
// Byte offsets of grapheme boundaries, via an ICU character break iterator over the UTF-8 text.
template <typename F>
void each_boundary(const std::string& s, F&& f) {
  UErrorCode st = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &st);
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st) || !it) {
    utext_close(ut);
    throw std::runtime_error("ICU character break iterator unavailable");
  }
  it->setText(ut, st);
  for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next())
    if (!f(static_cast<size_t>(b))) break;
  utext_close(ut);
}
}  // namespace

size_t grapheme_count(const std::string& s) {
  size_t n = 0;
  each_boundary(s, [&](size_t) { ++n; return true; });
  return n;
}

std::string truncate_graphemes(const std::string& s, size_t max) {
  if (max == 0) return {};
  size_t n = 0, cut = s.size();
  each_boundary(s, [&](size_t b) {
    if (++n == max) { cut = b; return false; }
    return true;
  });
  return s.substr(0, cut);
}

}  // namespace sangam::campaigns
