#pragma once
// The executor's loop: decide -> act (journal first, then spawn or ask) -> wait for what
// happens -> journal it -> fold -> decide again, until the scheduler finishes the run.

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cutover/base/file_system.hpp"
#include "cutover/run/console.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/process_runner.hpp"
#include "cutover/run/recovery.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover {

// How the executor takes up its run.
enum class Start {
  fresh,     // a new run: the journal holds its header only
  resume,    // `cutover resume`: continue from the journal
  rollback,  // `cutover rollback`: roll the run back from the journal
};

struct ExecutorOptions {
  std::size_t jobs = 1;
  bool auto_people = false;      // --auto: manual steps and approvals are taken as done by `auto`
  bool non_interactive = false;  // nothing is asked here: people answer with mark / approve
  bool track = false;            // `cutover track`: people do every task, commands included
  bool dry_run = false;          // nothing runs: every task takes its estimate and succeeds
  bool live_view = false;        // a status line at the bottom of the terminal
  Start start = Start::fresh;
  bool forced = false;  // rollback past a point of no return, confirmed by a person
  // Who answers at this terminal (--by); empty: asked at the first answer, then kept.
  std::string operator_name;
};

struct ExecutorSetup {
  const Runbook& runbook;
  std::filesystem::path runbook_dir;  // relative workdirs start here
  std::filesystem::path run_dir;      // logs/ go here; empty for a dry run
  std::string run_id;
  std::vector<std::pair<std::string, std::string>> environment;  // cutover's own
  std::vector<std::pair<std::string, std::string>> secrets;      // name -> value
  std::string user;  // the OS user and host, recorded with every decision by a person
  std::string host;
  const Clock* clock = &system_clocks();  // wall time for logs and the terminal
  // The journal so far, when resuming or rolling back; it must outlive the executor.
  const std::vector<JournalEvent>* history = nullptr;
  // Processes still alive from a task's earlier attempt; unset: looked up under /proc.
  LeftoverFinder leftovers{};
  // Where the task logs are written and inbox files removed (tests put faults here).
  FileSystem* file_system = &posix_file_system();
};

struct ExecutorResult {
  RunOutcome outcome = RunOutcome::failed;
  RunState state;
};

// Runs the runbook to its end (or its interruption) and returns how it ended. A write under
// the run directory that fails (WriteError from the journal, a log, the inbox) stops the run
// safely: nothing new starts, running processes are seen to their end, and an EnvironmentError
// (exit 5) says which file, why, and that `cutover resume` continues. For a fresh run
// the journal must hold its header and nothing else yet; otherwise `setup.history` is what it
// holds. Decisions from other terminals are read from RUN_DIR/inbox/ when the runner reports
// InboxChanged, and first thing when a run is taken up again.
ExecutorResult execute(const ExecutorSetup& setup, const RunGraph& graph, ProcessRunner& runner,
                       EventSink& journal, Console& console, const ExecutorOptions& options);

// Events kept in memory, timed by a runner's clock: the journal of a dry run.
class MemoryJournal : public EventSink {
 public:
  using Elapsed = std::function<std::int64_t()>;
  explicit MemoryJournal(Elapsed elapsed_ms) : elapsed_ms_(std::move(elapsed_ms)) {}
  const JournalEvent& append(EventBody body, Durability durability) override;
  void sync() override {}
  const std::vector<JournalEvent>& events() const { return events_; }

 private:
  Elapsed elapsed_ms_;
  std::vector<JournalEvent> events_;
};

}  // namespace cutover
