#include "cutover/run/scheduler.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using Lines = std::vector<std::string>;

Task gate_task(std::string id, std::optional<Duration> estimate = {},
               std::vector<std::string> depends_on = {}) {
  Task task = make_task(std::move(id), estimate, std::move(depends_on));
  Gate gate;
  gate.checks.push_back(GateCheck{"holds", "true", {}, 0, Duration{0}, {}, {}});
  gate.approvals = {"lead"};
  task.kind = gate;
  return task;
}

// A runbook, its graph and a journal written by hand (1 ms between events); decide() on the
// folded journal.
class Run : public JournalBuilder {
 public:
  explicit Run(std::vector<Task> tasks)
      : JournalBuilder(1),
        runbook_(make_runbook(std::move(tasks))),
        graph_(make_run_graph(runbook_)) {}

  RunState state() const { return fold(runbook_, graph_, events()); }

  // The scheduler's actions, each as a line: "start a", "stop 'task a failed' rollback", ...
  Lines decide(std::size_t jobs = 1) const {
    Lines lines;
    for (const Action& action : cutover::decide(runbook_, graph_, state(), {jobs})) {
      lines.push_back(describe(action));
    }
    return lines;
  }

  Lines rollback_candidates() const {
    Lines ids;
    for (const TaskIndex task : cutover::rollback_candidates(runbook_, graph_, state())) {
      ids.push_back(runbook_.tasks[task].id);
    }
    return ids;
  }

 private:
  std::string describe(const Action& action) const {
    const auto id = [&](TaskIndex task) { return runbook_.tasks[task].id; };
    if (const auto* start = std::get_if<StartTask>(&action)) return "start " + id(start->task);
    if (const auto* stop = std::get_if<StopRun>(&action)) {
      return fmt::format("stop '{}'{}{}", stop->reason, stop->rollback ? " rollback" : "",
                         stop->fix_forward ? " fix_forward" : "");
    }
    if (std::holds_alternative<BeginRollback>(action)) return "begin_rollback";
    if (const auto* step = std::get_if<StartRollbackStep>(&action)) {
      return "rollback " + id(step->task);
    }
    return fmt::format("finish {}", to_string(std::get<FinishRun>(action).outcome));
  }

  Runbook runbook_;
  RunGraph graph_;
};

}  // namespace

// ----- running -----------------------------------------------------------------------------------

TEST_CASE("decide limits automated tasks to -j but puts every ready manual task to people") {
  Run run({
      make_task("a", minutes(10)),
      make_task("b", minutes(20)),
      make_task("c", minutes(30)),
      manual_task("m1", minutes(5)),
      manual_task("m2", minutes(1)),
  });
  CHECK(run.decide(2) == Lines{"start m1", "start m2", "start c", "start b"});
  CHECK(run.decide(1) == Lines{"start m1", "start m2", "start c"});
  CHECK(run.decide(9) == Lines{"start m1", "start m2", "start c", "start b", "start a"});

  run.add(started("c"));
  CHECK(run.decide(2) == Lines{"start m1", "start m2", "start b"});
  CHECK(run.decide(1) == Lines{"start m1", "start m2"});

  run.add(started("m1")).add(started("m2"));
  CHECK(run.decide(1) == Lines{});
  CHECK(run.decide(3) == Lines{"start b", "start a"});
}

TEST_CASE("decide starts the longest remaining path first among ready tasks") {
  Run run({
      make_task("a", minutes(1)),
      make_task("b", minutes(10)),
      make_task("c", minutes(5)),
      make_task("d", minutes(20), {"a"}),
  });
  CHECK(run.decide(3) == Lines{"start a", "start b", "start c"});
  CHECK(run.decide(1) == Lines{"start a"});
  run.succeeded("a");
  CHECK(run.decide(1) == Lines{"start d"});
  CHECK(run.decide(2) == Lines{"start d", "start b"});
}

TEST_CASE("a gate counts against -j while its checks run but not while it waits for approval") {
  Run run({gate_task("g", minutes(1)), make_task("a", minutes(1))});
  CHECK(run.decide(1) == Lines{"start g"});
  run.add(started("g"));
  CHECK(run.decide(1) == Lines{});
  run.add(gate_waiting("g"));
  CHECK(run.decide(1) == Lines{"start a"});
}

