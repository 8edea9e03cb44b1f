#include "base/table.hpp"

#include <doctest/doctest.h>

using namespace cutover;

TEST_CASE("table: text columns aligned two spaces apart - numbers to the right") {
  Table table({"task", "took"}, "-r");
  table.add({"freeze", "5m"});
  table.add({"go", "1h30m"});
  CHECK(table.text("  ") ==
        "  task     took\n"
        "  freeze     5m\n"
        "  go      1h30m\n");
  CHECK_FALSE(table.empty());
  CHECK(Table({"a"}).empty());
}

TEST_CASE("table: markdown with right-aligned columns and escaped pipes") {
  Table table({"task", "took"}, "-r");
  table.add({"a|b", "5m"});
  CHECK(table.markdown() ==
        "| task | took |\n"
        "| --- | ---: |\n"
        "| a\\|b | 5m |\n");
}

TEST_CASE("cut: long texts end in dots without splitting a UTF-8 character") {
  CHECK(cut("short", 10) == "short");
  CHECK(cut("abcdefghijkl", 10) == "abcdefg...");
  // "é" is two bytes: a cut inside it moves before it.
  CHECK(cut("abcdefé-and-more", 10) == "abcdef...");
}

TEST_CASE("signed_duration and optional_took: the texts of variances") {
  CHECK(signed_duration(std::chrono::seconds(150)) == "+2m30s");
  CHECK(signed_duration(std::chrono::milliseconds(-500)) == "-0.5s");
  CHECK(signed_duration(Duration::zero()) == "+0.0s");
  CHECK(optional_took(std::nullopt).empty());
  CHECK(optional_took(std::chrono::minutes(5)) == "5m");
}

TEST_CASE("wrap: lines broken at spaces - continuation indented - long words whole") {
  CHECK(wrap("a -> b -> c", 0, 2, 20) == "a -> b -> c");
  CHECK(wrap("alpha -> beta -> gamma", 4, 2, 16) == "alpha ->\n  beta -> gamma");
  CHECK(wrap("supercalifragilistic x", 0, 2, 10) == "supercalifragilistic\n  x");
  CHECK(wrap("", 0, 2, 10).empty());
}
