#pragma once
// The communication plan at work: runs each notify hook for the notices it hears, through the
// executor's own process runner (its one event loop owns every child). Each hook gets its
// notices one at a time, in the order they happened; a hook never delays or changes the run:
// it runs beside it, in its own process group, killed at its timeout. Every attempt is
// journaled (notify_sent, notify_failed); a failing hook is shown once on the terminal, and its
// output goes to logs/notify.log, secrets redacted.

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cutover/base/clock.hpp"
#include "cutover/base/file_system.hpp"
#include "cutover/run/events.hpp"
#include "cutover/run/notices.hpp"
#include "cutover/run/process_runner.hpp"
#include "cutover/run/task_output.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// A hook ready to run: its command expanded, with its environment and folder. The event's
// own variables (CUTOVER_EVENT...) are added per notice.
struct PreparedHook {
  std::size_t number = 0;  // 1-based, in file order: how messages and the journal name it
  NotifyHook hook;
  ProcessSpec spec;
};

using Expand = std::function<std::string(std::string_view)>;

// The runbook's hooks with their commands expanded by `expand` (vars and secrets), run in the
// runbook's folder with `environment`.
std::vector<PreparedHook> prepare_hooks(
    const Runbook& runbook, const std::filesystem::path& runbook_dir,
    const std::vector<std::pair<std::string, std::string>>& environment, const Expand& expand);

// The secrets the hooks' commands name: needed even where nothing else runs (track, rollback).
std::vector<std::string> secrets_of_hooks(const Runbook& runbook);

// Where a run's hooks write their output: RUN_DIR/logs/notify.log.
std::filesystem::path notify_log_path(const std::filesystem::path& run_dir);

struct NotifierSetup {
  std::vector<PreparedHook> hooks;
  NoticeSource source;
  std::vector<std::string> secrets;  // values, redacted from notices and the hooks' output
  std::filesystem::path log;         // logs/notify.log; empty: output is not kept
  FileSystem* file_system = &posix_file_system();
  const Clock* clock = &system_clocks();
  // Each line a hook writes (redacted), besides the log: `cutover notify test` shows them.
  std::function<void(std::size_t hook, std::string_view stream, std::string_view line)> output{};
};

class Notifier {
 public:
  using Record = std::function<void(EventBody)>;       // notify_sent, notify_failed
  using Show = std::function<void(std::string_view)>;  // a line for the terminal

  // Process ids from here up are the notifier's: the executor's own stay below.
  static constexpr ProcessId first_id = ProcessId{1} << 62;
  // What one attempt's output may take in logs/notify.log.
  static constexpr std::size_t max_logged_output = 64 * 1024;

  Notifier(NotifierSetup setup, ProcessRunner& runner, Record record, Show show);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  bool has_hooks() const { return !lines_.empty(); }
  bool hears(NotifyEvent event) const;

  // Queues each notice for the hooks that hear it and starts those that are idle.
  void send(const std::vector<Notice>& notices);

  bool owns(ProcessId id) const { return id >= first_id; }
  void on(const ProcessOutput& output);
  void on(const ProcessEnded& ended);

  // A hook is running or has notices waiting.
  bool busy() const;
  Duration longest_timeout() const;
  // At the end of a run that may wait no longer: the notices still queued are journaled as
  // not sent, with `why` (the running hooks end by their timeouts, or terminate_all).
  void drop_queued(std::string_view why);

 private:
  struct Attempt;
  struct Line;

  void start_next(Line& line);
  void log_line(const Line& line, std::string_view stream, std::string_view text);
  void flush_log();
  void give_up_log(const WriteError& error);

  NotifierSetup setup_;
  ProcessRunner& runner_;
  Record record_;
  Show show_;
  std::vector<std::unique_ptr<Line>> lines_;
  std::map<ProcessId, Line*> running_;
  ProcessId next_id_ = first_id;
  std::optional<TaskLog> log_;
};

// Runs the occurrences of `runner` through `notifier` until no hook runs or waits: for a
// notifier on its own (`cutover notify test`), not beside a run. A signal ends the hooks.
void deliver_all(Notifier& notifier, ProcessRunner& runner);

}  // namespace cutover
