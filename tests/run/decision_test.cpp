#include "cutover/run/decision.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using Lines = std::vector<std::string>;

// A runbook, its graph and a journal written by hand (a second between events), folded into
// the state judge() sees.
class Run : public JournalBuilder {
 public:
  explicit Run(std::vector<Task> tasks)
      : JournalBuilder(1000),
        runbook_(make_runbook(std::move(tasks))),
        graph_(make_run_graph(runbook_)) {}

  RunState state() const { return fold(runbook_, graph_, events()); }

  Effect judge(const Decision& decision, ExecutorPresence executor) const {
    return cutover::judge(runbook_, graph_, state(), decision, executor);
  }

  // The effect as one line: "refused: <reason>", "finish succeeded", "run again", ...
  std::string verdict(const Decision& decision,
                      ExecutorPresence executor = ExecutorPresence::running) const {
    return describe(judge(decision, executor));
  }

  static std::string describe(const Effect& effect) {
    if (const auto* refused = std::get_if<effect::Refused>(&effect)) {
      return "refused: " + refused->reason;
    }
    if (const auto* finish = std::get_if<effect::FinishTask>(&effect)) {
      return fmt::format("finish {}", to_string(finish->status));
    }
    if (std::holds_alternative<effect::RunAgain>(effect)) return "run again";
    if (const auto* step = std::get_if<effect::FinishRollbackStep>(&effect)) {
      return step->ok ? "rollback done" : "rollback failed";
    }
    if (std::holds_alternative<effect::RunRollbackStepAgain>(effect)) return "rollback again";
    if (std::holds_alternative<effect::Approve>(effect)) return "approve";
    if (std::holds_alternative<effect::Hold>(effect)) return "hold";
    return "reject";
  }

 private:
  Runbook runbook_;
  RunGraph graph_;
};

Decision mark(std::string task, Verdict verdict, std::string by = "alice") {
  Decision decision;
  decision.id = "d-1";
  decision.run_id = "test/run";
  decision.kind = DecisionKind::mark;
  decision.task = std::move(task);
  decision.verdict = verdict;
  decision.by = std::move(by);
  decision.user = "ops";
  decision.host = "jump";
  return decision;
}

Decision approve(std::string task, std::string by) {
  Decision decision = mark(std::move(task), Verdict::done, std::move(by));
  decision.kind = DecisionKind::approve;
  return decision;
}

Decision reject(std::string task, std::string by) {
  Decision decision = mark(std::move(task), Verdict::done, std::move(by));
  decision.kind = DecisionKind::reject;
  return decision;
}

constexpr Verdict all_verdicts[] = {Verdict::done, Verdict::failed, Verdict::skipped,
                                    Verdict::retry};

constexpr ExecutorPresence running = ExecutorPresence::running;
constexpr ExecutorPresence absent = ExecutorPresence::absent;

}  // namespace

// ----- names -------------------------------------------------------------------------------------

TEST_CASE("decision kinds and verdicts have names that parse back") {
  for (const DecisionKind kind :
       {DecisionKind::mark, DecisionKind::approve, DecisionKind::reject, DecisionKind::hold}) {
    CHECK(parse_decision_kind(to_string(kind)) == kind);
  }
  for (const Verdict verdict : all_verdicts) CHECK(parse_verdict(to_string(verdict)) == verdict);
  CHECK(to_string(DecisionKind::approve) == "approve");
  CHECK(to_string(Verdict::skipped) == "skipped");
  CHECK(parse_decision_kind("mark ") == std::nullopt);
  CHECK(parse_verdict("Done") == std::nullopt);
  CHECK(parse_verdict("") == std::nullopt);
}

// ----- what the decision names -------------------------------------------------------------------

TEST_CASE("judge refuses a task the runbook does not have and suggests the closest") {
  Run run({make_task("deploy"), manual_task("check-dns")});
  CHECK(run.verdict(mark("deplyo", Verdict::done)) ==
        "refused: runbook test has no task 'deplyo'; did you mean 'deploy'?");
  CHECK(run.verdict(approve("check_dns", "lead"), absent) ==
        "refused: runbook test has no task 'check_dns'; did you mean 'check-dns'?");
  CHECK(run.verdict(mark("zzzzzzzzzz", Verdict::done)) ==
        "refused: runbook test has no task 'zzzzzzzzzz'");
}

