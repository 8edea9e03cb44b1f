// The executor's rollback (executor.cpp): after a failure, in reverse dependency order, or not
// at all past a point of no return; and `cutover rollback` of a run that stopped.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cutover/run/inbox.hpp"
#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// ----- rollback after a failure ------------------------------------------------------------------

TEST_CASE("on_failure rollback runs rollback steps in reverse dependency order") {
  Harness harness({
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("n", minutes(1), {"b"}),  // nothing to roll back, but it is in the way
      with_rollback(make_task("c", minutes(1), {"n"})),
      make_task("x", minutes(1), {"c"}),
      with_rollback(make_task("never", minutes(1), {"x"})),
  });
  harness.options.jobs = 4;
  harness.outcomes["x"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.values("run_stopping", "rollback") == Lines{"true"});
  CHECK(result.tasks("rollback_step_started") == Lines{"c", "b", "a"});
  CHECK(result.values("rollback_step_started", "command") == Lines{"undo-c", "undo-b", "undo-a"});
  CHECK(result.values("rollback_step_finished", "status") ==
        Lines{"succeeded", "succeeded", "succeeded"});
  CHECK(result.elapsed("rollback_step_started") ==
        Times{5 * minute_ms, 6 * minute_ms, 7 * minute_ms});
  CHECK(result.process_names() ==
        Lines{"a", "b", "n", "c", "x", "c (rollback)", "b (rollback)", "a (rollback)"});
  const Lines types = result.types();
  const auto stopping = std::find(types.begin(), types.end(), "run_stopping");
  const auto rollback = std::find(types.begin(), types.end(), "rollback_started");
  const auto first_step = std::find(types.begin(), types.end(), "rollback_step_started");
  CHECK(stopping < rollback);
  CHECK(rollback < first_step);
  CHECK(result.values("run_finished", "outcome") == Lines{"rolled_back"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"1"});
  CHECK(result.outcome() == "rolled_back");
  CHECK(result.run.state.tasks[0].rollback == RollbackStatus::succeeded);
  CHECK(result.run.state.tasks[2].rollback == RollbackStatus::none);
}

TEST_CASE("a failing rollback command ends the run rollback_failed") {
  Harness harness({
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("x", minutes(1), {"b"}),
  });
  harness.outcomes["x"] = {exits(1)};
  harness.outcomes["b (rollback)"] = {exits(7)};
  const Result result = harness.run();
  CHECK(result.tasks("rollback_step_started") == Lines{"b"});
  const json finished = result.one("rollback_step_finished", "b");
  CHECK(finished["status"] == "failed");
  CHECK(finished["reason"] == "exit code 7");
  CHECK(finished["exit_code"] == 7);
  CHECK(result.values("run_finished", "outcome") == Lines{"rollback_failed"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"4"});
  CHECK(result.outcome() == "rollback_failed");
  CHECK(result.run.state.tasks[0].rollback == RollbackStatus::none);
  CHECK(result.run.state.tasks[1].rollback == RollbackStatus::failed);
  CHECK(result.console.find("ROLLBACK FAILED  b: exit code 7; a person must take over") !=
        std::string::npos);
}

TEST_CASE("a failure after a point of no return started is fixed forward") {
  Task ponr = with_rollback(make_task("switch", minutes(1), {"a"}));
  ponr.point_of_no_return = true;
  Harness harness({
      with_rollback(make_task("a", minutes(1))),
      ponr,
      make_task("x", minutes(1), {"switch"}),
  });
  harness.outcomes["x"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.values("run_stopping", "rollback") == Lines{"false"});
  CHECK(result.values("run_stopping", "fix_forward") == Lines{"true"});
  CHECK(result.of("rollback_started").empty());
  CHECK(result.of("rollback_step_started").empty());
  CHECK(result.values("run_finished", "outcome") == Lines{"failed"});
  CHECK(result.outcome() == "failed");
  CHECK(result.run.state.point_of_no_return_passed);
  CHECK(result.console.find("a point of no return has started, so there is no rollback: fix "
                            "forward") != std::string::npos);
}

// ----- rollback of a run that stopped ------------------------------------------------------------

TEST_CASE("rollback: a run that stopped is rolled back in reverse dependency order") {
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("n", minutes(1), {"b"}),
      with_rollback(make_task("c", minutes(1), {"n"})),
      with_policy(make_task("x", minutes(1), {"c"}), OnFailure::stop),
  };
  Harness first(tasks);
  first.outcomes["x"] = {exits(1)};
  const Result first_result = first.run();
  REQUIRE(first_result.outcome() == "failed");
  REQUIRE(first_result.of("rollback_started").empty());
  Harness rollback(tasks);
  rollback.options.start = Start::rollback;
  rollback.history = &first_result.events;
  const Result result = rollback.run();
  CHECK(result.types().front() == "run_resumed");
  CHECK(result.values("run_resumed", "mode") == Lines{"rollback"});
  CHECK(result.values("rollback_started", "by") == Lines{"ops"});
  CHECK(result.values("rollback_started", "host") == Lines{"host-1"});
  CHECK(result.tasks("rollback_step_started") == Lines{"c", "b", "a"});
  CHECK(result.process_names() == Lines{"c (rollback)", "b (rollback)", "a (rollback)"});
  CHECK(result.of("task_reset").empty());  // x is not run again
  CHECK(result.outcome() == "rolled_back");
}

