#pragma once
// A CSV reader after RFC 4180: quoted fields with "" for a quote, commas and line breaks inside
// quotes, CRLF or LF line ends, a UTF-8 byte order mark skipped. Records carry the line they start
// on, for import reports. Written here rather than taken from Debian: the one packaged C++-usable
// parser (libcsv, C callbacks) reports no line numbers and knows no BOM, which is what the import
// report and Excel/Google/Outlook exports need; the parser is ~80 lines with its own tests.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sangam {

struct CsvRecord {
  int64_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `delimiter` 0: guessed from the first line (',' unless it has none and has ';' or a tab).
  explicit CsvReader(std::string_view text, char delimiter = 0);
  // The next record; false at the end. A quote left open to the end of the text sets error().
  bool next(CsvRecord& out);
  const std::string& error() const { return error_; }
  size_t offset() const { return pos_; }  // bytes consumed, for progress

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  char delim_ = ',';
  std::string error_;
};

// The first invalid UTF-8 sequence: its byte offset and line, or nullopt when the text is valid.
struct Utf8Error {
  size_t offset;
  int64_t line;
};
std::optional<Utf8Error> find_invalid_utf8(std::string_view text);

// A CSV field as text for export: quoted when it holds a delimiter, quote or line break; a leading
// = or @ (or + - before a non-digit) gets a ' so a spreadsheet does not run it as a formula.
std::string csv_field(std::string_view s);

}  // namespace sangam