TEST_CASE("judge refuses every decision once the run succeeded or was rolled back") {
  Run run({manual_task("m"), approval_gate("g", {"lead"})});
  run.add(started("m")).add(started("g")).add(gate_waiting("g"));
  SUBCASE("succeeded") {
    run.add(run_finished(RunOutcome::succeeded));
    CHECK(run.verdict(mark("m", Verdict::done), absent) ==
          "refused: the run already finished (succeeded)");
    CHECK(run.verdict(approve("g", "lead"), absent) ==
          "refused: the run already finished (succeeded)");
  }
  SUBCASE("rolled back") {
    run.add(run_finished(RunOutcome::rolled_back));
    CHECK(run.verdict(mark("m", Verdict::skipped), absent) ==
          "refused: the run already finished (rolled back)");
    CHECK(run.verdict(reject("g", "lead"), absent) ==
          "refused: the run already finished (rolled back)");
  }
  SUBCASE("a run that failed still takes decisions") {
    run.add(run_finished(RunOutcome::failed));
    CHECK(run.verdict(mark("m", Verdict::done), absent) == "finish succeeded");
  }
}

// ----- manual tasks ------------------------------------------------------------------------------

TEST_CASE("judge lets a person settle a waiting manual task done failed or skipped") {
  Run run({manual_task("m")});
  run.add(started("m"));
  REQUIRE(run.state().tasks[0].status == TaskStatus::waiting);
  for (const ExecutorPresence executor : {running, absent}) {
    CHECK(run.verdict(mark("m", Verdict::done), executor) == "finish succeeded");
    CHECK(run.verdict(mark("m", Verdict::failed), executor) == "finish failed");
    CHECK(run.verdict(mark("m", Verdict::skipped), executor) == "finish skipped");
    CHECK(run.verdict(mark("m", Verdict::retry), executor) ==
          "refused: m waits for a person: mark it done, failed or skipped");
  }
}

TEST_CASE("judge refuses a mark for a task that has not started and names what it waits for") {
  Run run({make_task("a"), make_task("b"), manual_task("m", {}, {"a", "b"})});
  CHECK(run.verdict(mark("m", Verdict::done)) ==
        "refused: m has not started yet (it waits for a, b)");
  run.succeeded("a");
  CHECK(run.verdict(mark("m", Verdict::done)) == "refused: m has not started yet (it waits for b)");
  CHECK(run.verdict(mark("a", Verdict::done)) == "refused: a already finished: succeeded");
  run.succeeded("b");
  CHECK(run.verdict(mark("m", Verdict::done)) == "refused: m has not started yet");
}

TEST_CASE("judge refuses a mark for a task a person already finished and names who") {
  Run run({manual_task("m")});
  run.add(started("m")).add(marked("m", TaskStatus::skipped, person("bob")));
  CHECK(run.verdict(mark("m", Verdict::done)) == "refused: m already finished: skipped (by bob)");
  CHECK(run.verdict(mark("m", Verdict::done), absent) ==
        "refused: m already finished: skipped (by bob)");
}

// ----- tasks in doubt ----------------------------------------------------------------------------

TEST_CASE("judge settles a task in doubt with each of the four verdicts") {
  const Lines expected = {"finish succeeded", "finish failed", "finish skipped", "run again"};
  SUBCASE("interrupted by a second Ctrl-C") {
    Run run({make_task("a")});
    run.add(started("a")).add(finished("a", TaskStatus::in_doubt));
    for (const ExecutorPresence executor : {running, absent}) {
      Lines got;
      for (const Verdict verdict : all_verdicts)
        got.push_back(run.verdict(mark("a", verdict), executor));
      CHECK(got == expected);
    }
  }
  SUBCASE("found in doubt by resume") {
    Run run({make_task("a")});
    run.add(started("a")).add(in_doubt("a"));
    REQUIRE(run.state().tasks[0].status == TaskStatus::in_doubt);
    Lines got;
    for (const Verdict verdict : all_verdicts) got.push_back(run.verdict(mark("a", verdict)));
    CHECK(got == expected);
  }
  SUBCASE("running when no executor is there: it crashed") {
    Run run({make_task("a")});
    run.add(started("a"));
    Lines got;
    for (const Verdict verdict : all_verdicts)
      got.push_back(run.verdict(mark("a", verdict), absent));
    CHECK(got == expected);
  }
  SUBCASE("a gate with approvals that was cut off is settled by a mark") {
    Run run({approval_gate("g", {"lead"})});
    run.add(started("g")).add(finished("g", TaskStatus::in_doubt));
    Lines got;
    for (const Verdict verdict : all_verdicts) got.push_back(run.verdict(mark("g", verdict)));
    CHECK(got == expected);
  }
}

