#include "cutover/run/lifecycle.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "base/sha256.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/go_live.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/signatures.hpp"
#include "cutover/runbook/template.hpp"

namespace cutover {

namespace {

void require_no_live_run(const std::filesystem::path& root, std::string_view runbook_id) {
  const std::string prefix = std::string(runbook_id) + "/";
  for (const ListedRun& run : list_runs(root)) {
    if (!run.header.run_id.starts_with(prefix)) continue;
    const auto holder = lock_holder(run.dir);
    if (!holder) continue;
    const std::string name = run.header.label.empty() ? run.dir.string() : run.header.label;
    throw EnvironmentError(fmt::format(
        "runbook '{}' already has a run in progress: {} (executor pid {} on {} since {}); follow "
        "it with `cutover status {}`, or start another one anyway with --concurrent",
        runbook_id, run.header.run_id, holder->pid, holder->host, holder->started, name));
  }
}

// A run folder made for a start that was then refused holds only its lock and an empty logs/.
void remove_unused_run_dir(const std::filesystem::path& dir) {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// With identities, an override is a decision like any other: signed, for this run only.
void sign_override(const RunStart& start, const std::string& run_id, GoLiveOverride& override_by) {
  if (start.override_key.empty()) {
    throw UsageError(fmt::format(
        "--override-go-live needs --key FILE: decisions in this runbook are signed ({})",
        start.runbook->identity->allowed_signers));
  }
  override_by.signature =
      sign_decision(start.runbook->identity, start.override_key,
                    {run_id, format_utc_ms(start.start), new_decision_id(start.start),
                     "override-go-live", "", "", override_by.by, override_by.reason, start.start});
}

}  // namespace

StartedRun start_run(const RunStart& start) {
  const std::string sha256 = runbook_sha256(start.runbook_text, start.included);
  const Identity* identity =
      start.runbook && start.runbook->identity ? &*start.runbook->identity : nullptr;
  if (identity) require_ssh_keygen();
  std::optional<GoLiveBasis> go_live;
  if (start.runbook) {
    go_live = require_go_live(*start.runbook, sha256, start.runs_root, start.label,
                              start.override_go_live);
  }
  if (!start.concurrent) require_no_live_run(start.runs_root, start.runbook_id);
  FileSystem& fs = *start.file_system;
  // Until the journal's header is on disk there is no run to resume: a failed write says so.
  const auto nothing_started = [](const WriteError& error) {
    return EnvironmentError(fmt::format("{}; nothing was started", error.what()));
  };
  std::optional<NewRunDir> made;
  try {
    made = start.run_dir.empty()
               ? create_run_dir(start.runs_root, start.runbook_id, start.start, start.label, fs)
               : given_run_dir(start.run_dir, start.runbook_id, fs);
  } catch (const WriteError& error) {
    throw nothing_started(error);
  }
  NewRunDir dir = std::move(*made);
  // The lock stays raw POSIX (run_dir.cpp says why).
  RunLock lock = RunLock::acquire(dir.dir, start.start);
  require_unused(dir.dir);
  if (identity && go_live && go_live->override_by) {
    try {
      sign_override(start, dir.run_id, *go_live->override_by);
    } catch (...) {
      // A folder made for this run holds nothing yet: it goes with the refusal.
      if (start.run_dir.empty()) remove_unused_run_dir(dir.dir);
      throw;
    }
  }
  JournalHeader header{dir.run_id, start.label, sha256,      CUTOVER_VERSION,
                       start.host, start.user,  start.start, go_live};
  if (identity) header.allowed_signers_sha256 = sha256_hex(identity->text);
  try {
    freeze_file(dir.dir, frozen_runbook_name, start.runbook_text, fs);
    for (const IncludedFile& file : start.included) {
      const std::filesystem::path path(file.path);
      if (path.has_parent_path()) fs.create_directories(dir.dir / path.parent_path());
      freeze_file(dir.dir, file.path, file.text, fs);
    }
    if (identity) freeze_file(dir.dir, frozen_signers_name, identity->text, fs);
    JournalWriter journal =
        JournalWriter::create(dir.dir / journal_file_name, header, system_clocks(), fs);
    return {std::move(dir), std::move(lock), std::move(journal)};
  } catch (const WriteError& error) {
    throw nothing_started(error);
  }
}

void require_resumable(const RecordedRun& run) {
  const std::string dir = run.dir.string();
  switch (run.state.outcome.value_or(RunOutcome::interrupted)) {
    case RunOutcome::succeeded:
      throw UsageError(fmt::format("{}: the run succeeded; there is nothing to resume", dir));
    case RunOutcome::rolled_back:
      throw UsageError(
          fmt::format("{}: the run was rolled back; start a new run to go again", dir));
    case RunOutcome::rollback_failed:
      throw UsageError(
          fmt::format("{}: {}", dir, next_step(*run.runbook, run.state, shell_word(dir))));
    case RunOutcome::failed:
    case RunOutcome::interrupted:
      return;
  }
}

namespace {

std::vector<std::string_view> started_points_of_no_return(const Runbook& runbook,
                                                          const RunState& state) {
  std::vector<std::string_view> started;
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) {
    if (runbook.tasks[i].point_of_no_return && state.tasks[i].status != TaskStatus::pending) {
      started.push_back(runbook.tasks[i].id);
    }
  }
  return started;
}

std::vector<std::string_view> failed_rollback_steps(const Runbook& runbook, const RunState& state) {
  std::vector<std::string_view> failed;
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) {
    if (state.tasks[i].rollback == RollbackStatus::failed) failed.push_back(runbook.tasks[i].id);
  }
  return failed;
}

}  // namespace

