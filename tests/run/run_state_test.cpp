#include "cutover/run/run_state.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cutover/base/errors.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using Ids = std::vector<std::string>;

// The ids of a ready set, in order of preference.
Ids ready_ids(const Runbook& runbook, const RunGraph& graph, const std::set<std::size_t>& ranks) {
  Ids ids;
  for (const std::size_t rank : ranks) ids.push_back(runbook.tasks[graph.by_rank[rank]].id);
  return ids;
}

Ids by_rank_ids(const Runbook& runbook, const RunGraph& graph) {
  Ids ids;
  for (const TaskIndex task : graph.by_rank) ids.push_back(runbook.tasks[task].id);
  return ids;
}

}  // namespace

// ----- make_run_graph ----------------------------------------------------------------------------

TEST_CASE("make_run_graph ranks the longest remaining path first") {
  const Runbook runbook = make_runbook({
      make_task("a", minutes(10)),
      make_task("b", minutes(5), {"a"}),
      make_task("c", minutes(20)),
      make_task("d", minutes(1)),
      make_task("e"),
  });
  const RunGraph graph = make_run_graph(runbook);
  CHECK(graph.remaining ==
        std::vector<Duration>{minutes(15), minutes(5), minutes(20), minutes(1), Duration{0}});
  CHECK(by_rank_ids(runbook, graph) == Ids{"c", "a", "b", "d", "e"});
  CHECK(graph.rank == std::vector<std::size_t>{1, 2, 0, 3, 4});
}

TEST_CASE("make_run_graph counts the longest of several paths after a task") {
  const Runbook runbook = make_runbook({
      make_task("root", minutes(1)),
      make_task("short", minutes(2), {"root"}),
      make_task("long", minutes(30), {"root"}),
      make_task("end", minutes(4), {"short", "long"}),
  });
  const RunGraph graph = make_run_graph(runbook);
  CHECK(graph.remaining == std::vector<Duration>{minutes(35), minutes(6), minutes(34), minutes(4)});
  CHECK(by_rank_ids(runbook, graph) == Ids{"root", "long", "short", "end"});
}

TEST_CASE("make_run_graph breaks ties in file order") {
  const Runbook runbook = make_runbook({
      make_task("t1", minutes(5)),
      make_task("t2", minutes(2)),
      make_task("t3", minutes(3), {"t2"}),
      make_task("t4", minutes(5)),
  });
  const RunGraph graph = make_run_graph(runbook);
  CHECK(graph.remaining == std::vector<Duration>{minutes(5), minutes(5), minutes(3), minutes(5)});
  CHECK(by_rank_ids(runbook, graph) == Ids{"t1", "t2", "t4", "t3"});
}

TEST_CASE("make_run_graph breaks ties in file order even where the topological order differs") {
  const Runbook runbook = make_runbook({
      make_task("p", minutes(10), {"s"}),
      make_task("r", minutes(10), {"t"}),
      make_task("t", minutes(5)),
      make_task("s", minutes(5)),
  });
  const RunGraph graph = make_run_graph(runbook);
  CHECK(by_rank_ids(runbook, graph) == Ids{"t", "s", "p", "r"});
}

// ----- outcomes and exit codes -------------------------------------------------------------------

TEST_CASE("run outcomes have names and exit codes") {
  CHECK(to_string(RunOutcome::succeeded) == "succeeded");
  CHECK(to_string(RunOutcome::rolled_back) == "rolled_back");
  CHECK(to_string(RunOutcome::rollback_failed) == "rollback_failed");
  CHECK(parse_run_outcome("interrupted") == RunOutcome::interrupted);
  CHECK(parse_run_outcome("failed") == RunOutcome::failed);
  CHECK(parse_run_outcome("bogus") == std::nullopt);
  CHECK(exit_code_of(RunOutcome::succeeded) == 0);
  CHECK(exit_code_of(RunOutcome::failed) == 1);
  CHECK(exit_code_of(RunOutcome::rolled_back) == 1);
  CHECK(exit_code_of(RunOutcome::rollback_failed) == 4);
  CHECK(exit_code_of(RunOutcome::interrupted) == 130);
  CHECK(to_string(TaskStatus::in_doubt) == "interrupted");
  CHECK(to_string(TaskStatus::waiting) == "waiting");
}

