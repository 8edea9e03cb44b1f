// The runbook reader's gates (runbook_reader_gates.cpp): checks with their expectations and
// patterns, and approvals.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// --- gates, checks and approvals -----------------------------------------------------------

TEST_CASE("gates: checks or approvals required - neither empty - no rollback") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate: {}
  - id: b
    estimate: 1m
    gate:
      checks: []
  - id: c
    estimate: 1m
    gate: x
  - id: d
    estimate: 1m
    gate:
      approvals: [x]
    rollback: undo
  - id: e
    estimate: 1m
    gate:
  - id: f
    estimate: 1m
    gate:
      approvals: []
)")) == "error 6:11: the gate of task 'a' has neither checks nor approvals "
        "[a gate needs checks to run, approvers to ask, or both]\n"
        "error 10:15: 'checks' must be a non-empty list of checks, found an empty list\n"
        "error 13:11: 'gate' must be a mapping with checks and/or approvals, found 'x'\n"
        "error 18:5: task 'd' is a gate and has nothing to roll back "
        "[put the rollback on the tasks the gate guards]\n"
        "error 21:5: 'gate' must be a mapping with checks and/or approvals, found nothing\n"
        "error 25:18: 'approvals' of the gate of task 'f' is an empty list "
        "[name who must approve, or leave 'approvals' out]\n");
}

TEST_CASE("unknown key in a gate") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: [x]
      aproval: [y]
      zz: 1
)")) == "error 8:7: unknown key 'aproval' in the gate of task 'a' [did you mean 'approvals'?]\n"
        "error 9:7: unknown key 'zz' in the gate of task 'a' [known keys: checks, approvals]\n");
}

TEST_CASE("gate checks need a name and a run - and must be mappings") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: x
        - run: y
        - 5
)")) == "error 8:11: check 1 of the gate of task 'a' has no 'run'\n"
        "error 9:11: check 2 of the gate of task 'a' has no 'name'\n"
        "error 10:11: check 3 of the gate of task 'a' must be a mapping with name and run, "
        "found '5'\n");
}

TEST_CASE("unknown key in a gate check") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          retries_delay: 1s
          qqqqqqq: 2
)")) == "error 10:11: unknown key 'retries_delay' in check 1 of the gate of task 'a' "
        "[did you mean 'retry_delay'?]\n"
        "error 11:11: unknown key 'qqqqqqq' in check 1 of the gate of task 'a' "
        "[known keys: name, run, expect, retries, retry_delay, timeout]\n");
}

TEST_CASE("approvals: texts - each once") {
  const auto result = load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: [Cutover Lead, cfo, cfo, [x]]
)");
  CHECK(list(result) ==
        "error 7:38: 'cfo' is listed twice in 'approvals'\n"
        "error 7:43: each item of 'approvals' must be a text, found a list\n");
  CHECK(std::get<Gate>(task(result, "a").kind).approvals ==
        std::vector<std::string>{"Cutover Lead", "cfo"});
}

TEST_CASE("approvals: an empty name is refused") {
  CHECK(list(load(header +
                  "tasks:\n  - id: a\n    estimate: 1m\n    gate: {approvals: ['', x]}\n")) ==
        "error 6:24: an empty name in 'approvals'\n");
}

// --- expectations --------------------------------------------------------------------------

TEST_CASE("unknown key in a check's expect") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          expect: { exitcode: 0, zzzzz: 1 }
)")) == "error 10:21: unknown key 'exitcode' in the expectations of check 1 of the gate of "
        "task 'a' [did you mean 'exit_code'?]\n"
        "error 10:34: unknown key 'zzzzz' in the expectations of check 1 of the gate of task 'a' "
        "[known keys: exit_code, stdout, stderr]\n");
}

TEST_CASE("exit_code: from 0 to 255") {
  const auto result = load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - {name: a, run: r, expect: {exit_code: 256}}
        - {name: b, run: r, expect: {exit_code: -1}}
        - {name: c, run: r, expect: {exit_code: 255}}
        - {name: d, run: r, expect: {exit_code: x}}
        - {name: e, run: r, expect: {exit_code: 0}}
)");
  const std::string expected = "'exit_code' must be an exit code from 0 to 255, found ";
  CHECK(list(result) == "error 8:49: " + expected + "'256'\n" + "error 9:49: " + expected +
                            "'-1'\n" + "error 11:49: " + expected + "'x'\n");
  const Gate& gate = std::get<Gate>(task(result, "a").kind);
  REQUIRE(gate.checks.size() == 5);
  CHECK(gate.checks[2].expect.exit_code == 255);
  CHECK(gate.checks[4].expect.exit_code == 0);
  CHECK_FALSE(gate.checks[0].expect.exit_code.has_value());
}

TEST_CASE("an invalid regular expression is located at the pattern (RE2 syntax)") {
  const auto result = load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          expect:
            stdout: '^(RECON'
            stderr: '(a)\1'
  - id: b
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          expect: { stdout: '^OK\s+\d+$', stderr: '' }
)");
  const std::string hint = " [patterns use RE2 syntax (like Perl's, without backreferences)]\n";
  CHECK(list(result) ==
        "error 11:21: invalid regular expression '^(RECON': missing ): ^(RECON" + hint +
            "error 12:21: invalid regular expression '(a)\\1': invalid escape sequence: \\1" +
            hint);
  const Gate& gate = std::get<Gate>(task(result, "b").kind);
  CHECK(gate.checks[0].expect.stdout_pattern == "^OK\\s+\\d+$");
  CHECK(gate.checks[0].expect.stderr_pattern == "");
}

TEST_CASE("gates: four eyes - any min of the approvers - every mistake located") {
  const std::string gate = R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: { by: [alice, bob, carol], min: 2 }
)";
  const LoadResult result = load(header + gate);
  REQUIRE(list(result) == "");
  const Gate& four_eyes = std::get<Gate>(task(result, "a").kind);
  CHECK(four_eyes.approvals == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK(four_eyes.min_approvals == 2);
  CHECK(four_eyes.approvals_needed() == 2);
  const Gate& everyone =
      std::get<Gate>(task(load(header + "tasks:\n  - id: a\n    estimate: 1m\n    gate:\n      "
                                        "approvals: [alice, bob]\n"),
                          "a")
                         .kind);
  CHECK(everyone.min_approvals == 0);
  CHECK(everyone.approvals_needed() == 2);

  const std::string wrong = R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: { by: [alice, bob], min: 3 }
  - id: b
    estimate: 1m
    gate:
      approvals: { min: 1, of: [x] }
  - id: c
    estimate: 1m
    gate:
      approvals: { by: [], min: 0 }
)";
  CHECK(list(load(header + wrong)) ==
        "error 7:43: 'min' must be a number of approvals from 1 to 2 (the names in 'by'), found "
        "'3'\n"
        "error 11:18: the approvals of the gate of task 'b' has no 'by'\n"
        "error 11:28: unknown key 'of' in the approvals of the gate of task 'b' [known keys: by, "
        "min]\n"
        "error 15:24: 'by' of the gate of task 'c' is an empty list [name who must approve, or "
        "leave 'approvals' out]\n");
}
