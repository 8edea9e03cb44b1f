#pragma once
// CSV as spreadsheets read it (RFC 4180): fields quoted when they need it, CRLF line ends.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

std::string csv_record(const std::vector<std::string>& fields);

// A CSV file as a spreadsheet wrote it: records (rows) of fields (cells), fields quoted with ""
// for a quote, quoted fields holding separators and line breaks, CRLF or LF line ends. A
// record's number is its row in the spreadsheet (1 for the header).
struct CsvRecord {
  int row = 0;
  std::vector<std::string> fields;
};
struct CsvTable {
  std::vector<CsvRecord> records;
  std::optional<int> unclosed_quote_row;  // a quoted field that never ends: from this row
};
CsvTable read_csv(std::string_view text, char separator);

// ';' when the first record has more semicolons than commas outside quotes (as Excel writes CSV
// where the decimal mark is a comma), else ','.
char guess_separator(std::string_view text);

// Milliseconds as seconds with three decimals, "-1.250": durations in timing.csv and reports.
std::string csv_seconds(std::int64_t milliseconds);

}  // namespace cutover