TEST_CASE("decide finishes a run succeeded once every task is done") {
  Run run({make_task("a"), make_task("b", {}, {"a"})});
  run.succeeded("a").add(started("b"));
  CHECK(run.decide() == Lines{});
  run.add(finished("b", TaskStatus::succeeded));
  CHECK(run.decide() == Lines{"finish succeeded"});
}

TEST_CASE("a skipped task lets its dependents start") {
  Run run({manual_task("m"), make_task("b", {}, {"m"})});
  run.add(started("m")).add(finished("m", TaskStatus::skipped));
  CHECK(run.decide() == Lines{"start b"});
}

TEST_CASE("a failure with on_failure stop stops the run without a rollback") {
  Run run({with_policy(with_rollback(make_task("a", minutes(1))), OnFailure::stop),
           make_task("x", minutes(1)), make_task("b", {}, {"a"})});
  run.failed("a");
  CHECK(run.decide(4) == Lines{"stop 'task a failed'"});
}

TEST_CASE("a failure with on_failure rollback stops the run and asks for a rollback") {
  Run run({with_rollback(make_task("a", minutes(1))), make_task("x", minutes(1)),
           make_task("b", {}, {"a"})});
  run.add(started("a")).add(started("x")).add(finished("a", TaskStatus::failed));
  CHECK(run.decide(4) == Lines{"stop 'task a failed' rollback"});
}

TEST_CASE("a failure with on_failure continue lets dependents run and finishes succeeded") {
  Run run(
      {with_policy(make_task("a", minutes(1)), OnFailure::continue_), make_task("b", {}, {"a"})});
  run.failed("a");
  CHECK(run.decide() == Lines{"start b"});
  run.succeeded("b");
  CHECK(run.decide() == Lines{"finish succeeded"});
}

TEST_CASE("a rollback failure after a point of no return started is fixed forward") {
  Task ponr = make_task("switch", minutes(1));
  ponr.point_of_no_return = true;

  SUBCASE("the point of no return succeeded") {
    Run run({ponr, with_rollback(make_task("a", minutes(2)))});
    run.succeeded("switch").failed("a");
    CHECK(run.decide() == Lines{"stop 'task a failed' fix_forward"});
  }
  SUBCASE("the point of no return is still running") {
    Run run({ponr, with_rollback(make_task("a", minutes(2)))});
    run.add(started("switch")).failed("a");
    CHECK(run.decide(2) == Lines{"stop 'task a failed' fix_forward"});
  }
  SUBCASE("a point of no return that has not started changes nothing") {
    Task later = ponr;
    later.depends_on = {{"a", {}}};
    Run run({later, with_rollback(make_task("a", minutes(2)))});
    run.failed("a");
    CHECK(run.decide() == Lines{"stop 'task a failed' rollback"});
  }
  SUBCASE("stop stays stop, without fix_forward") {
    Run run({ponr, with_policy(make_task("a", minutes(2)), OnFailure::stop)});
    run.succeeded("switch").failed("a");
    CHECK(run.decide() == Lines{"stop 'task a failed'"});
  }
}

// ----- draining ----------------------------------------------------------------------------------

TEST_CASE("draining waits for active tasks then finishes failed") {
  Run run({make_task("a"), make_task("b"), make_task("c", {}, {"b"})});
  run.add(started("a"))
      .add(started("b"))
      .add(finished("a", TaskStatus::failed))
      .add(stopping("task failed"));
  CHECK(run.decide(4) == Lines{});
  run.add(finished("b", TaskStatus::succeeded));  // c is ready now, but the run is draining
  CHECK(run.decide(4) == Lines{"finish failed"});
}

TEST_CASE("draining waits for a person too") {
  Run run({make_task("a"), manual_task("m")});
  run.add(started("m")).failed("a").add(stopping("task failed"));
  CHECK(run.decide() == Lines{});
  run.add(finished("m", TaskStatus::succeeded));
  CHECK(run.decide() == Lines{"finish failed"});
}

TEST_CASE("draining after a failure with rollback begins the rollback") {
  Run run({with_rollback(make_task("a")), make_task("b")});
  run.succeeded("a").failed("b").add(stopping("task failed", true));
  CHECK(run.decide() == Lines{"begin_rollback"});
}

TEST_CASE("draining after an interrupt finishes interrupted") {
  Run run({make_task("a"), make_task("b", {}, {"a"})});
  run.add(started("a")).add(interrupting("interrupted by SIGINT"));
  CHECK(run.decide() == Lines{});
  run.add(finished("a", TaskStatus::succeeded));
  CHECK(run.decide() == Lines{"finish interrupted"});
}

