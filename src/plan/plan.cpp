#include "cutover/plan/plan.hpp"

#include <algorithm>

namespace cutover {

namespace {

// Earliest start and finish, dependencies before dependents.
void forward_pass(const Dag& dag, std::vector<TaskSchedule>& tasks) {
  for (const TaskIndex task : dag.order) {
    Duration start{0};
    for (const TaskIndex dependency : dag.dependencies[task]) {
      start = std::max(start, tasks[dependency].earliest_finish);
    }
    tasks[task].earliest_start = start;
    tasks[task].earliest_finish = start + tasks[task].estimate;
  }
}

// Latest start and finish that still end by `total`, dependents before dependencies.
void backward_pass(const Dag& dag, Duration total, std::vector<TaskSchedule>& tasks) {
  for (auto it = dag.order.rbegin(); it != dag.order.rend(); ++it) {
    const TaskIndex task = *it;
    Duration finish = total;
    for (const TaskIndex dependent : dag.dependents[task]) {
      finish = std::min(finish, tasks[dependent].latest_start);
    }
    TaskSchedule& schedule = tasks[task];
    schedule.latest_finish = finish;
    schedule.latest_start = finish - schedule.estimate;
    schedule.slack = schedule.latest_start - schedule.earliest_start;
    schedule.critical = schedule.slack == Duration{0};
  }
}

// Earliest in file order among `candidates` that satisfy `wanted`.
template <typename Predicate>
std::optional<TaskIndex> first_in_file_order(const std::vector<TaskIndex>& candidates,
                                             Predicate wanted) {
  std::optional<TaskIndex> best;
  for (const TaskIndex candidate : candidates) {
    if (wanted(candidate) && (!best || candidate < *best)) best = candidate;
  }
  return best;
}

// One chain of zero-slack tasks, walked back from the sink that finishes last. When several
// chains tie, the one earliest in file order wins, so the answer is stable.
std::vector<TaskIndex> find_critical_path(const Dag& dag, Duration total,
                                          const std::vector<TaskSchedule>& tasks) {
  const auto last_sink = first_in_file_order(dag.order, [&](TaskIndex task) {
    return dag.dependents[task].empty() && tasks[task].earliest_finish == total;
  });
  if (!last_sink) return {};
  std::vector<TaskIndex> path{*last_sink};
  for (;;) {
    const TaskSchedule& current = tasks[path.back()];
    const auto previous = first_in_file_order(dag.dependencies[path.back()], [&](TaskIndex dep) {
      return tasks[dep].earliest_finish == current.earliest_start && tasks[dep].critical;
    });
    if (!previous) break;
    path.push_back(*previous);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// Rows by level (the `lvl` column reads in order), then by earliest start; the topological
// order breaks ties, so a dependency with no estimate still comes before what depends on it.
std::vector<TaskIndex> rows_by_level(const Dag& dag, const std::vector<TaskSchedule>& tasks) {
  std::vector<TaskIndex> rows = dag.order;
  std::stable_sort(rows.begin(), rows.end(), [&](TaskIndex a, TaskIndex b) {
    if (dag.level[a] != dag.level[b]) return dag.level[a] < dag.level[b];
    return tasks[a].earliest_start < tasks[b].earliest_start;
  });
  return rows;
}

}  // namespace

std::optional<Duration> Plan::overrun() const {
  if (!estimated_end || !window_end) return std::nullopt;
  return estimated_end->utc - window_end->utc;
}

Plan make_plan(const Runbook& runbook, const Dag& dag, std::optional<Timestamp> start) {
  Plan plan;
  plan.tasks.resize(runbook.tasks.size());
  for (std::size_t i = 0; i < runbook.tasks.size(); ++i) {
    const auto& estimate = runbook.tasks[i].estimate;
    plan.tasks[i].estimated = estimate.has_value();
    plan.tasks[i].estimate = estimate.value_or(Duration{0});
  }

  forward_pass(dag, plan.tasks);
  for (const TaskIndex task : dag.order) {
    plan.total = std::max(plan.total, plan.tasks[task].earliest_finish);
  }
  backward_pass(dag, plan.total, plan.tasks);
  plan.critical_path = find_critical_path(dag, plan.total, plan.tasks);
  plan.order = rows_by_level(dag, plan.tasks);

  if (runbook.window) plan.window_end = runbook.window->end();
  plan.start = start ? start : runbook.window ? std::optional{runbook.window->start} : std::nullopt;
  if (plan.start) plan.estimated_end = plan.start->later_by(plan.total);
  return plan;
}

}  // namespace cutover
