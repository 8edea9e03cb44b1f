#include "base/csv.hpp"

#include <fmt/format.h>

#include <string_view>

namespace cutover {

namespace {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{text};
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string csv_record(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  return line += "\r\n";
}

std::string csv_seconds(std::int64_t milliseconds) {
  const char* sign = milliseconds < 0 ? "-" : "";
  const std::int64_t magnitude = milliseconds < 0 ? -milliseconds : milliseconds;
  return fmt::format("{}{}.{:03}", sign, magnitude / 1000, magnitude % 1000);
}

CsvTable read_csv(std::string_view text, char separator) {
  CsvTable table;
  CsvRecord record{1, {}};
  std::string field;
  int row = 1;
  bool quoted = false;
  bool field_started = false;
  const auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  const auto end_record = [&] {
    end_field();
    table.records.push_back(std::move(record));
    record = CsvRecord{row, {}};
  };
  int quote_row = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (quoted) {
      if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
        field += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else if (c == '\r' && at + 1 < text.size() && text[at + 1] == '\n') {
        continue;  // a line break in a cell is kept as \n
      } else {
        if (c == '\n') ++row;
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
      quote_row = row;
    } else if (c == separator) {
      end_field();
    } else if (c == '\r' && at + 1 < text.size() && text[at + 1] == '\n') {
      continue;  // the \n ends the record
    } else if (c == '\n') {
      ++row;
      end_record();
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) table.unclosed_quote_row = quote_row;
  if (field_started || !field.empty() || !record.fields.empty()) end_record();
  return table;
}

char guess_separator(std::string_view text) {
  int commas = 0;
  int semicolons = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',';
    semicolons += c == ';';
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace cutover
