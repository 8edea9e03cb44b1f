#include "cutover/runbook/diagnostics.hpp"
#include "support/loader_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cutover;
using cutover::testing::with_source;

TEST_CASE("FileDiagnostics counts errors and warnings") {
  FileDiagnostics diagnostics("rb.yaml");
  CHECK(diagnostics.file() == "rb.yaml");
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.warning({1, 1}, "w");
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.error({2, 1}, "e", "h");
  diagnostics.error({3, 1}, "e2");
  CHECK(diagnostics.error_count() == 2);
  CHECK(diagnostics.warning_count() == 1);
  CHECK(diagnostics.has_errors());
  REQUIRE(diagnostics.items().size() == 3);
  CHECK(diagnostics.items()[1].severity == Severity::error);
  CHECK(diagnostics.items()[1].message == "e");
  CHECK(diagnostics.items()[1].hint == "h");
  CHECK(diagnostics.items()[2].hint.empty());
}

TEST_CASE("promote_warnings turns every warning into an error (--strict)") {
  FileDiagnostics diagnostics("rb.yaml");
  diagnostics.warning({1, 1}, "w1");
  diagnostics.warning({2, 1}, "w2");
  diagnostics.error({3, 1}, "e");
  diagnostics.promote_warnings();
  CHECK(diagnostics.error_count() == 3);
  CHECK(diagnostics.warning_count() == 0);
  for (const auto& item : diagnostics.items()) CHECK(item.severity == Severity::error);
}

TEST_CASE("sort orders by line then column - stable for equal locations") {
  FileDiagnostics diagnostics("rb.yaml");
  diagnostics.error({5, 2}, "c");
  diagnostics.error({2, 9}, "b1");
  diagnostics.warning({2, 9}, "b2");
  diagnostics.error({2, 1}, "a");
  diagnostics.error({10, 1}, "d");
  diagnostics.sort();
  std::string order;
  for (const auto& item : diagnostics.items()) order += item.message + " ";
  CHECK(order == "a b1 b2 c d ");
}

TEST_CASE("render_text: location - source line with gutter - caret under the column - hint") {
  auto diagnostics = with_source("rb.yaml", "version: 1\nid: rb\ntitel: x\n");
  diagnostics.error({3, 1}, "unknown key 'titel' in the runbook", "did you mean 'title'?");
  diagnostics.warning({2, 5}, "a warning");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:3:1: error: unknown key 'titel' in the runbook\n"
        "    3 | titel: x\n"
        "      | ^\n"
        "hint: did you mean 'title'?\n"
        "rb.yaml:2:5: warning: a warning\n"
        "    2 | id: rb\n"
        "      |     ^\n");
}

TEST_CASE("render_text without a column - without a line - and past the end of the source") {
  auto diagnostics = with_source("rb.yaml", "a: 1\n");
  diagnostics.error({1, 0}, "line only");
  diagnostics.error({}, "file only", "a hint");
  diagnostics.error({7, 3}, "beyond the source");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:1: error: line only\n"
        "    1 | a: 1\n"
        "rb.yaml: error: file only\n"
        "hint: a hint\n"
        "rb.yaml:7:3: error: beyond the source\n");
}

TEST_CASE("render_text keeps tabs in the caret line so that it lines up") {
  auto diagnostics = with_source("rb.yaml", "\tx: y\n");
  diagnostics.error({1, 5}, "m");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:1:5: error: m\n"
        "    1 | \tx: y\n"
        "      | \t   ^\n");
}

TEST_CASE("render_text: columns count characters - so the caret is right after a non-ASCII one") {
  // "é" is two bytes; column 5 is the 'x' after "é: ".
  auto diagnostics = with_source("rb.yaml", "\xC3\xA9: x\n");
  diagnostics.error({1, 4}, "m");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:1:4: error: m\n"
        "    1 | \xC3\xA9: x\n"
        "      |    ^\n");
}

TEST_CASE("render_text: no colour codes without colour - ANSI codes with it") {
  auto diagnostics = with_source("rb.yaml", "a: 1\n");
  diagnostics.error({1, 4}, "msg", "hint text");
  diagnostics.warning({1, 1}, "warn");
  const std::string plain = render_text(diagnostics, {false});
  CHECK(plain.find('\x1b') == std::string::npos);
  const std::string coloured = render_text(diagnostics, {true});
  CHECK(coloured ==
        "\x1b[1mrb.yaml:1:4\x1b[0m: \x1b[1m\x1b[91merror\x1b[0m: \x1b[1mmsg\x1b[0m\n"
        "    1 | a: 1\n"
        "      |    \x1b[92m^\x1b[0m\n"
        "\x1b[36mhint:\x1b[0m hint text\n"
        "\x1b[1mrb.yaml:1:1\x1b[0m: \x1b[1m\x1b[95mwarning\x1b[0m: \x1b[1mwarn\x1b[0m\n"
        "    1 | a: 1\n"
        "      | \x1b[92m^\x1b[0m\n");
}

