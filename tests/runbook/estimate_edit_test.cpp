// Estimates written into a runbook's own text: only the values change, byte for byte elsewhere.
#include "cutover/runbook/estimate_edit.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "cutover/base/errors.hpp"
#include "cutover/runbook/loader.hpp"

using namespace cutover;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

Runbook loaded(const std::string& text) {
  LoadResult result = load_runbook_text(text, "runbook.yaml", {});
  REQUIRE_FALSE(result.diagnostics.has_errors());
  return std::move(result.runbook);
}

EditedRunbook edit(const std::string& text,
                   const std::vector<std::pair<std::string, Duration>>& wanted) {
  return edit_estimates(text, loaded(text), wanted, "runbook.yaml");
}

}  // namespace

TEST_CASE("estimate edit: values replaced in place - quotes - comments - flow mappings kept") {
  const std::string text =
      "version: 1\n"
      "id: rb\n"
      "tasks:\n"
      "  - id: a          # the first\n"
      "    estimate: 20m  # a guess\n"
      "    run: echo a\n"
      "  - id: b\n"
      "    estimate: '1h30m'\n"
      "    run: echo b\n"
      "  - {id: c, estimate: \"5m\", run: echo c}\n";
  const EditedRunbook edited =
      edit(text, {{"a", minutes(25)}, {"b", minutes(90)}, {"c", seconds(45)}});
  CHECK(edited.text ==
        "version: 1\n"
        "id: rb\n"
        "tasks:\n"
        "  - id: a          # the first\n"
        "    estimate: 25m  # a guess\n"
        "    run: echo a\n"
        "  - id: b\n"
        "    estimate: '1h30m'\n"
        "    run: echo b\n"
        "  - {id: c, estimate: \"45s\", run: echo c}\n");
  // b already had its value: left alone.
  REQUIRE(edited.changes.size() == 2);
  CHECK(edited.changes[0].task == "a");
  CHECK(edited.changes[0].from == Duration{minutes(20)});
  CHECK(edited.changes[0].to == Duration{minutes(25)});
  CHECK(edited.changes[1].task == "c");
}

TEST_CASE("estimate edit: a missing estimate goes after the id line - indented as the id key") {
  const std::string text =
      "version: 1\r\n"
      "id: rb\r\n"
      "tasks:\r\n"
      "  -   title: Load\r\n"
      "      id: load\r\n"
      "      run: echo load\r\n"
      "  - id: last\r\n"
      "    run: echo last";
  const EditedRunbook edited = edit(text, {{"load", minutes(7)}, {"last", seconds(30)}});
  CHECK(edited.text ==
        "version: 1\r\n"
        "id: rb\r\n"
        "tasks:\r\n"
        "  -   title: Load\r\n"
        "      id: load\r\n"
        "      estimate: 7m\r\n"
        "      run: echo load\r\n"
        "  - id: last\r\n"
        "    estimate: 30s\r\n"
        "    run: echo last");
  CHECK(loaded(edited.text).tasks[0].estimate == Duration{minutes(7)});
  CHECK(loaded(edited.text).tasks[1].estimate == Duration{seconds(30)});
}

TEST_CASE("estimate edit: the id on the last line without a line end") {
  const std::string text = "version: 1\nid: rb\ntasks:\n  - run: echo\n    id: only";
  const EditedRunbook edited = edit(text, {{"only", minutes(2)}});
  CHECK(edited.text == "version: 1\nid: rb\ntasks:\n  - run: echo\n    id: only\n    estimate: 2m");
}

TEST_CASE("estimate edit: a unified diff with three lines of context - hunks merged") {
  std::string text = "version: 1\nid: rb\ntasks:\n";
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) {
    text += std::string("  - id: ") + id + "\n    estimate: 1m\n    run: echo\n";
  }
  const EditedRunbook edited =
      edit(text, {{"a", minutes(2)}, {"b", minutes(3)}, {"f", minutes(4)}});
  CHECK(edited.diff ==
        "--- runbook.yaml\n"
        "+++ runbook.yaml\n"
        "@@ -2,10 +2,10 @@\n"
        " id: rb\n"
        " tasks:\n"
        "   - id: a\n"
        "-    estimate: 1m\n"
        "+    estimate: 2m\n"
        "     run: echo\n"
        "   - id: b\n"
        "-    estimate: 1m\n"
        "+    estimate: 3m\n"
        "     run: echo\n"
        "   - id: c\n"
        "     estimate: 1m\n"
        "@@ -17,5 +17,5 @@\n"
        "     estimate: 1m\n"
        "     run: echo\n"
        "   - id: f\n"
        "-    estimate: 1m\n"
        "+    estimate: 4m\n"
        "     run: echo\n");
  CHECK(edit(text, {{"a", minutes(1)}}).diff.empty());
}

