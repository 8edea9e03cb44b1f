#include "cutover/plan/deadline.hpp"

#include <algorithm>

namespace cutover {

namespace {

// The longest chain of rollback steps among the tasks `in`, each undone only after every
// dependent of it in the set (the executor's reverse dependency order).
Duration rollback_length(const Runbook& runbook, const Dag& dag, const std::vector<bool>& in) {
  std::vector<Duration> done(runbook.tasks.size(), Duration{0});  // from the rollback's start
  Duration longest{0};
  for (auto it = dag.order.rbegin(); it != dag.order.rend(); ++it) {
    const TaskIndex task = *it;
    if (!in[task]) continue;
    Duration start{0};
    for (const TaskIndex dependent : dag.dependents[task]) {
      if (in[dependent]) start = std::max(start, done[dependent]);
    }
    done[task] = start + rollback_estimate(runbook.tasks[task]);
    longest = std::max(longest, done[task]);
  }
  return longest;
}

}  // namespace

Duration rollback_estimate(const Task& task) {
  if (!task.rollback) return Duration{0};
  const std::optional<Duration> own =
      std::visit([](const auto& step) { return step.estimate; }, *task.rollback);
  return own.value_or(task.estimate.value_or(Duration{0}));
}

std::vector<GateDeadline> gate_deadlines(const Runbook& runbook, const Dag& dag, const Plan& plan) {
  std::optional<Duration> window_end;
  if (plan.start && plan.window_end) window_end = plan.window_end->utc - plan.start->utc;
  std::vector<GateDeadline> deadlines;
  for (TaskIndex gate = 0; gate < runbook.tasks.size(); ++gate) {
    if (!runbook.tasks[gate].is_gate()) continue;
    const Duration start = plan.tasks[gate].earliest_start;
    std::vector<bool> before(runbook.tasks.size(), false);
    for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
      before[task] = task != gate && plan.tasks[task].earliest_finish <= start;
    }
    GateDeadline deadline{gate, start, rollback_length(runbook, dag, before), std::nullopt};
    if (window_end) deadline.no_go_deadline = *window_end - deadline.rollback;
    deadlines.push_back(deadline);
  }
  return deadlines;
}

}  // namespace cutover
