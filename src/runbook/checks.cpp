#include "cutover/runbook/checks.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "cutover/plan/deadline.hpp"
#include "cutover/plan/plan.hpp"
#include "cutover/runbook/template.hpp"

namespace cutover {

namespace {

// Suggestions cost an edit distance against every id; a file with thousands of bad
// references gets them for the first ones only.
constexpr std::size_t max_suggestions = 50;

class Checker {
 public:
  Checker(const Runbook& runbook, Diagnostics& out) : runbook_(runbook), out_(out) {}

  void run() {
    const bool ids_ok = check_ids();
    const bool dependencies_ok = check_dependencies();
    check_phases();
    check_texts_shown_to_people();
    if (!ids_ok) return;  // the graph would not mean what the file says
    // Unknown dependencies are left out of the graph; a cycle among the rest is still real.
    const Dag dag = build_dag(runbook_);
    if (!dag.acyclic()) {
      report_cycles(dag);
      return;
    }
    if (!dependencies_ok) return;
    // Warnings about a runbook that does not load would mostly echo its errors.
    if (out_.has_errors()) return;
    check_points_of_no_return(dag);
    check_estimates_and_owners();
    check_window(dag);
  }

 private:
  bool check_ids() {
    bool ok = true;
    index_.reserve(runbook_.tasks.size());
    for (std::size_t i = 0; i < runbook_.tasks.size(); ++i) {
      const Task& task = runbook_.tasks[i];
      const auto [first, inserted] = index_.try_emplace(task.id, i);
      if (!inserted) {
        ok = false;
        out_.of(task).error(
            task.location, fmt::format("duplicate task id '{}'", task.id),
            fmt::format("first defined at {}", place(runbook_.tasks[first->second], task.file)));
      }
    }
    return ok;
  }

  bool check_dependencies() {
    bool ok = true;
    std::size_t suggested = 0;
    for (const Task& task : runbook_.tasks) {
      for (const Dependency& dependency : task.depends_on) {
        if (dependency.id == task.id) {
          ok = false;
          out_.of(task).error(dependency.location,
                              fmt::format("task '{}' depends on itself", task.id));
        } else if (!index_.contains(dependency.id)) {
          ok = false;
          std::string hint;
          if (suggested++ < max_suggestions) {
            const std::string match = closest_match(dependency.id, task_ids());
            if (!match.empty()) hint = fmt::format("did you mean '{}'?", match);
          }
          out_.of(task).error(
              dependency.location,
              fmt::format("task '{}' depends on '{}', which is not a task", task.id, dependency.id),
              std::move(hint));
        }
      }
    }
    return ok;
  }

  // "line 12" in the file `from` names, "workstreams/finance.yaml:12" in another.
  std::string place(const Task& task, std::size_t from) {
    if (task.file == from) return fmt::format("line {}", task.location.line);
    return fmt::format("{}:{}", out_.of(task.file).file(), task.location.line);
  }

  const std::vector<std::string_view>& task_ids() {
    if (ids_.empty()) {
      for (const Task& task : runbook_.tasks) ids_.push_back(task.id);
    }
    return ids_;
  }

  void check_phases() {
    if (runbook_.phases.empty()) return;
    const std::vector<std::string_view> phases(runbook_.phases.begin(), runbook_.phases.end());
    const std::unordered_set<std::string_view> known(phases.begin(), phases.end());
    std::size_t suggested = 0;
    for (const Task& task : runbook_.tasks) {
      if (task.phase.empty() || known.contains(task.phase)) continue;
      if (out_.of(task).full()) continue;
      const std::string match =
          suggested++ < max_suggestions ? closest_match(task.phase, phases) : std::string{};
      out_.of(task).error(
          task.phase_location,
          fmt::format("task '{}' has phase '{}', which is not in 'phases'", task.id, task.phase),
          match.empty() ? fmt::format("phases: {}", fmt::join(phases, ", "))
                        : fmt::format("did you mean '{}'?", match));
    }
  }

  // Texts shown to people must not carry a secret's value.
  void check_texts_shown_to_people() {
    if (runbook_.secrets.empty()) return;
    for (const auto& reference : find_references(runbook_.title)) {
      if (!is_secret(reference.name)) continue;
      out_.runbook().warning(
          runbook_.title_location,
          fmt::format("the runbook's title uses the secret '{}'", reference.name),
          "it would be shown to everyone who sees the plan");
    }
    for (const Task& task : runbook_.tasks) {
      warn_secrets_in(task, task.title, "title");
      if (const auto* manual = std::get_if<Manual>(&task.kind)) {
        warn_secrets_in(task, manual->instructions, "manual text");
      }
      if (const auto* gate = std::get_if<Gate>(&task.kind)) {
        for (const auto& check : gate->checks) warn_secrets_in(task, check.name, "check name");
      }
      if (task.rollback) {
        if (const auto* manual = std::get_if<ManualRollback>(&*task.rollback)) {
          warn_secrets_in(task, manual->instructions, "manual rollback");
        }
      }
    }
  }

