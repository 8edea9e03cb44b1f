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
