// cutover resume and cutover rollback: an executor takes a run up again from its journal.

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/lifecycle.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
#include "execution.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct TakeUpArguments {
  std::string run_dir;
  std::optional<std::size_t> jobs;  // unset: as the run was started
  bool non_interactive = false;
  bool auto_people = false;
  bool force = false;
  std::string by;
};

// Rolling back past a point of no return undoes what the runbook says cannot be undone
// safely: besides --force, a person types the task's id at a terminal.
void confirm_rollback(std::string_view point) {
  if (point.empty()) return;
  if (isatty(STDIN_FILENO) != 1) {
    throw UsageError("--force past a point of no return must be confirmed at a terminal");
  }
  write(stdout,
        fmt::format("Roll back past the point of no return {}? Type its id to confirm: ", point));
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != point) throw UsageError("not confirmed; nothing was rolled back");
}

int take_up(const TakeUpArguments& arguments, Start start) {
  const auto dir = std::filesystem::weakly_canonical(run_argument(arguments.run_dir));
  TakenUpRun taken = take_up_run(dir, start, arguments.force, system_clocks().utc_now());
  confirm_rollback(taken.point_to_confirm);
  const RunLock& lock = taken.lock;
  const RecordedRun& run = taken.run;
  JournalWriter& journal = taken.journal;
  if (run.journal.warning) {
    write(stderr, fmt::format("warning: {}: {}\n", (dir / journal_file_name).string(),
                              *run.journal.warning));
  }
  // Nothing runs in a tracked run: its secrets are not needed, and shown as *** anyway. A
  // rollback needs only those its steps still to run use.
  const NamedValues secrets =
      run.state.track ? read_secrets(*run.runbook, "***")
      : start == Start::rollback || run.state.rolling_back()
          ? read_needed_secrets(*run.runbook, secrets_for_rollback(*run.runbook, run.state))
          : read_secrets(*run.runbook);

  if (arguments.auto_people) refuse_auto_answers(run.runbook->identity);
  Console console(stdout, console_style());
  if (const auto stale = lock.stale()) {
    console.note(fmt::format("the last executor (pid {} on {}, since {}) is gone", stale->pid,
                             stale->host, stale->started));
  }
  ExecutorOptions options;
  options.jobs = arguments.jobs.value_or(run.jobs);
  options.auto_people = arguments.auto_people;
  options.non_interactive = !ask_here(arguments.non_interactive, arguments.auto_people);
  options.track = run.state.track;
  options.live_view = console_style().live;
  options.start = start;
  options.forced = arguments.force;
  options.operator_name = arguments.by;
  const RunOutcome outcome =
      execute_run({*run.runbook, run.graph, dir, run.journal.header.run_id, run.runbook_dir,
                   secrets, options, &run.journal.events, run.journal.header.time},
                  journal, console);
  // The contract: a rollback asked for and completed cleanly is a success.
  if (start == Start::rollback && outcome == RunOutcome::rolled_back) return exit_success;
  return exit_code_of(outcome);
}

CLI::App* add_take_up(CLI::App& app, const std::string& name, const std::string& description,
                      TakeUpArguments& arguments) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("run", arguments.run_dir, run_help)->type_name("RUN");
  command
      ->add_option("-j,--jobs", arguments.jobs, "Automated tasks at once (default: as the run had)")
      ->type_name("N")
      ->check(jobs_range());
  command->add_flag("--non-interactive", arguments.non_interactive,
                    "Never prompt: people answer with cutover mark / approve / reject (the "
                    "default when stdin is not a terminal)");
  command->add_flag("--auto", arguments.auto_people,
                    "Take manual tasks and approvals as done, by 'auto' (not tasks in doubt: "
                    "whether they finished is for a person to say)");
  add_operator_option(*command, arguments.by);
  return command;
}

}  // namespace

void add_resume(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<TakeUpArguments>();
  auto* command =
      add_take_up(app, "resume", "Continue an interrupted, crashed or stopped run from its journal",
                  *arguments);
  command->footer(
      "Everything is rebuilt from the journal (a torn last line is ignored with a warning), and\n"
      "decisions queued with mark / approve / reject are applied first. Finished tasks never run\n"
      "again. A task that failed and stopped the run runs again (mark it done or skipped first\n"
      "if it must not). A task in doubt (started, never finished) runs again only when it is\n"
      "idempotent; otherwise a person decides with `cutover mark RUN TASK done|failed|retry`\n"
      "before anything that depends on it starts. Processes of it still alive are reported and\n"
      "never started twice.\n"
      "Exit codes: as `cutover run`; 2 when there is nothing to resume, 5 when another executor\n"
      "holds the run.");
  command->callback([arguments, &action] {
    action = [arguments] { return take_up(*arguments, Start::resume); };
  });
}

void add_rollback(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<TakeUpArguments>();
  auto* command = add_take_up(
      app, "rollback",
      "Roll back a stopped or failed run: the rollback steps of every succeeded task, in "
      "reverse dependency order",
      *arguments);
  command->add_flag("--force", arguments->force,
                    "Roll back even past a started point of no return (confirmed at a terminal)");
  command->footer(
      "A task is rolled back only after all its succeeded dependents were. Every step is\n"
      "journaled; an interrupted rollback continues with `cutover rollback` (or `resume`), and\n"
      "rollback steps that failed run again. A task in doubt that has a rollback step waits for a\n"
      "person: `cutover mark RUN TASK done` (then it is rolled back) or `failed`.\n"
      "Exit codes: 0 rolled back, 2 refused (the reason is given), 4 a rollback step failed,\n"
      "5 another executor holds the run or a write failed (full disk), 130 interrupted.");
  command->callback([arguments, &action] {
    action = [arguments] { return take_up(*arguments, Start::rollback); };
  });
}

}  // namespace cutover::cli