// ----- the fold ----------------------------------------------------------------------------------

TEST_CASE("initial_state makes tasks without dependencies ready by kind") {
  const Runbook runbook = make_runbook({
      make_task("a", minutes(1)),
      manual_task("m", minutes(3)),
      make_task("b", minutes(2), {"a", "m"}),
      approval_gate("g", {"lead"}),
  });
  const RunGraph graph = make_run_graph(runbook);
  const RunState state = initial_state(runbook, graph);
  CHECK(state.tasks.size() == 4);
  CHECK(state.unmet == std::vector<int>{0, 0, 2, 0});
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"a", "g"});
  CHECK(ready_ids(runbook, graph, state.ready_people) == Ids{"m"});
  CHECK(state.phase == RunPhase::running);
  CHECK_FALSE(state.anything_active());
  CHECK_FALSE(state.first_failure.has_value());
  CHECK(state.tasks[0].status == TaskStatus::pending);
}

TEST_CASE("task_started marks a command running and takes it out of the ready set") {
  const Runbook runbook = make_runbook({make_task("a", minutes(1)), make_task("b", minutes(2))});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.add(0, run_started()).started(250, "a").add(260, process_started("a", 4321));
  const RunState state = fold(runbook, graph, events.events());
  const TaskState& a = state.tasks[0];
  CHECK(a.status == TaskStatus::running);
  CHECK(a.attempts == 1);
  CHECK(a.started_ms == 250);
  CHECK(a.started_at == utc_at(250));
  CHECK_FALSE(a.finished_ms.has_value());
  CHECK(a.pid == 4321);
  CHECK(a.active());
  CHECK(state.active_automated == 1);
  CHECK(state.active_people == 0);
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
  CHECK(state.last_seq == 3);
  CHECK(state.last_elapsed_ms == 260);
}

TEST_CASE("a manual task_started waits on a person") {
  const Runbook runbook = make_runbook({manual_task("m", minutes(5))});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "m", "manual");
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::waiting);
  CHECK(state.active_people == 1);
  CHECK(state.active_automated == 0);
  CHECK(state.ready_people.empty());
  CHECK(state.anything_active());
}

TEST_CASE("a retry keeps the first start time and counts attempts") {
  const Runbook runbook = make_runbook({make_task("a", minutes(1))});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(100, "a", "run", 1)
      .add(60100, attempt_failed("a", "exit code 1", 1))
      .started(90100, "a", "run", 2);
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::running);
  CHECK(state.tasks[0].attempts == 2);
  CHECK(state.tasks[0].started_ms == 100);
  CHECK(state.tasks[0].reason == "exit code 1");
  CHECK(state.active_automated == 1);

  events.finished(150100, "a", TaskStatus::succeeded, "", 2);
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::succeeded);
  CHECK(state.tasks[0].attempts == 2);
  CHECK(state.tasks[0].started_ms == 100);
  CHECK(state.tasks[0].finished_ms == 150100);
  CHECK(state.tasks[0].finished_at == utc_at(150100));
  CHECK(state.tasks[0].reason.empty());
  CHECK(state.active_automated == 0);
  CHECK(state.tasks[0].finished());
  CHECK_FALSE(state.tasks[0].active());
}

TEST_CASE("a task_started without an attempt field counts one more attempt") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  // JSON on purpose: lines without the field, as an older journal has them (decoded as 0).
  events.add(0, "task_started", {{"task", "a"}}).add(5, "task_started", {{"task", "a"}});
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].attempts == 2);
  CHECK(state.active_automated == 1);
}

