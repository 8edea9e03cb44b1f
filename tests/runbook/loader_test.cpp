#include "cutover/runbook/loader.hpp"

#include <doctest/doctest.h>

#include "support/loader_support.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cutover/base/errors.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const std::string merge_hint = "e.g. <<: *defaults, where &defaults names a mapping";

}  // namespace

// --- a valid runbook -----------------------------------------------------------------------

TEST_CASE("the contract's example runbook loads without diagnostics - every field read") {
  const auto result = load(R"(version: 1
id: erp-go-live
title: ERP go-live cutover
window:
  start: 2026-11-28T18:00:00+01:00
  duration: 48h
vars:
  LEGACY_DB: legacy-db.internal
secrets: [ERP_DB_PASSWORD]
defaults:
  timeout: 1h
  shell: [/bin/bash, -euo, pipefail, -c]
phases: [prepare, cutover, verify]
tasks:
  - id: freeze-legacy
    title: Freeze postings
    phase: cutover
    owner: finance-ops
    estimate: 20m
    run: ./scripts/freeze.sh --host {{ LEGACY_DB }}
    timeout: 10m
    retries: 2
    retry_delay: 30s
    env: { PGPASSWORD: "{{ ERP_DB_PASSWORD }}" }
    workdir: .
    rollback: ./scripts/unfreeze.sh
    on_failure: rollback
    idempotent: true
  - id: load-balances
    manual: |
      Import the opening-balance file.
    owner: finance-lead
    estimate: 2h
    depends_on: freeze-legacy
    rollback: { manual: "Reverse the journal entries." }
  - id: go-no-go
    estimate: 5m
    depends_on: [load-balances]
    gate:
      checks:
        - name: trial balance reconciles
          run: ./scripts/reconcile.sh
          expect: { exit_code: 0, stdout: "^RECONCILED" }
          retries: 10
          retry_delay: 1m
      approvals: [cutover-lead, finance-owner]
  - id: switch
    phase: verify
    estimate: 10m
    run: ./scripts/switch.sh
    depends_on: go-no-go
    point_of_no_return: true
)");
  CHECK(list(result) == "");
  const Runbook& runbook = result.runbook;
  CHECK(runbook.file == "rb.yaml");
  CHECK(runbook.version == 1);
  CHECK(runbook.id == "erp-go-live");
  CHECK(runbook.title == "ERP go-live cutover");
  REQUIRE(runbook.window.has_value());
  CHECK(runbook.window->duration == 48h);
  CHECK(runbook.window->start.offset_minutes == 60);
  CHECK(runbook.window->location == Location{5, 3});
  CHECK(runbook.vars == EnvVars{{"LEGACY_DB", "legacy-db.internal"}});
  CHECK(runbook.secrets == std::vector<std::string>{"ERP_DB_PASSWORD"});
  CHECK(runbook.phases == std::vector<std::string>{"prepare", "cutover", "verify"});
  REQUIRE(runbook.tasks.size() == 4);

  const Task& freeze = runbook.tasks[0];
  CHECK(freeze.id == "freeze-legacy");
  CHECK(freeze.location == Location{15, 9});
  CHECK(freeze.title == "Freeze postings");
  CHECK(freeze.phase == "cutover");
  CHECK(freeze.phase_location == Location{17, 12});
  CHECK(freeze.owner == "finance-ops");
  CHECK(freeze.estimate == 20min);
  REQUIRE(freeze.is_command());
  CHECK(std::get<Command>(freeze.kind).run == "./scripts/freeze.sh --host {{ LEGACY_DB }}");
  CHECK(freeze.timeout == 10min);
  CHECK(freeze.retries == 2);
  CHECK(freeze.retry_delay == 30s);
  CHECK(freeze.env == EnvVars{{"PGPASSWORD", "{{ ERP_DB_PASSWORD }}"}});
  CHECK(freeze.workdir == ".");
  REQUIRE(freeze.rollback.has_value());
  CHECK(std::get<CommandRollback>(*freeze.rollback).run == "./scripts/unfreeze.sh");
  CHECK_FALSE(std::get<CommandRollback>(*freeze.rollback).timeout.has_value());
  CHECK(freeze.on_failure == OnFailure::rollback);
  CHECK(freeze.idempotent);
  CHECK_FALSE(freeze.point_of_no_return);
  CHECK(freeze.shell == std::vector<std::string>{"/bin/bash", "-euo", "pipefail", "-c"});

  const Task& balances = runbook.tasks[1];
  REQUIRE(balances.is_manual());
  CHECK(std::get<Manual>(balances.kind).instructions == "Import the opening-balance file.\n");
  REQUIRE(balances.depends_on.size() == 1);
  CHECK(balances.depends_on[0].id == "freeze-legacy");
  CHECK(balances.depends_on[0].location == Location{34, 17});
  REQUIRE(balances.rollback.has_value());
  CHECK(std::get<ManualRollback>(*balances.rollback).instructions ==
        "Reverse the journal entries.");
  CHECK(balances.timeout == 1h);  // from defaults

  const Task& gate_task = runbook.tasks[2];
  REQUIRE(gate_task.is_gate());
  const Gate& gate = std::get<Gate>(gate_task.kind);
  REQUIRE(gate.checks.size() == 1);
  CHECK(gate.checks[0].name == "trial balance reconciles");
  CHECK(gate.checks[0].run == "./scripts/reconcile.sh");
  CHECK(gate.checks[0].expect.exit_code == 0);
  CHECK(gate.checks[0].expect.stdout_pattern == "^RECONCILED");
  CHECK_FALSE(gate.checks[0].expect.stderr_pattern.has_value());
  CHECK(gate.checks[0].retries == 10);
  CHECK(gate.checks[0].retry_delay == 1min);
  CHECK(gate.checks[0].location == Location{41, 11});
  CHECK(gate.approvals == std::vector<std::string>{"cutover-lead", "finance-owner"});

  CHECK(runbook.tasks[3].point_of_no_return);
}

