// The loader (loader.cpp): reading a file, refusing what is not UTF-8 text, and the
// diagnostics of a whole runbook, sorted. Its YAML is in loader_yaml_test.cpp; what the
// runbook reader makes of the tree is in the runbook_reader_*_test.cpp files.
#include "cutover/runbook/loader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "cutover/base/errors.hpp"
#include "support/loader_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;
using namespace std::string_literals;

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

// --- load_runbook(path) --------------------------------------------------------------------

TEST_CASE("load_runbook reads a file and names it in the result") {
  TempDir dir;
  const auto path = dir.path() / "rb.yaml";
  std::ofstream(path) << header << "tasks:\n" << task_a << "    zzz: 1\n";
  const auto result = load_runbook(path, {});
  CHECK(result.runbook.file == path.string());
  CHECK(result.diagnostics.runbook().file() == path.string());
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

// --- encodings: NUL bytes, UTF-8, byte-order marks, line ends ------------------------------

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

// --- values and keys quoted back in messages -----------------------------------------------

TEST_CASE("a value quoted back in a message is cut at 60 characters and kept on one line") {
  const std::string long_value(70, 'x');
  CHECK(list(load(header + "tasks: " + long_value + "\n")) ==
        "error 3:8: 'tasks' must be a list of tasks, found '" + std::string(60, 'x') + "...'\n");
  CHECK(list(load(header + "tasks: \"a\\nb\"\n")) ==
        "error 3:8: 'tasks' must be a list of tasks, found the quoted text 'a b'\n");
}

// A value quoted back in a message is cut at 60 bytes, never inside a UTF-8 character.
TEST_CASE("a value cut for a message stays valid UTF-8") {
  const auto result = load(header + "tasks: " + std::string(59, 'x') + "\xC3\xA9\xC3\xA9\n");
  REQUIRE(result.diagnostics.runbook().items().size() == 1);
  const std::string& message = result.diagnostics.runbook().items()[0].message;
  CHECK(message.find("\xC3...") == std::string::npos);
  CHECK((message.ends_with("x\xC3\xA9...'") || message.ends_with("x...'")));
}

// An unknown key is quoted back cut like a value, however long it is.
TEST_CASE("an unknown key is cut in its message like a value") {
  const std::string key(200, 'k');
  CHECK(list(load(header + key + ": 1\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key '" + std::string(60, 'k') +
            "...' in the runbook [known keys: version, id, title, window, vars, secrets, "
            "defaults, phases, include, tasks, notify, go_live, identity]\n");
}

TEST_CASE("empty lists and mappings are named as such") {
  CHECK(
      list(load(header + "tasks:\n  - id: a\n    run: {}\n    estimate: 1m\n    rollback: []\n")) ==
      "error 5:10: 'run' must be a text, found an empty mapping\n"
      "error 7:15: 'rollback' must be a command, or a mapping with run (and timeout) or "
      "manual, found an empty list\n");
}

// --- the diagnostics of a whole runbook ----------------------------------------------------

TEST_CASE("warnings are left out while there are errors: they would mostly echo them") {
  // No "has no estimate" for the task whose estimate is invalid, nor for 'm' (no estimate,
  // no owner): those warnings come once the errors are fixed.
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: echo\n    estimate: soon\n  - id: m\n    "
                           "manual: x\n")) ==
        "error 6:15: 'estimate' must be a duration, found 'soon' [" + duration_hint + "]\n");
}

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
  const auto& items = result.diagnostics.runbook().items();
  CHECK(std::is_sorted(items.begin(), items.end(), [](const Diagnostic& x, const Diagnostic& y) {
    return x.location < y.location;
  }));
}
