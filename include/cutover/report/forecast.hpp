#pragma once
// `cutover forecast`: the Monte-Carlo simulation (plan/monte_carlo.hpp) of a runbook, its
// durations learned from rehearsals where there are some, as a cutover lead reads it: when the
// cutover ends at P50 ... P99, the chance of fitting the window, and the tasks that decide the
// end. Its text and JSON are made beside it (forecast.cpp); the statistics in plain words are
// in docs/forecast.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cutover/plan/monte_carlo.hpp"
#include "cutover/report/estimates.hpp"

namespace cutover {

struct ForecastTask {
  std::string id;
  std::size_t measurements = 0;  // 0: drawn from its estimate
  std::optional<Duration> estimate;
  double criticality = 0;
  double ends_last = 0;
};

struct ForecastReport {
  std::string runbook;  // its heading
  std::size_t samples = 0;
  std::uint64_t seed = 0;
  std::size_t runs = 0;  // rehearsals the measurements come from
  std::optional<Timestamp> start;
  std::optional<Duration> window;                            // from the start to the window's end
  std::array<Duration, forecast_percentiles.size()> ends{};  // from the start
  std::optional<double> p_fit;
  std::vector<ForecastTask> tasks;  // the runbook's order

  std::size_t measured_tasks() const;
};

struct ForecastOptions {
  std::optional<Timestamp> start;  // default: the window's start
  std::size_t samples = 10'000;
  std::uint64_t seed = 1;
};

// Runs of another runbook id are refused (UsageError). The runbook must be valid (acyclic).
ForecastReport make_forecast(const Runbook& runbook, const Dag& dag,
                             const std::vector<MeasuredRun>& runs, const ForecastOptions& options);

// The end at percentile P (one of forecast_percentiles).
Duration forecast_end(const ForecastReport& report, int p);

std::string render_forecast_text(const ForecastReport& report);
nlohmann::ordered_json forecast_json(const ForecastReport& report);

}  // namespace cutover
