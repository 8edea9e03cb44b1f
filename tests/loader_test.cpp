#include "cutover/loader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cutover/errors.hpp"

using namespace cutover;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

LoadResult load(std::string text, const LoadOptions& options = {}) {
  return load_runbook_text(std::move(text), "rb.yaml", options);
}

// Every diagnostic on its own line: "error 3:1: message [hint]", so that one comparison checks
// the severity, location, message and hint of each, their order, and that there are no others.
std::string list(const FileDiagnostics& diagnostics) {
  std::string out;
  for (const auto& item : diagnostics.items()) {
    out += item.severity == Severity::error ? "error " : "warning ";
    out += std::to_string(item.location.line) + ":" + std::to_string(item.location.column) + ": ";
    out += item.message;
    if (!item.hint.empty()) out += " [" + item.hint + "]";
    out += "\n";
  }
  return out;
}

std::string list(const LoadResult& result) { return list(result.diagnostics); }

// A runbook header, then `body` as the tasks (or more top-level keys and tasks).
constexpr const char* header = "version: 1\nid: rb\n";

const Task& task(const LoadResult& result, std::string_view id) {
  const auto index = result.runbook.find_task(id);
  REQUIRE(index.has_value());
  return result.runbook.tasks[*index];
}

const std::string known_task_keys =
    "known keys: id, title, phase, owner, estimate, depends_on, run, manual, gate, timeout, "
    "retries, retry_delay, env, workdir, rollback, on_failure, idempotent, point_of_no_return, "
    "shell";

const std::string duration_hint =
    "whole numbers with units d, h, m, s in that order: 45s, 15m, 1h30m, 2d";

const std::string name_hint = "names are letters, digits and '_', not starting with a digit";

}  // namespace

// --- a valid runbook -----------------------------------------------------------------------

TEST_CASE("a complete valid runbook loads without diagnostics") {
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

TEST_CASE("a YAML syntax error is located where the parser stopped") {
  const auto result = load(R"(version: 1
id: rb
tasks:
  - id: a
    run: echo: x
)");
  CHECK(list(result) ==
        "error 5:14: YAML syntax error: mapping values are not allowed in this context "
        "[a ': ' inside a value: quote the value, or check the indentation]\n");
}

TEST_CASE("an unclosed flow sequence is a syntax error naming where it starts") {
  const auto result = load("version: 1\nid: rb\ntasks: [a, b\n");
  CHECK(list(result) ==
        "error 4:1: YAML syntax error: did not find expected ',' or ']' "
        "[while parsing a flow sequence that starts at line 3]\n");
}

TEST_CASE("a tab in indentation is a syntax error") {
  const auto result = load("version: 1\nid: rb\ntasks:\n\t- id: a\n");
  CHECK(list(result) ==
        "error 4:1: YAML syntax error: found character that cannot start any token "
        "[while scanning for the next token that starts at line 4]\n");
}

TEST_CASE("an empty file, or one with only comments") {
  const std::string expected =
      "error 1:1: the file is empty [a runbook is a mapping with version, id and tasks]\n";
  CHECK(list(load("")) == expected);
  CHECK(list(load("\n\n# just a comment\n")) == expected);
}

TEST_CASE("the top level must be a mapping") {
  const std::string hint = " [a runbook is a mapping with version, id and tasks]\n";
  CHECK(list(load("- a\n- b\n")) == "error 1:1: a runbook must be a mapping, found a list" + hint);
  CHECK(list(load("hello\n")) == "error 1:1: a runbook must be a mapping, found 'hello'" + hint);
  CHECK(list(load("~\n")) == "error 1:1: a runbook must be a mapping, found nothing" + hint);
}

TEST_CASE("version, id and tasks are required; each missing one is reported at the top") {
  CHECK(list(load("title: x\n")) ==
        "error 1:1: the runbook has no 'version'\n"
        "error 1:1: the runbook has no 'id'\n"
        "error 1:1: the runbook has no 'tasks'\n");
  CHECK(list(load("\nversion: 1\nid: rb\n")) == "error 2:1: the runbook has no 'tasks'\n");
}

TEST_CASE("version must be the plain number 1") {
  const std::string tasks = "tasks:\n  - id: a\n    run: echo\n    estimate: 1m\n";
  CHECK(list(load("version: 2\nid: rb\n" + tasks)) ==
        "error 1:10: unsupported format version '2' [this cutover reads version 1]\n");
  CHECK(list(load("version: 1.0\nid: rb\n" + tasks)) ==
        "error 1:10: unsupported format version '1.0' [this cutover reads version 1]\n");
  CHECK(list(load("version: \"1\"\nid: rb\n" + tasks)) ==
        "error 1:10: 'version' must be the format version, 1, found '1'\n");
  CHECK(list(load("version: [1]\nid: rb\n" + tasks)) ==
        "error 1:10: 'version' must be the format version, 1, found a list\n");
  CHECK(list(load("version:\nid: rb\n" + tasks)) ==
        "error 1:1: 'version' must be the format version, 1, found nothing\n");
}

// --- unknown keys --------------------------------------------------------------------------

TEST_CASE("unknown keys at the top level") {
  SUBCASE("a typo gets a suggestion") {
    const auto result = load(std::string(header) + R"(titel: x
tasks:
  - id: a
    run: echo
    estimate: 1m
)");
    CHECK(list(result) == "error 3:1: unknown key 'titel' in the runbook [did you mean 'title']?\n"
                          ""s.substr(0, 0) +
                              "");
  }
}
