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

}  // namespace cutover
