#include "cutover/run/task_output.hpp"

#include <doctest/doctest.h>

#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

const UtcTime noon =
    std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(12);

}  // namespace

TEST_CASE("a task log writes its buffered lines at flush and appends to an earlier attempt's") {
  TempDir dir;
  const auto path = dir / "a.log";
  write_text(path, "2026-11-28T11:00:00.000Z --- attempt 1: sh -c false\n");
  TaskLog log(path);
  log.marker(noon, "attempt 2: sh -c true");
  log.line(noon, "out", "hello");
  CHECK(read_text(path) == "2026-11-28T11:00:00.000Z --- attempt 1: sh -c false\n");
  log.flush();
  CHECK(read_text(path) ==
        "2026-11-28T11:00:00.000Z --- attempt 1: sh -c false\n"
        "2026-11-28T12:00:00.000Z --- attempt 2: sh -c true\n"
        "2026-11-28T12:00:00.000Z out hello\n");
}

TEST_CASE("a task log with no path writes nothing") {
  TaskLog log{std::filesystem::path{}};
  log.line(noon, "out", "hello");
  CHECK_NOTHROW(log.flush());
}

TEST_CASE("a log write that fails is reported and leaves the log at its last whole line") {
  for (const Fault fault : {Fault::no_space, Fault::io_error, Fault::short_write}) {
    CAPTURE(fault_name(fault));
    TempDir dir;
    const auto path = dir / "a.log";
    FaultyFileSystem fs;
    fs.fail({1, fault, Operation::append});
    TaskLog log(path, fs);
    log.line(noon, "out", "first");
    log.flush();
    log.line(noon, "out", "second");
    log.line(noon, "err", "third");
    try {
      log.flush();
      FAIL("the failed write was not reported");
    } catch (const WriteError& error) {
      CHECK(error.path() == path);
      CHECK(error.error_number() == (fault == Fault::io_error ? EIO : ENOSPC));
    }
    CHECK(read_text(path) == "2026-11-28T12:00:00.000Z out first\n");
  }
}

TEST_CASE("a task log creates its file at the first flush - not before") {
  TempDir dir;
  TaskLog log(dir / "a.log");
  log.marker(noon, "task attempt 1: true");
  CHECK_FALSE(std::filesystem::exists(dir / "a.log"));
  log.flush();
  CHECK(read_text(dir / "a.log") == "2026-11-28T12:00:00.000Z --- task attempt 1: true\n");
}

TEST_CASE("a log that cannot be opened is a WriteError naming it") {
  TempDir dir;
  FaultyFileSystem fs;
  fs.fail({0, Fault::no_space, Operation::open});
  try {
    TaskLog log(dir / "a.log", fs);
    log.marker(noon, "task attempt 1: true");
    log.flush();
    FAIL("the failed open was not reported");
  } catch (const WriteError& error) {
    CHECK(error.path() == dir / "a.log");
  }
}

TEST_CASE("a task log keeps one entry a line - a multi-line command's breaks as \\n") {
  TempDir dir;
  const auto path = task_log_path(dir.path(), "load");
  CHECK(path == dir / "logs" / "load.log");
  std::filesystem::create_directories(path.parent_path());
  {
    TaskLog log(path);
    log.marker(noon, "attempt 1: sh -c echo one\necho two");
    for (int i = 1; i <= 5; ++i) log.line(noon, "out", "line " + std::to_string(i));
    log.flush();
  }
  CHECK(read_log_tail(dir.path(), "load", 2) ==
        std::vector<std::string>{"2026-11-28T12:00:00.000Z out line 4",
                                 "2026-11-28T12:00:00.000Z out line 5"});
  CHECK(read_log_tail(dir.path(), "load", 10).front() ==
        "2026-11-28T12:00:00.000Z --- attempt 1: sh -c echo one\\necho two");
  CHECK(read_log_tail(dir.path(), "never", 10).empty());
}