TEST_CASE("terminating waits for processes but not for people") {
  Run run({make_task("a"), manual_task("m"), make_task("b", {}, {"m"})});
  run.add(started("a")).add(started("m")).add(interrupting("interrupted by SIGINT"));
  run.add(signal_received("SIGINT", "drain"));
  CHECK(run.decide() == Lines{});  // a first Ctrl-C: m's person may still answer
  run.add(signal_received("SIGINT", "terminate"));
  CHECK(run.decide() == Lines{});  // a is still being terminated
  run.add(finished("a", TaskStatus::in_doubt));
  CHECK(run.decide() == Lines{"finish interrupted"});
  CHECK(run.state().tasks[1].status == TaskStatus::waiting);
}

TEST_CASE("terminated while rolling back: it ends once its commands have") {
  Task m = manual_task("m");
  m.rollback = ManualRollback{"Undo by hand."};
  Run run({with_rollback(make_task("a")), m, make_task("x", {}, {"a", "m"})});
  run.succeeded("a").succeeded("m").failed("x").add(stopping("task x failed", true));
  run.add(rollback_started()).add(rollback_step_started("m", true));
  run.add(rollback_step_started("a"));
  run.add(signal_received("SIGTERM", "terminate"));
  CHECK(run.decide() == Lines{});  // a's rollback command is being terminated
  run.add(rollback_step_finished("a", false));
  CHECK(run.decide() == Lines{"finish interrupted"});  // m's person is not waited for
}

TEST_CASE("a finished run decides nothing") {
  Run run({make_task("a")});
  run.succeeded("a").add(run_finished(RunOutcome::succeeded));
  CHECK(run.decide() == Lines{});
}

// ----- rolling back ------------------------------------------------------------------------------

TEST_CASE("rollback goes in reverse dependency order one task at a time") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           with_rollback(make_task("c", {}, {"b"})), make_task("d", {}, {"c"})});
  run.succeeded("a").succeeded("b").succeeded("c").failed("d");
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"c"});
  CHECK(run.decide(4) == Lines{"rollback c"});

  run.add(rollback_step_started("c"));
  CHECK(run.rollback_candidates() == Lines{});
  CHECK(run.decide(4) == Lines{});

  run.add(rollback_step_finished("c"));
  CHECK(run.rollback_candidates() == Lines{"b"});
  run.add(rollback_step_started("b")).add(rollback_step_finished("b"));
  CHECK(run.rollback_candidates() == Lines{"a"});
  run.add(rollback_step_started("a")).add(rollback_step_finished("a"));
  CHECK(run.rollback_candidates() == Lines{});
  CHECK(run.decide(4) == Lines{"finish rolled_back"});
}

TEST_CASE("a dependent without a rollback step still holds back its dependencies' rollback") {
  Run run({with_rollback(make_task("a")), make_task("b", {}, {"a"}),
           with_rollback(make_task("c", {}, {"b"})), make_task("d", {}, {"c"})});
  run.succeeded("a").succeeded("b").succeeded("c").failed("d");
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"c"});
  CHECK(run.decide(4) == Lines{"rollback c"});
  run.add(rollback_step_started("c"));
  CHECK(run.rollback_candidates() == Lines{});
  run.add(rollback_step_finished("c"));
  CHECK(run.rollback_candidates() == Lines{"a"});
  CHECK(run.decide(4) == Lines{"rollback a"});
}

TEST_CASE("a task waits for every succeeded dependent of a diamond") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           with_rollback(make_task("c", {}, {"a"})), make_task("d", {}, {"b", "c"})});
  run.succeeded("a").succeeded("b").succeeded("c").failed("d");
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"c", "b"});
  CHECK(run.decide(1) == Lines{"rollback c"});
  CHECK(run.decide(2) == Lines{"rollback c", "rollback b"});
  run.add(rollback_step_started("c")).add(rollback_step_finished("c"));
  CHECK(run.rollback_candidates() == Lines{"b"});
  run.add(rollback_step_started("b")).add(rollback_step_finished("b"));
  CHECK(run.rollback_candidates() == Lines{"a"});
}

