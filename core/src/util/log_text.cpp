#include "util/log_text.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include "util/json_input.hpp"

#include <cctype>

namespace sangam {
namespace {

bool is_control(unsigned char ch) { return ch < 0x20 || ch == 0x7f; }

void append_escaped(std::string& out, unsigned char ch) {
  static const char* hex = "0123456789abcdef";
  switch (ch) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
      out += "\\x";
      out.push_back(hex[ch >> 4]);
      out.push_back(hex[ch & 15]);
  }
}

bool plain_token_char(unsigned char ch) {
  return std::isalnum(ch) || ch >= 0x80 || std::string_view("._:/@+-,%#()[]").find(static_cast<char>(ch)) != std::string_view::npos;
}

// "2026-12-01": ISO dates are the one common run of digits and dashes in our messages.
bool looks_like_date(std::string_view v) {
  if (v.size() < 10) return false;
  for (size_t k = 0; k < 10; ++k) {
    bool dash = k == 4 || k == 7;
    if (dash != (v[k] == '-') || (!dash && !std::isdigit((unsigned char)v[k]))) return false;
  }
  return true;
}

bool phone_separator(char ch) { return ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')'; }

class EscapingFormatter final : public spdlog::formatter {
 public:
  explicit EscapingFormatter(std::string pattern)
      : pattern_(std::move(pattern)),
        inner_(std::make_unique<spdlog::pattern_formatter>(pattern_, spdlog::pattern_time_type::utc)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view payload(msg.payload.data(), msg.payload.size());
    bool clean = true;
    for (unsigned char ch : payload) clean = clean && !is_control(ch);
    if (clean) return inner_->format(msg, dest);
    std::string escaped = escape_controls(payload);
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(escaped.data(), escaped.size());
    inner_->format(copy, dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<EscapingFormatter>(pattern_); }

 private:
  std::string pattern_;
  std::unique_ptr<spdlog::pattern_formatter> inner_;
};

}  // namespace

std::string escape_controls(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (unsigned char ch : v) {
    if (is_control(ch)) append_escaped(out, ch);
    else out.push_back(static_cast<char>(ch));
  }
  return out;
}

std::string log_value(std::string_view text, size_t max_bytes) {
  std::string cut = utf8_prefix(text, max_bytes);
  if (cut.size() < text.size()) cut += "...";
  std::string_view v = cut;
  bool plain = !v.empty();
  for (unsigned char ch : v) plain = plain && plain_token_char(ch);
  if (plain) return std::string(v);
  std::string out = "\"";
  for (unsigned char ch : v) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(ch));
    } else if (is_control(ch)) {
      append_escaped(out, ch);
    } else {
      out.push_back(static_cast<char>(ch));
    }
  }
  out.push_back('"');
  return out;
}

std::string mask_phones(std::string_view v) {
  std::string out(v);
  size_t i = 0;
  while (i < out.size()) {
    if (!std::isdigit((unsigned char)out[i])) {
      ++i;
      continue;
    }
    if (looks_like_date(std::string_view(out).substr(i))) {
      i += 10;
      continue;
    }
    // A run: digits and separators, ending on a digit.
    size_t end = i, last_digit = i;
    int digits = 0;
    while (end < out.size() && (std::isdigit((unsigned char)out[end]) || phone_separator(out[end]))) {
      if (std::isdigit((unsigned char)out[end])) {
        ++digits;
        last_digit = end;
      }
      ++end;
    }
    if (digits >= 10) {
      int seen = 0;
      for (size_t k = i; k <= last_digit; ++k) {
        if (!std::isdigit((unsigned char)out[k])) continue;
        ++seen;
        if (seen > 2 && seen <= digits - 3) out[k] = '*';
      }
    }
    i = last_digit + 1;
  }
  return out;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& pattern) {
  return std::make_unique<EscapingFormatter>(pattern);
}

}  // namespace sangam