// --- YAML and the file as a whole ----------------------------------------------------------

TEST_CASE("a ': ' inside a value is located at that colon") {
  const auto result = load(header + "tasks:\n  - id: a\n    run: echo: x\n");
  CHECK(list(result) ==
        "error 5:14: a ': ' inside a value [quote the value, or check the indentation]\n");
  CHECK(result.runbook.tasks.empty());
}

// Syntax errors in a runbook author's words: each names the cause and points where to fix it.

TEST_CASE("syntax in words: an unclosed bracket is located where it opened") {
  CHECK(list(load(header + "tasks: [a, b\n")) ==
        "error 3:8: this '[' is never closed [the parser reached line 4 without finding its ']': "
        "close it, or check for a missing ',']\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    depends_on: {x: 1\n")) ==
        "error 5:17: this '{' is never closed [the parser reached line 6 without finding its '}': "
        "close it, or check for a missing ',']\n");
}

TEST_CASE("syntax in words: a tab used for indentation") {
  CHECK(list(load(header + "tasks:\n\t- id: a\n")) ==
        "error 4:1: tabs cannot indent YAML; use spaces "
        "[set your editor to insert spaces for the Tab key in YAML files]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n  \trun: x\n")) ==
        "error 5:3: tabs cannot indent YAML; use spaces "
        "[set your editor to insert spaces for the Tab key in YAML files]\n");
}

TEST_CASE("syntax in words: a key indented more than the one above it") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n      estimate: 1m\n")) ==
        "error 6:7: 'estimate' is indented more than 'run' above it (line 5), which has a value "
        "already [keys of one mapping line up: move it to column 5]\n");
}

TEST_CASE("syntax in words: a key indented less than its siblings - between two blocks") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n   estimate: 1m\n")) ==
        "error 6:4: 'estimate' at column 4 lines up with no block above it [it falls between "
        "'run' (line 5) at column 5 and the '-' of line 4 at column 3: line it up with the block "
        "it belongs to]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n  estimate: 1m\n")) ==
        "error 6:3: 'estimate' lines up with the '-' of line 4, but is not a list item "
        "[indent it to column 5 to belong to the item of line 4, or start a new item with '- ']\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n - id: b\n")) ==
        "error 6:2: this '-' at column 2 lines up with no block above it [it falls between the "
        "'-' of line 4 at column 3 and 'tasks' (line 3) at column 1: line it up with the block it "
        "belongs to]\n");
}

TEST_CASE("syntax in words: a key without its ':'") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    title database\n    run: x\n")) ==
        "error 5:5: 'title database' has no ':' after its key [a key is followed by ': ', a colon "
        "and a space; without it this line runs into the next one]\n");
  // yaml-cpp would read a lone word as a key with no value; it is refused instead.
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n    idempotent\n")) ==
        "error 6:5: 'idempotent' has no ':' after it [a key is followed by ': ', a colon and a "
        "space]\n");
}