TEST_CASE("a success releases dependents whose dependencies are all done") {
  const Runbook runbook = make_runbook({
      make_task("a", minutes(1)),
      make_task("d", minutes(1)),
      make_task("b", minutes(4), {"a"}),
      make_task("c", minutes(2), {"a", "d"}),
  });
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a").started(0, "d").finished(60000, "a", TaskStatus::succeeded);
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.unmet == std::vector<int>{0, 0, 0, 1});
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
  CHECK(state.active_automated == 1);

  events.finished(61000, "d", TaskStatus::succeeded);
  state = fold(runbook, graph, events.events());
  CHECK(state.unmet == std::vector<int>{0, 0, 0, 0});
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b", "c"});
  CHECK(state.active_automated == 0);
  CHECK(state.last_elapsed_ms == 61000);
  CHECK(state.last_seq == 4);
}

TEST_CASE("a failure with stop or rollback holds dependents and is the first failure") {
  for (const OnFailure policy : {OnFailure::stop, OnFailure::rollback}) {
    CAPTURE(to_string(policy));
    Task a = make_task("a", minutes(1));
    a.on_failure = policy;
    const Runbook runbook =
        make_runbook({a, make_task("x", minutes(1)), make_task("b", {}, {"a"})});
    const RunGraph graph = make_run_graph(runbook);
    JournalBuilder events;
    events.started(0, "a")
        .started(0, "x")
        .finished(1000, "a", TaskStatus::failed, "exit code 3")
        .finished(2000, "x", TaskStatus::failed, "exit code 4");
    const RunState state = fold(runbook, graph, events.events());
    CHECK(state.tasks[0].status == TaskStatus::failed);
    CHECK(state.tasks[0].reason == "exit code 3");
    CHECK(state.tasks[0].finished_ms == 1000);
    REQUIRE(state.first_failure.has_value());
    CHECK(*state.first_failure == 0);  // the first, not the latest
    CHECK(state.tasks[2].status == TaskStatus::pending);
    CHECK(state.unmet[2] == 1);
    CHECK(state.ready_automated.empty());
    CHECK(state.active_automated == 0);
  }
}

