#pragma once
// How the executor starts processes and waits for what happens, behind one interface with a
// real implementation (Boost.Process, in src/process_runner.cpp) and virtual-time ones
// (scheduler tests, --dry-run) that spawn nothing.
//
// The executor's loop is: act, then `wait()` for the next occurrences. Everything that can
// wake it comes back from `wait()` (process output and ends, signals, lines typed at the
// terminal), so the loop has one place to block and no threads.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cutover/base/time.hpp"

namespace cutover {

using ProcessId = std::uint64_t;  // chosen by the caller, unique per started process

struct ProcessSpec {
  std::string name;               // for messages and fakes: "task-id" or "task-id: check"
  std::vector<std::string> argv;  // shell + [command]
  // The complete environment of the child (the executor merges its own, defaults.env, the
  // task's env and the CUTOVER_* variables).
  std::vector<std::pair<std::string, std::string>> env;
  std::filesystem::path workdir;
  std::optional<Duration> timeout;
  Duration estimate{0};  // virtual runners take this long; the real one ignores it
  // What the child reads on stdin, at most 64 KiB (one pipe's worth, written before it
  // starts); empty: stdin is /dev/null.
  std::string input{};
};

// Sets one variable of the child's environment, in place when the environment has it already.
void set_env(ProcessSpec& spec, const std::string& name, std::string value);

enum class Stream { out, err };

struct ProcessStarted {
  ProcessId id;
  int pid = 0;  // also the process group id
};

struct ProcessOutput {
  ProcessId id;
  Stream stream;
  std::string bytes;  // a chunk as read: not line-aligned, not redacted
};

// How a process ended. Exactly one of the following holds:
// - `start_error` is set: it never ran (no such shell, bad workdir...);
// - `timed_out`: it outlived its timeout and its group was terminated;
// - `terminated`: it was terminated by terminate_all() (a second Ctrl-C);
// - `signal` != 0: killed by that signal (from elsewhere);
// - otherwise it exited with `exit_code`.
struct ProcessEnded {
  ProcessId id;
  int exit_code = 0;
  int signal = 0;  // the terminating signal when it did not exit by itself
  bool timed_out = false;
  bool terminated = false;
  std::optional<std::string> start_error{};
  Duration duration{0};  // monotonic, from start to end

  bool succeeded() const {
    return !start_error && !timed_out && !terminated && signal == 0 && exit_code == 0;
  }
};

// SIGINT, SIGTERM or SIGHUP received by cutover itself.
struct SignalReceived {
  int signal = 0;
};

// A line typed at the terminal (without its newline), or the end of the terminal's input.
struct TerminalLine {
  std::string text;
};
struct TerminalClosed {};

// A decision arrived in the watched inbox folder (or something else changed there).
struct InboxChanged {};

// A timer set with wake_at() went off.
struct Wakeup {
  std::uint64_t token = 0;
};

using Occurrence = std::variant<ProcessStarted, ProcessOutput, ProcessEnded, SignalReceived,
                                TerminalLine, TerminalClosed, InboxChanged, Wakeup>;

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;

  // Starts a process in its own process group. Its start (with the pid), output and end come
  // back from wait(), in that order for one process. Never throws for a process that cannot
  // start: that is a ProcessEnded with start_error.
  virtual void start(ProcessId id, const ProcessSpec& spec) = 0;

  // Sends SIGTERM to every running process group, and SIGKILL to those still there after
  // the grace period; each ends with `terminated`.
  virtual void terminate_all() = 0;

  // A Wakeup{token} comes back from wait() at `when` (retry delays, check polling).
  virtual void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) = 0;

  // Blocks until at least one occurrence is ready and returns all that are. Returns an empty
  // list only when nothing is running, no timer is set and no input is watched.
  virtual std::vector<Occurrence> wait() = 0;

  // The runner's own monotonic clock: the machine's for the real runner, virtual otherwise.
  virtual std::chrono::steady_clock::time_point now() const = 0;
};

// What a real runner watches besides processes.
struct RealRunnerOptions {
  bool watch_signals = true;    // SIGINT, SIGTERM and SIGHUP become SignalReceived
  bool read_terminal = false;   // lines from stdin become TerminalLine / TerminalClosed
  Duration kill_grace{10'000};  // between SIGTERM and SIGKILL
  Duration pipe_grace{2'000};   // after exit, how long background holders of the pipes get
  // A folder whose new files become InboxChanged (inotify); empty: none. While it is watched,
  // wait() blocks until something happens, however long that takes.
  std::filesystem::path inbox;
};

std::unique_ptr<ProcessRunner> make_real_runner(const RealRunnerOptions& options = {});

}  // namespace cutover