TEST_CASE("syntax in words: no space after a key's ':'") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run:echo\n    estimate: 1m\n")) ==
        "error 5:8: no space after this ':' [a key is followed by ': ', a colon and a space, as "
        "in 'run: echo']\n");
}

TEST_CASE("syntax in words: an unclosed quote is located where it opened") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: \"echo hi\n")) ==
        "error 5:10: this \" is never closed [a quoted value ends at its closing quote: add the "
        "missing one]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: 'echo hi\n    estimate: '1m'\n")) ==
        "error 5:10: this quoted value runs on to the next line [is its closing quote missing? "
        "The text up to line 6 was read as part of it]\n");
}

TEST_CASE("syntax in words: a line after the top-level block that does not continue it") {
  CHECK(list(load("- id: a\n" + header)) ==
        "error 2:1: this line does not continue the block above it [a runbook is one mapping: "
        "check this line's indentation, and whether the lines above it are list items ('- ') or "
        "keys]\n");
}

TEST_CASE("syntax in words: a flow collection closed but unreadable says so - not 'never closed'") {
  // Valid YAML that yaml-cpp 0.7 cannot read: a flow mapping's key on a line of its own.
  CHECK(list(load(header + "x-a: {\"k\"\n  : v}\n")) ==
        "error 3:6: the '{ ... }' that starts here cannot be read [the parser stopped at line 3, "
        "column 7: write it on one line with ',' between items, or as a block]\n");
}

// --- duplicate keys ------------------------------------------------------------------------

TEST_CASE("duplicate keys are errors at every level - the first value kept") {
  SUBCASE("top level") {
    const auto result = load(header + "id: other\ntasks:\n" + task_a);
    CHECK(list(result) == "error 3:1: duplicate key 'id' in the runbook [first given at line 2]\n");
    CHECK(result.runbook.id == "rb");
  }
  SUBCASE("quoted and plain spellings of a key are the same key") {
    CHECK(list(load(header + "\"id\": other\ntasks:\n" + task_a)) ==
          "error 3:1: duplicate key 'id' in the runbook [first given at line 2]\n");
  }
  SUBCASE("window") {
    CHECK(list(load(header + R"(window:
  start: 2026-11-28T18:00:00+01:00
  duration: 48h
  start: 2026-11-29T18:00:00+01:00
tasks:
)" + task_a)) == "error 6:3: duplicate key 'start' in window [first given at line 4]\n");
  }
  SUBCASE("vars") {
    const auto result = load(header + "vars:\n  A: '1'\n  A: '2'\ntasks:\n" + task_a);
    CHECK(list(result) == "error 5:3: duplicate key 'A' in 'vars' [first given at line 4]\n");
    CHECK(result.runbook.vars == EnvVars{{"A", "1"}});
  }
  SUBCASE("defaults") {
    const auto result = load(header + "defaults:\n  owner: x\n  owner: y\ntasks:\n" + task_a);
    CHECK(list(result) == "error 5:3: duplicate key 'owner' in defaults [first given at line 4]\n");
    CHECK(task(result, "a").owner == "x");
  }
  SUBCASE("task") {
    const auto result = load(header + "tasks:\n" + task_a + "    run: other\n");
    CHECK(list(result) == "error 7:5: duplicate key 'run' in task 'a' [first given at line 5]\n");
    CHECK(std::get<Command>(task(result, "a").kind).run == "echo");
  }
  SUBCASE("task env") {
    CHECK(list(load(header + "tasks:\n" + task_a + "    env: {A: 1, A: 2}\n")) ==
          "error 7:17: duplicate key 'A' in 'env' [first given at line 7]\n");
  }
  SUBCASE("gate") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: [x]
      approvals: [y]
)")) == "error 8:7: duplicate key 'approvals' in the gate of task 'a' [first given at line 7]\n");
  }
  SUBCASE("gate check") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          name: m
)")) == "error 10:11: duplicate key 'name' in check 1 of the gate of task 'a' "
        "[first given at line 8]\n");
  }
  SUBCASE("expect") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          expect: {stdout: a, stdout: b}
)")) == "error 10:31: duplicate key 'stdout' in the expectations of check 1 of the gate of "
        "task 'a' [first given at line 10]\n");
  }
  SUBCASE("rollback") {
    CHECK(
        list(load(header + "tasks:\n" + task_a + "    rollback:\n      run: x\n      run: y\n")) ==
        "error 9:7: duplicate key 'run' in the rollback of task 'a' [first given at line 8]\n");
  }
}

