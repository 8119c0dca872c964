#pragma once
// Log lines are `key=value` pairs, one event per line, read by people and by log parsers. A value that
// came from outside (a request path, a connector's error text, an alert message) must not be able to
// end the line, forge another pair or carry a whole phone number.
#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace sangam {

// The value as it may follow `key=`: bare when it is one plain token, otherwise in double quotes with
// `"` and `\` escaped. Control characters become \n, \r, \t or \xNN either way. Text longer than
// max_bytes is cut at a UTF-8 boundary and ends in "..." (a connector's error text can be megabytes).
std::string log_value(std::string_view v, size_t max_bytes = 300);

// Control characters (and DEL) as \n, \r, \t, \xNN; everything else, UTF-8 included, unchanged.
std::string escape_controls(std::string_view v);

// Every run of 10 or more digits (an Indian mobile number has 10; separators: space, dash, dot, brackets;
// ISO dates excepted)
// keeps its first two and last three digits; the others become '*': "+91 98000 00001" → "+91 ***** **001".
// The country code and the tail are enough to tell numbers apart in a log; the database keeps them whole.
std::string mask_phones(std::string_view v);

// The process's log formatter: the usual pattern, with control characters in the message escaped, so
// that no value — even one a log call forgot to pass through log_value — can write a line of its own.
std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& pattern);

}  // namespace sangam
