// The machine formats (diagnostics_formats.cpp): JSON, JUnit XML, GitHub workflow commands.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/runbook/diagnostics.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using cutover::testing::with_source;

TEST_CASE("render_json: every file with its counts and diagnostics") {
  auto bad = with_source("bad.yaml", "x\n");
  bad.error({3, 5}, "unknown key 'x'", "did you mean 'id'?");
  bad.warning({4, 1}, "task 'a' has no estimate");
  FileDiagnostics good("good.yaml");
  CHECK(render_json({bad, good}) ==
        R"({
  "files": [
    {
      "file": "bad.yaml",
      "valid": false,
      "errors": 1,
      "warnings": 1,
      "omitted": 0,
      "diagnostics": [
        {
          "severity": "error",
          "line": 3,
          "column": 5,
          "message": "unknown key 'x'",
          "hint": "did you mean 'id'?"
        },
        {
          "severity": "warning",
          "line": 4,
          "column": 1,
          "message": "task 'a' has no estimate",
          "hint": ""
        }
      ]
    },
    {
      "file": "good.yaml",
      "valid": true,
      "errors": 0,
      "warnings": 0,
      "omitted": 0,
      "diagnostics": []
    }
  ],
  "errors": 1,
  "warnings": 1
}
)");
}

TEST_CASE("render_json escapes quotes - backslashes and control characters") {
  FileDiagnostics file("a\"b.yaml");
  file.error({1, 1}, "say \"hi\"\\\n");
  const std::string json = render_json({file});
  CHECK(json.find(R"("file": "a\"b.yaml")") != std::string::npos);
  CHECK(json.find(R"("message": "say \"hi\"\\\n")") != std::string::npos);
}

TEST_CASE("render_junit: one testcase per file - errors as a failure - warnings as output") {
  auto bad = with_source("bad.yaml", "");
  bad.error({3, 5}, "unknown key 'x'", "did you mean 'id'?");
  bad.warning({4, 1}, "no estimate");
  FileDiagnostics good("good.yaml");
  CHECK(render_junit({bad, good}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"cutover validate\" tests=\"2\" failures=\"1\">\n"
        "  <testsuite name=\"cutover validate\" tests=\"2\" failures=\"1\">\n"
        "    <testcase classname=\"cutover.validate\" name=\"bad.yaml\" file=\"bad.yaml\">\n"
        "      <failure message=\"1 error(s)\" type=\"invalid runbook\">"
        "bad.yaml:3:5: error: unknown key &apos;x&apos; (did you mean &apos;id&apos;?)\n"
        "</failure>\n"
        "      <system-out>bad.yaml:4:1: warning: no estimate\n</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"cutover.validate\" name=\"good.yaml\" file=\"good.yaml\">\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("render_junit escapes < - & - \" and > in names and messages") {
  FileDiagnostics file("a&b\".yaml");
  file.error({1, 2}, "x < y && z > \"w\"");
  const std::string xml = render_junit({file});
  CHECK(xml.find("name=\"a&amp;b&quot;.yaml\" file=\"a&amp;b&quot;.yaml\"") != std::string::npos);
  CHECK(xml.find(">a&amp;b&quot;.yaml:1:2: error: x &lt; y &amp;&amp; z &gt; &quot;w&quot;\n<") !=
        std::string::npos);
  CHECK(xml.find("a&b") == std::string::npos);
}

TEST_CASE("render_junit replaces control characters XML cannot hold") {
  FileDiagnostics file("f.yaml");
  file.error({1, 1}, std::string("bell\x07 tab\t"));
  const std::string xml = render_junit({file});
  CHECK(xml.find("bell? tab\t") != std::string::npos);
}

TEST_CASE("render_github: workflow commands with file - line - col and title") {
  auto file = with_source("rb.yaml", "");
  file.error({3, 5}, "unknown key 'x'", "did you mean 'id'?");
  file.warning({4, 0}, "no estimate");
  file.error({}, "file level");
  CHECK(render_github({file}) ==
        "::error file=rb.yaml,line=3,col=5,title=cutover::unknown key 'x' (did you mean 'id'?)\n"
        "::warning file=rb.yaml,line=4,title=cutover::no estimate\n"
        "::error file=rb.yaml,title=cutover::file level\n");
}

TEST_CASE("render_github escaping: % - CR and LF everywhere - ':' and ' -' only in properties") {
  FileDiagnostics file("C:/runbooks/a,b.yaml");
  file.error({1, 2}, "100% sure: a, b\r\nnext line");
  CHECK(render_github({file}) ==
        "::error file=C%3A/runbooks/a%2Cb.yaml,line=1,col=2,title=cutover::"
        "100%25 sure: a, b%0D%0Anext line\n");
}

TEST_CASE("render_github of several files - and of none") {
  FileDiagnostics a("a.yaml");
  a.error({1, 1}, "x");
  FileDiagnostics b("b.yaml");
  b.warning({2, 2}, "y");
  CHECK(render_github({a, b}) ==
        "::error file=a.yaml,line=1,col=1,title=cutover::x\n"
        "::warning file=b.yaml,line=2,col=2,title=cutover::y\n");
  CHECK(render_github({}) == "");
}