TEST_CASE("estimate edit: an insertion shifts the new side's line numbers in the diff") {
  std::string text = "version: 1\nid: rb\ntasks:\n  - id: a\n    run: echo\n";
  for (const char* id : {"b", "c", "d"}) {
    text += std::string("  - id: ") + id + "\n    estimate: 1m\n    run: echo\n";
  }
  const EditedRunbook edited = edit(text, {{"a", minutes(2)}, {"d", minutes(3)}});
  CHECK(edited.diff.find("@@ -2,6 +2,7 @@\n") != std::string::npos);
  CHECK(edited.diff.find("@@ -10,5 +11,5 @@\n") != std::string::npos);
}

TEST_CASE("estimate edit refuses what it cannot place - every place named - nothing changed") {
  const std::string text =
      "version: 1\n"
      "id: rb\n"
      "tasks:\n"
      "  - {id: a, run: echo}\n"
      "  - id: b\n"
      "    estimate: &common 5m\n"
      "    run: echo\n"
      "  - id: c\n"
      "    estimate: *common\n"
      "    run: echo\n"
      "  - id: d\n"
      "    estimate: >-\n"
      "      5m\n"
      "    run: echo\n";
  const Runbook runbook = loaded(text);
  CHECK_THROWS_WITH_AS(
      edit_estimates(text, runbook, {{"a", minutes(1)}, {"c", minutes(1)}, {"d", minutes(1)}},
                     "runbook.yaml"),
      "cannot write the estimates, nothing was changed:\n"
      "runbook.yaml:4:6: the estimate of task 'a' cannot be placed: it is written as a flow "
      "mapping ({ ... }) without an estimate: add `estimate:` to it by hand\n"
      "runbook.yaml:8:9: the estimate of task 'c' cannot be placed: it is given through an "
      "alias: change it where the anchor is\n"
      "runbook.yaml:12:15: the estimate of task 'd' cannot be placed: its estimate is not "
      "written as one plain value ('>-')",
      UsageError);
  // b's own value can change, though c refers to it: not b's alone to change.
  CHECK(edit_estimates(text, runbook, {{"b", minutes(1)}}, "runbook.yaml")
            .text.find("estimate: &common 1m") != std::string::npos);
}

TEST_CASE("estimate edit: a value merged into several tasks is refused") {
  const std::string text =
      "version: 1\n"
      "id: rb\n"
      "tasks:\n"
      "  - &step\n"
      "    id: a\n"
      "    estimate: 5m\n"
      "    run: echo\n"
      "  - <<: *step\n"
      "    id: b\n";
  CHECK_THROWS_WITH_AS(edit(text, {{"b", minutes(1)}}),
                       "cannot write the estimates, nothing was changed:\n"
                       "runbook.yaml:6:15: the estimate of task 'b' cannot be placed: its value "
                       "is shared with other tasks (a merge key): change it by hand",
                       UsageError);
}

TEST_CASE("estimate edit: two estimates on one line - both changed and the diff shows the line") {
  const std::string text =
      "version: 1\nid: rb\ntasks: [{id: a, estimate: 1m, run: x}, {id: b, estimate: 2m, run: y}]\n";
  const EditedRunbook edited = edit(text, {{"a", minutes(3)}, {"b", minutes(4)}});
  CHECK(edited.text ==
        "version: 1\nid: rb\ntasks: [{id: a, estimate: 3m, run: x}, {id: b, estimate: 4m, run: "
        "y}]\n");
  CHECK(edited.diff ==
        "--- runbook.yaml\n+++ runbook.yaml\n@@ -1,3 +1,3 @@\n version: 1\n id: rb\n"
        "-tasks: [{id: a, estimate: 1m, run: x}, {id: b, estimate: 2m, run: y}]\n"
        "+tasks: [{id: a, estimate: 3m, run: x}, {id: b, estimate: 4m, run: y}]\n");
}
