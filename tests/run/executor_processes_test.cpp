// The executor's processes (executor_processes.cpp): what each runs with, its attempts,
// retries and timeouts, gate checks and their expectations, output with secrets redacted, and
// rollback commands.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

Duration seconds(int n) {
  return std::chrono::seconds(n);
}

}  // namespace

// ----- what a process runs with ------------------------------------------------------------------

TEST_CASE("executor passes the run's variables to each process") {
  Task a = make_task("a", minutes(1));
  a.kind = Command{"echo {{ HOST }}"};
  a.shell = {"/bin/bash", "-c"};
  a.env = {{"TARGET", "{{ HOST }}"}};
  TempDir dir;
  std::filesystem::create_directories(dir / "logs");
  Harness harness({a});
  harness.runbook.vars = {{"HOST", "db1"}};
  harness.run_dir = dir.path();
  const Result result = harness.run();
  REQUIRE(result.started.size() == 1);
  const ProcessSpec& spec = result.started[0];
  CHECK(spec.name == "a");
  CHECK(spec.argv == Lines{"/bin/bash", "-c", "echo db1"});
  CHECK(spec.estimate == minutes(1));
  const std::vector<std::pair<std::string, std::string>> expected_env = {
      {"TARGET", "db1"},
      {"CUTOVER_RUN_ID", "test/20261128T170000Z"},
      {"CUTOVER_RUN_DIR", dir.path().string()},
      {"CUTOVER_TASK_ID", "a"},
      {"CUTOVER_ATTEMPT", "1"},
  };
  CHECK(spec.env == expected_env);
}

// ----- failures, retries, timeouts ---------------------------------------------------------------