TEST_CASE("judge refuses a mark for a task its executor is running") {
  Run run({make_task("a")});
  run.add(started("a"));
  for (const Verdict verdict : all_verdicts) {
    CHECK(run.verdict(mark("a", verdict), running) ==
          "refused: a is running, not waiting for a decision");
  }
}

// ----- gates -------------------------------------------------------------------------------------

TEST_CASE("judge refuses to mark a gate that waits for approvals") {
  Run run({approval_gate("g", {"lead"})});
  run.add(started("g")).add(gate_waiting("g"));
  CHECK(run.verdict(mark("g", Verdict::done)) == "refused: g is a gate: approve or reject it");
  CHECK(run.verdict(mark("g", Verdict::failed), absent) ==
        "refused: g is a gate: approve or reject it");
}

TEST_CASE("judge takes an approval or a rejection from a listed approver of a waiting gate") {
  Run run({approval_gate("g", {"lead", "owner"})});
  run.add(started("g")).add(gate_waiting("g"));
  CHECK(run.verdict(approve("g", "lead")) == "approve");
  CHECK(run.verdict(approve("g", "owner"), absent) == "approve");
  CHECK(run.verdict(reject("g", "owner")) == "reject");
}

TEST_CASE("judge refuses an approver who is not in the gate's list") {
  Run run({approval_gate("g", {"lead", "owner"})});
  run.add(started("g")).add(gate_waiting("g"));
  CHECK(run.verdict(approve("g", "bob")) ==
        "refused: 'bob' is not an approver of g; its approvers are: lead, owner");
  CHECK(run.verdict(reject("g", "Lead")) ==
        "refused: 'Lead' is not an approver of g; its approvers are: lead, owner");
}

TEST_CASE("judge refuses a second approval by the same approver but takes their rejection") {
  Run run({approval_gate("g", {"lead", "owner"})});
  run.add(started("g")).add(gate_waiting("g")).add(approved("g", "lead"));
  CHECK(run.verdict(approve("g", "lead")) == "refused: lead already approved g");
  CHECK(run.verdict(approve("g", "owner")) == "approve");
  CHECK(run.verdict(reject("g", "lead")) == "reject");
}

TEST_CASE("judge refuses approvals for a gate that does not wait for them yet or any more") {
  Run run({make_task("prep"), approval_gate("g", {"lead"}, {"prep"})});
  CHECK(run.verdict(approve("g", "lead")) == "refused: g has not started yet (it waits for prep)");
  run.succeeded("prep").add(started("g"));  // its checks run
  CHECK(run.verdict(approve("g", "lead")) == "refused: g is running, not waiting for approvals");
  CHECK(run.verdict(reject("g", "lead")) == "refused: g is running, not waiting for approvals");
  run.add(gate_waiting("g")).add(approved("g", "lead")).add(finished("g", TaskStatus::succeeded));
  CHECK(run.verdict(reject("g", "lead")) == "refused: g already finished: succeeded");
}

TEST_CASE("judge takes a hold from an approver of a gate that waits for approvals") {
  Run run({make_task("prep"), approval_gate("g", {"lead", "owner"}, {"prep"})});
  Decision hold = approve("g", "owner");
  hold.kind = DecisionKind::hold;
  CHECK(run.verdict(hold) == "refused: g has not started yet (it waits for prep)");
  run.succeeded("prep").add(started("g"));
  CHECK(run.verdict(hold, absent) ==
        "refused: g is in doubt (cut off before it finished), not "
        "waiting for approvals");
  run.add(gate_waiting("g"));
  CHECK(run.verdict(hold) == "hold");
  CHECK(run.verdict(hold, absent) == "hold");
  run.add(approved("g", "owner"));
  CHECK(run.verdict(hold) == "refused: owner already approved g");  // a go cannot be held back
  hold.by = "bob";
  CHECK(run.verdict(hold) ==
        "refused: 'bob' is not an approver of g; its approvers are: lead, owner");
}

