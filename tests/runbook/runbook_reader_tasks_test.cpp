// The runbook reader's tasks (runbook_reader_tasks.cpp): their keys and fields, kinds,
// dependencies and rollback steps, and the settings a kind ignores.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <variant>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

namespace {

const std::string kind_hint =
    "a task is exactly one of them: a command, instructions for a person, or a go/no-go gate";

}  // namespace

// --- the list of tasks and their keys ------------------------------------------------------

TEST_CASE("'tasks' must not be empty") {
  CHECK(list(load(header + "tasks: []\n")) ==
        "error 3:8: 'tasks' is empty [a runbook needs a task]\n");
}

TEST_CASE("unknown key in a task: depends-on is not silently ignored") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    depends-on: b
    zzzzzzzz: 1
  - id: b
    run: echo
    estimate: 1m
)");
  CHECK(list(result) ==
        "error 7:5: unknown key 'depends-on' in task 'a' [did you mean 'depends_on'?]\n"
        "error 8:5: unknown key 'zzzzzzzz' in task 'a' [" +
            known_task_keys + "]\n");
}

TEST_CASE("checks and approvals directly on a task belong under 'gate:'") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    checks:
      - name: x
        run: y
    approvals: [bob]
)")) == "error 4:9: task 'a' has none of run, manual or gate [" + kind_hint + "]\n" +
            "error 6:5: unknown key 'checks' in task 'a' ['checks' belongs under 'gate:']\n"
            "error 9:5: unknown key 'approvals' in task 'a' ['approvals' belongs under "
            "'gate:']\n");
}

TEST_CASE("wrong types in a task") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    run: [echo]
    estimate: 1m
    owner: {a: b}
    title:
    depends_on: {a: b}
    env: [a]
  - 5
)")) == "error 5:10: 'run' must be a text, found a list\n"
        "error 7:12: 'owner' must be a text, found a mapping\n"
        "error 8:5: 'title' must be a text, found nothing\n"
        "error 9:17: 'depends_on' must be a task id or a list of task ids, found a mapping\n"
        "error 10:10: 'env' must be a mapping of NAME: value, found a list\n"
        "error 11:5: task 2 must be a mapping, found '5'\n");
}

// --- task ids ------------------------------------------------------------------------------

TEST_CASE("a task id that is not a text") {
  CHECK(list(load(header + "tasks:\n  - id: [a]\n    run: echo\n    estimate: 1m\n")) ==
        "error 4:9: 'id' must be a task id, found a list\n");
  CHECK(list(load(header + "tasks:\n  - id:\n    run: echo\n    estimate: 1m\n")) ==
        "error 4:5: 'id' must be a task id, found nothing\n");
}

TEST_CASE("two tasks with unreadable ids do not cascade into a duplicate id") {
  CHECK(list(load(header + R"(tasks:
  - id: [a]
    run: echo
    estimate: 1m
  - id:
    run: echo
    estimate: 1m
)")) == "error 4:9: 'id' must be a task id, found a list\n"
        "error 7:5: 'id' must be a task id, found nothing\n");
}

TEST_CASE("a task without an id") {
  const auto result = load(header + "tasks:\n  - title: x\n    run: echo\n    estimate: 1m\n");
  CHECK(list(result) == "error 4:5: task 1 has no 'id'\n");
  CHECK(result.runbook.tasks.empty());
}

// --- task kinds ----------------------------------------------------------------------------

TEST_CASE("a task is exactly one of run - manual and gate") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    title: no kind
  - id: b
    estimate: 1m
    run: echo
    manual: do it
    owner: o
  - id: c
    estimate: 1m
    manual: x
    owner: o
    gate: {approvals: [x]}
    run: y
)")) == "error 4:9: task 'a' has none of run, manual or gate [" + kind_hint + "]\n" +
            "error 10:5: task 'b' has both 'run' and 'manual' "
            "[a task is exactly one of run, manual or gate]\n"
            "error 16:5: task 'c' has both 'manual' and 'gate' "
            "[a task is exactly one of run, manual or gate]\n"
            "error 17:5: task 'c' has both 'manual' and 'run' "
            "[a task is exactly one of run, manual or gate]\n");
}

TEST_CASE("an empty command or instruction is refused") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: ''\n    estimate: 1m\n")) ==
        "error 5:10: 'run' is empty [give the command to run]\n");
  CHECK(list(load(header +
                  "tasks:\n  - id: a\n    manual: \"  \"\n    owner: x\n    estimate: 1m\n")) ==
        "error 5:13: 'manual' is empty [say what the person has to do]\n");
}

