#include "cutover/plan/run_forecast.hpp"

#include <algorithm>

#include "cutover/plan/monte_carlo.hpp"

namespace cutover {

namespace {

constexpr std::size_t most_samples = 2'000;
constexpr std::size_t fewest_samples = 100;

TaskProgress progress_of(const TaskState& task, std::int64_t now_ms) {
  if (task.finished()) return {task.finished_ms.value_or(now_ms), task.started_ms};
  if (task.active()) return {std::nullopt, task.started_ms.value_or(now_ms)};
  return {};  // not started, or in doubt: it runs (again) or a person settles it
}

}  // namespace

std::size_t run_forecast_samples(std::size_t tasks, std::size_t draws) {
  return std::clamp(draws / std::max<std::size_t>(tasks, 1), fewest_samples, most_samples);
}

RunForecast forecast_run(const Runbook& runbook, const Dag& dag, const RunState& state,
                         std::int64_t now_ms, std::optional<Duration> window_left,
                         std::size_t samples) {
  SimulationInput input;
  input.dag = &dag;
  input.durations.reserve(runbook.tasks.size());
  input.progress.reserve(runbook.tasks.size());
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    input.durations.push_back({{}, runbook.tasks[task].estimate.value_or(Duration{0}).count()});
    input.progress.push_back(progress_of(state.tasks[task], now_ms));
  }
  input.now_ms = now_ms;
  if (window_left) input.window_ms = now_ms + window_left->count();
  input.samples = std::max<std::size_t>(samples, 1);
  const Simulation simulation = simulate(input);
  RunForecast forecast;
  forecast.samples = simulation.samples;
  forecast.p50 = Duration{simulation.end_at(50) - now_ms};
  forecast.p90 = Duration{simulation.end_at(90) - now_ms};
  forecast.p_fit = simulation.p_fit;
  return forecast;
}

std::optional<NextGate> next_gate(const Runbook& runbook, const std::vector<GateDeadline>& gates,
                                  const RunState& state) {
  if (!runbook.window) return std::nullopt;
  const GateDeadline* next = nullptr;
  for (const GateDeadline& gate : gates) {
    if (state.tasks[gate.gate].finished() || !gate.no_go_deadline) continue;
    if (!next || gate.planned_start < next->planned_start) next = &gate;
  }
  if (!next) return std::nullopt;
  return NextGate{next->gate, runbook.window->start.utc + *next->no_go_deadline};
}

}  // namespace cutover
