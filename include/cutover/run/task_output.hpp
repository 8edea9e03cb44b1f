#pragma once
// A child's output on its way to the log and the terminal: secrets redacted (also when a
// value is split across two reads), then cut into lines; a partial last line still counts.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/file_system.hpp"
#include "cutover/base/time.hpp"
#include "cutover/runbook/template.hpp"

namespace cutover {

class LineSplitter {
 public:
  using LineHandler = std::function<void(std::string_view line)>;
  explicit LineSplitter(const std::vector<std::string>& secrets) : redactor_(secrets) {}

  // Calls `on_line` for every line completed by `bytes` (without its "\n").
  void feed(std::string_view bytes, const LineHandler& on_line);
  // At the end of the stream: the held-back rest and a last line without "\n".
  void finish(const LineHandler& on_line);

 private:
  void split(std::string_view redacted, const LineHandler& on_line);

  Redactor redactor_;
  std::string partial_;
};

// Where a task's log is: RUN_DIR/logs/<task-id>.log.
std::filesystem::path task_log_path(const std::filesystem::path& run_dir, std::string_view task);

// The last `count` lines of a task's log (already redacted when written); none when it has no
// log yet.
std::vector<std::string> read_log_tail(const std::filesystem::path& run_dir, std::string_view task,
                                       std::size_t count);

// logs/<task-id>.log: one line per output line, `<UTC ms> <out|err> <text>`, and cutover's own
// markers (`<UTC ms> --- attempt 2: ...`). Log lines are not part of the write-ahead contract:
// they are buffered and written once per read (flush), not synced. A write that fails throws
// WriteError, and the log is cut back to its last whole line: a failed log write stops the
// run like any write under the run directory (SPEC §3), and never touches the journal.
// The file is opened (created) at the first flush, not at construction: the executor flushes
// a new attempt's marker once its process has started, so that creating the file, which can
// cost a tenth of a millisecond on a busy ext4, is not between one task's end and the next
// one's start (docs/performance.md).
class TaskLog {
 public:
  // An empty path: a log that writes nothing (a dry run).
  explicit TaskLog(const std::filesystem::path& path,
                   FileSystem& file_system = posix_file_system());
  TaskLog(TaskLog&& other) noexcept = default;
  TaskLog& operator=(TaskLog&&) = delete;
  TaskLog(const TaskLog&) = delete;
  // Writes what is still buffered to a file already open, quietly: a destructor cannot report
  // (the executor flushes after every read, so only an unwinding run leaves anything here).
  ~TaskLog();

  void line(UtcTime time, std::string_view stream, std::string_view text);
  void marker(UtcTime time, std::string_view text) { line(time, "---", text); }
  void flush();

 private:
  std::filesystem::path path_;
  FileSystem* file_system_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
};

}  // namespace cutover
