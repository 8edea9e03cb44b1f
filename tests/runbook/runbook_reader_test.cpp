#include "runbook/runbook_reader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

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
  result.runbook = read_runbook(std::get<yaml::Tree>(parsed), options, result.diagnostics).runbook;
  return result;
}

const std::string id_hint =
    "ids are 1 to 128 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";

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

// --- the runbook as a whole ----------------------------------------------------------------

TEST_CASE("an empty file - or one with only comments and blank lines") {
  const std::string expected =
      "error 1:1: the file is empty [a runbook is a mapping with version, id and tasks]\n";
  CHECK(list(load("")) == expected);
  CHECK(list(load("\n\n# just a comment\n")) == expected);
}

TEST_CASE("a document that is only '---' is an empty runbook") {
  CHECK(list(load("---\n")) ==
        "error 2:1: a runbook must be a mapping, found nothing "
        "[a runbook is a mapping with version, id and tasks]\n");
}

TEST_CASE("the top level must be a mapping") {
  const std::string hint = " [a runbook is a mapping with version, id and tasks]\n";
  CHECK(list(load("- a\n- b\n")) == "error 1:1: a runbook must be a mapping, found a list" + hint);
  CHECK(list(load("hello\n")) == "error 1:1: a runbook must be a mapping, found 'hello'" + hint);
  CHECK(list(load("~\n")) == "error 1:1: a runbook must be a mapping, found nothing" + hint);
}

TEST_CASE("version - id and tasks are required - each missing one is reported at the top") {
  CHECK(list(load("title: x\n")) ==
        "error 1:1: the runbook has no 'version'\n"
        "error 1:1: the runbook has no 'id'\n"
        "error 1:1: the runbook has no 'tasks'\n");
  CHECK(list(load("\nversion: 1\nid: rb\n")) == "error 2:1: the runbook has no 'tasks'\n");
  CHECK(list(load("version: 1\ntasks:\n" + task_a)) == "error 1:1: the runbook has no 'id'\n");
}

TEST_CASE("a workstream file given as a runbook is named as one") {
  const std::string expected =
      "error 1:1: this is a workstream file, not a runbook: it has no 'version' and no 'id' "
      "[validate the runbook that includes it; a runbook starts with version: 1 and its id]\n";
  CHECK(list(load("defaults: { owner: ops }\ntasks:\n" + task_a)) == expected);
  CHECK(list(load("defaults: { owner: ops }\ninclude: []\nx-note: 1\n")) == expected);
  // A runbook key, or defaults alone, is not a workstream file's shape.
  CHECK(list(load("title: x\ntasks:\n" + task_a)) ==
        "error 1:1: the runbook has no 'version'\n"
        "error 1:1: the runbook has no 'id'\n");
  CHECK(list(load("defaults: { owner: ops }\n")) ==
        "error 1:1: the runbook has no 'version'\n"
        "error 1:1: the runbook has no 'id'\n"
        "error 1:1: the runbook has no 'tasks'\n");
}

TEST_CASE("version must be the plain number 1") {
  const std::string rest = "id: rb\ntasks:\n" + task_a;
  CHECK(list(load("version: 2\n" + rest)) ==
        "error 1:10: unsupported format version '2' [this cutover reads version 1]\n");
  CHECK(list(load("version: 1.0\n" + rest)) ==
        "error 1:10: unsupported format version '1.0' [this cutover reads version 1]\n");
  CHECK(list(load("version: \"1\"\n" + rest)) ==
        "error 1:10: 'version' must be the format version, 1, found the quoted text '1'\n");
  CHECK(list(load("version: [1]\n" + rest)) ==
        "error 1:10: 'version' must be the format version, 1, found a list\n");
  CHECK(list(load("version:\n" + rest)) ==
        "error 1:1: 'version' must be the format version, 1, found nothing\n");
}

