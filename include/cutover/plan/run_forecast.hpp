#pragma once
// What lies ahead of a run that goes on, for `status` and the live view: when it will end (the
// Monte-Carlo engine of monte_carlo.hpp over what is left, drawn around the estimates) and the
// next gate's no-go deadline (deadline.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "cutover/plan/deadline.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover {

struct RunForecast {
  std::size_t samples = 0;
  Duration p50{0};              // how much longer the run needs, at the median
  Duration p90{0};              // ... and what it stays within in 9 samples out of 10
  std::optional<double> p_fit;  // the share of samples ending inside the window
};

// How many samples a forecast of a run in progress draws: 2,000 on a small runbook, fewer on a
// large one (never below 100), so that one forecast costs about `draws` task draws.
std::size_t run_forecast_samples(std::size_t tasks, std::size_t draws);

// From `now_ms`, the run's elapsed time as the journal counts it; `window_left` is how long
// until the window ends, if there is one. A finished task ends where it ended, a running one
// no sooner than now; a task in doubt or not started has all of its duration ahead. Parallelism
// limits (-j) and people's response times are not modelled. A fixed seed: the same state gives
// the same answer.
RunForecast forecast_run(const Runbook& runbook, const Dag& dag, const RunState& state,
                         std::int64_t now_ms, std::optional<Duration> window_left,
                         std::size_t samples);

struct NextGate {
  TaskIndex gate = 0;
  UtcTime no_go_deadline{};
};

// The gate that has not ended and is planned to start first, with its no-go deadline as a
// time. `gates` come from gate_deadlines() on the plan from the window's start; nothing
// without a window or once every gate has ended.
std::optional<NextGate> next_gate(const Runbook& runbook, const std::vector<GateDeadline>& gates,
                                  const RunState& state);

}  // namespace cutover
