// cutover logs: a task's log (RUN/logs/<task>.log, secrets already redacted when written), or
// with -f its output as it comes, until the task has ended.

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/task_output.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

constexpr auto follow_interval = std::chrono::milliseconds(200);

struct LogsArguments {
  std::vector<std::string> words;  // [RUN] TASK
  bool follow = false;
};

// Whether more can still come into the task's log: it has not ended and an executor works on
// the run (a rollback step writes into its task's log too). The run is read again only when
// its journal has grown: following must not re-read a 10,000-task run five times a second.
class TaskWatch {
 public:
  TaskWatch(std::filesystem::path dir, TaskIndex task) : dir_(std::move(dir)), task_(task) {}

  bool may_grow() {
    if (!lock_holder(dir_)) return false;
    std::error_code error;
    const auto size = std::filesystem::file_size(dir_ / journal_file_name, error);
    if (error || size != journal_size_) {
      journal_size_ = error ? 0 : size;
      const RecordedRun run = open_recorded_run(dir_);
      const TaskState& own = run.state.tasks[task_];
      open_ = own.status == TaskStatus::pending || own.active() ||
              own.rollback == RollbackStatus::running || run.state.rolling_back();
    }
    return open_;
  }

 private:
  std::filesystem::path dir_;
  TaskIndex task_;
  std::uintmax_t journal_size_ = static_cast<std::uintmax_t>(-1);
  bool open_ = true;
};

// Writes what the log holds from `offset` on, whole lines only; returns the new offset.
std::streamoff copy_from(const std::filesystem::path& log, std::streamoff offset) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return offset;
  in.seekg(offset);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t whole = text.rfind('\n');
  if (whole == std::string::npos) return offset;
  text.resize(whole + 1);
  write_output(text);
  return offset + static_cast<std::streamoff>(text.size());
}

int run_logs(const LogsArguments& arguments) {
  const bool with_run = arguments.words.size() == 2;
  const auto dir = run_argument(with_run ? arguments.words[0] : "");
  const std::string& id = arguments.words.back();
  const RecordedRun run = open_recorded_run(dir);
  const auto task = run.graph.find(id);
  if (!task) throw UsageError(no_such_task(*run.runbook, id));
  const auto log = task_log_path(dir, id);
  std::error_code error;
  if (!arguments.follow && !std::filesystem::exists(log, error)) {
    throw UsageError(
        fmt::format("{} has no log yet: it has not run (looked for {})", id, shown_path(log)));
  }
  std::streamoff offset = copy_from(log, 0);
  if (!arguments.follow) return exit_success;
  TaskWatch watch(dir, *task);
  for (;;) {
    const bool growing = watch.may_grow();
    offset = copy_from(log, offset);
    if (!growing) return exit_success;  // read once more after the end: nothing is lost
    std::this_thread::sleep_for(follow_interval);
  }
}

}  // namespace

void add_logs(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<LogsArguments>();
  auto* command = app.add_subcommand(
      "logs", "A task's output as logged (secrets redacted); -f follows it while the task runs");
  command->add_option("run_and_task", arguments->words, std::string(run_help) + "; then the task")
      ->required()
      ->expected(1, 2)
      ->type_name("[RUN] TASK");
  command->add_flag("-f,--follow", arguments->follow,
                    "Keep printing new lines until the task has ended (or no executor runs)");
  command->footer(
      "Each line: the UTC time, the stream (out, err, or --- for cutover's own markers such as\n"
      "a new attempt), then the text, secrets shown as ***.\n"
      "Exit codes: 0 shown, 2 no such run or task, or a task that has not run.");
  command->callback(
      [arguments, &action] { action = [arguments] { return run_logs(*arguments); }; });
}

}  // namespace cutover::cli
