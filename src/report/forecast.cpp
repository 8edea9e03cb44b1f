// `cutover forecast`: the model from a runbook and its rehearsals, and its text and JSON.

#include "cutover/report/forecast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/table.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "report/json_values.hpp"

namespace cutover {

namespace {

using namespace json_values;

// Shown in the text: the tasks most often critical, at most this many.
constexpr std::size_t shown_critical = 10;

std::int64_t ms(Duration duration) {
  return duration.count();
}

std::vector<DurationModel> duration_models(const Runbook& runbook,
                                           const std::vector<MeasuredRun>& runs) {
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<DurationModel> models(runbook.tasks.size());
  for (std::size_t i = 0; i < runbook.tasks.size(); ++i) {
    index.emplace(runbook.tasks[i].id, i);
    models[i].estimate_ms = runbook.tasks[i].estimate ? ms(*runbook.tasks[i].estimate) : 0;
  }
  require_runs_of(runs, runbook);
  for (const MeasuredRun& run : runs) {
    for (const auto& [id, duration] : run.durations) {
      const auto at = index.find(id);
      if (at != index.end()) models[at->second].measured_ms.push_back(ms(duration));
    }
  }
  return models;
}

std::string percent(double share) {
  return fmt::format("{:.1f}%", share * 100);
}

std::string clock_at(const ForecastReport& report, Duration offset) {
  if (!report.start) return "";
  return zoned_date_time(report.start->utc + offset, report.start->offset_minutes);
}

}  // namespace

std::size_t ForecastReport::measured_tasks() const {
  return static_cast<std::size_t>(std::count_if(
      tasks.begin(), tasks.end(), [](const ForecastTask& task) { return task.measurements > 0; }));
}

ForecastReport make_forecast(const Runbook& runbook, const Dag& dag,
                             const std::vector<MeasuredRun>& runs, const ForecastOptions& options) {
  ForecastReport report;
  report.runbook = runbook.heading();
  report.samples = options.samples;
  report.seed = options.seed;
  report.runs = runs.size();
  report.start = options.start;
  if (!report.start && runbook.window) report.start = runbook.window->start;
  if (runbook.window && report.start) {
    report.window = runbook.window->end().utc - report.start->utc;
  }
  SimulationInput input;
  input.dag = &dag;
  input.durations = duration_models(runbook, runs);
  if (report.window) input.window_ms = ms(*report.window);
  input.samples = options.samples;
  input.seed = options.seed;
  const Simulation simulation = simulate(input);
  for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
    report.ends[i] = std::chrono::milliseconds(simulation.end_ms[i]);
  }
  report.p_fit = simulation.p_fit;
  for (std::size_t i = 0; i < runbook.tasks.size(); ++i) {
    report.tasks.push_back({runbook.tasks[i].id, input.durations[i].measured_ms.size(),
                            runbook.tasks[i].estimate, simulation.criticality[i],
                            simulation.ends_last[i]});
  }
  return report;
}

Duration forecast_end(const ForecastReport& report, int p) {
  const auto at = std::find(forecast_percentiles.begin(), forecast_percentiles.end(), p);
  return report.ends[static_cast<std::size_t>(at - forecast_percentiles.begin())];
}

std::string render_forecast_text(const ForecastReport& report) {
  std::string out = fmt::format("Forecast: {} ({} samples, seed {})\n", printable(report.runbook),
                                report.samples, report.seed);
  const std::size_t measured = report.measured_tasks();
  const std::size_t estimated = report.tasks.size() - measured;
  out += "Durations: ";
  if (measured > 0) {
    out += fmt::format("{} task{} resampled from {} run{}{}", measured, measured == 1 ? "" : "s",
                       report.runs, report.runs == 1 ? "" : "s", estimated > 0 ? "; " : "");
  }
  if (estimated > 0 || measured == 0) {
    out += fmt::format("{} drawn around {} estimate (0.8x to 1.5x, most likely the estimate)",
                       estimated, estimated == 1 ? "its" : "their");
  }
  out += "\n";
  if (report.start) {
    out += fmt::format("Start:     {} {}",
                       zoned_date_time(report.start->utc, report.start->offset_minutes),
                       zone_name(report.start->offset_minutes));
    out += report.window
               ? fmt::format("; the window ends {} ({} later)\n", clock_at(report, *report.window),
                             format_duration(*report.window))
               : "\n";
  }
  Table ends({"", "ends after", "at", "in the window"}, "lrll");
  for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
    const bool fits = report.window && report.ends[i] <= *report.window;
    ends.add({fmt::format("P{}", forecast_percentiles[i]), format_took(report.ends[i]),
              clock_at(report, report.ends[i]),
              !report.window ? ""
              : fits         ? "yes"
                             : "NO"});
  }
  out += "\n" + ends.text("  ");
  out += report.p_fit ? fmt::format("\nEnds inside the window in {} of the samples.\n",
                                    percent(*report.p_fit))
                      : "\nThe runbook has no window: nothing to fit.\n";
  std::vector<const ForecastTask*> ranked;
  for (const ForecastTask& task : report.tasks) {
    if (task.criticality > 0) ranked.push_back(&task);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const ForecastTask* a, const ForecastTask* b) {
    return a->criticality > b->criticality;
  });
  if (ranked.size() > shown_critical) ranked.resize(shown_critical);
  Table critical({"task", "critical", "ends last", "duration from"}, "lrrl");
  for (const ForecastTask* task : ranked) {
    critical.add({cut(printable(task->id), 40), percent(task->criticality),
                  task->ends_last > 0 ? percent(task->ends_last) : "",
                  task->measurements > 0
                      ? fmt::format("{} measured", task->measurements)
                      : fmt::format("estimate {}", optional_estimate(task->estimate))});
  }
  out += fmt::format("\nMost often on the critical path (top {}):\n", ranked.size());
  out += critical.text("  ");
  return out;
}

nlohmann::ordered_json forecast_json(const ForecastReport& report) {
  json out = {{"format", "cutover-forecast"},
              {"version", 1},
              {"runbook", report.runbook},
              {"samples", report.samples},
              {"seed", report.seed},
              {"runs", report.runs},
              {"start", report.start ? json(format_timestamp(*report.start)) : json(nullptr)}};
  for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
    out[fmt::format("p{}_s", forecast_percentiles[i])] = seconds(report.ends[i]);
  }
  out["window_s"] = optional_seconds(report.window);
  out["p_fit"] = report.p_fit ? json(*report.p_fit) : json(nullptr);
  json ends = json::object();
  for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
    ends[fmt::format("p{}", forecast_percentiles[i])] =
        report.start ? json(format_timestamp(
                           {report.start->utc + report.ends[i], report.start->offset_minutes}))
                     : json(nullptr);
  }
  out["ends"] = std::move(ends);
  json tasks = json::array();
  for (const ForecastTask& task : report.tasks) {
    tasks.push_back({{"id", task.id},
                     {"measurements", task.measurements},
                     {"estimate_s", optional_seconds(task.estimate)},
                     {"criticality", task.criticality},
                     {"ends_last", task.ends_last}});
  }
  out["tasks"] = std::move(tasks);
  return out;
}

}  // namespace cutover