TEST_CASE("skipped failed and never started tasks are not rolled back") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           with_rollback(manual_task("c", {}, {"a"})), with_rollback(make_task("d", {}, {"a"})),
           with_rollback(make_task("e", {}, {"d"}))});
  run.succeeded("a").failed("b");
  run.add(started("c")).add(finished("c", TaskStatus::skipped));
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"a"});
  CHECK(run.decide(4) == Lines{"rollback a"});
  run.add(rollback_step_started("a")).add(rollback_step_finished("a"));
  CHECK(run.decide(4) == Lines{"finish rolled_back"});
}

TEST_CASE("a dependent that failed with continue does not hold back its dependency") {
  Run run({with_rollback(make_task("a")),
           with_policy(with_rollback(make_task("b", {}, {"a"})), OnFailure::continue_),
           with_rollback(make_task("c", {}, {"b"})), make_task("d", {}, {"c"})});
  run.succeeded("a").failed("b").succeeded("c");
  run.failed("d").add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"c"});
  run.add(rollback_step_started("c")).add(rollback_step_finished("c"));
  CHECK(run.rollback_candidates() == Lines{"a"});
}

TEST_CASE("rollback commands are limited to -j but manual rollback steps are not") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b")),
           with_manual_rollback(manual_task("m")), make_task("x")});
  run.succeeded("a").succeeded("b").succeeded("m").failed("x");
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{"m", "b", "a"});
  CHECK(run.decide(1) == Lines{"rollback m", "rollback b"});
  CHECK(run.decide(2) == Lines{"rollback m", "rollback b", "rollback a"});
  run.add(rollback_step_started("b"));
  CHECK(run.decide(1) == Lines{"rollback m"});
  CHECK(run.decide(2) == Lines{"rollback m", "rollback a"});
}

TEST_CASE("a failed rollback step starts nothing more and finishes rollback_failed") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           with_rollback(make_task("c")), make_task("x", {}, {"b", "c"})});
  run.succeeded("a").succeeded("b").succeeded("c").failed("x");
  run.add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.decide(2) == Lines{"rollback c", "rollback b"});
  run.add(rollback_step_started("c"))
      .add(rollback_step_started("b"))
      .add(rollback_step_finished("b", false));
  // c is still rolling back: wait for it, and start nothing else (a would be next).
  CHECK(run.decide(2) == Lines{});
  run.add(rollback_step_finished("c"));
  CHECK(run.decide(2) == Lines{"finish rollback_failed"});
  CHECK(run.state().tasks[0].rollback == RollbackStatus::none);
}

TEST_CASE("a rollback with nothing to roll back finishes rolled_back at once") {
  Run run({make_task("a"), make_task("b", {}, {"a"})});
  run.succeeded("a").failed("b").add(stopping("task failed", true)).add(rollback_started());
  CHECK(run.rollback_candidates() == Lines{});
  CHECK(run.decide() == Lines{"finish rolled_back"});
}

TEST_CASE("a run with an in-doubt task does not finish succeeded") {
  Run run({make_task("a"), make_task("b", {}, {"a"})});
  run.add(started("a")).add(finished("a", TaskStatus::in_doubt));
  const Lines actions = run.decide();
  CHECK(std::find(actions.begin(), actions.end(), "finish succeeded") == actions.end());
}

TEST_CASE("rollback waits for a person to settle a task in doubt that has a rollback step") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           with_policy(make_task("x"), OnFailure::stop)});
  run.succeeded("a").add(started("b")).failed("x").add(stopping("task failed"));
  run.add(run_resumed(true)).add(rollback_started());
  run.add(in_doubt("b"));
  REQUIRE(run.state().tasks[1].status == TaskStatus::in_doubt);
  // a may not be rolled back before anyone knows whether b happened.
  CHECK(run.rollback_candidates() == Lines{});
  CHECK(run.decide(4) == Lines{});

  SUBCASE("b did finish: it is rolled back first") {
    run.add(finished("b", TaskStatus::succeeded));
    CHECK(run.rollback_candidates() == Lines{"b"});
    CHECK(run.decide(4) == Lines{"rollback b"});
    run.add(rollback_step_started("b")).add(rollback_step_finished("b"));
    CHECK(run.decide(4) == Lines{"rollback a"});
    run.add(rollback_step_started("a")).add(rollback_step_finished("a"));
    CHECK(run.decide(4) == Lines{"finish rolled_back"});
  }
  SUBCASE("b did not happen: a is next") {
    run.add(finished("b", TaskStatus::failed));
    CHECK(run.rollback_candidates() == Lines{"a"});
    run.add(rollback_step_started("a")).add(rollback_step_finished("a"));
    CHECK(run.decide(4) == Lines{"finish rolled_back"});
  }
}

