#include "cutover/plan/graph.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <string_view>
#include <unordered_map>

namespace cutover {

namespace {

constexpr TaskIndex no_task = std::numeric_limits<TaskIndex>::max();

// Ids to indices. A duplicate id keeps its first task: the loader reports the duplicate, and
// the graph must still be built so that the rest of the runbook can be checked.
std::unordered_map<std::string_view, TaskIndex> index_by_id(const Runbook& runbook) {
  std::unordered_map<std::string_view, TaskIndex> index;
  index.reserve(runbook.tasks.size());
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) index.try_emplace(runbook.tasks[i].id, i);
  return index;
}

void link_tasks(const Runbook& runbook, Dag& dag) {
  const std::size_t n = runbook.tasks.size();
  const auto index = index_by_id(runbook);
  dag.dependencies.assign(n, {});
  dag.dependents.assign(n, {});
  // last_linked[d] == i + 1 once i depends on d: collapses duplicate edges in O(1) each.
  std::vector<TaskIndex> last_linked(n, 0);
  for (TaskIndex i = 0; i < n; ++i) {
    for (const Dependency& dependency : runbook.tasks[i].depends_on) {
      const auto found = index.find(dependency.id);
      if (found == index.end()) continue;
      const TaskIndex d = found->second;
      if (last_linked[d] == i + 1) continue;
      last_linked[d] = i + 1;
      dag.dependencies[i].push_back(d);
      dag.dependents[d].push_back(i);  // filled by ascending i, so each list is in file order
    }
  }
}

// Kahn's algorithm; the min-heap makes the earliest task in file order go first among those
// ready together, so the order is stable against edits elsewhere in the file.
void order_and_level(Dag& dag) {
  const std::size_t n = dag.dependencies.size();
  std::vector<std::size_t> waiting_on(n);
  std::priority_queue<TaskIndex, std::vector<TaskIndex>, std::greater<>> ready;
  for (TaskIndex i = 0; i < n; ++i) {
    waiting_on[i] = dag.dependencies[i].size();
    if (waiting_on[i] == 0) ready.push(i);
  }
  // Tasks that are never ordered (in or behind a cycle) keep level -1: they have none.
  dag.level.assign(n, -1);
  dag.order.clear();
  dag.order.reserve(n);
  while (!ready.empty()) {
    const TaskIndex task = ready.top();
    ready.pop();
    dag.order.push_back(task);
    // Every dependency is ordered by now, so its level is final.
    int level = 0;
    for (const TaskIndex dependency : dag.dependencies[task]) {
      level = std::max(level, dag.level[dependency] + 1);
    }
    dag.level[task] = level;
    for (const TaskIndex dependent : dag.dependents[task]) {
      if (--waiting_on[dependent] == 0) ready.push(dependent);
    }
  }
}

// Tarjan's strongly connected components over depends_on edges, with an explicit stack: a
// 100,000-task chain must not overflow the call stack. Returns the component of each task.
std::vector<std::size_t> strongly_connected_components(const Dag& dag) {
  const std::size_t n = dag.dependencies.size();
  constexpr std::size_t unvisited = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> discovery(n, unvisited);
  std::vector<std::size_t> low_link(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<TaskIndex> component_stack;
  std::vector<std::size_t> component(n, unvisited);
  std::size_t next_discovery = 0;
  std::size_t next_component = 0;

  struct Frame {
    TaskIndex task;
    std::size_t next_edge;
  };
  std::vector<Frame> call_stack;

  for (TaskIndex root = 0; root < n; ++root) {
    if (discovery[root] != unvisited) continue;
    call_stack.push_back({root, 0});
    discovery[root] = low_link[root] = next_discovery++;
    component_stack.push_back(root);
    on_stack[root] = true;

    while (!call_stack.empty()) {
      Frame& frame = call_stack.back();
      const TaskIndex task = frame.task;
      const auto& edges = dag.dependencies[task];
      if (frame.next_edge < edges.size()) {
        const TaskIndex next = edges[frame.next_edge++];
        if (discovery[next] == unvisited) {
          discovery[next] = low_link[next] = next_discovery++;
          component_stack.push_back(next);
          on_stack[next] = true;
          call_stack.push_back({next, 0});  // invalidates `frame`; not used below
        } else if (on_stack[next]) {
          low_link[task] = std::min(low_link[task], discovery[next]);
        }
        continue;
      }
      // Every edge of `task` is explored: close its component if it is the root of one.
      if (low_link[task] == discovery[task]) {
        TaskIndex member;
        do {
          member = component_stack.back();
          component_stack.pop_back();
          on_stack[member] = false;
          component[member] = next_component;
        } while (member != task);
        ++next_component;
      }
      call_stack.pop_back();
      if (!call_stack.empty()) {
        const TaskIndex caller = call_stack.back().task;
        low_link[caller] = std::min(low_link[caller], low_link[task]);
      }
    }
  }
  return component;
}

// The shortest cycle through `start` that stays inside its component, found breadth-first so
// the reported path is as short as the graph allows. `parent` is scratch space of size n
// holding no_task everywhere; the entries touched are reset before returning.
std::vector<TaskIndex> cycle_through(const Dag& dag, const std::vector<std::size_t>& component,
                                     TaskIndex start, std::vector<TaskIndex>& parent) {
  std::vector<TaskIndex> touched;
  std::queue<TaskIndex> frontier;
  frontier.push(start);
  TaskIndex closing = no_task;  // the task whose dependency on `start` closes the cycle
  while (!frontier.empty() && closing == no_task) {
    const TaskIndex task = frontier.front();
    frontier.pop();
    for (const TaskIndex next : dag.dependencies[task]) {
      if (component[next] != component[start]) continue;
      if (next == start) {
        closing = task;
        break;
      }
      if (parent[next] != no_task) continue;
      parent[next] = task;
      touched.push_back(next);
      frontier.push(next);
    }
  }
  std::vector<TaskIndex> path;
  for (TaskIndex task = closing; task != start; task = parent[task]) path.push_back(task);
  path.push_back(start);
  std::reverse(path.begin(), path.end());
  for (const TaskIndex task : touched) parent[task] = no_task;
  return path;
}

void find_cycles(Dag& dag) {
  const std::size_t n = dag.dependencies.size();
  const auto component = strongly_connected_components(dag);
  std::vector<std::size_t> members(n, 0);
  for (TaskIndex i = 0; i < n; ++i) ++members[component[i]];

  std::vector<bool> reported(n, false);  // by component
  std::vector<TaskIndex> parent(n, no_task);
  dag.cycles.clear();
  // Ascending index: each component is met first at its earliest task in file order, and
  // the cycles come out in file order too.
  for (TaskIndex i = 0; i < n; ++i) {
    const std::size_t c = component[i];
    if (reported[c]) continue;
    const auto& deps = dag.dependencies[i];
    const bool self_loop = std::find(deps.begin(), deps.end(), i) != deps.end();
    if (members[c] < 2 && !self_loop) continue;
    reported[c] = true;
    dag.cycles.push_back(cycle_through(dag, component, i, parent));
  }
}

}  // namespace

Dag build_dag(const Runbook& runbook) {
  Dag dag;
  link_tasks(runbook, dag);
  order_and_level(dag);
  find_cycles(dag);
  return dag;
}

}  // namespace cutover
