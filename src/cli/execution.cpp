#include "execution.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "commands.hpp"
#include "cutover/base/clock.hpp"
#include "cutover/report/timing.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/lifecycle.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/run_dir.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

std::string plural(std::size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

std::string summary(const Runbook& runbook, const ExecutorResult& result, Duration took) {
  std::size_t done = 0;
  std::vector<std::string> failed;
  std::vector<std::string_view> in_doubt;
  std::vector<std::string_view> undone;
  std::vector<std::string_view> not_undone;
  for (std::size_t i = 0; i < runbook.tasks.size(); ++i) {
    const TaskState& task = result.state.tasks[i];
    done += task.finished() && task.status != TaskStatus::failed ? 1 : 0;
    if (task.status == TaskStatus::failed) {
      failed.push_back(fmt::format("{} ({})", runbook.tasks[i].id, task.reason));
    }
    if (task.status == TaskStatus::in_doubt) in_doubt.push_back(runbook.tasks[i].id);
    if (task.rollback == RollbackStatus::succeeded) undone.push_back(runbook.tasks[i].id);
    if (task.rollback == RollbackStatus::failed) not_undone.push_back(runbook.tasks[i].id);
  }
  std::string outcome(to_string(result.outcome));
  std::replace(outcome.begin(), outcome.end(), '_', ' ');
  const bool rolled_back =
      result.outcome == RunOutcome::rolled_back || result.outcome == RunOutcome::rollback_failed;
  // After a rollback, what was undone is the news; how far the run had come, the context.
  std::string text =
      rolled_back ? fmt::format("run {}: {} undone{} in {}; {} of {} tasks had run", outcome,
                                plural(undone.size(), "task"),
                                undone.empty() ? "" : fmt::format(" ({})", fmt::join(undone, ", ")),
                                format_took(took), done, runbook.tasks.size())
                  : fmt::format("run {}: {} of {} tasks done in {}", outcome, done,
                                runbook.tasks.size(), format_took(took));
  if (result.state.executor_down > Duration{0}) {
    text += fmt::format(" (executor down {})", format_took(result.state.executor_down));
  }
  if (!not_undone.empty()) {
    text += fmt::format("; rollback step failed: {}", fmt::join(not_undone, ", "));
  }
  if (!failed.empty()) text += fmt::format("; failed: {}", fmt::join(failed, ", "));
  if (!in_doubt.empty()) text += fmt::format("; in doubt: {}", fmt::join(in_doubt, ", "));
  if (!result.state.stop_reason.empty() && result.outcome != RunOutcome::succeeded) {
    text += fmt::format("; stopped because {}", result.state.stop_reason);
  }
  return text;
}

}  // namespace

ConsoleStyle console_style() {
  const char* term = std::getenv("TERM");
  const bool dumb = term && std::string_view(term) == "dumb";
  return {colour_enabled(stdout), isatty(STDOUT_FILENO) == 1 && !dumb};
}

bool ask_here(bool non_interactive, bool auto_people) {
  return !non_interactive && !auto_people && isatty(STDIN_FILENO) == 1;
}

RunOutcome execute_run(const Execution& execution, EventSink& journal, Console& console) {
  RealRunnerOptions runner_options;
  runner_options.read_terminal =
      ask_here(execution.options.non_interactive, execution.options.auto_people);
  runner_options.inbox = make_inbox(execution.run_dir);
  const auto runner = make_real_runner(runner_options);
  ExecutorSetup setup{
      execution.runbook,     execution.runbook_dir, execution.run_dir, execution.run_id,
      current_environment(), execution.secrets,     os_user(),         host_name()};
  setup.history = execution.history;
  const ExecutorResult result =
      execute(setup, execution.graph, *runner, journal, console, execution.options);
  console.finish();
  // Until run_finished, by the clock: the notify hooks that ran after it are not the run's.
  const UtcTime ended = result.state.last_event_at.value_or(system_clocks().utc_now());
  const Duration took = std::max(ended - execution.started, Duration{0});
  console.note(summary(execution.runbook, result, took));
  console.note(fmt::format("journal: {}", shown_path(execution.run_dir / journal_file_name)));
  try {
    write_timing_csv(execution.run_dir, execution.runbook, execution.graph, result.state);
  } catch (const WriteError& error) {
    // Still a failed write under the run directory (exit 5), though nothing is left to stop.
    throw EnvironmentError(
        fmt::format("{}; the run itself is journaled in full (`cutover status {}` shows it): only "
                    "timing.csv, which is derived from the journal, is missing or out of date",
                    error.what(), shown_path(execution.run_dir)));
  }
  console.note(fmt::format("timing:  {}", shown_path(execution.run_dir / timing_file_name)));
  const std::string next =
      next_step(execution.runbook, result.state, shell_word(shown_path(execution.run_dir)));
  if (!next.empty()) console.note(fmt::format("next:    {}", next));
  return result.outcome;
}

}  // namespace cutover::cli
