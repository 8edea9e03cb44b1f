#include "cutover/report/run_comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "cutover/base/errors.hpp"
#include "cutover/report/estimates.hpp"

namespace cutover {

namespace {

void require_one_runbook(const std::vector<RunReport>& reports) {
  for (const RunReport& report : reports) {
    if (report.runbook_id == reports.front().runbook_id) continue;
    throw UsageError(fmt::format(
        "{} is a run of runbook '{}', {} of '{}': only runs of one runbook can be compared",
        report.run_dir, report.runbook_id, reports.front().run_dir, reports.front().runbook_id));
  }
}

ComparedRun compared_run(const RunReport& report) {
  ComparedRun run{report.run_dir,
                  report.run_id,
                  report.label,
                  report.status,
                  report.started,
                  report.elapsed,
                  {}};
  for (const TaskIndex index : report.actual_critical_path) {
    run.critical_path.push_back(report.tasks[index].id);
  }
  return run;
}

Trend trend_of(const std::vector<std::optional<Duration>>& durations) {
  std::vector<Duration> measured;
  for (const auto& duration : durations) {
    if (duration) measured.push_back(*duration);
  }
  if (measured.size() < 2) return Trend::none;
  const Duration difference = measured.back() - measured[measured.size() - 2];
  if (difference < steady_below && difference > -steady_below) return Trend::steady;
  const double before = static_cast<double>(measured[measured.size() - 2].count());
  const double last = static_cast<double>(measured.back().count());
  if (last > before * (1 + steady_share)) return Trend::slower;
  if (last < before * (1 - steady_share)) return Trend::faster;
  return Trend::steady;
}

void measure(ComparedTask& task) {
  std::vector<Duration> measured;
  for (const auto& duration : task.durations) {
    if (duration) measured.push_back(*duration);
  }
  if (!measured.empty()) {
    task.fastest = *std::min_element(measured.begin(), measured.end());
    task.slowest = *std::max_element(measured.begin(), measured.end());
  }
  task.suggested = suggest_estimate(measured);
  task.trend = trend_of(task.durations);
}

// Every task id in the order the runs list them, the newest run's order first.
std::vector<std::string> task_ids(const std::vector<RunReport>& reports) {
  std::vector<std::string> ids;
  std::unordered_map<std::string, bool> seen;
  for (auto report = reports.rbegin(); report != reports.rend(); ++report) {
    for (const TaskIndex index : report->order) {
      const std::string& id = report->tasks[index].id;
      if (seen.emplace(id, true).second) ids.push_back(id);
    }
  }
  return ids;
}

}  // namespace

std::string_view to_string(Trend trend) {
  switch (trend) {
    case Trend::faster:
      return "faster";
    case Trend::slower:
      return "slower";
    case Trend::steady:
      return "steady";
    case Trend::none:
      break;
  }
  return "";
}

RunComparison compare_runs(std::vector<RunReport> reports) {
  RunComparison comparison;
  if (reports.empty()) return comparison;
  require_one_runbook(reports);
  std::stable_sort(reports.begin(), reports.end(),
                   [](const RunReport& a, const RunReport& b) { return a.started < b.started; });
  comparison.runbook_id = reports.front().runbook_id;
  for (const RunReport& report : reports) comparison.runs.push_back(compared_run(report));

  // Per run: task id -> its row.
  std::vector<std::unordered_map<std::string_view, const ReportTask*>> rows(reports.size());
  for (std::size_t r = 0; r < reports.size(); ++r) {
    for (const ReportTask& task : reports[r].tasks) rows[r].emplace(task.id, &task);
  }
  for (const std::string& id : task_ids(reports)) {
    ComparedTask task;
    task.id = id;
    for (std::size_t r = 0; r < reports.size(); ++r) {
      const auto found = rows[r].find(id);
      const ReportTask* row = found == rows[r].end() ? nullptr : found->second;
      task.present.push_back(row != nullptr);
      task.durations.push_back(row && row->status == TaskStatus::succeeded ? row->duration
                                                                           : std::nullopt);
      if (row) {
        task.phase = row->phase;
        task.estimate = row->estimate;
      } else {
        comparison.missing.push_back(
            fmt::format("task '{}' is not in run {}", id, comparison.runs[r].run_id));
      }
    }
    measure(task);
    comparison.tasks.push_back(std::move(task));
  }

  for (std::size_t r = 0; r < reports.size(); ++r) {
    for (const ReportPhase& phase : reports[r].phases) {
      auto at = std::find_if(comparison.phases.begin(), comparison.phases.end(),
                             [&](const ComparedPhase& p) { return p.name == phase.name; });
      if (at == comparison.phases.end()) {
        comparison.phases.push_back(
            {phase.name, std::vector<std::optional<Duration>>(reports.size())});
        at = comparison.phases.end() - 1;
      }
      if (phase.actual_start && phase.actual_finish) {
        at->durations[r] = *phase.actual_finish - *phase.actual_start;
      }
    }
  }
  return comparison;
}

}  // namespace cutover
