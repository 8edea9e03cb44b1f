// cutover status: what a run is doing, from its journal and its lock (never taken).

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "cutover/base/clock.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct StatusArguments {
  std::string run_dir;
  bool watch = false;
  std::string format = "text";
};

volatile std::sig_atomic_t stop_watching = 0;

extern "C" void on_stop_signal(int) {
  stop_watching = 1;
}

// What tells a changed journal or executor apart from the same one, without reading it.
struct Observed {
  long long size = -1;
  long long mtime_ns = -1;
  int executor_pid = 0;

  friend bool operator==(const Observed&, const Observed&) = default;
};

Observed observe(const std::filesystem::path& journal, const std::optional<LockHolder>& holder) {
  Observed observed;
  struct stat info {};
  if (::stat(journal.c_str(), &info) == 0) {
    observed.size = static_cast<long long>(info.st_size);
    observed.mtime_ns = static_cast<long long>(info.st_mtim.tv_sec) * 1'000'000'000LL +
                        static_cast<long long>(info.st_mtim.tv_nsec);
  }
  observed.executor_pid = holder ? holder->pid : 0;
  return observed;
}

bool terminal_screen() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) == 1 && !(term && std::string_view(term) == "dumb");
}

// The run read again only when its journal changed: a large runbook takes a while to load.
class StatusSource {
 public:
  explicit StatusSource(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The status now; `changed` says whether the journal or the executor differ from last time.
  RunStatus snapshot(bool& changed) {
    const std::optional<LockHolder> holder = lock_holder(dir_);
    const Observed now_seen = observe(dir_ / journal_file_name, holder);
    changed = !run_ || now_seen != seen_;
    if (!run_ || now_seen.size != seen_.size || now_seen.mtime_ns != seen_.mtime_ns) {
      run_ = std::make_unique<RecordedRun>(open_recorded_run(dir_));
    }
    seen_ = now_seen;
    RunStatus status = make_run_status(*run_, read_inbox(dir_), system_clocks().utc_now(), holder);
    read_status_log_tails(status, dir_);
    return status;
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<RecordedRun> run_;
  Observed seen_;
};

std::string render(const RunStatus& status, const StatusArguments& arguments, bool one_line) {
  if (arguments.format == "json") return status_json(status, one_line);
  return render_status_text(status, colour_enabled(stdout));
}

// The journal's warning (a torn last line), once per distinct text, on stderr.
class Warnings {
 public:
  void show(const RunStatus& status) {
    if (!status.warning || *status.warning == last_) return;
    last_ = *status.warning;
    write(stderr, fmt::format("warning: {}: {}\n", status.run_dir, *status.warning));
  }

 private:
  std::string last_;
};

// A frame taller than the terminal would scroll, and the next one would not land in place:
// cut to the window's height, saying how much was left out.
std::string fit_to_screen(const std::string& text) {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row < 3) return text;
  // Each line ends with '\n', so the cursor rests on the row after the last: a frame may
  // have one line fewer than the terminal has rows.
  const auto total = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  const std::size_t room = size.ws_row - 1u;
  if (total <= room) return text;
  std::size_t end = 0;
  for (std::size_t kept = 0; kept < room - 1; ++kept) end = text.find('\n', end) + 1;
  return text.substr(0, end) +
         fmt::format("... {} more lines: enlarge the window, or run without --watch\n",
                     total - (room - 1));
}

void sleep_a_second() {
  for (int slice = 0; slice < 10 && !stop_watching; ++slice) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// On a terminal: redrawn in place every second. Elsewhere: a snapshot whenever the journal or
// the executor changed (text separated by a blank line; JSON one object per line). Ends with
// the finished run's snapshot (exit 0), or on Ctrl-C (exit 130).
int watch(StatusSource& source, const StatusArguments& arguments) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  const bool screen = terminal_screen();
  Warnings warnings;
  bool first = true;
  while (!stop_watching) {
    bool changed = false;
    const RunStatus status = source.snapshot(changed);
    warnings.show(status);
    if (screen) {
      std::string frame = first ? "\x1b[H\x1b[2J" : "\x1b[H";
      // Each line clears what an earlier, longer frame left to its right; the end clears below.
      for (const char c : fit_to_screen(render(status, arguments, false))) {
        if (c == '\n') frame += "\x1b[K";
        frame += c;
      }
      write_output(frame + "\x1b[J");
    } else if (changed) {
      write_output((first || arguments.format == "json" ? "" : "\n") +
                   render(status, arguments, true));
    }
    first = false;
    if (status.finished_run()) return exit_success;
    sleep_a_second();
  }
  return exit_interrupted;
}

int run_status(const StatusArguments& arguments) {
  const auto dir = run_argument(arguments.run_dir);
  StatusSource source(dir);
  if (arguments.watch) return watch(source, arguments);
  bool changed = false;
  const RunStatus status = source.snapshot(changed);
  Warnings().show(status);
  write_output(render(status, arguments, false));
  return exit_success;
}

}  // namespace

void add_status(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<StatusArguments>();
  auto* command = app.add_subcommand(
      "status",
      "Show a run's progress: running tasks, what waits on people, failures, tasks in doubt, "
      "the forecast end (P50, P90) against the window and the next gate's no-go deadline");
  command->add_option("run", arguments->run_dir, run_help)->type_name("RUN");
  command->add_flag("--watch", arguments->watch,
                    "Keep showing it: redrawn every second on a terminal; otherwise a new "
                    "snapshot whenever the journal changes. Ends when the run finishes");
  command->add_option("--format", arguments->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  command->footer(
      "Works while the executor runs, after it crashed and after it finished: it reads the\n"
      "journal and never takes the run's lock. A task is in doubt when it was interrupted, or\n"
      "was running when the executor stopped; a person settles it with 'cutover mark'.\n"
      "The forecast plays what is left through up to 2,000 times around the estimates\n"
      "(docs/forecast.md). The JSON format is documented in docs/journal-format.md.\n"
      "Exit codes: 0 shown (whatever the run's outcome), 2 no such run, 5 an unreadable\n"
      "journal; with --watch, 0 once the run has finished, 130 when stopped with Ctrl-C.");
  command->callback(
      [arguments, &action] { action = [arguments] { return run_status(*arguments); }; });
}

}  // namespace cutover::cli
