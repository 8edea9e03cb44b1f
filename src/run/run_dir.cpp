#include "cutover/run/run_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

#include "cutover/base/errors.hpp"

namespace cutover {

namespace {

// Closes a descriptor on every way out of a function until a RunLock takes it over.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

[[noreturn]] void fail_lock(const std::filesystem::path& path, std::string_view what, int error) {
  throw EnvironmentError(fmt::format("{}: {}: {}", path.string(), what, std::strerror(error)));
}

// 0 when the lock is taken, else the errno (EWOULDBLOCK: someone else holds it).
int try_flock(int fd, int operation) {
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// lock_holder() probes with a shared lock for a few microseconds; a few short retries keep an
// executor that starts at that moment from being refused because of a `status`.
int take_exclusive(int fd) {
  constexpr int attempts = 5;
  int error = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    error = try_flock(fd, LOCK_EX);
    if (error != EWOULDBLOCK) return error;
  }
  return error;
}

// "pid host started\n"; anything else (an empty file after a clean release, a torn write) is
// no holder.
std::optional<LockHolder> parse_holder(std::string_view text) {
  if (!text.ends_with('\n')) return std::nullopt;
  text.remove_suffix(1);
  const std::size_t first = text.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = text.find(' ', first + 1);
  if (second == std::string_view::npos || text.find(' ', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  LockHolder holder;
  const auto [end, error] = std::from_chars(text.data(), text.data() + first, holder.pid);
  if (error != std::errc() || end != text.data() + first || holder.pid <= 0) return std::nullopt;
  holder.host = text.substr(first + 1, second - first - 1);
  holder.started = text.substr(second + 1);
  if (holder.host.empty() || holder.started.empty()) return std::nullopt;
  return holder;
}

std::optional<LockHolder> read_holder(int fd) {
  char buffer[1024];  // a holder line is far shorter; a larger file is not one
  std::size_t size = 0;
  while (size < sizeof buffer) {
    const ssize_t got = ::pread(fd, buffer + size, sizeof buffer - size, static_cast<off_t>(size));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    size += static_cast<std::size_t>(got);
  }
  return parse_holder(std::string_view(buffer, size));
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

void write_holder(int fd, const std::filesystem::path& path, UtcTime now) {
  const std::string line = fmt::format("{} {} {}\n", ::getpid(), host_name(), format_utc_ms(now));
  if (::ftruncate(fd, 0) != 0) fail_lock(path, "cannot be written", errno);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t put =
        ::pwrite(fd, line.data() + written, line.size() - written, static_cast<off_t>(written));
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) fail_lock(path, "cannot be written", errno);
    written += static_cast<std::size_t>(put);
  }
  // On disk, so that after a power loss the next executor can still name the crashed one.
  if (::fdatasync(fd) != 0) fail_lock(path, "cannot be written", errno);
}

std::string locked_message(const std::filesystem::path& run_dir,
                           const std::optional<LockHolder>& holder) {
  std::string message =
      fmt::format("run directory {} is locked by another executor", run_dir.string());
  if (holder) {
    message +=
        fmt::format(": pid {} on host {} since {}", holder->pid, holder->host, holder->started);
  }
  return message;
}

}  // namespace

std::filesystem::path runs_root() {
  return std::filesystem::path(".cutover") / "runs";
}

std::vector<ListedRun> list_runs(const std::filesystem::path& root) {
  std::error_code error;
  std::vector<ListedRun> runs;
  for (const auto& runbook : std::filesystem::directory_iterator(root, error)) {
    if (!runbook.is_directory(error)) continue;
    for (const auto& run : std::filesystem::directory_iterator(runbook.path(), error)) {
      if (auto header = read_journal_header(run.path() / journal_file_name)) {
        runs.push_back({run.path(), std::move(*header)});
      }
    }
  }
  std::sort(runs.begin(), runs.end(), [](const ListedRun& a, const ListedRun& b) {
    return a.header.time != b.header.time ? a.header.time > b.header.time : a.dir > b.dir;
  });
  return runs;
}

std::optional<std::filesystem::path> latest_run(const std::filesystem::path& root) {
  const auto runs = list_runs(root);
  if (runs.empty()) return std::nullopt;
  return runs.front().dir;
}

namespace {

std::filesystem::path checked_run_dir(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(dir / journal_file_name, error)) {
    throw UsageError(
        fmt::format("{}: no {} in it; not a run directory", dir.string(), journal_file_name));
  }
  return dir;
}

std::filesystem::path run_labelled(const std::string& label, const std::filesystem::path& root) {
  const auto runs = list_runs(root);
  for (const ListedRun& run : runs) {
    if (run.header.label == label) return run.dir;
  }
  std::vector<std::string> labels;
  for (const ListedRun& run : runs) {
    if (!run.header.label.empty() &&
        std::find(labels.begin(), labels.end(), run.header.label) == labels.end()) {
      labels.push_back(run.header.label);
    }
  }
  throw UsageError(fmt::format(
      "{}: neither a run directory nor the label of a run under {}{}", label, root.string(),
      labels.empty() ? "" : fmt::format(" (labels: {})", fmt::join(labels, ", "))));
}

}  // namespace

std::filesystem::path resolve_run(const std::optional<std::string>& given,
                                  const std::filesystem::path& root) {
  if (given) {
    std::error_code error;
    if (std::filesystem::is_directory(*given, error)) return checked_run_dir(*given);
    return run_labelled(*given, root);
  }
  const auto runs = list_runs(root);
  if (runs.empty()) {
    throw UsageError(fmt::format("no runs under {} in this folder; give RUN", root.string()));
  }
  for (const ListedRun& run : runs) {
    if (lock_holder(run.dir)) return run.dir;
  }
  return runs.front().dir;
}

// The lock file is written with raw POSIX calls, not through the FileSystem seam: the lock is
// the flock on this very descriptor, which a WritableFile would hide, and the record in it is
// only a courtesy (who holds the run). A failure to write it is still an EnvironmentError.
RunLock RunLock::acquire(const std::filesystem::path& run_dir, UtcTime now) {
  const auto path = run_dir / lock_file_name;
  // O_CLOEXEC: a task's process that inherited the descriptor (a daemon a script left behind)
  // would keep the flock alive after the executor is gone.
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail_lock(path, "cannot be opened", errno);
  if (const int error = take_exclusive(fd.get()); error != 0) {
    if (error == EWOULDBLOCK) {
      throw EnvironmentError(locked_message(run_dir, read_holder(fd.get())));
    }
    fail_lock(path, "cannot be locked", error);
  }
  // A clean release empties the file, so a record left in it is a holder that died.
  auto stale = read_holder(fd.get());
  write_holder(fd.get(), path, now);
  return RunLock(fd.release(), ::getpid(), std::move(stale));
}

RunLock::RunLock(RunLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      owner_pid_(other.owner_pid_),
      stale_(std::move(other.stale_)) {}

RunLock::~RunLock() {
  if (fd_ < 0) return;
  // A forked child that unwinds shares the open file description but not the ownership: only
  // the process that took the lock may erase its record.
  if (::getpid() == owner_pid_ && ::ftruncate(fd_, 0) != 0) {
    // Nothing to do: the next executor merely reports this clean exit as a stale lock.
  }
  ::close(fd_);
}

std::optional<LockHolder> lock_holder(const std::filesystem::path& run_dir) {
  FileDescriptor fd(::open((run_dir / lock_file_name).c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  // A shared lock is granted only while no executor holds its exclusive one; closing the
  // descriptor drops the probe at once.
  if (try_flock(fd.get(), LOCK_SH) != EWOULDBLOCK) return std::nullopt;
  return read_holder(fd.get());
}

}  // namespace cutover
