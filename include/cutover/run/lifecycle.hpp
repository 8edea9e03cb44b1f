#pragma once
// A run's life on disk, before and after the executor's loop: how a new run starts (folder,
// lock, frozen runbook, journal header, in that order) and what `resume` and `rollback` check
// before they take a run up. The command line only parses arguments and prints.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/run/executor.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/runbook/loader.hpp"

namespace cutover {

struct RunStart {
  std::string runbook_text;  // the exact bytes loaded: frozen and hashed
  std::string runbook_id;
  std::string label;
  std::filesystem::path run_dir;    // --run-dir; empty: a new folder under `runs_root`
  std::filesystem::path runs_root;  // .cutover/runs
  UtcTime start{};
  std::string host;
  std::string user;
  FileSystem* file_system = &posix_file_system();  // the folder, the frozen runbook, the header
  // Start even while another run of the same runbook under `runs_root` has a live executor.
  bool concurrent = false;
  // The runbook as loaded, for its go-live rule (require_go_live), and who overrides the rule.
  const Runbook* runbook = nullptr;
  std::optional<GoLiveOverride> override_go_live{};
  // With identities: the key that signs the override (--key).
  std::filesystem::path override_key{};
  // The workstream files the runbook includes: hashed with it, and frozen at their paths.
  std::vector<IncludedFile> included{};
};

// A run that exists on disk and whose lock this process holds, for as long as it lives.
struct StartedRun {
  NewRunDir dir;
  RunLock lock;
  JournalWriter journal;
};

// Unless `concurrent`: first a refusal (EnvironmentError) when a run of the same runbook under
// `runs_root` has a live executor, naming it: two executors of one runbook at once is a mistake
// on a go-live night (a second terminal, a forgotten tmux window) far more often than a plan.
// Then the folder, then the lock (a second executor is refused here, naming the holder), then a
// check that nothing ran there before, then the frozen runbook, then the journal's header: a
// journal exists only for a run whose runbook is frozen beside it. A write that fails before
// the header is on disk is an EnvironmentError saying that nothing was started: no journal and
// no half runbook is left, so the folder is never taken for a run.
// The go-live rule is checked first (require_go_live): a refusal starts nothing, and what a
// go-live run relied on goes into its journal's header.
StartedRun start_run(const RunStart& start);

// `resume` continues a run that failed, stopped or was interrupted; anything else is refused
// (UsageError) with what to do instead.
void require_resumable(const RecordedRun& run);

// A run taken up by `resume` or `rollback`: locked, read again as it is now that nobody else
// writes, checked (require_resumable, require_rollback_allowed), and its journal open for
// appending. Nothing is appended here.
struct TakenUpRun {
  RunLock lock;
  RecordedRun run;
  JournalWriter journal;
  // A rollback past a point of no return (with `force`): the point a person must confirm at a
  // terminal before anything is rolled back; empty when nothing needs confirming.
  std::string point_to_confirm;
};

// A folder that is not a run is refused before it is locked; a run another executor holds is
// refused naming it (RunLock), one that may not be taken up with the reason.
TakenUpRun take_up_run(const std::filesystem::path& dir, Start start, bool force, UtcTime now);

// The secrets the rollback steps still to run refer to (in their commands, their task's env or
// workdir) and those the notify hooks' commands name, sorted: a rollback needs those and no
// others.
std::vector<std::string> secrets_for_rollback(const Runbook& runbook, const RunState& state);

// The points of no return that have started, in file order.
std::vector<std::string_view> started_points_of_no_return(const RecordedRun& run);

// `rollback` undoes a run that stopped or failed. Past a point of no return it needs `force`
// (UsageError otherwise); the point to confirm is returned, empty when none is needed. The
// person's confirmation at a terminal is the caller's.
std::string_view require_rollback_allowed(const RecordedRun& run, bool force);

// What to type once a run has ended the way `state` says, as one sentence that names the
// command (with `dir` as the person should type it, shell-quoted here); empty when nothing is
// left to do. The one answer for the run's last lines, `status` and `resume`'s refusals, so
// that a suggested command is always one that works.
std::string next_step(const Runbook& runbook, const RunState& state, std::string_view dir);

// The command that takes the run up again, and so applies the decisions queued in its inbox:
// `cutover resume DIR`, or `cutover rollback DIR` (with --force past a started point of no
// return) once a rollback step failed, since `resume` refuses such a run; empty once nothing can
// (the run succeeded or was rolled back).
std::string take_up_command(const Runbook& runbook, const RunState& state, std::string_view dir);

}  // namespace cutover