TEST_CASE("a failure with continue lets dependents go and stops nothing") {
  Task a = make_task("a", minutes(1));
  a.on_failure = OnFailure::continue_;
  const Runbook runbook = make_runbook({a, make_task("b", minutes(1), {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a").finished(1000, "a", TaskStatus::failed, "exit code 1");
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::failed);
  CHECK_FALSE(state.first_failure.has_value());
  CHECK(state.unmet[1] == 0);
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
}

TEST_CASE("a skipped manual task counts as done for its dependents and records who") {
  const Runbook runbook =
      make_runbook({manual_task("m", minutes(5)), make_task("b", minutes(1), {"m"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "m", "manual")
      .add(3000, marked("m", TaskStatus::skipped, person("alice", "ops", "jump")));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::skipped);
  CHECK(state.tasks[0].by == "alice");
  CHECK(state.active_people == 0);
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
  CHECK_FALSE(state.first_failure.has_value());
}

TEST_CASE("an interrupted task holds its dependents and is not a failure") {
  const Runbook runbook = make_runbook({make_task("a"), make_task("b", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a").finished(500, "a", TaskStatus::in_doubt, "terminated");
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::in_doubt);
  CHECK_FALSE(state.tasks[0].finished());
  CHECK_FALSE(state.tasks[0].active());
  CHECK(state.active_automated == 0);
  CHECK_FALSE(state.first_failure.has_value());
  CHECK(state.unmet[1] == 1);
  CHECK(state.ready_automated.empty());
}

TEST_CASE("a task_finished with an unknown status changes nothing") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  // JSON on purpose: a status this version does not know, as a later version may write it.
  events.started(0, "a").add(500, "task_finished", {{"task", "a"}, {"status", "exploded"}});
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::running);
  CHECK(state.active_automated == 1);
  CHECK(state.last_seq == 2);
}

TEST_CASE("gate events move a gate from its checks to its approvers") {
  const Runbook runbook =
      make_runbook({approval_gate("g", {"lead", "owner"}), make_task("after", {}, {"g"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "g", "gate");
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::running);
  CHECK(state.active_automated == 1);

  events.add(10, check_finished("g", "c", true))
      .add(20, gate_waiting("g", {"lead", "owner"}))
      .add(30, approved("g", "lead"));
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::waiting);
  CHECK(state.active_automated == 0);
  CHECK(state.active_people == 1);
  CHECK(state.tasks[0].approved_by == Ids{"lead"});

  events.add(40, rejected("g", "owner"))
      .finished(40, "g", TaskStatus::failed, "no-go: rejected by owner");
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::failed);
  CHECK(state.tasks[0].by == "owner");
  CHECK(state.tasks[0].reason == "no-go: rejected by owner");
  CHECK(state.active_people == 0);
  CHECK(state.first_failure == TaskIndex{0});
  CHECK(state.unmet[1] == 1);
}

TEST_CASE("an approved gate records every approver in order") {
  const Runbook runbook = make_runbook({approval_gate("g", {"lead", "owner"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "g", "gate")
      .add(0, gate_waiting("g"))
      .add(5, approved("g", "owner", person("auto")))
      .add(6, approved("g", "lead", person("auto")))
      .finished(6, "g", TaskStatus::succeeded);
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].approved_by == Ids{"owner", "lead"});
  CHECK(state.tasks[0].status == TaskStatus::succeeded);
  CHECK(state.tasks[0].by.empty());
  CHECK_FALSE(state.anything_active());
}

TEST_CASE("point_of_no_return_passed is set once such a task starts") {
  Task ponr = make_task("switch", minutes(1), {"prep"});
  ponr.point_of_no_return = true;
  const Runbook runbook = make_runbook({make_task("prep", minutes(1)), ponr});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "prep").finished(100, "prep", TaskStatus::succeeded);
  CHECK_FALSE(fold(runbook, graph, events.events()).point_of_no_return_passed);
  events.started(100, "switch");
  CHECK(fold(runbook, graph, events.events()).point_of_no_return_passed);
}

TEST_CASE("run_stopping drains and records why") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);

  SUBCASE("a failure that wants a rollback") {
    JournalBuilder events;
    events.add(7, stopping("task a failed", true));
    const RunState state = fold(runbook, graph, events.events());
    CHECK(state.phase == RunPhase::draining);
    CHECK(state.stop_reason == "task a failed");
    CHECK(state.rollback_wanted);
    CHECK_FALSE(state.interrupted);
  }
  SUBCASE("an interrupt") {
    JournalBuilder events;
    events.add(0, signal_received("SIGINT", "drain")).add(0, interrupting("interrupted by SIGINT"));
    const RunState state = fold(runbook, graph, events.events());
    CHECK(state.phase == RunPhase::draining);
    CHECK(state.stop_reason == "interrupted by SIGINT");
    CHECK_FALSE(state.rollback_wanted);
    CHECK(state.interrupted);
  }
}

TEST_CASE("rollback events track each step and its failure") {
  Task a = make_task("a", minutes(1));
  a.rollback = CommandRollback{"undo-a", {}};
  Task m = manual_task("m", minutes(1));
  m.rollback = ManualRollback{"Undo m by hand."};
  Task b = make_task("b", minutes(1));
  b.rollback = CommandRollback{"undo-b", {}};
  const Runbook runbook = make_runbook({a, m, b});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(1, "a", TaskStatus::succeeded)
      .started(1, "m", "manual")
      .add(2, marked("m", TaskStatus::succeeded, person("auto")))
      .started(2, "b")
      .finished(3, "b", TaskStatus::succeeded)
      .add(4, stopping("task c failed", true))
      .add(5, rollback_started());
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::rolling_back);

  events.add(6, rollback_step_started("a")).add(6, rollback_step_started("m", true));
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].rollback == RollbackStatus::running);
  CHECK(state.tasks[1].rollback == RollbackStatus::running);
  CHECK(state.tasks[2].rollback == RollbackStatus::none);
  CHECK(state.rollback_active_automated == 1);
  CHECK(state.rollback_active_people == 1);
  CHECK(state.anything_active());

  events.add(7, rollback_step_finished("a")).add(8, rollback_step_finished("m", false));
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].rollback == RollbackStatus::succeeded);
  CHECK(state.tasks[1].rollback == RollbackStatus::failed);
  CHECK(state.rollback_active_automated == 0);
  CHECK(state.rollback_active_people == 0);
  CHECK(state.rollback_step_failed);
  CHECK_FALSE(state.anything_active());
  // The tasks themselves keep their status.
  CHECK(state.tasks[0].status == TaskStatus::succeeded);
}

