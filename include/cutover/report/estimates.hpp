#pragma once
// Estimates learned from rehearsals (SPEC §4): one function for `report` comparisons and
// `cutover estimates`, so both suggest the same number, and the model `cutover estimates`
// prints (estimates_format.cpp) and writes back into a runbook (runbook/estimate_edit.hpp).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/run/recorded_run.hpp"

namespace cutover {

inline constexpr int default_estimate_percentile = 80;

// The P-th percentile (1..100) of the measurements by nearest rank: the smallest value with at
// least P% of the measurements at or below it. Nothing for no measurements.
std::optional<Duration> percentile(std::vector<Duration> measured, int p);

// Rounded up to a duration people write: whole seconds below 1m, whole minutes below 1h,
// then 5-minute steps. Never below 1s.
Duration round_up_estimate(Duration value);

// round_up_estimate of the P-th percentile.
std::optional<Duration> suggest_estimate(const std::vector<Duration>& measured,
                                         int p = default_estimate_percentile);

// A task's measurement in one run: from its first attempt's start to its end by the clock
// (TaskState::took), when it succeeded (a task that was retried counts its whole time); nothing
// otherwise.
std::optional<Duration> measured_duration(const TaskState& task);

// An estimate further than this share from its suggestion is flagged.
inline constexpr double estimate_off_share = 0.25;

// One run's measurements, by task id.
struct MeasuredRun {
  std::string run_dir;
  std::string run_id;
  std::string label;
  std::string runbook_id;
  UtcTime started{};
  std::vector<std::pair<std::string, Duration>> durations;  // succeeded tasks, runbook order
  std::shared_ptr<const Runbook> runbook;                   // as frozen at its start
};

MeasuredRun measure_run(const RecordedRun& run);

// What a run of another runbook id measured is of other tasks: such a run is refused
// (UsageError, exit 2). Runs of an edited runbook of the same id are used task by task.
void require_runs_of(const std::vector<MeasuredRun>& runs, const Runbook& runbook);

struct TaskEstimate {
  std::string id;
  std::string phase;
  // Per run, in the runs' order: the measurement, if the task succeeded there.
  std::vector<std::optional<Duration>> measured;
  std::optional<Duration> median;
  std::optional<Duration> fastest;
  std::optional<Duration> slowest;
  std::optional<Duration> current;    // the reference runbook's estimate
  std::optional<Duration> suggested;  // the P-th percentile, rounded up
  // current is missing, or further than estimate_off_share from the suggestion.
  bool off = false;
};

struct LearnedEstimates {
  std::string runbook_id;
  int percentile = default_estimate_percentile;
  std::vector<MeasuredRun> runs;    // oldest first
  std::vector<TaskEstimate> tasks;  // the reference runbook's tasks, in its order
  // Measured in the runs but no longer in the reference runbook (an edited runbook).
  std::vector<std::string> not_in_runbook;

  std::size_t off_count() const;
};

// Runs of another runbook id than the reference are refused (require_runs_of), and so is a set
// of runs in which no task succeeded: there is nothing to learn from.
LearnedEstimates learn_estimates(std::vector<MeasuredRun> runs, const Runbook& reference,
                                 int percentile);

}  // namespace cutover