// --- dependencies --------------------------------------------------------------------------

TEST_CASE("depends_on: one id as a text - or a list of ids - each located") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
  - id: b
    run: echo
    estimate: 1m
    depends_on: a
  - id: c
    run: echo
    estimate: 1m
    depends_on: [a, b]
  - id: d
    run: echo
    estimate: 1m
    depends_on: []
)");
  CHECK(list(result) == "");
  const Task& b = task(result, "b");
  REQUIRE(b.depends_on.size() == 1);
  CHECK(b.depends_on[0].id == "a");
  CHECK(b.depends_on[0].location == Location{10, 17});
  const Task& c = task(result, "c");
  REQUIRE(c.depends_on.size() == 2);
  CHECK(c.depends_on[0].id == "a");
  CHECK(c.depends_on[0].location == Location{14, 18});
  CHECK(c.depends_on[1].id == "b");
  CHECK(c.depends_on[1].location == Location{14, 21});
  CHECK(task(result, "d").depends_on.empty());
}

TEST_CASE("an empty item in depends_on is refused") {
  CHECK(list(load(header + "tasks:\n" + task_a + "  - id: b\n    run: echo\n    estimate: 1m\n" +
                  "    depends_on: [a, ~]\n")) ==
        "error 10:21: each item of 'depends_on' must be a text, found nothing\n");
}

TEST_CASE("a dependency listed twice is a warning and counts once") {
  const auto result = load(header + "tasks:\n" + task_a +
                           "  - id: b\n    run: echo\n    estimate: 1m\n    depends_on: [a, a]\n");
  CHECK(list(result) ==
        "warning 10:21: 'a' is listed twice in 'depends_on' [a dependency counts once; remove the "
        "repeat]\n");
  REQUIRE(result.runbook.tasks.size() == 2);
  CHECK(result.runbook.tasks[1].depends_on.size() == 1);
}

// --- rollbacks -----------------------------------------------------------------------------

TEST_CASE("unknown key in a rollback") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    run: r
    estimate: 1m
    rollback: { run: x, timout: 1m, zzzzz: 1 }
)")) == "error 7:25: unknown key 'timout' in the rollback of task 'a' [did you mean 'timeout'?]\n"
        "error 7:37: unknown key 'zzzzz' in the rollback of task 'a' "
        "[known keys: run, timeout, manual, estimate]\n");
}

TEST_CASE("rollback forms: a command - {run - timeout} - {manual}") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: undo.sh
  - id: b
    run: echo
    estimate: 1m
    rollback: {run: undo.sh, timeout: 5m}
  - id: c
    run: echo
    estimate: 1m
    rollback: {manual: do it by hand}
)");
  CHECK(list(result) == "");
  const auto& a = std::get<CommandRollback>(*task(result, "a").rollback);
  CHECK(a.run == "undo.sh");
  CHECK_FALSE(a.timeout.has_value());
  const auto& b = std::get<CommandRollback>(*task(result, "b").rollback);
  CHECK(b.run == "undo.sh");
  CHECK(b.timeout == 5min);
  CHECK(std::get<ManualRollback>(*task(result, "c").rollback).instructions == "do it by hand");
}

TEST_CASE("rollback steps take an estimate - a command's and a person's") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: {run: undo.sh, estimate: 10m}
  - id: b
    run: echo
    estimate: 1m
    rollback: {manual: do it by hand, estimate: 45m}
  - id: c
    run: echo
    estimate: 1m
    rollback: {manual: m, estimate: soon}
)");
  CHECK(std::get<CommandRollback>(*task(result, "a").rollback).estimate == 10min);
  CHECK(std::get<ManualRollback>(*task(result, "b").rollback).estimate == 45min);
  CHECK(list(result) ==
        "error 15:37: 'estimate' must be a duration, found 'soon' [whole numbers with units d, h, "
        "m, s in that order: 45s, 15m, 1h30m, 2d]\n");
}