TEST_CASE("a second rollback_step_finished for the same step changes nothing") {
  Task a = make_task("a");
  a.rollback = CommandRollback{"undo-a", {}};
  const Runbook runbook = make_runbook({a});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.add(0, rollback_step_started("a"))
      .add(1, rollback_step_finished("a"))
      .add(2, rollback_step_finished("a", false));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].rollback == RollbackStatus::succeeded);
  CHECK_FALSE(state.rollback_step_failed);
  CHECK(state.rollback_active_automated == 0);
}

TEST_CASE("run_finished records the outcome") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  for (const RunOutcome outcome :
       {RunOutcome::succeeded, RunOutcome::failed, RunOutcome::rolled_back,
        RunOutcome::rollback_failed, RunOutcome::interrupted}) {
    CAPTURE(to_string(outcome));
    JournalBuilder events;
    events.add(42, run_finished(outcome));
    const RunState state = fold(runbook, graph, events.events());
    CHECK(state.phase == RunPhase::finished);
    CHECK(state.outcome == outcome);
    CHECK(state.last_elapsed_ms == 42);
  }
}

TEST_CASE("event types the fold does not know change only seq and elapsed time") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  // JSON on purpose: an event type of a later version, kept as Unknown by the decoder.
  events.add(3, run_started()).add(9, "from_a_later_version", {{"task", "nope"}});
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::pending);
  CHECK(state.phase == RunPhase::running);
  CHECK(state.last_seq == 2);
  CHECK(state.last_elapsed_ms == 9);
}

TEST_CASE("an event naming a task the runbook does not have throws an environment error") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  for (const char* type :
       {"task_started", "task_finished", "process_started", "gate_approved", "gate_waiting",
        "gate_rejected", "rollback_step_started", "rollback_step_finished", "attempt_failed"}) {
    CAPTURE(type);
    JournalBuilder events;
    // JSON on purpose: one line for each of these event types by name, as the message names it.
    events.started(0, "a").add(5, type, {{"task", "ghost"}, {"status", "succeeded"}});
    try {
      (void)fold(runbook, graph, events.events());
      FAIL("no exception");
    } catch (const Error& error) {
      CHECK(error.code() == exit_environment);
      CHECK(std::string(error.what()) ==
            fmt::format("journal event 2 ({}) names task 'ghost', which the runbook does not have",
                        type));
    }
  }
}