TEST_CASE("render_text of no diagnostics is empty") {
  CHECK(render_text(with_source("rb.yaml", "a: 1\n"), {}) == "");
}

TEST_CASE("closest_match") {
  const std::vector<std::string_view> task_keys = {"id", "depends_on", "estimate", "rollback"};
  SUBCASE("separators and case are forgiven") {
    CHECK(closest_match("depends-on", task_keys) == "depends_on");
    CHECK(closest_match("Depends_On", task_keys) == "depends_on");
    CHECK(closest_match("depends on", task_keys) == "depends_on");
  }
  SUBCASE("typos within the distance for the word's length") {
    CHECK(closest_match("dependson", task_keys) == "depends_on");
    CHECK(closest_match("estimat", task_keys) == "estimate");
    CHECK(closest_match("rolback", task_keys) == "rollback");
    CHECK(closest_match("ix", task_keys) == "id");
  }
  SUBCASE("far words get nothing") {
    CHECK(closest_match("zzzzzz", task_keys) == "");
    CHECK(closest_match("completely-different", task_keys) == "");
    CHECK(closest_match("xy", task_keys) == "");
  }
  SUBCASE("a one-letter word gets no suggestion, even at distance 1") {
    CHECK(closest_match("a", {"b", "ab", "aa"}) == "");
    CHECK(closest_match("x", {"id"}) == "");
  }
  SUBCASE("the closest wins; ties go to the first candidate") {
    CHECK(closest_match("stops", {"stop", "steps"}) == "stop");
    CHECK(closest_match("cat", {"bat", "hat"}) == "bat");
  }
  SUBCASE("an exact match and no candidates") {
    CHECK(closest_match("id", task_keys) == "id");
    CHECK(closest_match("id", {}) == "");
  }
}

TEST_CASE("source_line: lines without their line break - CRLF included") {
  const auto diagnostics = with_source("rb.yaml", "first\r\nsecond\n\r\nlast");
  CHECK(diagnostics.source_line(1) == "first");
  CHECK(diagnostics.source_line(2) == "second");
  CHECK(diagnostics.source_line(3) == "");
  CHECK(diagnostics.source_line(4) == "last");
  CHECK(diagnostics.source_line(5) == "");
  CHECK(diagnostics.source_line(0) == "");
  CHECK(diagnostics.source_line(-1) == "");
}

TEST_CASE("render_text does not print the CR of a CRLF line") {
  auto diagnostics = with_source("rb.yaml", "a: 1\r\nb: 2\r\n");
  diagnostics.error({2, 4}, "m");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:2:4: error: m\n"
        "    2 | b: 2\n"
        "      |    ^\n");
}

TEST_CASE("offset_of and location_at") {
  // Line 2 holds a two-byte character: columns count characters, offsets count bytes.
  const auto diagnostics = with_source("rb.yaml", "ab\n\xC3\xA9z\n\nq");
  CHECK(diagnostics.offset_of({1, 1}) == 0);
  CHECK(diagnostics.offset_of({1, 3}) == 2);  // the line break
  CHECK(diagnostics.offset_of({2, 1}) == 3);
  CHECK(diagnostics.offset_of({2, 2}) == 5);  // 'z', after the two bytes of "é"
  CHECK(diagnostics.offset_of({4, 1}) == 8);
  CHECK(diagnostics.offset_of({0, 1}) == std::string::npos);
  CHECK(diagnostics.offset_of({5, 1}) == std::string::npos);

  CHECK(diagnostics.location_at(0) == Location{1, 1});
  CHECK(diagnostics.location_at(2) == Location{1, 3});
  CHECK(diagnostics.location_at(3) == Location{2, 1});
  CHECK(diagnostics.location_at(5) == Location{2, 2});
  CHECK(diagnostics.location_at(7) == Location{3, 1});
  CHECK(diagnostics.location_at(8) == Location{4, 1});

  SUBCASE("round trip at every character boundary") {
    for (const std::size_t offset : {0, 1, 2, 3, 5, 6, 7, 8}) {
      CAPTURE(offset);
      CHECK(diagnostics.offset_of(diagnostics.location_at(offset)) == offset);
    }
  }
}

