#include "contacts/csv.hpp"

#include <cctype>

namespace sangam {

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delim_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  if (!delim_) {
    std::string_view first = text_.substr(pos_, text_.find('\n', pos_) - pos_);
    delim_ = first.find(',') != std::string_view::npos   ? ','
             : first.find(';') != std::string_view::npos ? ';'
             : first.find('\t') != std::string_view::npos ? '\t'
                                                          : ',';
  }
}

bool CsvReader::next(CsvRecord& out) {
  out.fields.clear();
  // Blank lines between records are skipped (Excel leaves them at the end).
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  out.line = line_;
  std::string field;
  bool quoted = false, was_quoted = false;
  int64_t quote_line = line_;
  while (pos_ < text_.size()) {
    char ch = text_[pos_++];
    if (quoted) {
      if (ch == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line_;
        field.push_back(ch);
      }
      continue;
    }
    if (ch == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
      quote_line = line_;
    } else if (ch == delim_) {
      out.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
      continue;  // CRLF: the LF ends the record
    } else if (ch == '\n') {
      ++line_;
      break;
    } else {
      field.push_back(ch);  // a stray quote inside an unquoted field is kept as text
    }
  }
  if (quoted) {
    error_ = "line " + std::to_string(quote_line) + ": a quoted field is never closed";
    return false;
  }
  out.fields.push_back(std::move(field));
  return true;
}

std::optional<Utf8Error> find_invalid_utf8(std::string_view s) {
  int64_t line = 1;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') ++line;
    if (c < 0x80) { ++i; continue; }
    size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) return Utf8Error{i, line};
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return Utf8Error{i, line};
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    // overlong 3/4-byte forms, UTF-16 surrogates, beyond U+10FFFF
    if ((n == 3 && c == 0xE0 && c1 < 0xA0) || (n == 3 && c == 0xED && c1 >= 0xA0) || (n == 4 && c == 0xF0 && c1 < 0x90) ||
        (n == 4 && c == 0xF4 && c1 >= 0x90))
      return Utf8Error{i, line};
    i += n;
  }
  return std::nullopt;
}

std::string csv_field(std::string_view s) {
  std::string v;
  // "+919800000011" stays as it is: a sign followed by a digit is a number to a spreadsheet, not a formula.
  bool sign_formula = s.size() > 1 && (s[0] == '+' || s[0] == '-') && !std::isdigit(static_cast<unsigned char>(s[1]));
  if (!s.empty() && (s[0] == '=' || s[0] == '@' || sign_formula)) v.push_back('\'');
  v.append(s);
  if (v.find_first_of(",\"\r\n;") == std::string::npos) return v;
  std::string q = "\"";
  for (char ch : v) {
    if (ch == '"') q.push_back('"');
    q.push_back(ch);
  }
  q.push_back('"');
  return q;
}

}  // namespace sangam