TEST_CASE("a mapping of more than 64 keys (the hashed path) still finds a duplicate key") {
  std::string text = header + "tasks:\n" + task_a + "vars:\n";
  for (int i = 0; i < 100; ++i) text += "  V" + std::to_string(i) + ": x\n";
  SUBCASE("unique keys") {
    const auto result = load(text);
    CHECK(list(result) == "");
    CHECK(result.runbook.vars.size() == 100);
  }
  SUBCASE("one duplicate") {
    // V50 is on line 7 + 1 + 50 = 58; the duplicate after the 100 keys on line 108.
    const auto result = load(text + "  V50: y\n");
    CHECK(list(result) == "error 108:3: duplicate key 'V50' in 'vars' [first given at line 58]\n");
    CHECK(result.runbook.vars.size() == 100);
    CHECK(result.runbook.vars[50] == std::pair<std::string, std::string>{"V50", "x"});
  }
}

// --- types ---------------------------------------------------------------------------------

TEST_CASE("a value quoted back in a message is cut at 60 characters and kept on one line") {
  const std::string long_value(70, 'x');
  CHECK(list(load(header + "tasks: " + long_value + "\n")) ==
        "error 3:8: 'tasks' must be a list of tasks, found '" + std::string(60, 'x') + "...'\n");
  CHECK(list(load(header + "tasks: \"a\\nb\"\n")) ==
        "error 3:8: 'tasks' must be a list of tasks, found the quoted text 'a b'\n");
}

// --- durations -----------------------------------------------------------------------------

TEST_CASE("warnings are left out while there are errors: they would mostly echo them") {
  // No "has no estimate" for the task whose estimate is invalid, nor for 'm' (no estimate,
  // no owner): those warnings come once the errors are fixed.
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: echo\n    estimate: soon\n  - id: m\n    "
                           "manual: x\n")) ==
        "error 6:15: 'estimate' must be a duration, found 'soon' [" + duration_hint + "]\n");
}

// --- warnings ------------------------------------------------------------------------------

TEST_CASE("--strict: promote_warnings makes every warning an error") {
  auto result = load(header + "tasks:\n  - id: a\n    run: echo\n  - id: m\n    manual: x\n");
  CHECK(result.diagnostics.error_count() == 0);
  CHECK(result.diagnostics.warning_count() == 3);
  result.diagnostics.promote_warnings();
  CHECK(result.diagnostics.error_count() == 3);
  CHECK(result.diagnostics.warning_count() == 0);
  CHECK(list(result) ==
        "error 4:9: task 'a' has no estimate [the plan counts it as 0; add e.g. estimate: 15m]\n"
        "error 6:9: task 'm' has no estimate [the plan counts it as 0; add e.g. estimate: 15m]\n"
        "error 6:9: manual task 'm' has no owner [say who does it: owner: <team or person>]\n");
}

// --- several problems ----------------------------------------------------------------------

TEST_CASE("every error is reported - sorted in file order whatever found it") {
  // The unknown dependency (line 7) is found after the structural errors below it.
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    depends_on: nope
  - id: b
    run: echo
    estimate: 1h1h
    zzz: 1
  - id: Bad
    manual: x
    owner: o
)");
  CHECK(list(result) ==
        "error 7:17: task 'a' depends on 'nope', which is not a task\n"
        "error 10:15: 'estimate' must be a duration, found '1h1h' [" +
            duration_hint + "]\n" + "error 11:5: unknown key 'zzz' in task 'b' [" +
            known_task_keys + "]\n" +
            "error 12:9: invalid task id 'Bad' [ids are lowercase: 'bad']\n");
  const auto& items = result.diagnostics.items();
  CHECK(std::is_sorted(items.begin(), items.end(), [](const Diagnostic& x, const Diagnostic& y) {
    return x.location < y.location;
  }));
}

// --- anchors, aliases and merge keys -------------------------------------------------------

TEST_CASE("anchors and aliases: a rollback given once - used twice") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: &undo ./undo.sh
  - id: b
    run: echo
    estimate: 1m
    rollback: *undo
)");
  CHECK(list(result) == "");
  CHECK(std::get<CommandRollback>(*task(result, "b").rollback).run == "./undo.sh");
}