TEST_CASE("judge takes approvals and rejections for a gate in doubt") {
  Run run({approval_gate("g", {"lead", "owner"})});
  run.add(started("g"));  // its checks ran when the executor died
  CHECK(run.verdict(approve("g", "lead"), absent) == "approve");
  CHECK(run.verdict(reject("g", "owner"), absent) == "reject");
  run.add(gate_waiting("g")).add(approved("g", "lead")).add(finished("g", TaskStatus::in_doubt));
  CHECK(run.verdict(approve("g", "owner")) == "approve");
  CHECK(run.verdict(approve("g", "lead")) == "refused: lead already approved g");
  CHECK(run.verdict(mark("g", Verdict::retry)) == "run again");
}

TEST_CASE("an approval given while a gate is in doubt stands when resume runs its checks again") {
  Run run({approval_gate("g", {"lead", "owner"})});
  run.add(started("g")).add(approved("g", "lead"));
  run.add(in_doubt("g", true));
  CHECK(run.state().tasks[0].status == TaskStatus::pending);
  CHECK(run.state().tasks[0].approved_by == Lines{"lead"});
  run.add(reset("g"));  // retry: its approvers see the checks anew
  CHECK(run.state().tasks[0].approved_by.empty());
}

TEST_CASE("judge refuses an approval for a task that is not a gate with approvals") {
  Task checks_only = make_task("checks");
  checks_only.kind = Gate{{GateCheck{"holds", "true", {}, 0, Duration{0}, {}, {}}}, {}};
  Run run({manual_task("m"), checks_only});
  run.add(started("m")).add(started("checks"));
  CHECK(run.verdict(approve("m", "lead")) ==
        "refused: m is not a gate with approvals: use cutover mark");
  CHECK(run.verdict(reject("checks", "lead")) ==
        "refused: checks is not a gate with approvals: use cutover mark");
}

// ----- failed tasks ------------------------------------------------------------------------------

TEST_CASE("judge refuses to settle a failure whose dependents went ahead") {
  Run run({with_policy(make_task("a"), OnFailure::continue_)});
  run.failed("a");
  for (const ExecutorPresence executor : {running, absent}) {
    CHECK(run.verdict(mark("a", Verdict::done), executor) ==
          "refused: a failed with on_failure: continue, and its dependents went ahead");
  }
}

TEST_CASE("judge lets a person settle a failure that stopped the run once no executor runs") {
  Run run({with_policy(make_task("a"), OnFailure::stop), make_task("b", {}, {"a"})});
  run.failed("a").add(stopping("task failed"));
  SUBCASE("without an executor") {
    CHECK(run.verdict(mark("a", Verdict::done), absent) == "finish succeeded");
    CHECK(run.verdict(mark("a", Verdict::skipped), absent) == "finish skipped");
    CHECK(run.verdict(mark("a", Verdict::retry), absent) == "run again");
    CHECK(run.verdict(mark("a", Verdict::failed), absent) == "refused: a already failed");
  }
  SUBCASE("while the executor drains the run") {
    CHECK(run.verdict(mark("a", Verdict::done), running) ==
          "refused: a failed and the run is stopping; mark it once the executor has stopped, "
          "then resume");
    CHECK(run.verdict(mark("a", Verdict::retry), running) ==
          "refused: a failed and the run is stopping; mark it once the executor has stopped, "
          "then resume");
  }
  SUBCASE("the executor's run has finished") {
    run.add(run_finished(RunOutcome::failed));
    CHECK(run.verdict(mark("a", Verdict::done), running) == "finish succeeded");
  }
}

// ----- rollback steps ----------------------------------------------------------------------------

TEST_CASE("judge settles a manual rollback step that waits for a person") {
  Run run({with_manual_rollback(manual_task("m")), make_task("x", {}, {"m"})});
  run.add(started("m")).add(marked("m", TaskStatus::succeeded, person("alice")));
  run.failed("x").add(stopping("task failed", true)).add(rollback_started());
  run.add(rollback_step_started("m"));
  REQUIRE(run.state().tasks[0].rollback == RollbackStatus::running);
  for (const ExecutorPresence executor : {running, absent}) {
    CHECK(run.verdict(mark("m", Verdict::done), executor) == "rollback done");
    CHECK(run.verdict(mark("m", Verdict::failed), executor) == "rollback failed");
    CHECK(run.verdict(mark("m", Verdict::retry), executor) ==
          "refused: the rollback step of m waits for a person: mark it done or failed");
    CHECK(run.verdict(mark("m", Verdict::skipped), executor) ==
          "refused: a rollback step is marked done, failed or retry, not skipped");
  }
}

