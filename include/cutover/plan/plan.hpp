#pragma once
// Critical path method over the DAG, against the cutover window.

#include <optional>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/plan/graph.hpp"

namespace cutover {

struct TaskSchedule {
  Duration estimate{0};  // 0 when the task has none
  bool estimated = false;
  Duration earliest_start{0};
  Duration earliest_finish{0};
  Duration latest_start{0};
  Duration latest_finish{0};
  Duration slack{0};
  bool critical = false;
};

struct Plan {
  std::vector<TaskSchedule> tasks;       // by task index
  std::vector<TaskIndex> order;          // rows: by level, earliest start, topological order
  std::vector<TaskIndex> critical_path;  // first to last task
  Duration total{0};                     // estimated length of the whole runbook
  std::optional<Timestamp> start;        // window start, or --start
  std::optional<Timestamp> window_end;
  std::optional<Timestamp> estimated_end;  // start + total

  // How far past the window's end the estimate goes; negative means time to spare.
  std::optional<Duration> overrun() const;
};

// Requires an acyclic DAG. `start` overrides the window's start.
Plan make_plan(const Runbook& runbook, const Dag& dag, std::optional<Timestamp> start = {});

}  // namespace cutover
