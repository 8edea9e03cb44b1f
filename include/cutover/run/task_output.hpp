#pragma once
// A child's output on its way to the log and the terminal: secrets redacted (also when a
// value is split across two reads), then cut into lines; a partial last line still counts.

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// logs/<task-id>.log: one line per output line, `<UTC ms> <out|err> <text>`, and cutover's own
// markers (`<UTC ms> --- attempt 2: ...`). Log lines are not part of the write-ahead contract:
// they are buffered and flushed once per read, not synced.
class TaskLog {
 public:
  // An empty path: a log that writes nothing (a dry run).
  explicit TaskLog(const std::filesystem::path& path);
  TaskLog(TaskLog&& other) noexcept;
  TaskLog& operator=(TaskLog&&) = delete;
  TaskLog(const TaskLog&) = delete;
  ~TaskLog();

  void line(UtcTime time, std::string_view stream, std::string_view text);
  void marker(UtcTime time, std::string_view text) { line(time, "---", text); }
  void flush();

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace cutover
