#include "runbook/runbook_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

struct Read {
  Runbook runbook;
  FileDiagnostics diagnostics;
};

// The YAML text read into the model, without the checks that need the whole runbook. With
// `source`, the diagnostics hold the text, as read_runbook asks.
Read read(const std::string& text, const LoadOptions& options = {}, bool source = true) {
  Read result{{}, FileDiagnostics("rb.yaml")};
  if (source) result.diagnostics.set_source(text);
  auto parsed = yaml::parse(text);
  REQUIRE(std::holds_alternative<yaml::Tree>(parsed));
  result.runbook = read_runbook(std::get<yaml::Tree>(parsed), options, result.diagnostics);
  return result;
}

}  // namespace

TEST_CASE("runbook reader: the model as written - without the whole-runbook checks") {
  // An unknown dependency, a duplicate id and a missing estimate are the checks' to report.
  const Read result = read(header + R"(title: Go live
tasks:
  - id: a
    run: echo a
    depends_on: [nope]
  - id: a
    manual: Do it.
)");
  CHECK(list(result.diagnostics) == "");
  const Runbook& runbook = result.runbook;
  CHECK(runbook.version == 1);
  CHECK(runbook.id == "rb");
  CHECK(runbook.title == "Go live");
  CHECK(runbook.title_location == Location{3, 8});
  REQUIRE(runbook.tasks.size() == 2);
  const Task& a = runbook.tasks[0];
  CHECK(a.location == Location{5, 9});
  CHECK(std::get<Command>(a.kind).run == "echo a");
  REQUIRE(a.depends_on.size() == 1);
  CHECK(a.depends_on[0].id == "nope");
  CHECK(a.depends_on[0].location == Location{7, 18});
  CHECK_FALSE(a.estimate);
  CHECK(runbook.tasks[1].is_manual());
}

TEST_CASE("runbook reader: an empty tree is an empty file") {
  const Read result = read("# only a comment\n");
  CHECK(list(result.diagnostics) ==
        "error 1:1: the file is empty [a runbook is a mapping with version, id and tasks]\n");
  CHECK(result.runbook.tasks.empty());
}

TEST_CASE("runbook reader: a document that is not a mapping - found what") {
  CHECK(list(read("- a\n- b\n").diagnostics) ==
        "error 1:1: a runbook must be a mapping, found a list [a runbook is a mapping with "
        "version, id and tasks]\n");
}

TEST_CASE("runbook reader: a task without an id is left out - the others are read") {
  const Read result = read(header + "tasks:\n  - run: echo\n  - id: b\n    run: echo\n");
  CHECK(list(result.diagnostics) == "error 4:5: task 1 has no 'id'\n");
  REQUIRE(result.runbook.tasks.size() == 1);
  CHECK(result.runbook.tasks[0].id == "b");
}

TEST_CASE("runbook reader: an invalid id is kept - so that its dependents do not cascade") {
  const Read result = read(header +
                           "tasks:\n  - id: Load\n    run: echo\n  - id: b\n    run: echo\n    "
                           "depends_on: Load\n");
  CHECK(list(result.diagnostics) ==
        "error 4:9: invalid task id 'Load' [ids are lowercase: "
        "'load']\n");
  REQUIRE(result.runbook.tasks.size() == 2);
  CHECK(result.runbook.tasks[0].id == "Load");
}

TEST_CASE("runbook reader: --var overrides a var and adds new ones - usable in templates") {
  LoadOptions options;
  options.vars = {{"HOST", "b"}, {"NEW", "c"}};
  const Read result = read(header +
                               "vars:\n  HOST: a\n  KEEP: k\ntasks:\n  - id: a\n    run: echo {{ "
                               "HOST }} {{ NEW }} {{ KEEP }}\n    estimate: 1m\n",
                           options);
  CHECK(list(result.diagnostics) == "");
  CHECK(result.runbook.vars == EnvVars{{"HOST", "b"}, {"KEEP", "k"}, {"NEW", "c"}});
}

TEST_CASE("runbook reader: without the --var - the same reference is an error") {
  CHECK(list(read(header + "tasks:\n  - id: a\n    run: echo {{ NEW }}\n    estimate: 1m\n")
                 .diagnostics) ==
        "error 5:15: 'NEW' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var NEW=VALUE]\n");
}

TEST_CASE("runbook reader: many --vars over many vars - replaced in place - new ones appended") {
  // 20 vars and 20 --vars: more pairs than a scan is worth, so the overrides are hashed.
  std::string text = header + "vars:\n";
  LoadOptions options;
  EnvVars expected;
  for (int i = 0; i < 20; ++i) {
    text += "  V" + std::to_string(i) + ": file" + std::to_string(i) + "\n";
    expected.emplace_back("V" + std::to_string(i), "file" + std::to_string(i));
  }
  for (int i = 10; i < 30; ++i) {
    options.vars.emplace_back("V" + std::to_string(i), "cli" + std::to_string(i));
  }
  options.vars.emplace_back("V25", "last wins");
  for (int i = 10; i < 20; ++i) expected[i].second = "cli" + std::to_string(i);
  for (int i = 20; i < 30; ++i) {
    expected.emplace_back("V" + std::to_string(i),
                          i == 25 ? "last wins" : "cli" + std::to_string(i));
  }
  text += "tasks:\n  - id: a\n    run: echo {{ V29 }}\n";
  const Read result = read(text, options);
  CHECK(list(result.diagnostics) == "");
  CHECK(result.runbook.vars == expected);
}

TEST_CASE("runbook reader: a few --vars - the same rules as many") {
  LoadOptions options;
  options.vars = {{"B", "cli"}, {"C", "new"}, {"C", "newer"}};
  const Read result =
      read(header + "vars:\n  A: a\n  B: b\ntasks:\n  - id: a\n    run: x\n", options);
  CHECK(result.runbook.vars == EnvVars{{"A", "a"}, {"B", "cli"}, {"C", "newer"}});
}

TEST_CASE(
    "runbook reader: an unknown name is located at its reference - at its value without "
    "the source") {
  const std::string text = header + "tasks:\n  - id: a\n    run: echo {{ NOPE }}\n";
  CHECK(list(read(text).diagnostics).starts_with("error 5:15: 'NOPE' is not a var"));
  CHECK(list(read(text, {}, false).diagnostics).starts_with("error 5:10: 'NOPE' is not a var"));
}