TEST_CASE("executor retries a failing task and records each failed attempt") {
  Task a = with_policy(make_task("a", minutes(1)), OnFailure::stop);
  a.retries = 2;
  a.retry_delay = seconds(30);
  Harness harness({a, make_task("b", minutes(1), {"a"})});
  harness.outcomes["a"] = {exits(1), exits(1), exits(0)};
  const Result result = harness.run();
  CHECK(result.values("task_started", "attempt") == Lines{"1", "2", "3", "1"});
  CHECK(result.tasks("task_started") == Lines{"a", "a", "a", "b"});
  CHECK(result.elapsed("task_started") == Times{0, 90'000, 180'000, 240'000});
  CHECK(result.values("attempt_failed", "attempt") == Lines{"1", "2"});
  CHECK(result.values("attempt_failed", "reason") == Lines{"exit code 1", "exit code 1"});
  CHECK(result.values("attempt_failed", "retry_in_ms") == Lines{"30000", "30000"});
  const json finished = result.one("task_finished", "a");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["attempt"] == 3);
  CHECK(finished["elapsed_ms"] == 240'000);
  CHECK(result.run.state.tasks[0].attempts == 3);
  CHECK(result.run.state.tasks[0].started_ms == 0);
  Lines attempts;
  for (const ProcessSpec& spec : result.started) {
    for (const auto& [name, value] : spec.env) {
      if (name == "CUTOVER_ATTEMPT") attempts.push_back(spec.name + "#" + value);
    }
  }
  CHECK(attempts == Lines{"a#1", "a#2", "a#3", "b#1"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("executor fails a task whose retries run out") {
  Task a = with_policy(make_task("a", minutes(1)), OnFailure::stop);
  a.retries = 1;
  Harness harness({a, make_task("b", minutes(1), {"a"})});
  harness.outcomes["a"] = {exits(1), exits(1), exits(0)};
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"a", "a"});
  CHECK(result.values("attempt_failed", "attempt") == Lines{"1"});
  const json finished = result.one("task_finished", "a");
  CHECK(finished["status"] == "failed");
  CHECK(finished["attempt"] == 2);
  CHECK(finished["reason"] == "exit code 1");
  CHECK(finished["exit_code"] == 1);
  CHECK(result.outcome() == "failed");
  CHECK(result.run.state.tasks[0].reason == "exit code 1");
}

TEST_CASE("executor records a timeout") {
  Task a = with_policy(make_task("a", minutes(10)), OnFailure::stop);
  a.timeout = minutes(1);
  Harness harness({a});
  VirtualOutcome slow;
  slow.duration = minutes(5);
  harness.outcomes["a"] = {slow};
  const Result result = harness.run();
  const json finished = result.one("task_finished", "a");
  CHECK(finished["elapsed_ms"] == minute_ms);
  CHECK(finished["status"] == "failed");
  CHECK(finished["timed_out"] == true);
  CHECK(finished["signal"] == "SIGTERM");
  CHECK(finished["duration_ms"] == minute_ms);
  CHECK_FALSE(finished.contains("exit_code"));
  CHECK(finished["reason"] == "timed out after 1m (killed by SIGTERM)");
  CHECK(result.started.at(0).timeout == minutes(1));
  CHECK(result.outcome() == "failed");
}

TEST_CASE("executor records a process that could not start") {
  Harness harness({with_policy(make_task("a", minutes(1)), OnFailure::stop)});
  VirtualOutcome broken;
  broken.start_error = "no such file: /bin/nope";
  harness.outcomes["a"] = {broken};
  const Result result = harness.run();
  const json finished = result.one("task_finished", "a");
  CHECK(finished["status"] == "failed");
  CHECK(finished["error"] == "no such file: /bin/nope");
  CHECK(finished["reason"] == "could not start: no such file: /bin/nope");
  CHECK(result.of("process_started").empty());
  CHECK(result.outcome() == "failed");
}

// ----- gate checks -------------------------------------------------------------------------------

TEST_CASE("a gate check whose output does not match expect.stdout is a no-go") {
  Harness harness({
      with_policy(gate_task("g", {make_check("recon", "^RECONCILED")}, {}), OnFailure::stop),
      make_task("after", minutes(1), {"g"}),
  });
  harness.outcomes["g: recon"] = {prints("NOT YET 3 open\n")};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "check") == Lines{"recon"});
  CHECK(result.values("check_finished", "passed") == Lines{"false"});
  CHECK(result.values("check_finished", "reason") == Lines{"stdout does not match /^RECONCILED/"});
  const json finished = result.one("task_finished", "g");
  CHECK(finished["status"] == "failed");
  CHECK(finished["reason"] == "check 'recon' failed: stdout does not match /^RECONCILED/");
  CHECK(result.tasks("task_started") == Lines{"g"});
  CHECK(result.values("task_started", "kind") == Lines{"gate"});
  CHECK(result.outcome() == "failed");
  CHECK(result.console.find("[g] NOT YET 3 open\n") != std::string::npos);
}

TEST_CASE("a gate check whose output matches passes the gate") {
  Harness harness({
      gate_task("g", {make_check("recon", "^RECONCILED")}, {}),
      make_task("after", minutes(1), {"g"}),
  });
  harness.outcomes["g: recon"] = {prints("RECONCILED 1400 accounts\n")};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "passed") == Lines{"true"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded", "succeeded"});
  CHECK(result.of("gate_waiting").empty());
  CHECK(result.process_names() == Lines{"g: recon", "after"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a gate check polled with retries passes on the third attempt") {
  Harness harness({gate_task("g", {make_check("ready", {}, 5, minutes(1))}, {})});
  harness.outcomes["g: ready"] = {exits(1), exits(1), exits(0)};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "attempt") == Lines{"1", "2", "3"});
  CHECK(result.values("check_finished", "passed") == Lines{"false", "false", "true"});
  CHECK(result.values("check_finished", "reason") ==
        Lines{"exit code 1, expected 0", "exit code 1, expected 0", ""});
  CHECK(result.elapsed("check_finished") == Times{0, minute_ms, 2 * minute_ms});
  CHECK(result.tasks("task_started") == Lines{"g"});
  const json finished = result.one("task_finished", "g");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["elapsed_ms"] == 2 * minute_ms);
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a gate check that never holds fails after its retries") {
  Harness harness(
      {with_policy(gate_task("g", {make_check("ready", {}, 1, minutes(1))}, {}), OnFailure::stop)});
  harness.outcomes["g: ready"] = {exits(3)};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "attempt") == Lines{"1", "2"});
  CHECK(result.one("task_finished", "g")["reason"] ==
        "check 'ready' failed: exit code 3, expected 0");
  CHECK(result.outcome() == "failed");
}

