// `cutover estimates` in text (a table per task, the runs it learned from, what it flags) and
// JSON (the whole model; docs/forecast.md).

#include <fmt/format.h>

#include <cmath>

#include "base/table.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "report/json_values.hpp"

namespace cutover {

namespace {

using namespace json_values;

constexpr std::size_t measured_width = 28;

std::string measured_cell(const TaskEstimate& task) {
  std::string cell;
  for (const auto& duration : task.measured) {
    if (!cell.empty()) cell += ", ";
    cell += duration ? format_took(*duration) : "-";
  }
  return cut(std::move(cell), measured_width);
}

std::string spread_cell(const TaskEstimate& task) {
  if (!task.fastest) return "";
  const std::string fastest = format_took(*task.fastest);
  const std::string slowest = format_took(*task.slowest);
  return fastest == slowest ? fastest : fmt::format("{}..{}", fastest, slowest);
}

// The suggestion against the current estimate, in percent of the current.
std::string change_cell(const TaskEstimate& task) {
  if (!task.suggested) return "";
  if (!task.current) return "new";
  if (task.current->count() == 0) return "from 0s";
  const double change = 100.0 * static_cast<double>((*task.suggested - *task.current).count()) /
                        static_cast<double>(task.current->count());
  return fmt::format("{:+.0f}%", std::round(change));
}

std::string run_line(std::size_t number, const MeasuredRun& run) {
  return fmt::format("  {}  {}  {}  {} tasks measured\n", number,
                     run.label.empty() ? zoned_date_time(run.started, 0) : printable(run.label),
                     printable(run.run_dir), run.durations.size());
}

}  // namespace

std::string render_estimates_text(const LearnedEstimates& learned) {
  std::string out = fmt::format(
      "Estimates for {}, learned from {} run{} (suggested: the P{} of each task's measurements, "
      "rounded up)\n",
      printable(learned.runbook_id), learned.runs.size(), learned.runs.size() == 1 ? "" : "s",
      learned.percentile);
  for (std::size_t r = 0; r < learned.runs.size(); ++r) out += run_line(r + 1, learned.runs[r]);
  Table table({"task", "measured", "median", "spread", "estimate", "suggested", "change", ""},
              "lrrrrrr");
  std::vector<std::string> unmeasured;
  for (const TaskEstimate& task : learned.tasks) {
    if (!task.suggested) {
      unmeasured.push_back(printable(task.id));
      continue;
    }
    table.add({cut(printable(task.id), 24), measured_cell(task), optional_took(task.median),
               spread_cell(task), optional_estimate(task.current),
               optional_estimate(task.suggested), change_cell(task), task.off ? "off" : ""});
  }
  out += "\n" + table.text("  ");
  out += fmt::format("\n{} of {} measured estimates {} off by more than {:.0f}% (marked off).\n",
                     learned.off_count(), learned.tasks.size() - unmeasured.size(),
                     learned.off_count() == 1 ? "is" : "are", estimate_off_share * 100);
  if (!unmeasured.empty()) {
    out += wrap(fmt::format("Not measured (they succeeded in no run given): {}",
                            fmt::join(unmeasured, ", ")),
                0, 2, report_text_width) +
           "\n";
  }
  if (!learned.not_in_runbook.empty()) {
    out += wrap(fmt::format("Measured, but no longer in the runbook: {}",
                            fmt::join(learned.not_in_runbook, ", ")),
                0, 2, report_text_width) +
           "\n";
  }
  return out;
}

nlohmann::ordered_json estimates_json(const LearnedEstimates& learned) {
  json out = {{"format", "cutover-estimates"},    {"version", 1},
              {"runbook_id", learned.runbook_id}, {"percentile", learned.percentile},
              {"off_share", estimate_off_share},  {"off", learned.off_count()}};
  json runs = json::array();
  for (const MeasuredRun& run : learned.runs) {
    runs.push_back({{"run_dir", run.run_dir},
                    {"run_id", run.run_id},
                    {"label", text_or_null(run.label)},
                    {"started", format_utc_ms(run.started)},
                    {"tasks_measured", run.durations.size()}});
  }
  out["runs"] = std::move(runs);
  json tasks = json::array();
  for (const TaskEstimate& task : learned.tasks) {
    json measured = json::array();
    for (const auto& duration : task.measured) measured.push_back(optional_seconds(duration));
    tasks.push_back({{"id", task.id},
                     {"phase", text_or_null(task.phase)},
                     {"measured_s", std::move(measured)},
                     {"median_s", optional_seconds(task.median)},
                     {"fastest_s", optional_seconds(task.fastest)},
                     {"slowest_s", optional_seconds(task.slowest)},
                     {"estimate_s", optional_seconds(task.current)},
                     {"suggested_s", optional_seconds(task.suggested)},
                     {"off", task.off}});
  }
  out["tasks"] = std::move(tasks);
  out["not_in_runbook"] = learned.not_in_runbook;
  return out;
}

}  // namespace cutover
