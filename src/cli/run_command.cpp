// cutover run: a rehearsal or the real thing, journaled in a new run directory.

#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "cutover/errors.hpp"
#include "cutover/executor.hpp"
#include "cutover/new_run.hpp"
#include "cutover/run_dir.hpp"
#include "cutover/sha256.hpp"
#include "cutover/timing.hpp"
#include "cutover/virtual_runner.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct RunArguments {
  std::string runbook;
  std::size_t jobs = 4;
  std::string label;
  std::vector<std::string> vars;
  std::string run_dir;
  bool dry_run = false;
  bool auto_people = false;
};

std::string read_runbook_bytes(const std::string& path) {
  if (const auto reason = unreadable_reason(path)) {
    throw UsageError(fmt::format("{}: {}", path, *reason));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw EnvironmentError(fmt::format("{}: cannot be read", path));
  return std::move(text).str();
}

// The first task that would wait for a person, if any: a manual task, a gate with
// approvals, or a manual rollback step.
const Task* first_needing_people(const Runbook& runbook) {
  for (const Task& task : runbook.tasks) {
    const auto* gate = std::get_if<Gate>(&task.kind);
    const bool manual_rollback =
        task.rollback && std::holds_alternative<ManualRollback>(*task.rollback);
    if (task.is_manual() || (gate && !gate->approvals.empty()) || manual_rollback) return &task;
  }
  return nullptr;
}

// Without a terminal nobody can answer, and `--non-interactive` (answers by `cutover mark`
// and `cutover approve` from elsewhere) is not built yet: refuse before anything starts
// rather than fail half-way.
void require_people_can_answer(const Runbook& runbook, const RunArguments& arguments) {
  if (arguments.auto_people || arguments.dry_run || isatty(STDIN_FILENO)) return;
  if (const Task* task = first_needing_people(runbook)) {
    throw UsageError(fmt::format(
        "task '{}' waits for a person, and stdin is not a terminal to ask at: run from a "
        "terminal, or use --auto in a rehearsal (manual steps and approvals taken as done by "
        "'auto')",
        task->id));
  }
}

ConsoleStyle console_style() {
  const char* term = std::getenv("TERM");
  const bool dumb = term && std::string_view(term) == "dumb";
  return {colour_enabled(stdout), isatty(STDOUT_FILENO) == 1 && !dumb};
}

std::string summary(const Runbook& runbook, const ExecutorResult& result, Duration took) {
  std::size_t done = 0;
  std::vector<std::string> failed;
  for (std::size_t i = 0; i < runbook.tasks.size(); ++i) {
    const TaskState& task = result.state.tasks[i];
    done += task.finished() && task.status != TaskStatus::failed ? 1 : 0;
    if (task.status == TaskStatus::failed) {
      failed.push_back(fmt::format("{} ({})", runbook.tasks[i].id, task.reason));
    }
  }
  std::string outcome(to_string(result.outcome));
  std::replace(outcome.begin(), outcome.end(), '_', ' ');
  std::string text = fmt::format("run {}: {} of {} tasks done in {}", outcome, done,
                                 runbook.tasks.size(), format_took(took));
  if (!failed.empty()) text += fmt::format("; failed: {}", fmt::join(failed, ", "));
  if (!result.state.stop_reason.empty() && result.outcome != RunOutcome::succeeded) {
    text += fmt::format("; stopped because {}", result.state.stop_reason);
  }
  return text;
}

int dry_run(const Runbook& runbook, const RunGraph& graph, const RunArguments& arguments) {
  Console console(stdout, {colour_enabled(stdout), false});
  console.note(fmt::format("dry run of {}: nothing is executed; times are simulated from estimates",
                           runbook.id));
  VirtualRunner runner;
  MemoryJournal journal([&runner, start = runner.now()] {
    return std::chrono::duration_cast<Duration>(runner.now() - start).count();
  });
  ExecutorOptions options;
  options.jobs = arguments.jobs;
  options.dry_run = true;
  const ExecutorSetup setup{runbook,
                            std::filesystem::path(runbook.file).parent_path(),
                            {},
                            runbook.id + "/dry-run",
                            current_environment(),
                            read_secrets(runbook, "***"),
                            os_user(),
                            host_name()};
  const ExecutorResult result = execute(setup, graph, runner, journal, console, options);
  const Duration total{result.state.last_elapsed_ms};
  std::string end = format_offset(total);
  if (runbook.window) {
    const Timestamp finish{runbook.window->start.utc + total, runbook.window->start.offset_minutes};
    end += fmt::format(" ({}; the window ends {})", format_timestamp(finish),
                       format_timestamp(runbook.window->end()));
  }
  console.note(fmt::format("simulated end: {}, {} tasks with -j {}", end, runbook.tasks.size(),
                           arguments.jobs));
  return exit_success;
}

int run(const RunArguments& arguments) {
  if (!arguments.label.empty()) check_label(arguments.label);
  if (arguments.jobs == 0) throw UsageError("-j must be at least 1");
  const std::string text = read_runbook_bytes(arguments.runbook);
  const Runbook runbook = require_valid(
      load_runbook_text(text, arguments.runbook, {parse_vars(arguments.vars)}), arguments.runbook);
  const RunGraph graph = make_run_graph(runbook);
  if (arguments.dry_run) return dry_run(runbook, graph, arguments);
  require_people_can_answer(runbook, arguments);
  const NamedValues secrets = read_secrets(runbook);

  const UtcTime start = system_clocks().utc_now();
  const NewRunDir run_dir = arguments.run_dir.empty()
                                ? create_run_dir(runs_root(), runbook.id, start, arguments.label)
                                : given_run_dir(arguments.run_dir, runbook.id);
  const RunLock lock = RunLock::acquire(run_dir.dir, start);
  require_unused(run_dir.dir);
  freeze_runbook(run_dir.dir, text);
  const JournalHeader header{
      run_dir.run_id, arguments.label, sha256_hex(text), CUTOVER_VERSION, host_name(), os_user(),
      start};
  JournalWriter journal = JournalWriter::create(run_dir.dir / journal_file_name, header);

  const ConsoleStyle style = console_style();
  Console console(stdout, style);
  console.note(fmt::format("run {} in {}", run_dir.run_id, run_dir.dir.string()));
  if (const auto stale = lock.stale()) {
    console.note(fmt::format("took over the lock left by pid {} on {} (since {}), which is gone",
                             stale->pid, stale->host, stale->started));
  }
  RealRunnerOptions runner_options;
  runner_options.read_terminal = !arguments.auto_people && isatty(STDIN_FILENO);
  const auto runner = make_real_runner(runner_options);
  ExecutorOptions options;
  options.jobs = arguments.jobs;
  options.auto_people = arguments.auto_people;
  options.live_view = style.live;
  const ExecutorSetup setup{runbook,
                            std::filesystem::absolute(runbook.file).parent_path(),
                            std::filesystem::absolute(run_dir.dir),
                            run_dir.run_id,
                            current_environment(),
                            secrets,
                            os_user(),
                            host_name()};
  const auto began = std::chrono::steady_clock::now();
  const ExecutorResult result = execute(setup, graph, *runner, journal, console, options);
  console.finish();
  write_timing_csv(run_dir.dir, runbook, graph, result.state);
  const auto took = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - began);
  console.note(summary(runbook, result, took));
  console.note(fmt::format("journal: {}", (run_dir.dir / journal_file_name).string()));
  console.note(fmt::format("timing:  {}", (run_dir.dir / timing_file_name).string()));
  return exit_code_of(result.outcome);
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<RunArguments>();
  auto* command = app.add_subcommand("run", "Execute a runbook: a rehearsal or the real cutover");
  command->add_option("runbook", arguments->runbook, "The runbook file")
      ->required()
      ->type_name("RUNBOOK");
  command->add_option("-j,--jobs", arguments->jobs, "Automated tasks at once (default 4)")
      ->type_name("N");
  command
      ->add_option("--label", arguments->label,
                   "Names the run: rehearsal-2, go-live (part of its folder name)")
      ->type_name("NAME");
  add_var_option(*command, arguments->vars);
  command
      ->add_option("--run-dir", arguments->run_dir,
                   "Run here instead of .cutover/runs/<runbook-id>/<UTC time>[-<label>]")
      ->type_name("DIR");
  command->add_flag("--dry-run", arguments->dry_run,
                    "Execute nothing: print the order, the commands (secrets as ***) and a "
                    "timeline simulated from the estimates");
  command->add_flag("--auto", arguments->auto_people,
                    "Take manual tasks and approvals as done, by 'auto' (rehearsals in test "
                    "environments); gate checks still run");
  command->footer(
      "Among ready tasks the longest estimated remaining path goes first. Ctrl-C once: no new\n"
      "tasks start and running ones finish; twice: running tasks are terminated. Either way the\n"
      "exit is 130. Losing the terminal (SIGHUP) does not stop the run.\n"
      "Exit codes: 0 succeeded, 1 failed (stopped or rolled back), 2 usage, 3 invalid runbook,\n"
      "4 a rollback step failed, 5 environment (locked run, missing secret), 130 interrupted.");
  command->callback([arguments, &action] { action = [arguments] { return run(*arguments); }; });
}

}  // namespace cutover::cli
