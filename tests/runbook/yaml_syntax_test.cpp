#include "runbook/yaml_syntax.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

#include <algorithm>
#include <string>

using namespace cutover;
using namespace cutover::yaml;

namespace {

// A mark as yaml-cpp makes one: 0-based line and byte column, byte offset.
YAML::Mark mark_at(std::string_view text, std::size_t offset) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t start =
      offset == 0 || line_start == std::string_view::npos ? 0 : line_start + 1;
  mark.line =
      static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(start), '\n'));
  mark.column = static_cast<int>(offset - start);
  return mark;
}

YAML::Mark mark_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string_view::npos);
  return mark_at(text, at);
}

std::string where(Location location) {
  return std::to_string(location.line) + ":" + std::to_string(location.column);
}

SyntaxError explained(std::string_view text, std::string_view at, const std::string& message,
                      ParseContext context = {}) {
  return explain(SourceText(text), mark_of(text, at), message, context);
}

}  // namespace

TEST_CASE("locate: 1-based - counting characters where yaml-cpp counts bytes") {
  const std::string text = "a: x\n\xc3\xa9\xc3\xa9: y\n";
  const SourceText source(text);
  CHECK(where(source.locate(mark_of(text, "a:"))) == "1:1");
  CHECK(where(source.locate(mark_of(text, "y"))) == "2:5");
  CHECK(where(source.locate(YAML::Mark::null_mark())) == "0:0");
}

TEST_CASE("locate_from counts the lines between the mark and the offset") {
  const std::string text = "a: &x\n  \"q\"\n";
  const SourceText source(text);
  CHECK(where(source.locate_from(mark_of(text, "&x"), text.find('"'))) == "2:3");
}

TEST_CASE("after_previous_indicator skips blank lines and comments") {
  const std::string text = "a:   # none\n\n  # still none\nb: 1\n";
  CHECK(where(SourceText(text).after_previous_indicator(mark_of(text, "b:"))) == "1:3");
  const std::string item = "- x\n-\n- y\n";
  CHECK(where(SourceText(item).after_previous_indicator(mark_of(item, "- y"))) == "2:2");
}

TEST_CASE("is_null_word_at tells a written null from an empty value") {
  const std::string text = "a: ~\nb: NULL\nc:\nd: nullish\n";
  const SourceText source(text);
  CHECK(source.is_null_word_at(mark_of(text, "~")));
  CHECK(source.is_null_word_at(mark_of(text, "NULL")));
  CHECK_FALSE(source.is_null_word_at(mark_of(text, "d:")));
}

TEST_CASE("quoted_span finds the closing quote past escapes and doubled quotes") {
  const std::string text = "a: \"x\\\"y\"\nb: 'it''s'\nc: plain\n";
  const SourceText source(text);
  const auto double_quoted = source.quoted_span(mark_of(text, "\"x"));
  REQUIRE(double_quoted);
  CHECK(text.substr(double_quoted->open, double_quoted->close - double_quoted->open + 1) ==
        "\"x\\\"y\"");
  const auto single_quoted = source.quoted_span(mark_of(text, "'it"));
  REQUIRE(single_quoted);
  CHECK(text.substr(single_quoted->open, single_quoted->close - single_quoted->open + 1) ==
        "'it''s'");
  CHECK_FALSE(source.quoted_span(mark_of(text, "plain")));
}

TEST_CASE("quoted_span refuses a quote never closed - at the quote") {
  const std::string text = "a: &q 'open\nb: 2\n";
  try {
    (void)SourceText(text).quoted_span(mark_of(text, "&q"));
    FAIL("no error");
  } catch (const SyntaxError& error) {
    CHECK(error.message == "this ' is never closed");
    CHECK(where(error.location) == "1:7");
  }
}

TEST_CASE("explain: a tab in the indentation wins over the parser's words") {
  const SyntaxError error = explained("a:\n\tb: 1\n", "b:", YAML::ErrorMsg::MAP_VALUE);
  CHECK(error.message == "tabs cannot indent YAML; use spaces");
  CHECK(where(error.location) == "2:1");
}

TEST_CASE("explain: an unknown anchor names the alias") {
  const SyntaxError error = explained("a: *nope\n", "*nope", YAML::ErrorMsg::UNKNOWN_ANCHOR);
  CHECK(error.message == "the alias *nope names no anchor defined before it");
  CHECK(where(error.location) == "1:4");
}

TEST_CASE("explain: an unclosed bracket is located where it opened") {
  const std::string text = "a: [1, 2\nb: 3\n";
  const ParseContext context{OpenFlow{3, {1, 4}}, std::nullopt};
  const SyntaxError error = explained(text, "b:", YAML::ErrorMsg::END_OF_SEQ_FLOW, context);
  CHECK(error.message == "this '[' is never closed");
  CHECK(where(error.location) == "1:4");
}

TEST_CASE("explain: a misaligned list item names the blocks it falls between") {
  const SyntaxError error =
      explained("key:\n   - ok\n  - wrong\n", "- wrong", YAML::ErrorMsg::END_OF_SEQ);
  CHECK(error.message == "this '-' at column 3 lines up with no block above it");
  CHECK(error.hint ==
        "it falls between the '-' of line 2 at column 4 and 'key' (line 1) at column 1: line it "
        "up with the block it belongs to");
}

TEST_CASE("explain: a message without an explanation keeps the parser's in plainer words") {
  CHECK(explained("a: @x\n", "@", YAML::ErrorMsg::UNKNOWN_TOKEN).message ==
        "YAML syntax error: this character cannot start a value: quote the value");
  CHECK(explained("a: \"\\q\"\n", "q", "unknown escape character: q").message ==
        "YAML syntax error: unknown escape character: q");
}

TEST_CASE("second_document: after '---' or '...' it is a second document") {
  const std::string split = "a: 1\n---\nb: 2\n";
  CHECK(second_document(SourceText(split), mark_of(split, "---")).message ==
        "a second YAML document in one file");
  const std::string ended = "a: 1\n...\nb: 2\n";
  CHECK(second_document(SourceText(ended), mark_of(ended, "b:")).message ==
        "a second YAML document in one file");
  const std::string margin = "- a\nb: 1\n";
  CHECK(second_document(SourceText(margin), mark_of(margin, "b:")).message ==
        "this line does not continue the block above it");
}