TEST_CASE("unknown key at the top level") {
  CHECK(list(load(header + "titel: x\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key 'titel' in the runbook [did you mean 'title'?]\n");
  CHECK(list(load(header + "zzzzzz: x\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key 'zzzzzz' in the runbook [known keys: version, id, title, window, "
        "vars, secrets, defaults, phases, include, tasks, notify, go_live, identity]\n");
}

TEST_CASE("wrong types at the top level: text - list and mapping confused") {
  CHECK(list(load(header + R"(title: [a]
vars: [a]
secrets: x
phases: {a: 1}
tasks: {a: 1}
)")) == "error 3:8: 'title' must be a text, found a list\n"
        "error 4:7: 'vars' must be a mapping of NAME: value, found a list\n"
        "error 5:10: 'secrets' must be a list of environment variable names, found 'x'\n"
        "error 6:9: 'phases' must be a list of phase names, found a mapping\n"
        "error 7:8: 'tasks' must be a list of tasks, found a mapping\n");
}

TEST_CASE("an empty value is 'nothing' - located at its key") {
  CHECK(list(load(header + R"(title:
window:
defaults:
vars:
secrets:
phases:
tasks:
)")) == "error 3:1: 'title' must be a text, found nothing\n"
        "error 4:1: 'window' must be a mapping with start and duration (or end), found nothing\n"
        "error 5:1: 'defaults' must be a mapping of task settings, found nothing\n"
        "error 6:1: 'vars' must be a mapping of NAME: value, found nothing\n"
        "error 7:1: 'secrets' must be a list of environment variable names, found nothing\n"
        "error 8:1: 'phases' must be a list of phase names, found nothing\n"
        "error 9:1: 'tasks' must be a list of tasks, found nothing\n");
}

// --- ids -----------------------------------------------------------------------------------

TEST_CASE("ids like 010 - yes and 1e3 are the strings written - not numbers or booleans") {
  const auto result = load(R"(version: 1
id: 010
tasks:
  - id: 010
    run: echo
    estimate: 1m
  - id: yes
    run: echo
    estimate: 1m
    depends_on: [010]
  - id: 1e3
    run: echo
    estimate: 1m
    depends_on: yes
)");
  CHECK(list(result) == "");
  CHECK(result.runbook.id == "010");
  REQUIRE(result.runbook.tasks.size() == 3);
  CHECK(result.runbook.tasks[0].id == "010");
  CHECK(result.runbook.tasks[1].id == "yes");
  CHECK(result.runbook.tasks[2].id == "1e3");
  REQUIRE(result.runbook.tasks[1].depends_on.size() == 1);
  CHECK(result.runbook.tasks[1].depends_on[0].id == "010");
  CHECK(result.runbook.tasks[1].depends_on[0].location == Location{10, 18});
  REQUIRE(result.runbook.tasks[2].depends_on.size() == 1);
  CHECK(result.runbook.tasks[2].depends_on[0].id == "yes");
}

TEST_CASE("invalid ids - with the lowercase spelling suggested when that is valid") {
  const std::string too_long(129, 'a');
  const auto result = load(R"(version: 1
id: Bad
tasks:
  - id: Load-Data
    run: echo
    estimate: 1m
  - id: -x
    run: echo
    estimate: 1m
  - id: 'a b'
    run: echo
    estimate: 1m
  - id: )" + too_long + R"(
    run: echo
    estimate: 1m
  - id: )" + std::string(128, 'b') +
                           R"(
    run: echo
    estimate: 1m
)");
  CHECK(list(result) ==
        "error 2:5: invalid runbook id 'Bad' [ids are lowercase: 'bad']\n"
        "error 4:9: invalid task id 'Load-Data' [ids are lowercase: 'load-data']\n"
        "error 7:9: invalid task id '-x' [" +
            id_hint + "]\n" + "error 10:9: invalid task id 'a b' [" + id_hint + "]\n" +
            "error 13:9: invalid task id '" + std::string(60, 'a') + "...' [" + id_hint + "]\n");
  // Kept as written, so that what depends on them does not cascade.
  CHECK(result.runbook.id == "Bad");
  CHECK(result.runbook.tasks[0].id == "Load-Data");
}

// --- vars and secrets ----------------------------------------------------------------------

TEST_CASE("vars and secrets: invalid names - values that are not texts - a secret listed twice") {
  const auto result = load(R"(version: 1
id: rb
vars:
  1BAD: x
  good-name: y
  OK: z
  EMPTY:
  LIST: [a]
secrets: [2X, 'a b', TOKEN, TOKEN]
tasks:
  - id: a
    run: echo {{ OK }} {{ TOKEN }} {{ EMPTY }}
    estimate: 1m
)");
  CHECK(list(result) == "error 4:3: invalid var name '1BAD' [" + name_hint + "]\n" +
                            "error 5:3: invalid var name 'good-name' [" + name_hint + "]\n" +
                            "error 8:9: 'LIST' must be a text, found a list\n" +
                            "error 9:11: invalid name '2X' in 'secrets' [" + name_hint + "]\n" +
                            "error 9:15: invalid name 'a b' in 'secrets' [" + name_hint + "]\n" +
                            "error 9:29: 'TOKEN' is listed twice in 'secrets'\n");
  CHECK(result.runbook.vars == EnvVars{{"OK", "z"}, {"EMPTY", ""}});
  CHECK(result.runbook.secrets == std::vector<std::string>{"TOKEN"});
}

TEST_CASE("var values are kept as written - numbers included") {
  const auto result = load(header + "vars:\n  PORT: 05432\n  FLAG: yes\ntasks:\n" + task_a);
  CHECK(list(result) == "");
  CHECK(result.runbook.vars == EnvVars{{"PORT", "05432"}, {"FLAG", "yes"}});
}

TEST_CASE("a name that is both a var and a secret is refused at the secret") {
  CHECK(list(load(header + "vars:\n  PW: x\nsecrets: [A, PW]\ntasks:\n" + task_a)) ==
        "error 5:14: 'PW' is both a var and a secret [a secret's value comes from the "
        "environment; do not give it as a var]\n");
}

TEST_CASE("a --var naming a secret is refused at the secret - naming the --var") {
  LoadOptions options;
  options.vars = {{"PW", "x"}};
  CHECK(list(load(header + "secrets: [PW]\ntasks:\n" + task_a, options)) ==
        "error 3:11: 'PW' is both a --var and a secret [a secret's value comes from the "
        "environment; do not give it as a var]\n");
}

TEST_CASE("an empty item in a list is refused - located at the item") {
  CHECK(list(load(header + "secrets: [A, ~]\ntasks:\n" + task_a)) ==
        "error 3:14: each item of 'secrets' must be a text, found nothing\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "  -\n  - ~\n")) ==
        "error 7:4: task 2 must be a mapping, found nothing\n"
        "error 8:5: task 3 must be a mapping, found nothing\n");
  CHECK(list(load(header + "tasks:\n  - id: g\n    estimate: 1m\n    gate:\n      checks:\n"
                           "        -\n")) ==
        "error 8:10: check 1 of the gate of task 'g' must be a mapping with name and run, found "
        "nothing\n");
}

// --- the window ----------------------------------------------------------------------------

TEST_CASE("window: start and duration - or start and end") {
  const auto with_duration = load(
      header + "window:\n  start: 2026-11-28T18:00:00+01:00\n  duration: 1d12h\ntasks:\n" + task_a);
  CHECK(list(with_duration) == "");
  REQUIRE(with_duration.runbook.window.has_value());
  CHECK(with_duration.runbook.window->duration == 36h);
  CHECK(with_duration.runbook.window->location == Location{4, 3});

  const auto with_end = load(header +
                             "window:\n  start: 2026-11-28T18:00:00+01:00\n  end: "
                             "2026-11-29T17:30:00Z\ntasks:\n" +
                             task_a);
  CHECK(list(with_end) == "");
  REQUIRE(with_end.runbook.window.has_value());
  CHECK(with_end.runbook.window->duration == 24h + 30min);
  CHECK(with_end.runbook.window->start.offset_minutes == 60);
}

TEST_CASE("window: start is required") {
  const auto result = load(header + "window:\n  duration: 48h\ntasks:\n" + task_a);
  CHECK(list(result) == "error 4:3: window has no 'start'\n");
  CHECK_FALSE(result.runbook.window.has_value());
}

TEST_CASE("window: duration and end exclude each other - one of them is required") {
  CHECK(list(load(header + R"(window:
  start: 2026-11-28T18:00:00+01:00
  duration: 48h
  end: 2026-11-29T18:00:00+01:00
tasks:
)" + task_a)) == "error 6:3: window has both 'duration' and 'end' [give one of them]\n");
  CHECK(list(load(header + "window:\n  start: 2026-11-28T18:00:00+01:00\ntasks:\n" + task_a)) ==
        "error 4:3: window has neither 'duration' nor 'end'\n");
}

TEST_CASE("window: an end before the start - across UTC offsets") {
  CHECK(list(load(header +
                  "window:\n  start: 2026-11-28T18:00:00+01:00\n  end: "
                  "2026-11-28T16:59:00Z\ntasks:\n" +
                  task_a)) == "error 5:8: the window ends before it starts\n");
}

TEST_CASE("window: a duration of 0s is refused as such") {
  CHECK(list(load(header + "window:\n  start: 2026-11-28T18:00:00+01:00\n  duration: 0s\ntasks:\n" +
                  task_a)) == "error 5:13: the window's duration must be longer than 0s\n");
}

TEST_CASE("window: an end equal to the start") {
  CHECK(list(load(header +
                  "window:\n  start: 2026-11-28T18:00:00+01:00\n  end: "
                  "2026-11-28T17:00:00Z\ntasks:\n" +
                  task_a)) == "error 5:8: the window ends before it starts\n");
}

TEST_CASE("window: bad timestamps and durations - and a window that is not a mapping") {
  CHECK(list(load(header + "window:\n  start: 2026-11-28 18:00\n  duration: 1h\ntasks:\n" +
                  task_a)) ==
        "error 4:10: 'start' must be an RFC 3339 timestamp, found '2026-11-28 18:00' "
        "[e.g. 2026-11-28T18:00:00+01:00]\n");
  CHECK(
      list(load(header + "window:\n  start: 2026-11-28T18:00:00+01:00\n  end: tomorrow\ntasks:\n" +
                task_a)) ==
      "error 5:8: 'end' must be an RFC 3339 timestamp, found 'tomorrow' "
      "[e.g. 2026-11-28T18:00:00+01:00]\n");
  CHECK(list(load(header +
                  "window:\n  start: 2026-11-28T18:00:00+01:00\n  duration: forever\ntasks:\n" +
                  task_a)) ==
        "error 5:13: 'duration' must be a duration, found 'forever' [" + duration_hint + "]\n");
  CHECK(list(load(header + "window: 48h\ntasks:\n" + task_a)) ==
        "error 3:9: 'window' must be a mapping with start and duration (or end), found '48h'\n");
}

TEST_CASE("unknown key in window") {
  CHECK(list(load(header +
                  "window:\n  start: 2026-11-28T18:00:00+01:00\n  duration: 48h\n  durration: "
                  "48h\n  zz: 1\ntasks:\n" +
                  task_a)) ==
        "error 6:3: unknown key 'durration' in window [did you mean 'duration'?]\n"
        "error 7:3: unknown key 'zz' in window [known keys: start, duration, end]\n");
}
