#include "base/csv.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cutover;
using Fields = std::vector<std::string>;

TEST_CASE("csv_record: plain fields joined by commas - the record ends with CRLF") {
  CHECK(csv_record({"task", "estimate_s", "status"}) == "task,estimate_s,status\r\n");
  CHECK(csv_record({"one"}) == "one\r\n");
}

TEST_CASE("csv_record: empty fields stay empty and unquoted") {
  CHECK(csv_record({"a", "", "c"}) == "a,,c\r\n");
  CHECK(csv_record({"", ""}) == ",\r\n");
  CHECK(csv_record({}) == "\r\n");
}

TEST_CASE("csv_record: a field with a comma is quoted") {
  CHECK(csv_record({"Freeze, then copy", "x"}) == "\"Freeze, then copy\",x\r\n");
}

TEST_CASE("csv_record: a double quote is doubled inside a quoted field") {
  CHECK(csv_record({"say \"go\""}) == "\"say \"\"go\"\"\"\r\n");
  CHECK(csv_record({"\""}) == "\"\"\"\"\r\n");
}

TEST_CASE("csv_record: line breaks - LF - CR or CRLF - are kept inside quotes") {
  CHECK(csv_record({"line 1\nline 2", "b"}) == "\"line 1\nline 2\",b\r\n");
  CHECK(csv_record({"a\rb"}) == "\"a\rb\"\r\n");
  CHECK(csv_record({"a\r\nb"}) == "\"a\r\nb\"\r\n");
}

TEST_CASE("csv_record: other characters need no quotes") {
  // Spaces, tabs, semicolons, single quotes and UTF-8 are field content as written.
  CHECK(csv_record({" padded ", "a\tb", "x;y", "o'neil", "Zürich"}) ==
        " padded ,a\tb,x;y,o'neil,Zürich\r\n");
}

TEST_CASE("csv_record: only the fields that need quotes get them") {
  CHECK(csv_record({"plain", "a,b", "plain", "q\"", ""}) == "plain,\"a,b\",plain,\"q\"\"\",\r\n");
}

namespace {

// RFC 4180 read back: what a spreadsheet makes of one record.
Fields parse_record(const std::string& line) {
  Fields fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\r' && line.compare(i, 2, "\r\n") == 0 && i + 2 == line.size()) {
      break;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

TEST_CASE("csv_record: every field reads back as written") {
  const Fields fields = {"id", "a,b", "\"quoted\"", "multi\nline", "cr\r", ",\",\r\n", "", "end"};
  CHECK(parse_record(csv_record(fields)) == fields);
}

namespace {

// "row: field|field" per record, for one comparison.
std::string records_of(const CsvTable& table) {
  std::string out;
  for (const CsvRecord& record : table.records) {
    out += std::to_string(record.row) + ":";
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      out += (i ? "|" : " ") + record.fields[i];
    }
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("read_csv: fields - records - CRLF or LF line ends") {
  CHECK(records_of(read_csv("id,title\r\na,First\r\nb,Second\r\n", ',')) ==
        "1: id|title\n2: a|First\n3: b|Second\n");
  CHECK(records_of(read_csv("id,title\na,First", ',')) == "1: id|title\n2: a|First\n");
  CHECK(records_of(read_csv("a,,c\n", ',')) == "1: a||c\n");
}

TEST_CASE("read_csv: quoted fields hold separators - quotes - and line breaks") {
  const std::string text =
      "id;manual\r\nfreeze;\"Freeze postings;\r\nthen call \"\"the lead\"\"\"\r\nnext;plain\r\n";
  const CsvTable table = read_csv(text, ';');
  CHECK(records_of(table) ==
        "1: id|manual\n2: freeze|Freeze postings;\nthen call \"the lead\"\n4: next|plain\n");
  CHECK_FALSE(table.unclosed_quote_row);
}

TEST_CASE("read_csv: a quoted field that never ends is named by the row it starts on") {
  const CsvTable table = read_csv("id,title\na,\"never\nends\n", ',');
  REQUIRE(table.unclosed_quote_row);
  CHECK(*table.unclosed_quote_row == 2);
}

TEST_CASE("guess_separator: semicolons as Excel writes them where the comma is a decimal mark") {
  CHECK(guess_separator("id;title;estimate\r\na;b,c;1:30\r\n") == ';');
  CHECK(guess_separator("id,title\na;b,c\n") == ',');
  CHECK(guess_separator("\"a;b;c\",d\n") == ',');  // inside quotes they do not count
  CHECK(guess_separator("") == ',');
}
