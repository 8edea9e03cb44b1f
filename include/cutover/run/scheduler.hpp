#pragma once
// The pure scheduler: from the runbook and the folded state, what the executor does next.
// It starts nothing itself, so its tests need no processes.

#include <string>
#include <variant>
#include <vector>

#include "cutover/run/run_state.hpp"

namespace cutover {

struct StartTask {
  TaskIndex task;
};

// Stop starting tasks; those running finish. Then roll back, or end the run.
struct StopRun {
  std::string reason;
  bool rollback = false;
  bool fix_forward = false;  // the policy said rollback, but a point of no return has started
};

struct BeginRollback {};

struct StartRollbackStep {
  TaskIndex task;
};

struct FinishRun {
  RunOutcome outcome;
};

using Action = std::variant<StartTask, StopRun, BeginRollback, StartRollbackStep, FinishRun>;

struct SchedulerOptions {
  std::size_t jobs = 1;  // automated tasks (and rollback commands) at once
};

// Nothing to do right now (waiting for running tasks or people) is an empty list.
std::vector<Action> decide(const Runbook& runbook, const RunGraph& graph, const RunState& state,
                           const SchedulerOptions& options);

// Tasks whose rollback step may start now: they succeeded, have a rollback step that has not
// run, and every dependent that needed rolling back was rolled back.
std::vector<TaskIndex> rollback_candidates(const Runbook& runbook, const RunGraph& graph,
                                           const RunState& state);

// The policy for what ends an attempt, beside decide() so that one place owns it. The
// executor asks these when a process ends or a person approves, and acts on the answer.

// Another attempt of a task or another poll of a gate check: which, and after what delay.
struct NextAttempt {
  int attempt = 1;
  Duration delay{0};
};

// A task's process failed by itself: its next attempt while its `retries` allow. The budget
// counts the attempts since this executor started the task (`attempts_before` were made by an
// earlier one); a run that is being terminated retries nothing.
std::optional<NextAttempt> next_task_attempt(const Task& task, int attempt, int attempts_before,
                                             bool terminating);

// A gate check did not hold: it is polled again while its `retries` allow, unless its process
// was terminated or the run is being terminated.
std::optional<NextAttempt> next_check_poll(const GateCheck& check, int attempt, bool terminated);

// Every approver of the gate has approved: it succeeds.
bool approvals_complete(const Runbook& runbook, const RunState& state, TaskIndex task);

}  // namespace cutover