TEST_CASE("gate checks run one after the other then approvals by auto") {
  Harness harness({gate_task("g", {make_check("one"), make_check("two")}, {"lead", "owner"})});
  harness.options.auto_people = true;
  const Result result = harness.run();
  CHECK(result.values("check_finished", "check") == Lines{"one", "two"});
  CHECK(result.values("gate_waiting", "approvers") == Lines{R"(["lead","owner"])"});
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  CHECK(result.values("gate_approved", "by") == Lines{"auto", "auto"});
  CHECK(result.values("gate_approved", "user") == Lines{"ops", "ops"});
  CHECK(result.values("gate_approved", "host") == Lines{"host-1", "host-1"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded"});
  CHECK(result.run.state.tasks[0].approved_by == Lines{"lead", "owner"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a gate check sees each line of its output ended by a newline") {
  struct Case {
    std::string pattern;
    bool passes;
  };
  for (const Case& c : {Case{"^OK$", false}, Case{"OK$", false}, Case{"(?m)^OK$", true},
                        Case{"^lag", true}, Case{R"(lag \d+ bytes)", true}}) {
    CAPTURE(c.pattern);
    Harness harness(
        {with_policy(gate_task("g", {make_check("lag", c.pattern)}, {}), OnFailure::stop)});
    harness.outcomes["g: lag"] = {prints("lag 12 bytes\r\nOK")};
    const Result result = harness.run();
    CHECK(result.values("check_finished", "passed") == Lines{c.passes ? "true" : "false"});
    CHECK(result.outcome() == (c.passes ? "succeeded" : "failed"));
  }
}

TEST_CASE("a gate check's stderr expectation") {
  GateCheck check = make_check("quiet");
  check.expect.stderr_pattern = "^$";
  SUBCASE("nothing on stderr holds") {
    Harness harness({gate_task("g", {check}, {})});
    const Result result = harness.run();
    CHECK(result.values("check_finished", "passed") == Lines{"true"});
  }
  SUBCASE("an error line is a no-go") {
    Harness harness({with_policy(gate_task("g", {check}, {}), OnFailure::stop)});
    VirtualOutcome noisy;
    noisy.err = "ERROR: 3 postings rejected\n";
    harness.outcomes["g: quiet"] = {noisy};
    const Result result = harness.run();
    CHECK(result.values("check_finished", "reason") == Lines{"stderr does not match /^$/"});
    CHECK(result.outcome() == "failed");
  }
  SUBCASE("a check expecting another exit code") {
    GateCheck failing = make_check("refuses");
    failing.expect.exit_code = 3;
    Harness harness({with_policy(gate_task("g", {failing}, {}), OnFailure::stop)});
    harness.outcomes["g: refuses"] = {exits(3)};
    const Result result = harness.run();
    CHECK(result.values("check_finished", "passed") == Lines{"true"});
    CHECK(result.values("check_finished", "exit_code") == Lines{"3"});
    CHECK(result.outcome() == "succeeded");
  }
}

TEST_CASE("a gate check that outlives its own timeout is a no-go") {
  GateCheck check = make_check("slow");
  check.timeout = seconds(30);
  Task gate = with_policy(gate_task("g", {check}, {}), OnFailure::stop);
  gate.timeout = minutes(10);
  Harness harness({gate});
  VirtualOutcome slow;
  slow.duration = minutes(5);
  harness.outcomes["g: slow"] = {slow};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "timed_out") == Lines{"true"});
  CHECK(result.values("check_finished", "reason") ==
        Lines{"timed out after 30s (killed by SIGTERM)"});
  CHECK(result.elapsed("check_finished") == Times{30'000});
  CHECK(result.outcome() == "failed");
}

TEST_CASE("a gate check matches the redacted output") {
  Harness harness(
      {with_policy(gate_task("g", {make_check("token", "hunter2")}, {}), OnFailure::stop)});
  harness.secrets = {{"PASSWORD", "hunter2"}};
  harness.outcomes["g: token"] = {prints("password is hunter2\n")};
  const Result result = harness.run();
  CHECK(result.values("check_finished", "passed") == Lines{"false"});
  CHECK(result.console.find("[g] password is ***\n") != std::string::npos);
}

// ----- output and secrets ------------------------------------------------------------------------

TEST_CASE("secret values are redacted on the console in the task log and in the journal") {
  TempDir dir;
  std::filesystem::create_directories(dir / "logs");
  Task a = make_task("a", minutes(1));
  a.kind = Command{"psql --password {{ DB_PASSWORD }}"};
  Harness harness({a});
  harness.runbook.vars = {{"DSN", "postgres://app:hunter2@db"}};
  harness.secrets = {{"DB_PASSWORD", "hunter2"}};
  harness.run_dir = dir.path();
  VirtualOutcome outcome;
  outcome.out = "connected as app/hunter2\nhunter2 accepted\n";
  outcome.err = "warning: password hunter2 on the command line\n";
  harness.outcomes["a"] = {outcome};
  const Result result = harness.run();

  CHECK(result.values("task_started", "command") == Lines{"psql --password ***"});
  REQUIRE(result.started.size() == 1);
  CHECK(result.started[0].argv.back() == "psql --password hunter2");  // the process gets it
  CHECK(result.values("run_started", "vars") == Lines{R"({"DSN":"postgres://app:***@db"})"});

  CHECK(result.console.find("[a] connected as app/***\n") != std::string::npos);
  CHECK(result.console.find("[a] *** accepted\n") != std::string::npos);
  CHECK(result.console.find("[a] warning: password *** on the command line\n") !=
        std::string::npos);
  CHECK(result.console.find("hunter2") == std::string::npos);

  const std::string log = read_text(dir / "logs/a.log");
  CHECK(log.find(" out connected as app/***\n") != std::string::npos);
  CHECK(log.find(" out *** accepted\n") != std::string::npos);
  CHECK(log.find(" err warning: password *** on the command line\n") != std::string::npos);
  CHECK(log.find("psql --password ***") != std::string::npos);
  CHECK(log.find("hunter2") == std::string::npos);

  for (const JournalEvent& event : result.events) {
    CHECK(testing::journaled(event).dump().find("hunter2") == std::string::npos);
  }
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a secret split across two reads of a child's output is still redacted") {
  TempDir dir;
  std::filesystem::create_directories(dir / "logs");
  Harness harness({make_task("a", minutes(1))});
  harness.secrets = {{"PASSWORD", "hunter2"}};
  harness.run_dir = dir.path();
  // The first process started gets ProcessId 1.
  harness.inject(seconds(10), ProcessOutput{1, Stream::out, "login with hun"})
      .inject(seconds(20), ProcessOutput{1, Stream::out, "ter2 ok\nbye"});
  const Result result = harness.run();
  CHECK(result.console.find("[a] login with *** ok\n[a] bye\n") != std::string::npos);
  CHECK(result.console.find("hun") == std::string::npos);
  const std::string log = read_text(dir / "logs/a.log");
  CHECK(log.find(" out login with *** ok\n") != std::string::npos);
  CHECK(log.find(" out bye\n") != std::string::npos);
  CHECK(log.find("hun") == std::string::npos);
}

// ----- rollback commands -------------------------------------------------------------------------

TEST_CASE("a rollback command is journalled with secrets redacted") {
  Task a = make_task("a", minutes(1));
  a.rollback = CommandRollback{"undo --key {{ KEY }}", {}};
  Harness harness({a, make_task("x", minutes(1), {"a"})});
  harness.secrets = {{"KEY", "k-123456"}};
  harness.outcomes["x"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.values("rollback_step_started", "command") == Lines{"undo --key ***"});
  CHECK(result.values("rollback_step_started", "kind") == Lines{"run"});
  REQUIRE(result.started.size() == 3);
  CHECK(result.started[2].argv.back() == "undo --key k-123456");
  CHECK(result.outcome() == "rolled_back");
}

TEST_CASE("a rollback step's process does not pass for the task's own attempt") {
  Harness harness({with_rollback(make_task("a", minutes(1))), make_task("x", minutes(1), {"a"})});
  harness.outcomes["x"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.process_names() == Lines{"a", "x", "a (rollback)"});
  CHECK(result.run.state.tasks[0].pid == 10001);
}