TEST_CASE("a task finished before it started is no longer ready") {
  const Runbook runbook =
      make_runbook({manual_task("m", minutes(5)), make_task("b", minutes(1), {"m"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.add(0, marked("m", TaskStatus::skipped, person("alice")));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::skipped);
  CHECK(state.ready_people.empty());
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
}

// ----- recovery and people elsewhere -------------------------------------------------------------

TEST_CASE("run_resumed goes back to running after a stop") {
  Task a = make_task("a");
  a.on_failure = OnFailure::stop;
  const Runbook runbook = make_runbook({a, make_task("b", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(10, "a", TaskStatus::failed, "exit code 1")
      .add(10, stopping("task a failed"))
      .add(11, run_finished(RunOutcome::failed));
  RunState state = fold(runbook, graph, events.events());
  REQUIRE(state.phase == RunPhase::finished);
  REQUIRE(state.outcome == RunOutcome::failed);

  events.add(20, run_resumed());
  state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::running);
  CHECK_FALSE(state.outcome.has_value());
  CHECK(state.stop_reason.empty());
  CHECK_FALSE(state.rollback_wanted);
  // The failure is still there until the task is reset or settled.
  CHECK(state.first_failure == TaskIndex{0});
  CHECK(state.tasks[0].status == TaskStatus::failed);
}

TEST_CASE("run_resumed goes back to running after an interrupt") {
  const Runbook runbook = make_runbook({make_task("a"), make_task("b", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .add(5, interrupting("interrupted by SIGINT"))
      .finished(6, "a", TaskStatus::in_doubt)
      .add(6, run_finished(RunOutcome::interrupted))
      .add(100, run_resumed());
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::running);
  CHECK_FALSE(state.interrupted);
  CHECK_FALSE(state.outcome.has_value());
  CHECK(state.stop_reason.empty());
  CHECK(state.tasks[0].status == TaskStatus::in_doubt);
}

TEST_CASE("run_resumed after a crash while running keeps running") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a").add(100, run_resumed());
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::running);
  CHECK(state.tasks[0].status == TaskStatus::running);
  CHECK(state.active_automated == 1);
}

TEST_CASE("run_resumed stays rolling back once a rollback began") {
  Task a = make_task("a");
  a.rollback = CommandRollback{"undo-a", {}};
  const Runbook runbook = make_runbook({a, make_task("x", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(1, "a", TaskStatus::succeeded)
      .started(1, "x")
      .finished(2, "x", TaskStatus::failed)
      .add(2, stopping("task x failed", true))
      .add(3, rollback_started());
  SUBCASE("crashed during the rollback") {
    events.add(4, rollback_step_started("a")).add(10, run_resumed());
  }
  SUBCASE("the rollback failed and was finished") {
    events.add(4, rollback_step_started("a"))
        .add(5, rollback_step_finished("a", false))
        .add(5, run_finished(RunOutcome::rollback_failed))
        .add(10, run_resumed(true));
  }
  SUBCASE("the rollback was interrupted twice: the next executor's Ctrl-C counts afresh") {
    events.add(4, interrupting())
        .add(5, signal_received("SIGINT", "terminate"))
        .add(5, run_finished(RunOutcome::interrupted))
        .add(10, run_resumed());
  }
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::rolling_back);
  CHECK(state.rollback_performed);
  CHECK_FALSE(state.outcome.has_value());
  CHECK_FALSE(state.interrupted);
  CHECK_FALSE(state.terminating);
}

TEST_CASE("run_resumed stays draining when the failure's rollback is still due") {
  const Runbook runbook = make_runbook({make_task("a"), make_task("x")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .started(0, "x")
      .finished(1, "x", TaskStatus::failed)
      .add(1, stopping("task x failed", true))
      .add(10, run_resumed());
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.phase == RunPhase::draining);
  CHECK(state.rollback_wanted);
  CHECK(state.stop_reason == "task x failed");
  CHECK_FALSE(state.rollback_performed);
}

TEST_CASE("task_in_doubt with rerun makes a running task pending and ready again") {
  const Runbook runbook = make_runbook({make_task("a", minutes(5)), manual_task("m", minutes(1)),
                                        make_task("b", minutes(1), {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .add(1, process_started("a", 77))
      .add(100, run_resumed())
      .add(101, in_doubt("a", true, "idempotent"));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::pending);
  CHECK(state.active_automated == 0);
  CHECK(state.tasks[0].attempts == 1);  // the next start counts on
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"a"});
  CHECK(ready_ids(runbook, graph, state.ready_people) == Ids{"m"});
  CHECK(state.unmet[2] == 1);
  CHECK_FALSE(state.anything_active());
}

TEST_CASE("task_in_doubt with rerun of an interrupted manual task puts it to people again") {
  const Runbook runbook = make_runbook({manual_task("m")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "m", "manual")
      .finished(5, "m", TaskStatus::in_doubt)
      .add(9, in_doubt("m", true));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::pending);
  CHECK(state.active_people == 0);
  CHECK(ready_ids(runbook, graph, state.ready_people) == Ids{"m"});
}

TEST_CASE("task_in_doubt with wait holds the task and its dependents for a person") {
  const Runbook runbook = make_runbook({make_task("a"), make_task("b", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a").add(100, run_resumed()).add(250, in_doubt("a", false, "not idempotent"));
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::in_doubt);
  CHECK(state.tasks[0].waiting_since == utc_at(250));
  CHECK(state.active_automated == 0);
  CHECK_FALSE(state.anything_active());
  CHECK(state.ready_automated.empty());
  CHECK(state.unmet[1] == 1);

  // A person says it finished: its dependents go.
  events.add(300, marked("a", TaskStatus::succeeded, {"alice", "", "", "d-1", ""}));
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::succeeded);
  CHECK(state.tasks[0].by == "alice");
  CHECK_FALSE(state.tasks[0].waiting_since.has_value());
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"b"});
}

TEST_CASE("task_in_doubt for a rollback step waits for a person or runs it again") {
  Task a = make_task("a");
  a.rollback = CommandRollback{"undo-a", {}};
  const Runbook runbook = make_runbook({a, make_task("x", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(1, "a", TaskStatus::succeeded)
      .started(1, "x")
      .finished(2, "x", TaskStatus::failed)
      .add(2, stopping("task x failed", true))
      .add(3, rollback_started())
      .add(4, rollback_step_started("a"))
      .add(10, run_resumed());
  SUBCASE("wait") {
    events.add(11, rollback_in_doubt("a"));
    RunState state = fold(runbook, graph, events.events());
    CHECK(state.tasks[0].rollback == RollbackStatus::in_doubt);
    CHECK(state.rollback_active_automated == 0);
    CHECK_FALSE(state.anything_active());
    CHECK(state.tasks[0].status == TaskStatus::succeeded);

    events.add(20, rollback_step_finished("a"));
    state = fold(runbook, graph, events.events());
    CHECK(state.tasks[0].rollback == RollbackStatus::succeeded);
    CHECK(state.rollback_active_automated == 0);
  }
  SUBCASE("rerun") {
    events.add(11, rollback_in_doubt("a", true));
    const RunState state = fold(runbook, graph, events.events());
    CHECK(state.tasks[0].rollback == RollbackStatus::none);
    CHECK(state.rollback_active_automated == 0);
    CHECK(state.tasks[0].status == TaskStatus::succeeded);
  }
}

TEST_CASE("task_reset runs a failure that stopped the run again") {
  Task a = make_task("a");
  a.on_failure = OnFailure::stop;
  const Runbook runbook = make_runbook({a, make_task("b", {}, {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(10, "a", TaskStatus::failed, "exit code 1")
      .add(10, stopping("task a failed"))
      .add(11, run_finished(RunOutcome::failed))
      .add(50, run_resumed())
      .add(51, reset("a", "it failed and stopped the run"));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::pending);
  CHECK_FALSE(state.first_failure.has_value());
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"a"});
  CHECK(state.unmet[1] == 1);
  CHECK(state.phase == RunPhase::running);
  CHECK(state.tasks[0].attempts == 1);
}

TEST_CASE("task_reset of a gate forgets its approvals") {
  const Runbook runbook = make_runbook({approval_gate("g", {"lead", "owner"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "g", "gate")
      .add(1, gate_waiting("g"))
      .add(2, approved("g", "lead"))
      .finished(3, "g", TaskStatus::in_doubt)
      .add(4, reset("g", "", event::Person{"alice", "", "", "d-7", ""}));
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::pending);
  CHECK(state.tasks[0].approved_by.empty());
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"g"});
  CHECK(state.decisions.contains("d-7"));
}

TEST_CASE("task_reset of a rollback step that failed clears the rollback failure") {
  Task a = make_task("a");
  a.rollback = CommandRollback{"undo-a", {}};
  Task b = make_task("b");
  b.rollback = CommandRollback{"undo-b", {}};
  const Runbook runbook = make_runbook({a, b, make_task("x", {}, {"a", "b"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "a")
      .finished(1, "a", TaskStatus::succeeded)
      .started(0, "b")
      .finished(1, "b", TaskStatus::succeeded)
      .started(1, "x")
      .finished(2, "x", TaskStatus::failed)
      .add(2, stopping("", true))
      .add(3, rollback_started())
      .add(4, rollback_step_started("a"))
      .add(4, rollback_step_started("b"))
      .add(5, rollback_step_finished("a", false))
      .add(5, rollback_step_finished("b", false))
      .add(6, run_finished(RunOutcome::rollback_failed))
      .add(10, run_resumed(true))
      .add(11, rollback_reset("a"));
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].rollback == RollbackStatus::none);
  CHECK(state.tasks[1].rollback == RollbackStatus::failed);
  CHECK(state.rollback_step_failed);  // b's still stands
  CHECK(state.tasks[0].status == TaskStatus::succeeded);

  events.add(11, rollback_reset("b"));
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[1].rollback == RollbackStatus::none);
  CHECK_FALSE(state.rollback_step_failed);
  CHECK(state.rollback_active_automated == 0);
}

TEST_CASE("track mode puts every ready task to people") {
  const Runbook runbook =
      make_runbook({make_task("a", minutes(5)), approval_gate("g", {}),
                    manual_task("m", minutes(1)), make_task("b", minutes(1), {"a"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.add(0, run_started(true));
  RunState state = fold(runbook, graph, events.events());
  CHECK(state.track);
  CHECK(state.ready_automated.empty());
  CHECK(ready_ids(runbook, graph, state.ready_people) == Ids{"a", "m", "g"});
  CHECK(state.people_do(runbook, 0));

  events.started(1, "a");
  state = fold(runbook, graph, events.events());
  CHECK(state.tasks[0].status == TaskStatus::waiting);
  CHECK(state.tasks[0].waiting_since == utc_at(1));
  CHECK(state.active_people == 1);
  CHECK(state.active_automated == 0);

  events.add(2, marked("a", TaskStatus::succeeded, person("alice")));
  state = fold(runbook, graph, events.events());
  CHECK(state.active_people == 0);
  CHECK(ready_ids(runbook, graph, state.ready_people) == Ids{"m", "b", "g"});
  CHECK(state.ready_automated.empty());
}

TEST_CASE("a run without track keeps commands automated") {
  const Runbook runbook = make_runbook({make_task("a")});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.add(0, run_started(false));
  const RunState state = fold(runbook, graph, events.events());
  CHECK_FALSE(state.track);
  CHECK(ready_ids(runbook, graph, state.ready_automated) == Ids{"a"});
  CHECK_FALSE(state.people_do(runbook, 0));
}

TEST_CASE("every decision id the journal holds is remembered whether applied or refused") {
  const Runbook runbook = make_runbook({manual_task("m"), approval_gate("g", {"lead"})});
  const RunGraph graph = make_run_graph(runbook);
  JournalBuilder events;
  events.started(0, "m", "manual")
      .started(0, "g", "gate")
      .add(1, gate_waiting("g"))
      .add(2,
           event::DecisionRefused{
               "", "", "", "m", "", {"", "", "", "d-refused", ""}, "it was meant for run other"})
      .add(3, approved("g", "lead", event::Person{"", "", "", "d-approve", ""}))
      .add(4, marked("m", TaskStatus::succeeded, {"alice", "", "", "d-mark", "ok"}))
      .finished(5, "g", TaskStatus::succeeded)
      .add(6, event::DecisionRefused{"broken.json", "", "", "", "", {}, "cannot be read"});
  const RunState state = fold(runbook, graph, events.events());
  CHECK(state.decisions == std::set<std::string, std::less<>>{"d-approve", "d-mark", "d-refused"});
  CHECK(state.tasks[0].status == TaskStatus::succeeded);
  // A refusal changes nothing else.
  CHECK(state.tasks[1].approved_by == Ids{"lead"});
}
