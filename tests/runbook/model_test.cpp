#include "cutover/runbook/model.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

using namespace cutover;
using cutover::testing::make_runbook;
using cutover::testing::make_task;
using cutover::testing::manual_task;

TEST_CASE("find_task: the index of the task with that id") {
  const Runbook runbook = make_runbook({make_task("freeze"), make_task("copy"), make_task("go")});
  CHECK(runbook.find_task("freeze") == std::optional<std::size_t>{0});
  CHECK(runbook.find_task("go") == std::optional<std::size_t>{2});
  CHECK(runbook.find_task("copy") == std::optional<std::size_t>{1});
}

TEST_CASE("find_task: nothing for an unknown id - a prefix or another case") {
  const Runbook runbook = make_runbook({make_task("copy-data")});
  CHECK_FALSE(runbook.find_task("copy"));
  CHECK_FALSE(runbook.find_task("copy-data2"));
  CHECK_FALSE(runbook.find_task("COPY-DATA"));
  CHECK_FALSE(runbook.find_task(""));
  CHECK_FALSE(make_runbook({}).find_task("copy-data"));
}

TEST_CASE("find_task: with a repeated id - the first one") {
  // The checks refuse such a runbook; the lookup still answers in file order.
  Runbook runbook = make_runbook({make_task("a"), make_task("b"), make_task("a")});
  runbook.tasks[2].title = "second";
  CHECK(runbook.find_task("a") == std::optional<std::size_t>{0});
}

TEST_CASE("to_string: every on_failure policy as runbooks write it") {
  CHECK(to_string(OnFailure::rollback) == "rollback");
  CHECK(to_string(OnFailure::stop) == "stop");
  CHECK(to_string(OnFailure::continue_) == "continue");
}

TEST_CASE("kind_name: run - manual or gate") {
  CHECK(kind_name(Command{"true"}) == "run");
  CHECK(kind_name(Manual{"Do it."}) == "manual");
  CHECK(kind_name(Gate{}) == "gate");
  CHECK(kind_name(make_task("a").kind) == "run");
  CHECK(kind_name(manual_task("m").kind) == "manual");
  CHECK(kind_name(testing::approval_gate("g", {"lead"}).kind) == "gate");
}

TEST_CASE("a task is exactly one of command - manual and gate") {
  const Task command = make_task("a");
  CHECK(command.is_command());
  CHECK_FALSE(command.is_manual());
  CHECK_FALSE(command.is_gate());
  const Task manual = manual_task("m");
  CHECK(manual.is_manual());
  CHECK_FALSE(manual.is_command());
  CHECK_FALSE(manual.is_gate());
  const Task gate = testing::approval_gate("g", {"lead"});
  CHECK(gate.is_gate());
  CHECK_FALSE(gate.is_command());
  CHECK_FALSE(gate.is_manual());
}

TEST_CASE("display_name: the title - or the id without one") {
  Task task = make_task("copy");
  CHECK(task.display_name() == "copy");
  task.title = "Copy the ledgers";
  CHECK(task.display_name() == "Copy the ledgers");
}

TEST_CASE("a window ends its duration after its start - in the start's zone") {
  const UtcTime start =
      std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(17);
  const Window window = testing::make_window({start, 60}, std::chrono::minutes(90));
  const Timestamp end = window.end();
  CHECK(end.utc == start + std::chrono::minutes(90));
  CHECK(end.offset_minutes == 60);
  CHECK(format_timestamp(end) == "2026-11-28T19:30:00+01:00");
}

TEST_CASE("locations order by line - then column") {
  CHECK(Location{2, 9} < Location{3, 1});
  CHECK(Location{3, 1} < Location{3, 2});
  CHECK_FALSE(Location{3, 2} < Location{3, 2});
  CHECK(Location{3, 2} == Location{3, 2});
  CHECK(Location{} < Location{1, 1});  // unknown sorts first
}

TEST_CASE("heading: the id and the title - or the id alone") {
  Runbook runbook = make_runbook({make_task("copy")});
  runbook.id = "erp-go-live";
  runbook.title = "ERP go-live weekend";
  CHECK(runbook.heading() == "erp-go-live — ERP go-live weekend");
  runbook.title.clear();
  CHECK(runbook.heading() == "erp-go-live");
}

TEST_CASE("a run label is letters - digits - dots - underscores and dashes - not a leading dot") {
  for (const char* good : {"go-live", "rehearsal_2", "prod.1", "R2"}) {
    CHECK_MESSAGE(cutover::valid_label(good), good);
  }
  for (const char* bad : {"", ".hidden", "go live", "a/b", "x\n"}) {
    CHECK_FALSE_MESSAGE(cutover::valid_label(bad), bad);
  }
}
