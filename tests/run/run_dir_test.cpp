#include "cutover/run/run_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "cutover/base/errors.hpp"
#include "cutover/base/time.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using cutover::testing::read_text;
using cutover::testing::TempDir;
using cutover::testing::write_text;

namespace {

void make_run(const std::filesystem::path& dir, const std::string& time,
              const std::string& label = "") {
  std::filesystem::create_directories(dir);
  write_text(dir / "journal.jsonl", R"({"format":"cutover-journal","version":1,"label":")" + label +
                                        R"(","time":")" + time + "\"}\n");
}

UtcTime at(std::string_view text) {
  return parse_timestamp(text).value().utc;
}

std::string this_host() {
  char name[256] = {};
  REQUIRE(gethostname(name, sizeof name - 1) == 0);
  return name;
}

// The message of the EnvironmentError that acquire throws, or nothing when it does not throw.
std::optional<std::string> refusal(const std::filesystem::path& run_dir) {
  try {
    RunLock::acquire(run_dir, at("2026-11-28T18:00:00Z"));
  } catch (const EnvironmentError& error) {
    CHECK(error.code() == exit_environment);
    return error.what();
  }
  return std::nullopt;
}

// A forked process that takes the lock and keeps it until it is killed.
class LockingChild {
 public:
  LockingChild(const std::filesystem::path& run_dir, UtcTime now) {
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    REQUIRE(pipe(hold_) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) run_child(run_dir, now, ready[1]);
    close(ready[1]);
    close(hold_[0]);
    char byte = 0;
    const bool locked = read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    REQUIRE(locked);
  }
  ~LockingChild() {
    kill_and_wait();
    close(hold_[1]);
  }
  LockingChild(const LockingChild&) = delete;
  LockingChild& operator=(const LockingChild&) = delete;

  int pid() const { return pid_; }

  // SIGKILL: no destructor runs, as when an executor crashes.
  void kill_and_wait() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  // Never returns into the test runner: _exit skips the parent's destructors and atexit hooks.
  [[noreturn]] void run_child(const std::filesystem::path& run_dir, UtcTime now, int ready) {
    close(hold_[1]);
    try {
      const auto lock = RunLock::acquire(run_dir, now);
      const char byte = 'L';
      if (write(ready, &byte, 1) != 1) _exit(2);
      char ignored = 0;
      [[maybe_unused]] const auto got = read(hold_[0], &ignored, 1);  // blocks until killed
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }

  int pid_ = -1;
  int hold_[2] = {-1, -1};
};

}  // namespace

TEST_CASE("latest_run is the most recently started run - across runbooks") {
  TempDir root;
  CHECK_FALSE(latest_run(root.path()));
  make_run(root / "erp/20261128T170000Z-rehearsal-1", "2026-11-28T17:00:00.000Z");
  make_run(root / "dns/20261127T090000Z", "2026-11-27T09:00:00.000Z");
  make_run(root / "erp/20261129T080000Z", "2026-11-29T08:00:00.000Z");
  std::filesystem::create_directories(root / "erp/not-a-run");
  CHECK(latest_run(root.path()) == root / "erp/20261129T080000Z");
}

TEST_CASE("resolve_run: a run directory - a label - or the newest run") {
  TempDir root;
  CHECK_THROWS_WITH_AS(
      resolve_run(std::nullopt, root.path()),
      ("no runs under " + root.path().string() + " in this folder; give RUN").c_str(), UsageError);
  make_run(root / "erp/20261128T170000Z-rehearsal-1", "2026-11-28T17:00:00.000Z", "rehearsal-1");
  make_run(root / "erp/20261129T080000Z-rehearsal-1", "2026-11-29T08:00:00.000Z", "rehearsal-1");
  make_run(root / "erp/20261130T080000Z-go-live", "2026-11-30T08:00:00.000Z", "go-live");
  make_run(root / "dns/20261201T080000Z", "2026-12-01T08:00:00.000Z");
  // A label: the newest run with it.
  CHECK(resolve_run("rehearsal-1", root.path()) == root / "erp/20261129T080000Z-rehearsal-1");
  CHECK(resolve_run("go-live", root.path()) == root / "erp/20261130T080000Z-go-live");
  // A directory, as it is.
  const auto dir = root / "erp/20261128T170000Z-rehearsal-1";
  CHECK(resolve_run(dir.string(), root.path()) == dir);
  // Left out, with no executor alive: the newest run; else the newest with a live executor.
  CHECK(resolve_run(std::nullopt, root.path()) == root / "dns/20261201T080000Z");
  {
    const auto lock =
        RunLock::acquire(root / "erp/20261129T080000Z-rehearsal-1", at("2026-11-29T08:00:00Z"));
    CHECK(resolve_run(std::nullopt, root.path()) == root / "erp/20261129T080000Z-rehearsal-1");
  }
  CHECK_THROWS_WITH_AS(resolve_run("dress-rehearsal", root.path()),
                       ("dress-rehearsal: neither a run directory nor the label of a run under " +
                        root.path().string() + " (labels: go-live, rehearsal-1)")
                           .c_str(),
                       UsageError);
  std::filesystem::create_directories(root / "empty");
  CHECK_THROWS_WITH_AS(
      resolve_run((root / "empty").string(), root.path()),
      ((root / "empty").string() + ": no journal.jsonl in it; not a run directory").c_str(),
      UsageError);
}

