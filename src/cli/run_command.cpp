// cutover run: a rehearsal or the real thing, journaled in a new run directory.

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/go_live.hpp"
#include "cutover/run/lifecycle.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/notifier.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
#include "cutover/run/virtual_runner.hpp"
#include "execution.hpp"
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
  bool non_interactive = false;
  bool track = false;
  bool concurrent = false;
  std::string by;
  std::string override_go_live;  // why, when the go-live rule is overridden
  std::string key;               // with identities: signs the override
};

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

// --override-go-live: who and why, given together.
std::optional<GoLiveOverride> go_live_override(const RunArguments& arguments) {
  if (arguments.override_go_live.empty()) return std::nullopt;
  if (arguments.by.empty()) throw UsageError("--override-go-live needs --by NAME: who overrides");
  if (arguments.label.empty()) {
    throw UsageError("--override-go-live goes with the --label of a go-live run");
  }
  return GoLiveOverride{arguments.by, arguments.override_go_live};
}

// With identities every decision is a person's, signed: `auto` cannot make them, and --key
// only means something with them.
void require_people_with_keys(const Runbook& runbook, const RunArguments& arguments) {
  if (!runbook.identity && !arguments.key.empty()) {
    throw UsageError("--key: this runbook's decisions are not signed (it has no identity)");
  }
  if (arguments.auto_people && !arguments.dry_run) refuse_auto_answers(runbook.identity);
}

int run(const RunArguments& arguments) {
  if (!arguments.label.empty()) check_label(arguments.label);
  const std::optional<GoLiveOverride> override_go_live = go_live_override(arguments);
  const std::string text = read_runbook_bytes(arguments.runbook);
  LoadResult loaded = load_runbook_text(text, arguments.runbook, {parse_vars(arguments.vars)});
  std::vector<IncludedFile> included = std::move(loaded.included);
  const Runbook runbook = require_valid(std::move(loaded), arguments.runbook);
  require_people_with_keys(runbook, arguments);
  const RunGraph graph = make_run_graph(runbook);
  if (arguments.dry_run) return dry_run(runbook, graph, arguments);
  // Nothing but the notify hooks runs in track mode: their secrets are needed, the others are
  // shown as *** anyway.
  const NamedValues secrets = arguments.track
                                  ? read_needed_secrets(runbook, secrets_of_hooks(runbook))
                                  : read_secrets(runbook);

  const UtcTime start = system_clocks().utc_now();
  RunStart run_start{text,        runbook.id, arguments.label, arguments.run_dir,
                     runs_root(), start,      host_name(),     os_user()};
  run_start.concurrent = arguments.concurrent;
  run_start.runbook = &runbook;
  run_start.override_go_live = override_go_live;
  run_start.override_key = arguments.key;
  run_start.included = std::move(included);
  StartedRun started = start_run(run_start);
  const NewRunDir& run_dir = started.dir;
  const RunLock& lock = started.lock;
  JournalWriter& journal = started.journal;

  Console console(stdout, console_style());
  const auto dir = std::filesystem::weakly_canonical(run_dir.dir);
  console.note(fmt::format("{} {} in {}", arguments.track ? "tracking" : "run", run_dir.run_id,
                           shown_path(dir)));
  if (const auto stale = lock.stale()) {
    console.note(fmt::format("took over the lock left by pid {} on {} (since {}), which is gone",
                             stale->pid, stale->host, stale->started));
  }
  ExecutorOptions options;
  options.jobs = arguments.jobs;
  options.auto_people = arguments.auto_people;
  options.non_interactive = !ask_here(arguments.non_interactive, arguments.auto_people);
  options.track = arguments.track;
  options.live_view = console_style().live;
  options.operator_name = arguments.by;
  return exit_code_of(execute_run(
      {runbook, graph, dir, run_dir.run_id, std::filesystem::absolute(runbook.file).parent_path(),
       secrets, options, nullptr, start},
      journal, console));
}

}  // namespace

namespace {

// What run and track share: the runbook, where the run goes, and who answers.
CLI::App* add_run_like(CLI::App& app, const std::string& name, const std::string& description,
                       RunArguments& arguments) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("runbook", arguments.runbook, "The runbook file")
      ->required()
      ->type_name("RUNBOOK");
  command
      ->add_option("--label", arguments.label,
                   "Names the run: rehearsal-2, go-live (part of its folder name)")
      ->type_name("NAME");
  add_var_option(*command, arguments.vars);
  command
      ->add_option("--run-dir", arguments.run_dir,
                   "Run here instead of .cutover/runs/<runbook-id>/<UTC time>[-<label>]")
      ->type_name("DIR");
  command->add_flag("--concurrent", arguments.concurrent,
                    "Start even while another run of this runbook has a live executor (refused "
                    "otherwise, exit 5)");
  command->add_flag("--non-interactive", arguments.non_interactive,
                    "Never prompt: people answer with cutover mark / approve / reject from any "
                    "terminal (the default when stdin is not a terminal)");
  add_operator_option(*command, arguments.by);
  command
      ->add_option("--override-go-live", arguments.override_go_live,
                   "Start a go-live run although the runbook's go_live rule does not hold (the "
                   "rehearsals or sign-offs it asks for are missing), saying why; with --by, "
                   "journaled")
      ->type_name("REASON");
  add_key_option(*command, arguments.key);
  return command;
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<RunArguments>();
  auto* command =
      add_run_like(app, "run", "Execute a runbook: a rehearsal or the real cutover", *arguments);
  command->add_option("-j,--jobs", arguments->jobs, "Automated tasks at once (default 4)")
      ->type_name("N")
      ->check(jobs_range());
  command->add_flag("--dry-run", arguments->dry_run,
                    "Execute nothing: print the order, the commands (secrets as ***) and a "
                    "timeline simulated from the estimates");
  command->add_flag("--auto", arguments->auto_people,
                    "Take manual tasks and approvals as done, by 'auto' (rehearsals in test "
                    "environments); gate checks still run");
  command->footer(
      "Among ready tasks the longest estimated remaining path goes first. Manual tasks and\n"
      "approvals are asked here at a terminal; from any terminal they can also be answered with\n"
      "cutover mark / approve / reject (whichever comes first wins). Ctrl-C once: no new tasks\n"
      "start and running ones finish; twice: running tasks are terminated. Either way the exit\n"
      "is 130 and `cutover resume` continues. Losing the terminal (SIGHUP) does not stop the run.\n"
      "Exit codes: 0 succeeded, 1 failed (stopped or rolled back), 2 usage, 3 invalid runbook,\n"
      "4 a rollback step failed, 5 environment (locked run, missing secret, a write that failed:\n"
      "a full disk stops the run safely, and `cutover resume` continues it), 130 interrupted.");
  command->callback([arguments, &action] { action = [arguments] { return run(*arguments); }; });
}

void add_track(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<RunArguments>();
  arguments->track = true;
  auto* command = add_run_like(
      app, "track", "Track a cutover done by hand: every task is an instruction people mark",
      *arguments);
  command->footer(
      "Every task, commands included, is shown as an instruction (commands with secrets as ***)\n"
      "and marked by people: here at the prompt, or with cutover mark / approve from any\n"
      "terminal. Nothing is executed. The journal and timing.csv are recorded as by `run`, so\n"
      "a rehearsal done by hand compares with one done by cutover.\n"
      "Exit codes: 0 succeeded, 1 failed, 2 usage, 3 invalid runbook, 5 environment,\n"
      "130 interrupted.");
  command->callback([arguments, &action] { action = [arguments] { return run(*arguments); }; });
}

}  // namespace cutover::cli
