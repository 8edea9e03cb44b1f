#include "cutover/run/task_output.hpp"

#include <fmt/format.h>

#include <deque>
#include <fstream>
#include <iterator>
#include <utility>

namespace cutover {

void LineSplitter::split(std::string_view redacted, const LineHandler& on_line) {
  std::size_t begin = 0;
  for (std::size_t newline = redacted.find('\n'); newline != std::string_view::npos;
       newline = redacted.find('\n', begin)) {
    std::string_view line = redacted.substr(begin, newline - begin);
    if (!partial_.empty()) {
      partial_.append(line);
      line = partial_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
    partial_.clear();
    begin = newline + 1;
  }
  partial_.append(redacted.substr(begin));
}

void LineSplitter::feed(std::string_view bytes, const LineHandler& on_line) {
  if (redactor_.empty()) return split(bytes, on_line);
  split(redactor_.feed(bytes), on_line);
}

void LineSplitter::finish(const LineHandler& on_line) {
  split(redactor_.finish(), on_line);
  if (!partial_.empty()) on_line(partial_);
  partial_.clear();
}

TaskLog::TaskLog(const std::filesystem::path& path, FileSystem& file_system)
    : path_(path), file_system_(&file_system) {}

// Never creates the file: a run unwinding after a write failure writes nothing new under the
// run directory (write_failure.hpp).
TaskLog::~TaskLog() {
  if (!file_ || buffer_.empty()) return;
  try {
    flush();
  } catch (const WriteError&) {
  }
}

void TaskLog::line(UtcTime time, std::string_view stream, std::string_view text) {
  if (path_.empty()) return;
  fmt::format_to(std::back_inserter(buffer_), "{} {} ", format_utc_ms(time), stream);
  // One entry, one line: a marker quoting a multi-line command keeps its line breaks as "\n".
  for (const char c : text) {
    if (c == '\n') {
      buffer_ += "\\n";
    } else {
      buffer_ += c;
    }
  }
  buffer_ += '\n';
}

void TaskLog::flush() {
  if (buffer_.empty()) return;
  if (!file_) file_ = file_system_->open(path_, OpenMode::append);
  const std::uint64_t whole = file_->size();
  const std::string lines = std::exchange(buffer_, {});
  try {
    file_->append(lines);
  } catch (const WriteError&) {
    // A half-written line would run into the next attempt's first line: cut it off.
    try {
      file_->truncate(whole);
    } catch (const WriteError&) {
    }
    throw;
  }
}

std::filesystem::path task_log_path(const std::filesystem::path& run_dir, std::string_view task) {
  return run_dir / "logs" / (std::string(task) + ".log");
}

std::vector<std::string> read_log_tail(const std::filesystem::path& run_dir, std::string_view task,
                                       std::size_t count) {
  std::ifstream log(task_log_path(run_dir, task));
  std::deque<std::string> lines;
  for (std::string line; std::getline(log, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  return {std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end())};
}

}  // namespace cutover
