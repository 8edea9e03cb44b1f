#include "cutover/run/task_output.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "cutover/base/errors.hpp"

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

TaskLog::TaskLog(const std::filesystem::path& path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "ae");
  if (!file_) {
    throw EnvironmentError(
        fmt::format("cannot write the task log {}: {}", path.string(), std::strerror(errno)));
  }
}

TaskLog::TaskLog(TaskLog&& other) noexcept : file_(std::exchange(other.file_, nullptr)) {}

TaskLog::~TaskLog() {
  if (file_) std::fclose(file_);
}

void TaskLog::line(UtcTime time, std::string_view stream, std::string_view text) {
  if (!file_) return;
  fmt::print(file_, "{} {} {}\n", format_utc_ms(time), stream, text);
}

void TaskLog::flush() {
  if (file_) std::fflush(file_);
}

}  // namespace cutover
