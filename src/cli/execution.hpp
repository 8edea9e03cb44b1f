#pragma once
// What `run`, `track`, `resume` and `rollback` share once the run directory is locked and its
// journal open: the real runner, the console, the executor, timing.csv and the summary.

#include <filesystem>
#include <string>
#include <vector>

#include "cutover/run/console.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/new_run.hpp"

namespace cutover::cli {

struct Execution {
  const Runbook& runbook;
  const RunGraph& graph;
  std::filesystem::path run_dir;  // absolute
  std::string run_id;
  std::filesystem::path runbook_dir;  // absolute: relative workdirs start here
  NamedValues secrets;
  ExecutorOptions options;
  const std::vector<JournalEvent>* history = nullptr;  // resume, rollback
  UtcTime started{};  // the run's start (its journal header's time): the summary's durations
};

// Colour and the live view, decided once from stdout and TERM.
ConsoleStyle console_style();

// Whether people are asked at this terminal: not with --non-interactive or --auto, and only
// when stdin is a terminal; otherwise they answer with mark / approve / reject.
bool ask_here(bool non_interactive, bool auto_people);

// Runs the executor to the end and reports how it ended.
RunOutcome execute_run(const Execution& execution, EventSink& journal, Console& console);

}  // namespace cutover::cli