TEST_CASE("judge refuses a mark for a rollback command its executor is running") {
  Run run({with_rollback(make_task("a")), make_task("x", {}, {"a"})});
  run.succeeded("a").failed("x").add(stopping("task failed", true)).add(rollback_started());
  run.add(rollback_step_started("a"));
  CHECK(run.verdict(mark("a", Verdict::done), running) ==
        "refused: the rollback step of a is running");
  CHECK(run.verdict(mark("a", Verdict::retry), running) ==
        "refused: the rollback step of a is running");
  // Without an executor, it was cut off: a person settles it.
  CHECK(run.verdict(mark("a", Verdict::done), absent) == "rollback done");
  CHECK(run.verdict(mark("a", Verdict::failed), absent) == "rollback failed");
  CHECK(run.verdict(mark("a", Verdict::retry), absent) == "rollback again");
}

TEST_CASE("judge settles a rollback step in doubt with retry too") {
  Run run({with_rollback(make_task("a")), make_task("x", {}, {"a"})});
  run.succeeded("a").failed("x").add(stopping("task failed", true)).add(rollback_started());
  run.add(rollback_step_started("a")).add(run_resumed());
  run.add(rollback_in_doubt("a"));
  REQUIRE(run.state().tasks[0].rollback == RollbackStatus::in_doubt);
  CHECK(run.verdict(mark("a", Verdict::retry)) == "rollback again");
  CHECK(run.verdict(mark("a", Verdict::done)) == "rollback done");
  CHECK(run.verdict(mark("a", Verdict::failed)) == "rollback failed");
  CHECK(run.verdict(mark("a", Verdict::skipped)) ==
        "refused: a rollback step is marked done, failed or retry, not skipped");
}

TEST_CASE("judge refuses to fail a rollback step that already failed") {
  Run run({with_rollback(make_task("a")), make_task("x", {}, {"a"})});
  run.succeeded("a").failed("x").add(stopping("task failed", true)).add(rollback_started());
  run.add(rollback_step_started("a"))
      .add(rollback_step_finished("a", false))
      .add(run_finished(RunOutcome::rollback_failed));
  REQUIRE(run.state().tasks[0].rollback == RollbackStatus::failed);
  CHECK(run.verdict(mark("a", Verdict::failed), absent) ==
        "refused: the rollback step of a already failed");
  CHECK(run.verdict(mark("a", Verdict::retry), absent) == "rollback again");
  CHECK(run.verdict(mark("a", Verdict::done), absent) == "rollback done");
}

TEST_CASE("judge settles a rollback command that people do in track mode") {
  Run run({with_rollback(make_task("a")), make_task("x", {}, {"a"})});
  run.add(run_started(true));
  run.add(started("a")).add(marked("a", TaskStatus::succeeded, person("alice")));
  run.add(started("x"))
      .add(marked("x", TaskStatus::failed, person("alice")))
      .add(stopping("task failed", true));
  run.add(rollback_started()).add(rollback_step_started("a"));
  REQUIRE(run.state().rollback_active_people == 1);
  CHECK(run.verdict(mark("a", Verdict::done), running) == "rollback done");
  CHECK(run.verdict(mark("a", Verdict::failed), running) == "rollback failed");
}

TEST_CASE("judge lets people settle every task in track mode") {
  Run run({make_task("a"), approval_gate("g", {"lead"}), manual_task("m")});
  run.add(run_started(true));
  run.add(started("a")).add(started("g")).add(started("m"));
  const RunState state = run.state();
  REQUIRE(state.tasks[0].status == TaskStatus::waiting);
  CHECK(run.verdict(mark("a", Verdict::done)) == "finish succeeded");
  CHECK(run.verdict(mark("a", Verdict::retry)) ==
        "refused: a waits for a person: mark it done, failed or skipped");
  CHECK(run.verdict(mark("g", Verdict::done)) == "refused: g is a gate: approve or reject it");
  CHECK(run.verdict(approve("g", "lead")) == "approve");
}
