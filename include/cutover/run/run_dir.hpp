#pragma once
// Where runs live: .cutover/runs/<runbook-id>/<UTC timestamp>[-<label>]/ in the current folder.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/run/journal.hpp"

namespace cutover {

inline constexpr std::string_view journal_file_name = "journal.jsonl";

// The default root of run directories, relative to the current folder.
std::filesystem::path runs_root();

// A run under the runs root, with its journal's header.
struct ListedRun {
  std::filesystem::path dir;
  JournalHeader header;
};

// Every run under `root` (across runbooks), the most recently started first (by the header's
// time; the folder name breaks ties). Folders without a journal header are not runs.
std::vector<ListedRun> list_runs(const std::filesystem::path& root);

// The most recently started run under `root`, if there is any.
std::optional<std::filesystem::path> latest_run(const std::filesystem::path& root);

// RUN as a command line gives it: a run directory, or else a label (the newest run with that
// label). Left out: the newest run whose executor is alive, else the newest run. UsageError
// when there is no such run.
std::filesystem::path resolve_run(const std::optional<std::string>& given,
                                  const std::filesystem::path& root = runs_root());

inline constexpr std::string_view lock_file_name = "lock";

// Who holds a run directory's lock, as the lock file records it.
struct LockHolder {
  int pid = 0;
  std::string host;
  std::string started;  // UTC text as written, e.g. 2026-11-28T17:00:00.000Z
};

// Held while an executor works on a run directory: `RUN_DIR/lock`, flock(LOCK_EX|LOCK_NB)ed and
// holding "pid host started\n". The kernel releases a flock when its holder dies, however it
// dies, so a crashed executor never leaves the run locked. A second acquire conflicts even in
// the same process, because each acquire opens its own file description.
class RunLock {
 public:
  // Takes the lock; throws EnvironmentError naming the holder when another live process holds
  // it. A lock file left by a dead process is taken over, and stale() then returns the
  // previous holder so the caller can say so.
  static RunLock acquire(const std::filesystem::path& run_dir, UtcTime now);

  std::optional<LockHolder> stale() const { return stale_; }

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // Releases the lock and empties the file, so the next holder does not take a clean exit for a
  // crash. The file itself stays: were it deleted, a process that had opened it just before
  // could flock the deleted inode while a third process creates and flocks a new file, and two
  // executors would both hold "the" lock.
  ~RunLock();

 private:
  RunLock(int fd, int owner_pid, std::optional<LockHolder> stale)
      : fd_(fd), owner_pid_(owner_pid), stale_(std::move(stale)) {}

  int fd_ = -1;
  int owner_pid_ = 0;
  std::optional<LockHolder> stale_;
};

// Who holds the lock now, if anyone (for `status`): a live holder only, never a dead one's
// leftover record. Nothing also while a holder is between taking the lock and recording itself.
std::optional<LockHolder> lock_holder(const std::filesystem::path& run_dir);

}  // namespace cutover
