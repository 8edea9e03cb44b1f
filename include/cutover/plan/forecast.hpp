#pragma once
// How much longer a run needs, from the estimates and what has happened: for the live view
// now, and for `status` later.

#include <cstdint>

#include "cutover/run/run_state.hpp"

namespace cutover {

// The longest estimated path through what has not finished, from `now_ms` (elapsed, as the
// journal counts it). A running task counts what is left of its estimate, nothing once it has
// overrun; a ready task its whole remaining path; a task that cannot start yet is behind one
// of those. Parallelism limits (-j) and people's response times are not modelled.
Duration forecast_remaining(const Runbook& runbook, const RunGraph& graph, const RunState& state,
                            std::int64_t now_ms);

}  // namespace cutover