TEST_CASE("merge keys: <<: *base in a task - explicit keys win") {
  const auto result = load(header + R"(tasks:
  - &base
    id: a
    run: echo
    estimate: 1m
    owner: ops
    retries: 2
  - <<: *base
    id: b
    retries: 3
)");
  CHECK(list(result) == "");
  const Task& b = task(result, "b");
  CHECK(b.owner == "ops");
  CHECK(b.retries == 3);
  CHECK(b.estimate == 1min);
  CHECK(std::get<Command>(b.kind).run == "echo");
  CHECK(b.location == Location{11, 9});
}

TEST_CASE("merge keys: a list of mappings - earlier ones win - explicit keys over all") {
  const auto result = load(header + R"(tasks:
  - id: a
    <<: [{owner: o1, retries: 1}, {owner: o2, retries: 2, estimate: 2m, title: t2}]
    run: x
    title: mine
)");
  CHECK(list(result) == "");
  const Task& a = task(result, "a");
  CHECK(a.owner == "o1");
  CHECK(a.retries == 1);
  CHECK(a.estimate == 2min);
  CHECK(a.title == "mine");
}

TEST_CASE("x- keys at the top level are extensions: a home for anchors - otherwise ignored") {
  const auto result = load(header + "x-common: &common {owner: ops}\nx-notes: [anything, 1]\n" +
                           "defaults:\n  <<: *common\ntasks:\n" + task_a);
  CHECK(list(result) == "");
  CHECK(task(result, "a").owner == "ops");
}

TEST_CASE("x- keys are extensions only at the top level") {
  CHECK(list(load(header + "tasks:\n" + task_a + "    x-note: hi\n")) ==
        "error 7:5: unknown key 'x-note' in task 'a' [" + known_task_keys + "]\n");
  CHECK(list(load(header + "x: 1\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key 'x' in the runbook [known keys: version, id, title, window, "
        "vars, secrets, defaults, phases, tasks]\n");
}

TEST_CASE("a merge of something other than mappings is refused") {
  const std::string hint = " [" + merge_hint + "]\n";
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<: hello\n")) ==
        "error 7:9: a merge key '<<' in task 'a' needs a mapping or a list of mappings, "
        "found 'hello'" +
            hint);
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<: [{owner: x}, 3]\n")) ==
        "error 7:9: a merge key '<<' in task 'a' needs a mapping or a list of mappings" + hint);
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<:\n")) ==
        "error 7:8: a merge key '<<' in task 'a' needs a mapping or a list of mappings, "
        "found nothing" +
            hint);
}

TEST_CASE("a quoted '<<' is an ordinary key") {
  CHECK(list(load(header + "tasks:\n" + task_a + "    '<<': {owner: x}\n")) ==
        "error 7:5: unknown key '<<' in task 'a' [" + known_task_keys + "]\n");
}

// A duplicate (or unknown) key inside a mapping that others merge is reported once, where it
// is written, not again for each mapping merging it.
TEST_CASE("a problem inside a merged mapping is reported once") {
  CHECK(list(load(header + R"(tasks:
  - &base
    id: a
    run: echo
    estimate: 1m
    owner: x
    owner: y
  - <<: *base
    id: b
)")) == "error 9:5: duplicate key 'owner' in task 'a' [first given at line 8]\n");
}

TEST_CASE("an alias to an undefined anchor") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: echo\n    rollback: *undo\n")) ==
        "error 6:15: the alias *undo names no anchor defined before it\n");
}

TEST_CASE("a recursive alias") {
  CHECK(list(load(header + "tasks: &t\n  - id: a\n    run: echo\n    x: *t\n")) ==
        "error 6:8: the alias *t is inside the node it names [a recursive alias would expand "
        "forever]\n");
}

