// No-go deadlines with hand-computed answers: a chain undone step by step, branches undone side
// by side, a deadline that moves with a rollback estimate, and no window.
#include "cutover/plan/deadline.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "cutover/runbook/loader.hpp"

using namespace cutover;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

struct Planned {
  Runbook runbook;
  Dag dag;
  Plan plan;
};

Planned planned(const std::string& text) {
  LoadResult loaded = load_runbook_text(text, "runbook.yaml", {});
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  Planned result{std::move(loaded.runbook), {}, {}};
  result.dag = build_dag(result.runbook);
  result.plan = make_plan(result.runbook, result.dag);
  return result;
}

// a (1h, undone in 10m) -> b (30m, undone by hand: its own 30m) -> gate -> c (1h).
std::string chain(const std::string& a_rollback) {
  return "version: 1\nid: rb\n"
         "window: { start: \"2026-11-28T18:00:00+01:00\", duration: 4h }\n"
         "tasks:\n"
         "  - id: a\n    estimate: 1h\n    run: x\n    rollback: " +
         a_rollback +
         "\n"
         "  - id: b\n    estimate: 30m\n    depends_on: a\n    run: x\n"
         "    rollback: { manual: undo b }\n"
         "  - id: go\n    depends_on: b\n    gate: { approvals: [lead] }\n"
         "  - id: c\n    estimate: 1h\n    depends_on: go\n    run: x\n    rollback: undo c\n";
}

}  // namespace

TEST_CASE("no-go deadline: the window's end minus undoing the chain before the gate") {
  const Planned p = planned(chain("{ run: undo a, estimate: 10m }"));
  const auto deadlines = gate_deadlines(p.runbook, p.dag, p.plan);
  REQUIRE(deadlines.size() == 1);
  CHECK(deadlines[0].gate == 2);
  CHECK(deadlines[0].planned_start == Duration{minutes(90)});
  CHECK(deadlines[0].rollback == Duration{minutes(40)});  // b's 30m, then a's 10m
  CHECK(deadlines[0].no_go_deadline == Duration{hours(4) - minutes(40)});
  CHECK_FALSE(deadlines[0].too_late());
}

TEST_CASE("no-go deadline: moves with a rollback estimate - and can come before the gate") {
  const Planned p = planned(chain("{ run: undo a, estimate: 3h }"));
  const auto deadlines = gate_deadlines(p.runbook, p.dag, p.plan);
  CHECK(deadlines[0].rollback == Duration{minutes(210)});
  CHECK(deadlines[0].no_go_deadline == Duration{minutes(30)});
  CHECK(deadlines[0].too_late());  // planned at 1h30m
  // Without its own estimate, a rollback step takes as long as its task: 1h.
  const Planned own = planned(chain("undo a"));
  CHECK(gate_deadlines(own.runbook, own.dag, own.plan)[0].rollback == Duration{minutes(90)});
}

TEST_CASE("no-go deadline: branches are undone side by side - no window means no deadline") {
  const Planned p = planned(
      "version: 1\nid: rb\ntasks:\n"
      "  - id: x\n    estimate: 1h\n    run: x\n    rollback: { run: u, estimate: 20m }\n"
      "  - id: y\n    estimate: 2h\n    run: y\n    rollback: { run: u, estimate: 30m }\n"
      "  - id: z\n    estimate: 3h\n    run: z\n    rollback: { run: u, estimate: 1h }\n"
      "  - id: go\n    depends_on: [x, y]\n    gate: { approvals: [lead] }\n");
  const auto deadlines = gate_deadlines(p.runbook, p.dag, p.plan);
  REQUIRE(deadlines.size() == 1);
  CHECK(deadlines[0].planned_start == Duration{hours(2)});
  // x and y are done by 2h, z (3h) is not: undoing x and y takes the longer of the two.
  CHECK(deadlines[0].rollback == Duration{minutes(30)});
  CHECK_FALSE(deadlines[0].no_go_deadline);
  CHECK_FALSE(deadlines[0].too_late());
}

TEST_CASE("rollback_estimate: its own - else the task's - nothing to undo without a rollback") {
  Task task;
  task.estimate = minutes(20);
  CHECK(rollback_estimate(task) == Duration{0});
  task.rollback = ManualRollback{"undo", std::nullopt};
  CHECK(rollback_estimate(task) == Duration{minutes(20)});
  task.rollback = CommandRollback{"undo", std::nullopt, minutes(5)};
  CHECK(rollback_estimate(task) == Duration{minutes(5)});
}

TEST_CASE("no-go deadline: what depends on the gate is after it - even when it takes no time") {
  // z depends on the gate and takes no time: it finishes as the gate starts, but a no-go there
  // never ran it. w takes no time either but does not depend on the gate: it is undone.
  const Planned p = planned(
      "version: 1\nid: rb\n"
      "window: { start: \"2026-11-28T18:00:00+01:00\", duration: 4h }\n"
      "tasks:\n"
      "  - id: a\n    estimate: 1h\n    run: x\n    rollback: { run: undo a, estimate: 10m }\n"
      "  - id: w\n    depends_on: a\n    run: x\n    rollback: { run: undo w, estimate: 20m }\n"
      "  - id: go\n    depends_on: a\n    gate: { approvals: [lead] }\n"
      "  - id: z\n    depends_on: go\n    run: x\n    rollback: { run: undo z, estimate: 2h }\n"
      "  - id: y\n    depends_on: z\n    run: x\n    rollback: { run: undo y, estimate: 3h }\n");
  const auto deadlines = gate_deadlines(p.runbook, p.dag, p.plan);
  REQUIRE(deadlines.size() == 1);
  CHECK(deadlines[0].planned_start == Duration{hours(1)});
  CHECK(deadlines[0].rollback == Duration{minutes(30)});  // w's 20m, then a's 10m
}

TEST_CASE("no-go deadline: each gate counts only what finishes before it starts") {
  // A chain of five gates, each after a task of 1h undone in 1h, and one long branch beside.
  std::string text =
      "version: 1\nid: rb\n"
      "window: { start: \"2026-11-28T18:00:00+01:00\", duration: 20h }\n"
      "tasks:\n"
      "  - id: long\n    estimate: 150m\n    run: x\n    rollback: { run: undo, estimate: 4h }\n";
  std::string before;
  for (int i = 0; i < 5; ++i) {
    const std::string id = std::to_string(i);
    text += "  - id: t" + id + "\n    estimate: 1h\n    run: x\n    rollback: undo\n" + before;
    text += "  - id: g" + id + "\n    depends_on: [t" + id + "]\n    gate: { approvals: [lead] }\n";
    before = "    depends_on: [g" + id + "]\n";
  }
  const Planned p = planned(text);
  const auto deadlines = gate_deadlines(p.runbook, p.dag, p.plan);
  REQUIRE(deadlines.size() == 5);
  // Gate i starts at (i+1)h, after i+1 tasks of 1h chained through the gates.
  CHECK(deadlines[0].rollback == Duration{hours(1)});
  CHECK(deadlines[1].rollback == Duration{hours(2)});
  CHECK(deadlines[2].rollback == Duration{hours(4)});  // `long` finished at 2h30m: its 4h
  CHECK(deadlines[3].rollback == Duration{hours(4)});
  CHECK(deadlines[4].rollback == Duration{hours(5)});
}
