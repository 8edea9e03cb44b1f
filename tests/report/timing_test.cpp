#include "cutover/report/timing.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using Lines = std::vector<std::string>;

const std::string header =
    "task,title,phase,kind,owner,estimate_s,start,end,duration_s,variance_s,status,attempts";

Lines lines_of(const std::string& csv) {
  Lines lines;
  std::size_t from = 0;
  for (std::size_t end; (end = csv.find("\r\n", from)) != std::string::npos; from = end + 2) {
    lines.push_back(csv.substr(from, end - from));
  }
  CHECK_MESSAGE(from == csv.size(), "text after the last CRLF: " << csv.substr(from));
  return lines;
}

Task titled(Task task, std::string title, std::string phase, std::string owner) {
  task.title = std::move(title);
  task.phase = std::move(phase);
  task.owner = std::move(owner);
  return task;
}

// A small run, listed out of run order in the file: `load` needs `copy`; `notify` and `flaky`
// start with `copy`; `later` never starts.
Runbook small_runbook() {
  return make_runbook({
      titled(manual_task("load", minutes(30), {"copy"}), "Load \"opening\" balances", "cutover",
             "finance, ops"),
      titled(make_task("copy", minutes(10)), "Copy, then check", "prepare", "dba"),
      make_task("notify"),
      make_task("flaky", minutes(1)),
      make_task("later", minutes(5), {"load"}),
  });
}

JournalBuilder small_run() {
  JournalBuilder events;
  events.add(0, run_started())
      .started(1'000, "copy")
      .started(1'000, "notify")
      .started(1'000, "flaky")
      .finished(1'250, "notify", TaskStatus::succeeded)
      .add(2'000, attempt_failed("flaky", "exit code 1", 1, 500))
      .started(2'500, "flaky", "run", 2)
      .finished(3'000, "flaky", TaskStatus::failed, "exit code 1", 2)
      .finished(601'500, "copy", TaskStatus::succeeded)
      .started(601'500, "load", "manual")
      .add(1'501'500, marked("load", TaskStatus::succeeded, person("ann", "a", "h")));
  return events;
}

}  // namespace

TEST_CASE("timing_csv: a row per task in the plan's order - times - durations and variance") {
  const FoldedRun run(small_runbook(), small_run());
  const Lines lines = lines_of(timing_csv(run.runbook, run.graph, run.state));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == header);
  // copy: 10m0.5s against 10m.
  CHECK(lines[1] ==
        "copy,\"Copy, then check\",prepare,run,dba,600.000,2026-11-28T17:00:01.000Z,"
        "2026-11-28T17:10:01.500Z,600.500,0.500,succeeded,1");
  // notify: no estimate, so no variance either.
  CHECK(lines[2] ==
        "notify,,,run,,,2026-11-28T17:00:01.000Z,2026-11-28T17:00:01.250Z,0.250,,succeeded,1");
  // flaky: from its first attempt's start to its last attempt's end.
  CHECK(lines[3] ==
        "flaky,,,run,,60.000,2026-11-28T17:00:01.000Z,2026-11-28T17:00:03.000Z,2.000,-58.000,"
        "failed,2");
  // load: a quoted title and owner; 15m against 30m.
  CHECK(lines[4] ==
        "load,\"Load \"\"opening\"\" balances\",cutover,manual,\"finance, ops\",1800.000,"
        "2026-11-28T17:10:01.500Z,2026-11-28T17:25:01.500Z,900.000,-900.000,succeeded,1");
  // later: never started.
  CHECK(lines[5] == "later,,,run,,300.000,,,,,pending,0");
}

TEST_CASE("timing_csv: a duration is by the clock - a crash's downtime included") {
  JournalBuilder events;
  events.add(0, run_started()).started(1'000, "copy");
  events.down_for(minutes(2)).add(1'000, run_resumed());
  events.started(1'000, "copy", "run", 2).finished(11'000, "copy", TaskStatus::succeeded, "", 2);
  const FoldedRun run(small_runbook(), events);
  const Lines lines = lines_of(timing_csv(run.runbook, run.graph, run.state));
  CHECK(lines[1] ==
        "copy,\"Copy, then check\",prepare,run,dba,600.000,2026-11-28T17:00:01.000Z,"
        "2026-11-28T17:02:11.000Z,130.000,-470.000,succeeded,2");
}

TEST_CASE("timing_csv: the rows follow the plan - earliest start first - not the file") {
  // b needs a; c needs nothing. The plan starts c with a, before b.
  const Runbook runbook = make_runbook(
      {make_task("a", minutes(5)), make_task("b", minutes(5), {"a"}), make_task("c", minutes(1))});
  const FoldedRun run(runbook, JournalBuilder{});
  const Lines lines = lines_of(timing_csv(run.runbook, run.graph, run.state));
  REQUIRE(lines.size() == 4);
  CHECK(lines[1].starts_with("a,"));
  CHECK(lines[2].starts_with("c,"));
  CHECK(lines[3].starts_with("b,"));
}

TEST_CASE("timing_csv: a running task has a start and no end - a gate is of kind gate") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "go", "gate").started(0, "copy");
  const FoldedRun run(make_runbook({approval_gate("go", {"lead"}), make_task("copy", minutes(2))}),
                      events);
  const Lines lines = lines_of(timing_csv(run.runbook, run.graph, run.state));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1] == "go,,,gate,,,2026-11-28T17:00:00.000Z,,,,running,1");
  CHECK(lines[2] == "copy,,,run,,120.000,2026-11-28T17:00:00.000Z,,,,running,1");
}

TEST_CASE("timing_csv: an overrun is a positive variance - sub-second estimates keep their ms") {
  Task quick = make_task("quick", Duration{1'250});
  JournalBuilder events;
  events.add(0, run_started()).started(10, "quick").finished(3'010, "quick", TaskStatus::succeeded);
  const FoldedRun run(make_runbook({quick}), events);
  const Lines lines = lines_of(timing_csv(run.runbook, run.graph, run.state));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] ==
        "quick,,,run,,1.250,2026-11-28T17:00:00.010Z,2026-11-28T17:00:03.010Z,3.000,1.750,"
        "succeeded,1");
}

TEST_CASE("write_timing_csv: timing.csv in the run directory holds timing_csv") {
  TempDir dir;
  const FoldedRun run(small_runbook(), small_run());
  write_timing_csv(dir.path(), run.runbook, run.graph, run.state);
  CHECK(read_text(dir / "timing.csv") == timing_csv(run.runbook, run.graph, run.state));
  // Written again over the old one, whole.
  write_text(dir / "timing.csv", "stale\r\n");
  write_timing_csv(dir.path(), run.runbook, run.graph, run.state);
  CHECK(read_text(dir / "timing.csv") == timing_csv(run.runbook, run.graph, run.state));
}

TEST_CASE("write_timing_csv: a failed write leaves the old table - and throws WriteError") {
  TempDir dir;
  const FoldedRun run(small_runbook(), small_run());
  write_text(dir / "timing.csv", "old\r\n");
  FaultyFileSystem file_system;
  file_system.fail({0, Fault::no_space, Operation::append});
  CHECK_THROWS_AS(write_timing_csv(dir.path(), run.runbook, run.graph, run.state, file_system),
                  WriteError);
  CHECK(read_text(dir / "timing.csv") == "old\r\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator{}) == 1);
}
