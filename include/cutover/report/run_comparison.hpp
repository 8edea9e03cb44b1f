#pragma once
// `cutover report RUN_DIR RUN_DIR...`: rehearsals of one runbook compared task by task, with
// the estimate each task's measurements suggest (estimates.hpp). Built from the runs' reports,
// so it holds only what those hold. Formats in comparison_format.cpp; docs/reports.md.

#include <optional>
#include <string>
#include <vector>

#include "cutover/report/run_report.hpp"

namespace cutover {

struct ComparedRun {
  std::string run_dir;
  std::string run_id;
  std::string label;
  std::string status;
  UtcTime started{};
  Duration elapsed{0};
  std::vector<std::string> critical_path;  // the actual one, task ids
};

enum class Trend { none, faster, slower, steady };

struct ComparedTask {
  std::string id;
  std::string phase;
  std::optional<Duration> estimate;  // as the newest run that has the task gives it
  // Per run, in the runs' order: the task's duration when it succeeded; nothing when it did
  // not, or the run's runbook has no such task (`present` says which).
  std::vector<std::optional<Duration>> durations;
  std::vector<bool> present;
  std::optional<Duration> fastest;
  std::optional<Duration> slowest;
  std::optional<Duration> suggested;  // suggest_estimate of the measurements
  Trend trend = Trend::none;          // the last measurement against the one before
};

struct ComparedPhase {
  std::string name;
  std::vector<std::optional<Duration>> durations;  // per run: first start to last end
};

struct RunComparison {
  std::string runbook_id;
  std::vector<ComparedRun> runs;  // oldest first
  std::vector<ComparedTask> tasks;
  std::vector<ComparedPhase> phases;
  // "task X is not in run Y": tasks of an edited runbook, matched by id.
  std::vector<std::string> missing;
};

// Within this share of the one before, or this close to it, a task's duration is steady.
inline constexpr double steady_share = 0.10;
inline constexpr Duration steady_below = std::chrono::seconds(1);

std::string_view to_string(Trend trend);

// The runs are put in the order they started. Reports of different runbook ids are refused
// with a UsageError (exit 2).
RunComparison compare_runs(std::vector<RunReport> reports);

}  // namespace cutover
