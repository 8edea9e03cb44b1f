#pragma once
// The no-go deadline of each gate (SPEC §4): the latest moment a no-go there can still be
// rolled back inside the window — the window's end minus the time to roll back everything
// planned to finish before the gate, in reverse dependency order with unlimited parallelism.
// What depends on the gate is never before it, even when it takes no time.

#include <optional>
#include <vector>

#include "cutover/plan/plan.hpp"

namespace cutover {

// How long undoing a task takes: its rollback step's estimate, else the task's own estimate;
// nothing to undo (0) without a rollback step.
Duration rollback_estimate(const Task& task);

struct GateDeadline {
  TaskIndex gate = 0;
  Duration planned_start{0};  // from the plan's start
  Duration rollback{0};       // to undo what is planned to finish before the gate
  // From the plan's start: the window's end minus `rollback`. Nothing without a window.
  std::optional<Duration> no_go_deadline;

  // Planned to start after its deadline: a no-go there could not be rolled back in time.
  bool too_late() const { return no_go_deadline && planned_start > *no_go_deadline; }
};

// Every gate of the runbook, in file order. The plan must be of this runbook and DAG.
std::vector<GateDeadline> gate_deadlines(const Runbook& runbook, const Dag& dag, const Plan& plan);

}  // namespace cutover
