#pragma once
// The live view: the one line at the bottom of the executor's terminal that says how far the
// run is, what runs or waits on whom since when, the forecast end against the window and the
// next gate's no-go deadline. Built from the state of the moment; the Monte-Carlo forecast is
// drawn from fewer samples than `status` draws, and again at most once a second.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cutover/plan/deadline.hpp"
#include "cutover/plan/run_forecast.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover::detail {

class LiveView {
 public:
  LiveView(const Runbook& runbook, const RunGraph& graph) : runbook_(runbook), graph_(graph) {}

  // `now`: the wall clock; `elapsed`: the run's time as the journal's elapsed_ms counts it;
  // `steady`: when, for redrawing the forecast at most once a second.
  std::string line(const RunState& state, UtcTime now, Duration elapsed,
                   std::chrono::steady_clock::time_point steady);

 private:
  void refresh_outlook(const RunState& state, UtcTime now, Duration elapsed,
                       std::chrono::steady_clock::time_point steady);
  std::string running(const RunState& state, UtcTime now, Duration elapsed) const;
  std::string waited_on(const RunState& state, TaskIndex index) const;
  std::string clock(UtcTime when, UtcTime now) const;

  const Runbook& runbook_;
  const RunGraph& graph_;
  struct Outlook {
    std::chrono::steady_clock::time_point at{};
    RunForecast forecast;
    std::optional<NextGate> next_gate;
  };
  std::optional<Outlook> outlook_;
  // The plan's gate deadlines, for the next gate's: worked out once they are needed.
  std::optional<std::vector<GateDeadline>> gates_;
};

}  // namespace cutover::detail
