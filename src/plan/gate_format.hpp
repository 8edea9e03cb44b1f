#pragma once
// The go/no-go gates beside the plan (SPEC §4): each gate's planned start and no-go deadline,
// the latest moment a no-go there can still be rolled back inside the window.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cutover/plan/deadline.hpp"

namespace cutover {

// A titled table after the plan's; empty when the runbook has no gate. A gate planned after
// its deadline is shown in red when `colour`.
std::string gates_text(const Runbook& runbook, const Plan& plan,
                       const std::vector<GateDeadline>& gates, bool colour);
std::string gates_markdown(const Runbook& runbook, const Plan& plan,
                           const std::vector<GateDeadline>& gates);
// [{ "id", "planned_start_s", "no_go_deadline_s" (null without a window), "rollback_s",
//    "too_late" }]: seconds from the plan's start.
nlohmann::ordered_json gates_json(const Runbook& runbook, const std::vector<GateDeadline>& gates);

}  // namespace cutover
