#include "cutover/plan/deadline.hpp"

#include <algorithm>
#include <unordered_set>

namespace cutover {

namespace {

// The longest chain of rollback steps ending at each task: its own, after the longest of its
// dependencies' (each is undone only after every task that depends on it).
std::vector<Duration> rollback_chains(const Runbook& runbook, const Dag& dag) {
  std::vector<Duration> chain(runbook.tasks.size(), Duration{0});
  for (const TaskIndex task : dag.order) {
    Duration before{0};
    for (const TaskIndex dependency : dag.dependencies[task]) {
      before = std::max(before, chain[dependency]);
    }
    chain[task] = before + rollback_estimate(runbook.tasks[task]);
  }
  return chain;
}

// The tasks by earliest finish (ties in topological order), with the longest rollback chain
// among the first i+1 of them at i.
struct FinishOrder {
  std::vector<TaskIndex> tasks;
  std::vector<Duration> longest;
};

FinishOrder finish_order(const Dag& dag, const Plan& plan, const std::vector<Duration>& chains) {
  FinishOrder order{dag.order, {}};
  std::stable_sort(order.tasks.begin(), order.tasks.end(), [&](TaskIndex a, TaskIndex b) {
    return plan.tasks[a].earliest_finish < plan.tasks[b].earliest_finish;
  });
  Duration longest{0};
  for (const TaskIndex task : order.tasks) {
    longest = std::max(longest, chains[task]);
    order.longest.push_back(longest);
  }
  return order;
}

// The tasks that depend on `gate`, directly or not, and finish as it starts: only tasks of no
// duration after a gate of no duration do.
std::unordered_set<TaskIndex> after_gate_at_start(const Dag& dag, const Plan& plan, TaskIndex gate,
                                                  Duration start) {
  std::unordered_set<TaskIndex> after;
  std::vector<TaskIndex> stack = {gate};
  while (!stack.empty()) {
    const TaskIndex task = stack.back();
    stack.pop_back();
    for (const TaskIndex dependent : dag.dependents[task]) {
      if (plan.tasks[dependent].earliest_finish != start || !after.insert(dependent).second) {
        continue;
      }
      stack.push_back(dependent);
    }
  }
  return after;
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
  // What finishes by a gate's start is closed under dependencies, so its longest rollback chain
  // is the longest chain ending at one of its tasks: one pass over the graph, then a search per
  // gate, rather than a pass over the graph per gate.
  const std::vector<Duration> chains = rollback_chains(runbook, dag);
  const FinishOrder order = finish_order(dag, plan, chains);
  const auto finish = [&](TaskIndex task) { return plan.tasks[task].earliest_finish; };
  std::vector<GateDeadline> deadlines;
  for (TaskIndex gate = 0; gate < runbook.tasks.size(); ++gate) {
    if (!runbook.tasks[gate].is_gate()) continue;
    const Duration start = plan.tasks[gate].earliest_start;
    const auto first_at =
        std::partition_point(order.tasks.begin(), order.tasks.end(),
                             [&](TaskIndex task) { return finish(task) < start; });
    const auto end = std::partition_point(first_at, order.tasks.end(),
                                          [&](TaskIndex task) { return finish(task) <= start; });
    const auto at = static_cast<std::size_t>(first_at - order.tasks.begin());
    Duration rollback = at > 0 ? order.longest[at - 1] : Duration{0};
    // Tasks of no duration finish as the gate starts; those that depend on a gate of no
    // duration come after it, and are left out with it.
    const auto after = finish(gate) == start ? after_gate_at_start(dag, plan, gate, start)
                                             : std::unordered_set<TaskIndex>{};
    for (auto it = first_at; it != end; ++it) {
      if (*it != gate && !after.contains(*it)) rollback = std::max(rollback, chains[*it]);
    }
    GateDeadline deadline{gate, start, rollback, std::nullopt};
    if (window_end) deadline.no_go_deadline = *window_end - deadline.rollback;
    deadlines.push_back(deadline);
  }
  return deadlines;
}

}  // namespace cutover
