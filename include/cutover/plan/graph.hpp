#pragma once
// The dependency DAG of a runbook's tasks, by task index.

#include <cstddef>
#include <vector>

#include "cutover/runbook/model.hpp"

namespace cutover {

using TaskIndex = std::size_t;

struct Dag {
  std::vector<std::vector<TaskIndex>> dependencies;  // task -> what it depends on
  std::vector<std::vector<TaskIndex>> dependents;    // task -> what depends on it
  // Topological order, stable by file order among tasks that are ready together. Holds
  // every task only when the graph has no cycle.
  std::vector<TaskIndex> order;
  // Parallel level: 0 for a task without dependencies, else 1 + the deepest dependency;
  // -1 for a task that could not be ordered (in a cycle, or depending on one).
  std::vector<int> level;
  // One cycle per strongly connected component, each as the path that follows depends_on:
  // {a, b, c} means a depends on b, b on c, c on a. A task depending on itself is {a}.
  std::vector<std::vector<TaskIndex>> cycles;

  bool acyclic() const { return cycles.empty(); }
};

// Dependencies naming no task are left out (the checker reports them); duplicates collapse.
Dag build_dag(const Runbook& runbook);

}  // namespace cutover
