// cutover forecast: when the cutover ends, by Monte-Carlo over its DAG (report/forecast.hpp).

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/report/forecast.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct ForecastArguments {
  std::string runbook;
  std::vector<std::string> run_dirs;
  std::size_t samples = 10'000;
  std::uint64_t seed = 1;
  std::string start;
  std::string require;
  std::string format = "text";
  std::vector<std::string> vars;
};

// More samples than this add nothing a cutover lead could see, and take minutes.
constexpr std::size_t max_samples = 10'000'000;

int run_forecast(const ForecastArguments& arguments) {
  ForecastOptions options;
  options.start = parse_start(arguments.start);
  options.samples = arguments.samples;
  options.seed = arguments.seed;
  const Runbook runbook = load_valid_runbook(arguments.runbook, parse_vars(arguments.vars));
  if (!arguments.require.empty() && !runbook.window) {
    throw UsageError(
        fmt::format("--require {}: {} has no window to fit", arguments.require, arguments.runbook));
  }
  if (options.start && runbook.window) {
    options.start->offset_minutes = runbook.window->start.offset_minutes;
  }
  const Dag dag = build_dag(runbook);
  const ForecastReport report =
      make_forecast(runbook, dag, measure_run_dirs(arguments.run_dirs), options);
  write_output(arguments.format == "json" ? forecast_json(report).dump(2) + "\n"
                                          : render_forecast_text(report));
  if (arguments.require.empty()) return exit_success;
  const int p = std::stoi(arguments.require.substr(1));
  if (forecast_end(report, p) <= *report.window) return exit_success;
  write(stderr, fmt::format("cutover: the {} end is {} after the start, past the window ({})\n",
                            arguments.require, format_took(forecast_end(report, p)),
                            format_duration(*report.window)));
  return exit_invalid_runbook;
}

}  // namespace

void add_forecast(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ForecastArguments>();
  auto* command = app.add_subcommand(
      "forecast",
      "When the cutover ends: a Monte-Carlo simulation over its DAG, with durations measured in "
      "rehearsals or drawn around the estimates");
  command->add_option("runbook", arguments->runbook, "Runbook file")->required();
  command
      ->add_option("--runs", arguments->run_dirs,
                   "Rehearsals of this runbook: their measured durations are resampled")
      ->type_name("RUN_DIR...");
  command->add_option("--samples", arguments->samples, "How many times the cutover is simulated")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, max_samples))
      ->capture_default_str();
  command->add_option("--seed", arguments->seed, "The same seed gives the same output")
      ->type_name("N")
      ->capture_default_str();
  command
      ->add_option("--start", arguments->start,
                   "When the cutover starts: an RFC 3339 time or 'now' (default: the window's "
                   "start)")
      ->type_name("TIME|now");
  command
      ->add_option("--require", arguments->require,
                   "Exit 3 when this percentile's end is after the window (for CI)")
      ->check(CLI::IsMember({"P50", "P80", "P90", "P95", "P99"}))
      ->type_name("P");
  command->add_option("--format", arguments->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  add_var_option(*command, arguments->vars);
  command->footer(
      "Each sample draws every task's duration: one of its measurements in --runs (a task that\n"
      "succeeded there), else a triangular distribution from 0.8x to 1.5x its estimate, most\n"
      "likely the estimate. Tasks start as soon as their dependencies end (no -j limit, no\n"
      "waiting for people), like `plan`. P90 is the end 90% of the samples reach in time. A\n"
      "task's criticality is the share of samples in which it is on the critical path.\n"
      "Statistics in plain words: docs/forecast.md.\n"
      "Exit codes: 0 done, 2 bad arguments (--require without a window), runs of another\n"
      "runbook, 3 an invalid runbook or --require missed, 5 a run cannot be read.");
  command->callback(
      [arguments, &action] { action = [arguments] { return run_forecast(*arguments); }; });
}

}  // namespace cutover::cli