TEST_CASE("rollback: a task in doubt with a rollback step holds the rollback until marked") {
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(10), {"a"})),
      with_policy(make_task("x", minutes(2)), OnFailure::stop),
  };
  Harness first(tasks);
  first.options.jobs = 2;
  first.outcomes["x"] = {exits(1)};
  // Crashed after x failed, while b ran.
  const std::vector<JournalEvent> history = cut_after(first.run().events, "run_stopping");
  REQUIRE(fold(first.runbook, make_run_graph(first.runbook), history).tasks[1].status ==
          TaskStatus::running);
  TempDir dir;
  Harness rollback(tasks);
  rollback.options.start = Start::rollback;
  rollback.run_dir = dir.path();
  rollback.history = &history;
  SUBCASE("nobody answers: nothing is rolled back") {
    const Result result = rollback.run_to_stall();
    CHECK(result.values("task_in_doubt", "action") == Lines{"wait"});
    CHECK(result.values("task_in_doubt", "reason") ==
          Lines{"the run is rolling back: a person decides whether it finished (done: it is "
                "rolled back)"});
    CHECK(result.started.empty());
    // Rolling back, nothing runs forward again: retry is not offered.
    CHECK(result.error.find(fmt::format("cutover mark {} b done|failed --by NAME",
                                        dir.path().string())) != std::string::npos);
  }
  SUBCASE("done: it finished, so it is rolled back too") {
    rollback.decide(minutes(5), marked("d-1", "b", Verdict::done, "alice"));
    const Result result = rollback.run();
    CHECK(result.one("task_finished", "b")["decision"] == "d-1");
    CHECK(result.process_names() == Lines{"b (rollback)", "a (rollback)"});
    CHECK(result.elapsed("rollback_step_started").front() >=
          result.one("task_finished", "b")["elapsed_ms"]);
    CHECK(result.outcome() == "rolled_back");
  }
  SUBCASE("failed: it did not happen, so only a is rolled back") {
    rollback.decide(minutes(5), marked("d-1", "b", Verdict::failed, "alice"));
    const Result result = rollback.run();
    CHECK(result.process_names() == Lines{"a (rollback)"});
    CHECK(result.outcome() == "rolled_back");
  }
}

TEST_CASE("rollback: rollback steps that failed before run again") {
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("x", minutes(1), {"b"}),
  };
  Harness first(tasks);
  first.outcomes["x"] = {exits(1)};
  first.outcomes["b (rollback)"] = {exits(7)};
  const Result first_result = first.run();
  REQUIRE(first_result.outcome() == "rollback_failed");
  Harness rollback(tasks);
  rollback.options.start = Start::rollback;
  rollback.history = &first_result.events;
  const Result result = rollback.run();
  CHECK(result.of("rollback_started").empty());  // the rollback goes on
  const json reset = result.one("task_reset", "b");
  CHECK(reset["rollback"] == true);
  CHECK(reset["reason"] == "its rollback step failed before: it runs again");
  CHECK(result.process_names() == Lines{"b (rollback)", "a (rollback)"});
  CHECK(result.outcome() == "rolled_back");
}

TEST_CASE("rollback: a failed rollback step a person marked done is not run again") {
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("x", minutes(1), {"b"}),
  };
  Harness first(tasks);
  first.outcomes["x"] = {exits(1)};
  first.outcomes["b (rollback)"] = {exits(7)};
  const Result first_result = first.run();
  REQUIRE(first_result.outcome() == "rollback_failed");
  TempDir dir;
  deliver(dir.path(), marked("d-1", "b", Verdict::done, "alice", "undone by hand"));
  Harness rollback(tasks);
  rollback.options.start = Start::rollback;
  rollback.run_dir = dir.path();
  rollback.history = &first_result.events;
  const Result result = rollback.run();
  CHECK(result.tasks("rollback_step_finished") == Lines{"b", "a"});
  CHECK(result.values("rollback_step_finished", "decision") == Lines{"d-1", ""});
  CHECK(result.of("task_reset").empty());
  CHECK(result.process_names() == Lines{"a (rollback)"});
  CHECK(result.run.state.tasks[1].rollback == RollbackStatus::succeeded);
  CHECK(result.outcome() == "rolled_back");
}

TEST_CASE("rollback: a manual task still waiting holds back the rollback of its dependencies") {
  Task m = manual_task("m", minutes(5), {"a"});
  m.rollback = ManualRollback{"Undo m."};
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      m,
      with_policy(make_task("x", minutes(2)), OnFailure::stop),
  };
  Harness first(tasks);
  first.options.jobs = 2;
  first.outcomes["x"] = {exits(1)};
  // The executor went away after x failed, while m waited for a person.
  const std::vector<JournalEvent> history = cut_after(first.run_to_stall().events, "run_stopping");
  REQUIRE(fold(first.runbook, make_run_graph(first.runbook), history).tasks[1].status ==
          TaskStatus::waiting);
  Harness rollback(tasks);
  rollback.options.start = Start::rollback;
  rollback.type(minutes(5), {"d", "alice", "d", "bob"});
  rollback.history = &history;
  const Result result = rollback.run();
  CHECK(result.tasks("rollback_step_started") == Lines{"m", "a"});
  CHECK(result.outcome() == "rolled_back");
}