TEST_CASE("render_text cuts a long line to a window around the column") {
  std::string line;
  for (int i = 0; i < 300; ++i) line += static_cast<char>('0' + i % 10);
  SUBCASE("cut on both sides") {
    auto diagnostics = with_source("rb.yaml", line + "\n");
    diagnostics.error({1, 150}, "m");
    CHECK(render_text(diagnostics, {}) == "rb.yaml:1:150: error: m\n    1 | ..." +
                                              line.substr(89, 120) + "...\n      | " +
                                              std::string(63, ' ') + "^\n");
  }
  SUBCASE("cut at the start only") {
    auto diagnostics = with_source("rb.yaml", line.substr(0, 200) + "\n");
    diagnostics.error({1, 150}, "m");
    CHECK(render_text(diagnostics, {}) == "rb.yaml:1:150: error: m\n    1 | ..." +
                                              line.substr(89, 111) + "\n      | " +
                                              std::string(63, ' ') + "^\n");
  }
  SUBCASE("cut at the end only") {
    auto diagnostics = with_source("rb.yaml", line + "\n");
    diagnostics.error({1, 10}, "m");
    CHECK(render_text(diagnostics, {}) == "rb.yaml:1:10: error: m\n    1 | " + line.substr(0, 69) +
                                              "...\n      | " + std::string(9, ' ') + "^\n");
  }
  SUBCASE("a line of exactly column + 59 characters is not cut") {
    auto diagnostics = with_source("rb.yaml", line.substr(0, 69) + "\n");
    diagnostics.error({1, 10}, "m");
    CHECK(render_text(diagnostics, {}) == "rb.yaml:1:10: error: m\n    1 | " + line.substr(0, 69) +
                                              "\n      | " + std::string(9, ' ') + "^\n");
  }
  SUBCASE("the window counts characters, not bytes") {
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
    auto diagnostics = with_source("rb.yaml", accents + "x\n");
    diagnostics.error({1, 101}, "m");
    std::string tail;
    for (int i = 0; i < 60; ++i) tail += "\xC3\xA9";
    CHECK(render_text(diagnostics, {}) == "rb.yaml:1:101: error: m\n    1 | ..." + tail +
                                              "x\n      | " + std::string(63, ' ') + "^\n");
  }
}

TEST_CASE("render_text shows control characters and broken UTF-8 as '?' - one per byte") {
  auto diagnostics = with_source("ev\x1b[2Jil.yaml", "a: \x1b[31mred \xFF\xFE x\n");
  // Column 16 is the 'x': each control character and broken byte is one column.
  diagnostics.error({1, 16}, "bad \x07 value\n", "hint\rwith CR");
  CHECK(render_text(diagnostics, {}) ==
        "ev?[2Jil.yaml:1:16: error: bad ? value?\n"
        "    1 | a: ?[31mred ?? x\n"
        "      |                ^\n"
        "hint: hint?with CR\n");
}

TEST_CASE("render_text keeps valid UTF-8 and tabs in excerpts") {
  auto diagnostics = with_source("rb.yaml", "\tk: \xE2\x82\xAC \xF0\x9F\x9A\x80 z\n");
  diagnostics.error({1, 9}, "m");
  CHECK(render_text(diagnostics, {}) ==
        "rb.yaml:1:9: error: m\n"
        "    1 | \tk: \xE2\x82\xAC \xF0\x9F\x9A\x80 z\n"
        "      | \t       ^\n");
}

TEST_CASE("past max_items - problems are counted and said to be omitted - never lost") {
  FileDiagnostics file("big.yaml");
  for (int i = 1; i <= static_cast<int>(FileDiagnostics::max_items); ++i) file.warning({i, 1}, "w");
  file.error({5000, 1}, "the error that matters");
  file.sort();  // the first max_items in file order are shown
  CHECK(file.items().size() == FileDiagnostics::max_items);
  CHECK(file.has_errors());
  CHECK(file.error_count() == 1);
  CHECK(file.warning_count() == FileDiagnostics::max_items);
  CHECK(file.omitted() == 1);
  CHECK(
      render_text(file, {}).ends_with("big.yaml: 1 more problem not shown (the first 1000 are)\n"));
  file.promote_warnings();
  CHECK(file.error_count() == FileDiagnostics::max_items + 1);
}

TEST_CASE("many diagnostics on one long line each get a window around their column") {
  FileDiagnostics file("long.yaml");
  std::string line;
  for (int i = 0; i < 50; ++i)
    line += "key" + std::to_string(i) + std::string(97 - std::to_string(i).size(), 'x');
  file.set_source(line + "\n");
  file.error({1, 4901}, "last");
  file.error({1, 101}, "second");
  file.sort();
  const std::string text = render_text(file, {});
  CHECK(text.find("    1 | ...") != std::string::npos);
  const auto caret = text.find("^");
  REQUIRE(caret != std::string::npos);
  const auto line_start = text.rfind('\n', caret) + 1;
  CHECK(caret - line_start == 8 + 3 + 60);  // gutter, "...", 60 characters of context
}

TEST_CASE("the problems shown past the limit are the first in file order - not the first found") {
  FileDiagnostics file("big.yaml");
  for (int i = 0; i < 1500; ++i) file.warning({100 + i, 1}, "w");
  file.error({4, 1}, "an early error found late");
  file.sort();
  REQUIRE(file.items().size() == FileDiagnostics::max_items);
  CHECK(file.items().front().message == "an early error found late");
  CHECK(file.omitted() == 501);
  CHECK(file.error_count() == 1);
}