TEST_CASE("RunLock records pid - host and start time in RUN_DIR/lock and empties it on release") {
  TempDir dir;
  {
    const auto lock = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00.250Z"));
    CHECK_FALSE(lock.stale());
    CHECK(read_text(dir / "lock") ==
          fmt::format("{} {} 2026-11-28T17:00:00.250Z\n", getpid(), this_host()));
  }
  CHECK(std::filesystem::exists(dir / "lock"));
  CHECK(read_text(dir / "lock").empty());
}

TEST_CASE("RunLock refuses a second acquire in the same process naming the holder") {
  TempDir dir;
  const auto lock = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00Z"));
  CHECK(refusal(dir.path()) ==
        fmt::format("run directory {} is locked by another executor: pid {} on host {} since "
                    "2026-11-28T17:00:00.000Z",
                    dir.path().string(), getpid(), this_host()));
}

TEST_CASE("RunLock after a clean release is taken again without a stale holder") {
  TempDir dir;
  { const auto first = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00Z")); }
  const auto second = RunLock::acquire(dir.path(), at("2026-11-28T18:00:00Z"));
  CHECK_FALSE(second.stale());
  CHECK(read_text(dir / "lock").ends_with(" 2026-11-28T18:00:00.000Z\n"));
}

TEST_CASE("RunLock stays held when moved and is released once") {
  TempDir dir;
  std::optional<RunLock> kept;
  {
    auto lock = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00Z"));
    kept.emplace(std::move(lock));
  }
  CHECK(refusal(dir.path()));
  CHECK(lock_holder(dir.path()).value().pid == getpid());
  kept.reset();
  CHECK_FALSE(refusal(dir.path()));
}

TEST_CASE("RunLock's descriptor is closed in the commands an executor runs") {
  TempDir dir;
  const auto lock = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00Z"));
  const auto lock_file = std::filesystem::canonical(dir / "lock");
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (std::filesystem::read_symlink(entry.path(), error) != lock_file) continue;
    ++found;
    const int fd = std::stoi(entry.path().filename().string());
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  }
  CHECK(found == 1);
}

TEST_CASE("RunLock in a directory that does not exist is an environment error") {
  TempDir dir;
  CHECK_THROWS_AS(RunLock::acquire(dir / "missing", at("2026-11-28T17:00:00Z")), EnvironmentError);
}

TEST_CASE("RunLock names a live holder in another process and takes over after it dies") {
  TempDir dir;
  LockingChild child(dir.path(), at("2026-11-28T17:00:00Z"));
  const std::string expected = fmt::format(
      "run directory {} is locked by another executor: pid {} on host {} since "
      "2026-11-28T17:00:00.000Z",
      dir.path().string(), child.pid(), this_host());
  CHECK(refusal(dir.path()) == expected);
  const auto holder = lock_holder(dir.path());
  REQUIRE(holder);
  CHECK(holder->pid == child.pid());
  CHECK(holder->host == this_host());
  CHECK(holder->started == "2026-11-28T17:00:00.000Z");

  const int dead_pid = child.pid();
  child.kill_and_wait();
  CHECK_FALSE(lock_holder(dir.path()));  // the record is left, but nobody holds the flock
  const auto lock = RunLock::acquire(dir.path(), at("2026-11-28T18:00:00Z"));
  REQUIRE(lock.stale());
  CHECK(lock.stale()->pid == dead_pid);
  CHECK(lock.stale()->started == "2026-11-28T17:00:00.000Z");
  CHECK(lock_holder(dir.path()).value().pid == getpid());
}

TEST_CASE("lock_holder finds nobody in a free run directory") {
  TempDir dir;
  CHECK_FALSE(lock_holder(dir.path()));  // no lock file yet
  write_text(dir / "lock", "4242 jump-1 2026-11-28T17:00:00.000Z\n");
  CHECK_FALSE(lock_holder(dir.path()));  // a dead holder's record
  { const auto lock = RunLock::acquire(dir.path(), at("2026-11-28T17:00:00Z")); }
  CHECK_FALSE(lock_holder(dir.path()));  // released
}
