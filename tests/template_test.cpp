#include "cutover/template.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace cutover;

namespace {

// "NAME@offset+length" for every reference, space separated: one exact string to compare.
std::string describe(std::string_view text) {
  std::string out;
  for (const auto& reference : find_references(text)) {
    if (!out.empty()) out += ' ';
    out += std::string(reference.name) + "@" + std::to_string(reference.offset) + "+" +
           std::to_string(reference.length);
  }
  return out;
}

}  // namespace

TEST_CASE("find_references locates one reference: offset of '{{' - length through '}}'") {
  const std::string_view text = "echo {{ HOST }} done";
  const auto references = find_references(text);
  REQUIRE(references.size() == 1);
  CHECK(references[0].name == "HOST");
  CHECK(references[0].offset == 5);
  CHECK(references[0].length == 10);
  CHECK(text.substr(references[0].offset, references[0].length) == "{{ HOST }}");
}

TEST_CASE("find_references: spaces inside the braces are optional and may be several") {
  CHECK(describe("{{HOST}}") == "HOST@0+8");
  CHECK(describe("a {{   HOST   }} b") == "HOST@2+14");
  CHECK(describe("{{\tHOST\t}}") == "HOST@0+10");
  CHECK(describe("{{ HOST}}") == "HOST@0+9");
}

TEST_CASE("find_references: names are identifiers - underscores and digits after the first") {
  CHECK(describe("{{ _private_1 }}") == "_private_1@0+16");
  CHECK(describe("{{ LEGACY_DB2 }}") == "LEGACY_DB2@0+16");
}

TEST_CASE("find_references leaves Go templates and non-identifiers alone") {
  CHECK(describe("docker ps --format '{{.Names}}'") == "");
  CHECK(describe("{{ .Names }}") == "");
  CHECK(describe("{{ 1X }}") == "");
  CHECK(describe("{{ A-B }}") == "");
  CHECK(describe("{{ A B }}") == "");
  CHECK(describe("{{}}") == "");
  CHECK(describe("{{ }}") == "");
  CHECK(describe("{ HOST }") == "");
}

TEST_CASE("find_references: an unclosed reference is not one - and does not hide later ones") {
  CHECK(describe("{{ X") == "");
  CHECK(describe("{{ X }") == "");
  CHECK(describe("{{ X {{ Y }}") == "Y@5+7");
  CHECK(describe("{{{ Z }}") == "Z@1+7");
}

TEST_CASE("find_references finds several references in order") {
  CHECK(describe("{{A}}{{ B }} and {{ C }}") == "A@0+5 B@5+7 C@17+7");
  CHECK(describe("{{ A }} {{.Go}} {{ B }}") == "A@0+7 B@16+7");
  CHECK(describe("{{ A }}\n{{ A }}") == "A@0+7 A@8+7");
}

TEST_CASE("find_references on text without references") {
  CHECK(find_references("").empty());
  CHECK(find_references("plain command").empty());
  CHECK(find_references("}} {{").empty());
}

TEST_CASE("is_identifier") {
  CHECK(is_identifier("A"));
  CHECK(is_identifier("_"));
  CHECK(is_identifier("erp_DB_password_2"));
  CHECK_FALSE(is_identifier(""));
  CHECK_FALSE(is_identifier("1X"));
  CHECK_FALSE(is_identifier("a-b"));
  CHECK_FALSE(is_identifier("a b"));
  CHECK_FALSE(is_identifier("a.b"));
  CHECK_FALSE(is_identifier("caf\xC3\xA9"));
}
