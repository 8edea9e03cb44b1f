#pragma once
// The rules that need the whole runbook: ids, dependencies, cycles, phases, and the warnings.

#include "cutover/plan/graph.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// Reports every problem of a structurally loaded runbook into `diagnostics`.
void check_runbook(const Runbook& runbook, Diagnostics& diagnostics);

}  // namespace cutover
