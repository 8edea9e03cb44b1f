#pragma once
// timing.csv: the rehearsal/timing log, one row per task, for spreadsheets and for comparing
// rehearsals. Derived from the folded journal, so it can always be written again.

#include <filesystem>
#include <string>

#include "cutover/base/file_system.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover {

inline constexpr std::string_view timing_file_name = "timing.csv";

// Columns: task, title, phase, kind, owner, estimate_s, start, end, duration_s, variance_s,
// status, attempts. Times are UTC with milliseconds; durations come from the monotonic
// elapsed_ms, in seconds with three decimals; variance is duration minus estimate.
std::string timing_csv(const Runbook& runbook, const RunGraph& graph, const RunState& state);

// Written to a temporary file in the run directory, synced, then renamed over timing.csv: a
// reader sees the old table or the new one, never half of one. WriteError when it cannot be.
void write_timing_csv(const std::filesystem::path& run_dir, const Runbook& runbook,
                      const RunGraph& graph, const RunState& state,
                      FileSystem& file_system = posix_file_system());

}  // namespace cutover