TEST_CASE("where a task's id key and estimate are written - not through an alias") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: &e 1m
  -   title: B
      id: b
      run: echo
      estimate: *e
  - {id: c, run: echo, estimate: "2m"}
  - id: d
    run: echo
)");
  CHECK(list(result).find("error") == std::string::npos);
  CHECK(task(result, "a").id_key_location == Location{4, 5});
  CHECK(task(result, "a").estimate_location == Location{6, 15});
  CHECK(task(result, "b").id_key_location == Location{8, 7});
  CHECK(task(result, "b").estimate_location == Location{});
  CHECK(task(result, "b").estimate == 1min);
  CHECK(task(result, "c").id_key_location == Location{11, 6});
  CHECK(task(result, "c").estimate_location == Location{11, 34});
  CHECK(task(result, "d").estimate_location == Location{});
}

TEST_CASE("rollback forms refused: both - neither - manual with timeout - list - nothing") {
  const auto result = load(header + R"(tasks:
  - id: c
    run: echo
    estimate: 1m
    rollback: {run: u, manual: m}
  - id: d
    run: echo
    estimate: 1m
    rollback: {timeout: 5m}
  - id: e
    run: echo
    estimate: 1m
    rollback: {manual: m, timeout: 5m}
  - id: f
    run: echo
    estimate: 1m
    rollback: [u]
  - id: g
    run: echo
    estimate: 1m
    rollback:
)");
  CHECK(list(result) ==
        "error 7:24: the rollback of task 'c' has both 'run' and 'manual' "
        "[a rollback is a command or instructions for a person, not both]\n"
        "error 11:15: the rollback of task 'd' has neither 'run' nor 'manual'\n"
        "error 15:27: the rollback of task 'e' is manual: 'timeout' applies only to commands\n"
        "error 19:15: 'rollback' must be a command, or a mapping with run (and timeout) or "
        "manual, found a list\n"
        "error 23:5: 'rollback' must be a command, or a mapping with run (and timeout) or "
        "manual, found nothing\n");
  CHECK_FALSE(task(result, "c").rollback.has_value());
  CHECK(std::get<ManualRollback>(*task(result, "e").rollback).instructions == "m");
}

TEST_CASE("blank rollbacks - check names and commands - shell items and workdirs are refused") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: ""
  - id: b
    manual: do it
    owner: me
    estimate: 1m
    rollback: {manual: " "}
  - id: g
    estimate: 1m
    depends_on: [a, b]
    gate: {checks: [{name: "", run: ""}]}
  - id: c
    run: echo
    estimate: 1m
    shell: [""]
    workdir: ""
    depends_on: g
)");
  CHECK(list(result) ==
        "error 7:15: 'rollback' is empty\n"
        "error 12:24: 'manual' is empty [say what the person has to do]\n"
        "error 16:28: 'name' is empty\n"
        "error 16:37: 'run' is empty [give the command to run]\n"
        "error 20:13: an empty item in 'shell' [e.g. [/bin/bash, -euo, pipefail, -c]]\n"
        "error 21:14: 'workdir' is empty [leave it out for the runbook's folder]\n");
}

// --- warnings ------------------------------------------------------------------------------

TEST_CASE("warning: settings that a manual task or a gate ignores") {
  const std::string manual_hint = " [a person does this task; nothing is run]\n";
  const std::string gate_hint = " [set retries and retry_delay on each check]\n";
  const auto result = load(header + R"(defaults:
  timeout: 1h
  retries: 3
tasks:
  - id: m
    manual: x
    owner: o
    estimate: 1m
    timeout: 5m
    retries: 1
    retry_delay: 1s
    env: {A: b}
    workdir: /
    shell: [sh]
    idempotent: true
    on_failure: stop
  - id: g
    estimate: 1m
    gate: {approvals: [x]}
    timeout: 5m
    retries: 2
    retry_delay: 1s
    env: {A: b}
    workdir: /
    shell: [sh]
)");
  CHECK(list(result) ==
        "warning 11:5: 'timeout' has no effect on task 'm', a manual task" + manual_hint +
            "warning 12:5: 'retries' has no effect on task 'm', a manual task" + manual_hint +
            "warning 13:5: 'retry_delay' has no effect on task 'm', a manual task" + manual_hint +
            "warning 14:5: 'env' has no effect on task 'm', a manual task" + manual_hint +
            "warning 15:5: 'workdir' has no effect on task 'm', a manual task" + manual_hint +
            "warning 16:5: 'shell' has no effect on task 'm', a manual task" + manual_hint +
            "warning 23:5: 'retries' has no effect on task 'g', a gate" + gate_hint +
            "warning 24:5: 'retry_delay' has no effect on task 'g', a gate" + gate_hint);
  CHECK(task(result, "m").on_failure == OnFailure::stop);
  CHECK(task(result, "m").idempotent);
}
