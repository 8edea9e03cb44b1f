#include "cutover/report/estimates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "cutover/base/errors.hpp"

namespace cutover {

namespace {

Duration round_up_to(Duration value, Duration step) {
  const auto steps = (value.count() + step.count() - 1) / step.count();
  return Duration{steps * step.count()};
}

}  // namespace

std::optional<Duration> percentile(std::vector<Duration> measured, int p) {
  if (measured.empty()) return std::nullopt;
  std::sort(measured.begin(), measured.end());
  const auto n = static_cast<long long>(measured.size());
  // Nearest rank: ceil(p / 100 * n), at least the first.
  const long long rank = std::max(1LL, (static_cast<long long>(p) * n + 99) / 100);
  return measured[static_cast<std::size_t>(std::min(rank, n) - 1)];
}

Duration round_up_estimate(Duration value) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  if (value <= Duration::zero()) return seconds(1);
  if (value <= minutes(1)) return std::max<Duration>(round_up_to(value, seconds(1)), seconds(1));
  if (value <= hours(1)) return round_up_to(value, minutes(1));
  return round_up_to(value, minutes(5));
}

std::optional<Duration> suggest_estimate(const std::vector<Duration>& measured, int p) {
  const auto value = percentile(measured, p);
  if (!value) return std::nullopt;
  return round_up_estimate(*value);
}

std::optional<Duration> measured_duration(const TaskState& task) {
  if (task.status != TaskStatus::succeeded) return std::nullopt;
  return task.took();
}

MeasuredRun measure_run(const RecordedRun& run) {
  MeasuredRun measured{run.dir.string(), run.journal.header.run_id, run.journal.header.label,
                       run.runbook->id,  run.journal.header.time,   {},
                       run.runbook};
  for (std::size_t i = 0; i < run.runbook->tasks.size(); ++i) {
    if (const auto duration = measured_duration(run.state.tasks[i])) {
      measured.durations.emplace_back(run.runbook->tasks[i].id, *duration);
    }
  }
  return measured;
}

void require_runs_of(const std::vector<MeasuredRun>& runs, const Runbook& runbook) {
  for (const MeasuredRun& run : runs) {
    if (run.runbook_id == runbook.id) continue;
    throw UsageError(fmt::format("{} is a run of runbook '{}', not of '{}'", run.run_dir,
                                 run.runbook_id, runbook.id));
  }
}

std::size_t LearnedEstimates::off_count() const {
  return static_cast<std::size_t>(
      std::count_if(tasks.begin(), tasks.end(), [](const TaskEstimate& task) { return task.off; }));
}

namespace {

void require_something_succeeded(const std::vector<MeasuredRun>& runs) {
  const bool any = std::any_of(runs.begin(), runs.end(),
                               [](const MeasuredRun& run) { return !run.durations.empty(); });
  if (!any) {
    throw UsageError(fmt::format(
        "no task succeeded in {}: there is nothing to learn estimates from",
        runs.size() == 1 ? runs.front().run_dir : fmt::format("any of the {} runs", runs.size())));
  }
}

Duration median_of(std::vector<Duration> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

void summarise(TaskEstimate& task, int p) {
  std::vector<Duration> values;
  for (const auto& duration : task.measured) {
    if (duration) values.push_back(*duration);
  }
  if (values.empty()) return;
  task.median = median_of(values);
  task.fastest = *std::min_element(values.begin(), values.end());
  task.slowest = *std::max_element(values.begin(), values.end());
  task.suggested = suggest_estimate(values, p);
  if (!task.current || task.current->count() == 0) {
    task.off = true;
  } else {
    const double current = static_cast<double>(task.current->count());
    const double away = static_cast<double>((*task.suggested - *task.current).count());
    task.off = std::abs(away) > estimate_off_share * current;
  }
}

}  // namespace

LearnedEstimates learn_estimates(std::vector<MeasuredRun> runs, const Runbook& reference,
                                 int percentile) {
  require_runs_of(runs, reference);
  require_something_succeeded(runs);
  std::stable_sort(runs.begin(), runs.end(), [](const MeasuredRun& a, const MeasuredRun& b) {
    return a.started < b.started;
  });
  LearnedEstimates learned;
  learned.runbook_id = reference.id;
  learned.percentile = percentile;
  std::unordered_map<std::string_view, std::size_t> position;
  std::unordered_set<std::string> missing;
  for (const Task& task : reference.tasks) {
    position.emplace(task.id, learned.tasks.size());
    learned.tasks.push_back({task.id,
                             task.phase,
                             std::vector<std::optional<Duration>>(runs.size()),
                             {},
                             {},
                             {},
                             task.estimate,
                             {},
                             false});
  }
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const auto& [id, duration] : runs[r].durations) {
      const auto at = position.find(id);
      if (at != position.end()) {
        learned.tasks[at->second].measured[r] = duration;
      } else if (missing.insert(id).second) {
        learned.not_in_runbook.push_back(id);
      }
    }
  }
  for (TaskEstimate& task : learned.tasks) summarise(task, percentile);
  learned.runs = std::move(runs);
  return learned;
}

}  // namespace cutover