TEST_CASE("an alias bomb (billion laughs) is refused promptly") {
  std::string text = header + "tasks:\n" + task_a + "a0: &a0 [lol]\n";
  for (int level = 1; level <= 9; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *a" : "*a") + std::to_string(level - 1);
    text += "]\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = load(text);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  // a6's fourth alias takes the expansion past 1,000,000 nodes.
  CHECK(list(result) ==
        "error 13:25: aliases expand this document by more than 1000000 nodes "
        "[this looks like an alias bomb; write the content out or use fewer aliases]\n");
}

// --- hostile and unusual input -------------------------------------------------------------

TEST_CASE("block nesting deeper than 64 levels is refused where it goes too deep") {
  std::string text = header + "x:\n";
  for (int i = 0; i < 70; ++i) {
    text += std::string(2 * static_cast<std::size_t>(i + 1), ' ') + "k" + std::to_string(i) + ":\n";
  }
  // The mapping that starts with k63 is the 65th level (the top one is the 1st).
  CHECK(list(load(text)) ==
        "error 67:129: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
}

TEST_CASE("flow nesting deeper than 64 levels is refused at the 65th bracket") {
  const std::string expected =
      "error 3:67: nesting deeper than 64 levels "
      "[a runbook needs a handful of levels; this input is not one]\n";
  CHECK(list(load(header + "x: " + std::string(70, '[') + std::string(70, ']') + "\n")) ==
        expected);
  CHECK(list(load(header + "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n")) ==
        expected);
  // Unclosed, yaml-cpp reads each '[' after the first as a flow mapping's key holding the
  // next: two levels a bracket, so the limit is crossed at the 33rd.
  CHECK(list(load(header + "x: " + std::string(5000, '[') + "\n")) ==
        "error 3:36: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
  CHECK(list(load(header + "x: " + std::string(5000, '{') + "\n")) ==
        "error 3:67: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
}

TEST_CASE("exactly 64 levels are accepted") {
  // The top mapping plus 63 lists.
  CHECK(list(load(header + "tasks:\n" + task_a + "x: " + std::string(63, '[') +
                  std::string(63, ']') + "\n")) ==
        "error 7:1: unknown key 'x' in the runbook [known keys: version, id, title, window, "
        "vars, secrets, defaults, phases, tasks]\n");
}

TEST_CASE("a second document is refused at its start") {
  CHECK(list(load(header + "tasks:\n" + task_a + "---\nfoo: 1\n")) ==
        "error 7:1: a second YAML document in one file "
        "[a runbook is a single document: remove the '---' or split the file]\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "...\n---\n")) ==
        "error 8:1: a second YAML document in one file "
        "[a runbook is a single document: remove the '---' or split the file]\n");
}

TEST_CASE("one document with explicit start and end markers is fine") {
  CHECK(list(load("---\n" + header + "tasks:\n" + task_a + "...\n")) == "");
}

TEST_CASE("a NUL byte is located and refused before parsing") {
  CHECK(list(load(header + "title: a\0b\n"s + "tasks:\n" + task_a)) ==
        "error 3:9: the file contains a NUL byte "
        "[this looks like binary data, not a YAML runbook]\n");
}

TEST_CASE("invalid UTF-8 is located and refused") {
  CHECK(list(load(header + "title: caf\xE9\ntasks:\n" + task_a)) ==
        "error 3:11: the file is not valid UTF-8 [save the runbook as UTF-8]\n");
  // After a valid two-byte character, the column counts characters.
  CHECK(list(load(header + "title: \xC3\xA9 \xFF\ntasks:\n" + task_a)) ==
        "error 3:10: the file is not valid UTF-8 [save the runbook as UTF-8]\n");
  // Overlong encodings and UTF-16 surrogates are not UTF-8 either.
  CHECK(list(load(header + "title: \xC0\xAF\ntasks:\n" + task_a)) ==
        "error 3:8: the file is not valid UTF-8 [save the runbook as UTF-8]\n");
  CHECK(list(load(header + "title: \xED\xA0\x80\ntasks:\n" + task_a)) ==
        "error 3:8: the file is not valid UTF-8 [save the runbook as UTF-8]\n");
  // A sequence cut off by the end of the file.
  CHECK(list(load(header + "title: x\xE2\x82")) ==
        "error 3:9: the file is not valid UTF-8 [save the runbook as UTF-8]\n");
}

TEST_CASE("valid UTF-8 text loads") {
  const auto result =
      load(header + "title: Bascule \xC3\xA9t\xC3\xA9 \xF0\x9F\x9A\x80\ntasks:\n" + task_a);
  CHECK(list(result) == "");
  CHECK(result.runbook.title == "Bascule \xC3\xA9t\xC3\xA9 \xF0\x9F\x9A\x80");
}

TEST_CASE("a UTF-8 byte-order mark is accepted and does not shift columns") {
  const auto result = load("\xEF\xBB\xBFversion: 2\nid: rb\ntasks:\n" + task_a);
  CHECK(list(result) ==
        "error 1:10: unsupported format version '2' [this cutover reads version 1]\n");
  CHECK(render_text(result.diagnostics, {}) ==
        "rb.yaml:1:10: error: unsupported format version '2'\n"
        "    1 | version: 2\n"
        "      |          ^\n"
        "hint: this cutover reads version 1\n");
  CHECK(list(load("\xEF\xBB\xBF" + header + "tasks:\n" + task_a)) == "");
}

TEST_CASE("CRLF line ends are accepted - with the same lines and columns") {
  const std::string text = header + R"(vars:
  HOST: h
tasks:
  - id: a
    run: echo {{ HOTS }}
    estimate: 1m
    timout: 1m
  - id: m
    manual: |
      first
      second
    owner: o
    estimate: 1m
)";
  std::string crlf;
  for (const char c : text) crlf += c == '\n' ? "\r\n"s : std::string(1, c);
  const auto result = load(crlf);
  CHECK(list(result) == list(load(text)));
  CHECK(list(result) ==
        "error 7:15: 'HOTS' is not a var, a secret or a --var [did you mean 'HOST'?]\n"
        "error 9:5: unknown key 'timout' in task 'a' [did you mean 'timeout'?]\n");
  CHECK(result.runbook.vars == EnvVars{{"HOST", "h"}});
  CHECK(std::get<Command>(task(result, "a").kind).run == "echo {{ HOTS }}");
  CHECK(std::get<Manual>(task(result, "m").kind).instructions == "first\nsecond\n");
  CHECK(render_text(result.diagnostics, {}) ==
        "rb.yaml:7:15: error: 'HOTS' is not a var, a secret or a --var\n"
        "    7 |     run: echo {{ HOTS }}\n"
        "      |               ^\n"
        "hint: did you mean 'HOST'?\n"
        "rb.yaml:9:5: error: unknown key 'timout' in task 'a'\n"
        "    9 |     timout: 1m\n"
        "      |     ^\n"
        "hint: did you mean 'timeout'?\n");
}

TEST_CASE("a non-ASCII character before an error: the column and caret count characters") {
  const auto result =
      load(header + "tasks:\n  - id: a\n    run: \"\xC3\xA9 {{ B }}\"\n    estimate: 1m\n");
  CHECK(list(result) ==
        "error 5:13: 'B' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var B=VALUE]\n");
  CHECK(render_text(result.diagnostics, {}) ==
        "rb.yaml:5:13: error: 'B' is not a var, a secret or a --var\n"
        "    5 |     run: \"\xC3\xA9 {{ B }}\"\n"
        "      |             ^\n"
        "hint: define it under 'vars:' or pass --var B=VALUE\n");
}

TEST_CASE("a non-ASCII key before an unknown one on the same flow line") {
  const auto result = load(header + "tasks:\n  - {id: a, run: \xC3\xA9, estimate: 1m, zz: 1}\n");
  CHECK(list(result) == "error 4:35: unknown key 'zz' in task 'a' [" + known_task_keys + "]\n");
}

// --- load_runbook(path) --------------------------------------------------------------------

TEST_CASE("load_runbook reads a file and names it in the result") {
  TempDir dir;
  const auto path = dir.path() / "rb.yaml";
  std::ofstream(path) << header << "tasks:\n" << task_a << "    zzz: 1\n";
  const auto result = load_runbook(path, {});
  CHECK(result.runbook.file == path.string());
  CHECK(result.diagnostics.file() == path.string());
  CHECK(result.runbook.id == "rb");
  CHECK(list(result) == "error 7:5: unknown key 'zzz' in task 'a' [" + known_task_keys + "]\n");
}

TEST_CASE("load_runbook: a missing file or a directory is a usage error") {
  TempDir dir;
  const auto missing = dir.path() / "missing.yaml";
  CHECK_THROWS_AS(load_runbook(missing, {}), UsageError);
  CHECK_THROWS_WITH(load_runbook(missing, {}), (missing.string() + ": no such file").c_str());
  CHECK_THROWS_AS(load_runbook(dir.path(), {}), UsageError);
  CHECK_THROWS_WITH(load_runbook(dir.path(), {}),
                    (dir.path().string() + ": is a directory, not a runbook file").c_str());
  try {
    load_runbook(missing, {});
    FAIL("no exception");
  } catch (const UsageError& error) {
    CHECK(error.code() == exit_usage);
  }
}

TEST_CASE("load_runbook: a file over 64 MiB is refused without being read") {
  TempDir dir;
  const auto path = dir.path() / "huge.yaml";
  std::ofstream(path).put('a');
  std::filesystem::resize_file(path, (64u << 20) + 1);  // sparse: nothing is written
  const auto result = load_runbook(path, {});
  CHECK(list(result) ==
        "error 0:0: the file is 67108865 bytes, over the limit of 64 MiB "
        "[a runbook is text; this is too large to be one]\n");
}

TEST_CASE("invalid UTF-8 is found wherever it falls in the scan") {
  for (std::size_t before = 0; before < 20; ++before) {
    CAPTURE(before);
    const auto result =
        load(header + "title: " + std::string(before, 'x') + "\xFF\ntasks:\n" + task_a);
    CHECK(list(result) == "error 3:" + std::to_string(8 + before) +
                              ": the file is not valid UTF-8 [save the runbook as UTF-8]\n");
  }
}

TEST_CASE("a NUL byte is reported even after invalid UTF-8") {
  CHECK(list(load(header + "title: \xFF\nowner: a\0\n"s)) ==
        "error 4:9: the file contains a NUL byte "
        "[this looks like binary data, not a YAML runbook]\n");
}

// --- more shapes ---------------------------------------------------------------------------

TEST_CASE("a key that is not a text is refused") {
  CHECK(list(load(header + "? [a]\n: 1\n~: 2\ntasks:\n" + task_a)) ==
        "error 3:3: a key in the runbook must be a plain name, found a list\n"
        "error 5:1: a key in the runbook must be a plain name, found nothing\n");
}

TEST_CASE("a YAML directive for a version yaml-cpp does not read is refused") {
  CHECK(list(load("%YAML 2.0\n---\n" + header + "tasks:\n" + task_a)) ==
        "error 1:1: YAML syntax error: YAML major version too large\n");
  CHECK(list(load("%YAML 1.3\n---\n" + header + "tasks:\n" + task_a)) == "");
  CHECK(list(load("%YAML 1.1\n---\n" + header + "tasks:\n" + task_a)) == "");
}

// A value quoted back in a message is cut at 60 bytes, never inside a UTF-8 character.
TEST_CASE("a value cut for a message stays valid UTF-8") {
  const auto result = load(header + "tasks: " + std::string(59, 'x') + "\xC3\xA9\xC3\xA9\n");
  REQUIRE(result.diagnostics.items().size() == 1);
  const std::string& message = result.diagnostics.items()[0].message;
  CHECK(message.find("\xC3...") == std::string::npos);
  CHECK((message.ends_with("x\xC3\xA9...'") || message.ends_with("x...'")));
}

// An unknown key is quoted back cut like a value, however long it is.
TEST_CASE("an unknown key is cut in its message like a value") {
  const std::string key(200, 'k');
  CHECK(list(load(header + key + ": 1\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key '" + std::string(60, 'k') +
            "...' in the runbook [known keys: version, id, title, window, vars, secrets, "
            "defaults, phases, tasks]\n");
}

TEST_CASE("empty lists and mappings are named as such") {
  CHECK(
      list(load(header + "tasks:\n  - id: a\n    run: {}\n    estimate: 1m\n    rollback: []\n")) ==
      "error 5:10: 'run' must be a text, found an empty mapping\n"
      "error 7:15: 'rollback' must be a command, or a mapping with run (and timeout) or "
      "manual, found an empty list\n");
}

// The alias limit counts bytes as well as nodes: one large anchored text aliased many times
// would be copied into every task that names it. 100 aliases of 1 MiB, more than the 64 MiB a
// whole runbook file may hold, are refused like an alias bomb.
TEST_CASE("aliases of a large text are bounded by the bytes they expand to") {
  std::string text = header + "x-big: &big " + std::string(1u << 20, 'x') + "\ntasks:\n";
  for (int i = 0; i < 100; ++i) {
    text += "  - {id: t" + std::to_string(i) + ", run: *big, estimate: 1m}\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = load(text);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  REQUIRE(result.diagnostics.items().size() == 1);
  CHECK(result.diagnostics.items()[0].message.find("aliases expand") != std::string::npos);
}
