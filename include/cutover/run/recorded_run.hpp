#pragma once
// A run as its directory records it: the frozen runbook, the journal, and the state folded
// from it. `status`, `mark`, `approve`, `reject`, `resume` and `rollback` all start here, so
// there is no second state file to drift from the journal.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cutover/run/journal.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

struct RecordedRun {
  std::filesystem::path dir;
  // On the heap: the graph points into it. Runs of one frozen runbook may share it.
  std::shared_ptr<const Runbook> runbook;
  std::filesystem::path runbook_dir;  // where the original runbook was: relative workdirs
  EnvVars vars;                       // as the run had them, --var included
  std::size_t jobs = 4;               // -j the run was started with
  RunGraph graph;
  Journal journal;
  RunState state;
};

inline constexpr std::string_view frozen_runbook_name = "runbook.yaml";

// Reads RUN_DIR: a folder without a journal is a UsageError (exit 2); a journal that cannot
// be read, or a frozen runbook that no longer loads, an Error (exit 5). A torn last line is
// left out and reported in journal.warning.
RecordedRun open_recorded_run(const std::filesystem::path& run_dir);

// Several runs, as `estimates` reads them: journals read side by side, and each frozen runbook
// (by SHA-256 and vars) parsed once. Errors as open_recorded_run's.
std::vector<RecordedRun> open_recorded_runs(const std::vector<std::filesystem::path>& run_dirs);

}  // namespace cutover
