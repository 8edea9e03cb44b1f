#pragma once
// When a write under the run directory fails (a full disk, EIO, a read-only remount), the
// executor stops safely: nothing new starts, processes already running are seen to their end
// (they are neither killed nor left behind unwatched), and the error says which file, why, and
// that `cutover resume` continues the run once the cause is fixed. See docs/architecture.md,
// "Full disk, write errors".

#include <map>
#include <string>

#include "cutover/base/file_system.hpp"
#include "cutover/run/console.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/process_runner.hpp"

namespace cutover {

// Hands everything through to another runner, and keeps which processes are running and what
// they are for, so that they can be seen to their end after the executor itself has gone. A
// process whose end has been handed out stays known until the executor says it has settled
// that end (journaled it): a write failure in between leaves that end in doubt.
class WatchedRunner final : public ProcessRunner {
 public:
  explicit WatchedRunner(ProcessRunner& inner) : inner_(inner) {}

  void start(ProcessId id, const ProcessSpec& spec) override;
  void terminate_all() override { inner_.terminate_all(); }
  void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) override {
    inner_.wake_at(when, token);
  }
  std::vector<Occurrence> wait() override;
  std::chrono::steady_clock::time_point now() const override { return inner_.now(); }

  void settled(ProcessId id) { ended_.erase(id); }

  // Running processes by id: their name ("task-id", "task-id: check", "task-id (rollback)").
  const std::map<ProcessId, std::string>& running() const { return running_; }
  // Processes that ended but whose end the executor has not settled, with their names.
  const std::map<ProcessId, std::pair<std::string, ProcessEnded>>& unsettled() const {
    return ended_;
  }

 private:
  ProcessRunner& inner_;
  std::map<ProcessId, std::string> running_;
  std::map<ProcessId, std::pair<std::string, ProcessEnded>> ended_;
};

// Called once the executor has unwound from `error`: says so on the terminal, waits for the
// processes still running to end (their output redacted on the terminal; nothing more is
// written under the run directory; SIGINT or SIGTERM terminates them), and throws the
// EnvironmentError (exit 5) that tells the operator what happened and how to go on.
[[noreturn]] void stop_after_write_failure(const WriteError& error, const ExecutorSetup& setup,
                                           WatchedRunner& runner, Console& console);

}  // namespace cutover
