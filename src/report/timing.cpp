#include "cutover/report/timing.hpp"

#include "base/csv.hpp"
#include "cutover/plan/plan.hpp"

namespace cutover {

namespace {

std::vector<std::string> row(const Task& task, const TaskState& state) {
  std::string duration, variance;
  if (const auto took = state.took()) {
    duration = csv_seconds(took->count());
    if (task.estimate) variance = csv_seconds((*took - *task.estimate).count());
  }
  return {task.id,
          task.title,
          task.phase,
          std::string(kind_name(task.kind)),
          task.owner,
          task.estimate ? csv_seconds(task.estimate->count()) : "",
          state.started_at ? format_utc_ms(*state.started_at) : "",
          state.finished_at ? format_utc_ms(*state.finished_at) : "",
          duration,
          variance,
          std::string(to_string(state.status)),
          std::to_string(state.attempts)};
}

}  // namespace

std::string timing_csv(const Runbook& runbook, const RunGraph& graph, const RunState& state) {
  std::string out = csv_record({"task", "title", "phase", "kind", "owner", "estimate_s", "start",
                                "end", "duration_s", "variance_s", "status", "attempts"});
  // Rows in the order the tasks can run, as the plan lists them (by earliest start).
  for (const TaskIndex index : make_plan(runbook, graph.dag).order) {
    out += csv_record(row(runbook.tasks[index], state.tasks[index]));
  }
  return out;
}

void write_timing_csv(const std::filesystem::path& run_dir, const Runbook& runbook,
                      const RunGraph& graph, const RunState& state, FileSystem& file_system) {
  write_file_atomically(file_system, run_dir / timing_file_name, timing_csv(runbook, graph, state));
}

}  // namespace cutover
