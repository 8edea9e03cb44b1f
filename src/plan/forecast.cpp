#include "cutover/plan/forecast.hpp"

#include <algorithm>

namespace cutover {

Duration forecast_remaining(const Runbook& runbook, const RunGraph& graph, const RunState& state,
                            std::int64_t now_ms) {
  Duration longest{0};
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    const TaskState& own = state.tasks[task];
    // A task in doubt runs again or is settled by a person: its whole path is still ahead.
    if (own.status == TaskStatus::in_doubt) {
      longest = std::max(longest, graph.remaining[task]);
      continue;
    }
    if (!own.active()) continue;
    const Duration estimate = runbook.tasks[task].estimate.value_or(Duration{0});
    const Duration spent{now_ms - own.started_ms.value_or(now_ms)};
    const Duration left = std::max(estimate - spent, Duration{0});
    longest = std::max(longest, left + graph.remaining[task] - estimate);
  }
  // The ready sets are ordered by rank, so their first task has the longest remaining path.
  for (const auto* ready : {&state.ready_automated, &state.ready_people}) {
    if (!ready->empty())
      longest = std::max(longest, graph.remaining[graph.by_rank[*ready->begin()]]);
  }
  return longest;
}

}  // namespace cutover