TEST_CASE("a rollback with only a task in doubt left does not finish until it is settled") {
  Run run({make_task("a"), with_rollback(make_task("b")), make_task("x")});
  run.succeeded("a").add(started("b")).failed("x").add(stopping("task failed", true));
  run.add(rollback_started()).add(in_doubt("b"));
  CHECK(run.decide() == Lines{});
  run.add(finished("b", TaskStatus::failed));
  CHECK(run.decide() == Lines{"finish rolled_back"});
}

TEST_CASE("a task in doubt without a rollback step does not hold the rollback back") {
  Run run({with_rollback(make_task("a")), make_task("b", {}, {"a"}), make_task("x")});
  run.succeeded("a").add(started("b")).failed("x").add(stopping("task failed", true));
  run.add(rollback_started()).add(in_doubt("b"));
  CHECK(run.rollback_candidates() == Lines{"a"});
  run.add(rollback_step_started("a")).add(rollback_step_finished("a"));
  CHECK(run.decide() == Lines{"finish rolled_back"});
}

TEST_CASE("a rollback step in doubt holds the rollback until a person settles it") {
  Run run({with_rollback(make_task("a")), with_rollback(make_task("b", {}, {"a"})),
           make_task("x", {}, {"b"})});
  run.succeeded("a").succeeded("b").failed("x").add(stopping("task failed", true));
  run.add(rollback_started()).add(rollback_step_started("b"));
  run.add(run_resumed());
  run.add(rollback_in_doubt("b"));
  REQUIRE(run.state().tasks[1].rollback == RollbackStatus::in_doubt);
  CHECK(run.rollback_candidates() == Lines{});
  CHECK(run.decide(2) == Lines{});
  SUBCASE("done") {
    run.add(rollback_step_finished("b"));
    CHECK(run.decide(2) == Lines{"rollback a"});
  }
  SUBCASE("retry") {
    run.add(rollback_reset("b"));
    CHECK(run.decide(2) == Lines{"rollback b"});
  }
  SUBCASE("failed") {
    run.add(rollback_step_finished("b", false));
    CHECK(run.decide(2) == Lines{"finish rollback_failed"});
  }
}

TEST_CASE("in track mode every ready task is put to people at once with commands too") {
  Run run({make_task("a"), make_task("b"), make_task("c")});
  run.add(run_started(true));
  CHECK(run.decide(1) == Lines{"start a", "start b", "start c"});
}

TEST_CASE("a failed attempt is retried while the task's retries allow - counted per executor") {
  Task task = make_task("flaky");
  task.retries = 2;
  task.retry_delay = std::chrono::seconds(30);
  const auto second = next_task_attempt(task, 1, 0, false);
  REQUIRE(second);
  CHECK(second->attempt == 2);
  CHECK(second->delay == std::chrono::seconds(30));
  CHECK(next_task_attempt(task, 3, 0, false) == std::nullopt);
  // Resumed after two attempts: this executor's budget starts afresh.
  CHECK(next_task_attempt(task, 3, 2, false)->attempt == 4);
  CHECK(next_task_attempt(task, 5, 2, false) == std::nullopt);
  CHECK(next_task_attempt(task, 1, 0, true) == std::nullopt);  // the run is terminating
}

TEST_CASE("a gate check is polled again while its retries allow - never once terminated") {
  GateCheck check;
  check.retries = 1;
  check.retry_delay = std::chrono::minutes(1);
  const auto poll = next_check_poll(check, 1, false);
  REQUIRE(poll);
  CHECK(poll->attempt == 2);
  CHECK(poll->delay == std::chrono::minutes(1));
  CHECK(next_check_poll(check, 2, false) == std::nullopt);
  CHECK(next_check_poll(check, 1, true) == std::nullopt);
}

TEST_CASE("a gate's approvals are complete once every approver approved") {
  const Runbook runbook = make_runbook({approval_gate("go", {"cfo", "cio"})});
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  CHECK_FALSE(approvals_complete(runbook, state, 0));
  state.tasks[0].approved_by = {"cio"};
  CHECK_FALSE(approvals_complete(runbook, state, 0));
  state.tasks[0].approved_by = {"cio", "cfo"};
  CHECK(approvals_complete(runbook, state, 0));
}