  void warn_secrets_in(const Task& task, std::string_view text, std::string_view what) {
    for (const auto& reference : find_references(text)) {
      if (!is_secret(reference.name)) continue;
      out_.of(task).warning(
          task.location,
          fmt::format("the {} of task '{}' uses the secret '{}'", what, task.id, reference.name),
          "it would be shown to a person; refer to where the secret is kept instead");
    }
  }

  bool is_secret(std::string_view name) const {
    const auto& secrets = runbook_.secrets;
    return std::find(secrets.begin(), secrets.end(), name) != secrets.end();
  }

  void report_cycles(const Dag& dag) {
    for (const auto& cycle : dag.cycles) {
      if (cycle.size() == 1) continue;  // a self-dependency, already reported
      std::string path;
      std::string where;
      for (const TaskIndex index : cycle) {
        const Task& task = runbook_.tasks[index];
        path += task.id + " -> ";
        where += fmt::format("{}{} at {}", where.empty() ? "" : ", ", task.id,
                             place(task, runbook_.tasks[cycle.front()].file));
      }
      const Task& first = runbook_.tasks[cycle.front()];
      path += first.id;
      out_.of(first).error(first.location, fmt::format("dependency cycle: {}", path), where);
    }
  }

  void check_points_of_no_return(const Dag& dag) {
    const auto& tasks = runbook_.tasks;
    // Each task is attributed to the first point of no return (in file order) it precedes;
    // a task reached again is skipped, and so are its ancestors, already seen with it.
    std::vector<bool> seen(tasks.size(), false);
    std::vector<TaskIndex> stack;
    for (TaskIndex ponr = 0; ponr < tasks.size(); ++ponr) {
      if (!tasks[ponr].point_of_no_return) continue;
      stack.assign(dag.dependencies[ponr].begin(), dag.dependencies[ponr].end());
      while (!stack.empty()) {
        const TaskIndex index = stack.back();
        stack.pop_back();
        if (seen[index]) continue;
        seen[index] = true;
        const Task& task = tasks[index];
        if (!task.is_gate() && !task.point_of_no_return && !task.rollback) {
          out_.of(task).warning(
              task.location,
              fmt::format("task '{}' comes before the point of no return '{}' but has "
                          "no rollback",
                          task.id, tasks[ponr].id),
              "add a rollback (a command or { manual: ... }) so that a no-go can undo it");
        }
        for (const TaskIndex dependency : dag.dependencies[index]) stack.push_back(dependency);
      }
    }
    // Whether a gate comes before each task, in topological order.
    std::vector<bool> gated(tasks.size(), false);
    for (const TaskIndex index : dag.order) {
      for (const TaskIndex dependency : dag.dependencies[index]) {
        if (tasks[dependency].is_gate() || gated[dependency]) gated[index] = true;
      }
      if (tasks[index].point_of_no_return && !gated[index]) {
        out_.of(tasks[index])
            .warning(
                tasks[index].location,
                fmt::format("point of no return '{}' is not preceded by a gate", tasks[index].id),
                "make it depend on a go/no-go gate");
      }
    }
  }

  void check_estimates_and_owners() {
    for (const Task& task : runbook_.tasks) {
      if (!task.estimate) {
        out_.of(task).warning(task.location, fmt::format("task '{}' has no estimate", task.id),
                              "the plan counts it as 0; add e.g. estimate: 15m");
      }
      if (task.is_manual() && task.owner.empty()) {
        out_.of(task).warning(task.location, fmt::format("manual task '{}' has no owner", task.id),
                              "say who does it: owner: <team or person>");
      }
    }
  }

  void check_window(const Dag& dag) {
    if (!runbook_.window) return;
    const Plan plan = make_plan(runbook_, dag);
    check_gate_deadlines(dag, plan);
    if (plan.total <= runbook_.window->duration) return;
    out_.runbook().warning(
        runbook_.window->location,
        fmt::format("the estimated critical path ({}) is longer than the window ({})",
                    format_duration(plan.total), format_duration(runbook_.window->duration)),
        fmt::format("it overruns by {}; see `cutover plan`",
                    format_duration(plan.total - runbook_.window->duration)));
  }

  void check_gate_deadlines(const Dag& dag, const Plan& plan) {
    for (const GateDeadline& gate : gate_deadlines(runbook_, dag, plan)) {
      if (!gate.too_late()) continue;
      const Task& task = runbook_.tasks[gate.gate];
      out_.of(task).warning(
          task.location,
          fmt::format("a no-go at gate '{}' could not be rolled back inside the window", task.id),
          fmt::format("it is planned at {}, {} after its no-go deadline {} (rolling back what "
                      "comes before it takes {}); see `cutover plan`",
                      format_offset(gate.planned_start),
                      format_duration(gate.planned_start - *gate.no_go_deadline),
                      format_offset(*gate.no_go_deadline), format_duration(gate.rollback)));
    }
  }

  const Runbook& runbook_;
  Diagnostics& out_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<std::string_view> ids_;
};

}  // namespace

void check_runbook(const Runbook& runbook, Diagnostics& diagnostics) {
  Checker(runbook, diagnostics).run();
}

}  // namespace cutover