std::vector<std::string_view> started_points_of_no_return(const RecordedRun& run) {
  return started_points_of_no_return(*run.runbook, run.state);
}

std::string take_up_command(const Runbook& runbook, const RunState& state, std::string_view dir) {
  if (state.outcome == RunOutcome::succeeded || state.outcome == RunOutcome::rolled_back) return {};
  if (state.outcome != RunOutcome::rollback_failed) return fmt::format("cutover resume {}", dir);
  const bool forced = !started_points_of_no_return(runbook, state).empty();
  return fmt::format("cutover rollback {}{}", forced ? "--force " : "", dir);
}

std::string next_step(const Runbook& runbook, const RunState& state, std::string_view dir) {
  if (!state.outcome || *state.outcome == RunOutcome::succeeded ||
      *state.outcome == RunOutcome::rolled_back) {
    return {};
  }
  const auto points = started_points_of_no_return(runbook, state);
  // Past a started point of no return, only a forced rollback goes on (confirmed again).
  const std::string rollback = points.empty() ? "cutover rollback" : "cutover rollback --force";
  if (*state.outcome == RunOutcome::rollback_failed) {
    const auto failed = failed_rollback_steps(runbook, state);
    return fmt::format(
        "the rollback step{} of {} failed: once a person has dealt with it, '{}' runs {} again "
        "(a manual step is asked again)",
        failed.size() == 1 ? "" : "s", fmt::join(failed, ", "),
        take_up_command(runbook, state, dir), failed.size() == 1 ? "it" : "them");
  }
  if (state.rollback_performed) return fmt::format("'{} {}' continues the rollback", rollback, dir);
  if (!points.empty()) {
    return fmt::format(
        "{} (a point of no return) has started: fix forward, then 'cutover resume {}' continues "
        "the run; 'cutover rollback --force {}' rolls back past it only if there is no other way",
        fmt::join(points, ", "), dir, dir);
  }
  return fmt::format("'cutover resume {}' continues it; 'cutover rollback {}' rolls it back", dir,
                     dir);
}

std::string_view require_rollback_allowed(const RecordedRun& run, bool force) {
  const std::string dir = run.dir.string();
  if (run.state.outcome == RunOutcome::succeeded) {
    throw UsageError(
        fmt::format("{}: the run succeeded; rollback is for a run that stopped or failed", dir));
  }
  if (run.state.outcome == RunOutcome::rolled_back) {
    throw UsageError(fmt::format("{}: the run was already rolled back", dir));
  }
  const auto points = started_points_of_no_return(run);
  if (points.empty()) return {};
  if (!force) {
    throw UsageError(fmt::format(
        "{}: {} (a point of no return) has started, so the runbook says fix forward; to roll "
        "back anyway, use --force and confirm",
        dir, fmt::join(points, ", ")));
  }
  return points.front();
}

TakenUpRun take_up_run(const std::filesystem::path& dir, Start start, bool force, UtcTime now) {
  open_recorded_run(dir);  // a folder that is not a run is refused before it is locked
  RunLock lock = RunLock::acquire(dir, now);
  RecordedRun run = open_recorded_run(dir);  // as it is now that nobody else writes
  std::string point;
  if (start == Start::resume) require_resumable(run);
  if (start == Start::rollback) point = std::string(require_rollback_allowed(run, force));
  // Decisions in the inbox, and those still to come, are verified with it, against the people
  // file the run started with.
  if (run.runbook->identity) require_ssh_keygen();
  require_frozen_signers(run.runbook->identity, run.journal.header.allowed_signers_sha256, dir);
  JournalWriter journal = JournalWriter::reopen(dir / journal_file_name);
  return {std::move(lock), std::move(run), std::move(journal), std::move(point)};
}

std::vector<std::string> secrets_for_rollback(const Runbook& runbook, const RunState& state) {
  std::set<std::string, std::less<>> secrets(runbook.secrets.begin(), runbook.secrets.end());
  std::set<std::string> needed;
  const auto refer = [&](std::string_view text) {
    for (const TemplateReference& reference : find_references(text)) {
      if (secrets.contains(reference.name)) needed.emplace(reference.name);
    }
  };
  for (TaskIndex index = 0; index < runbook.tasks.size(); ++index) {
    const Task& task = runbook.tasks[index];
    const TaskState& own = state.tasks[index];
    const auto* command = task.rollback ? std::get_if<CommandRollback>(&*task.rollback) : nullptr;
    if (!command || own.status != TaskStatus::succeeded ||
        own.rollback == RollbackStatus::succeeded) {
      continue;
    }
    refer(command->run);
    refer(task.workdir);
    for (const auto& [name, value] : task.env) refer(value);
  }
  // The communication plan runs while the run rolls back.
  for (const NotifyHook& hook : runbook.notify) refer(hook.run);
  return {needed.begin(), needed.end()};
}

}  // namespace cutover
