#include "cutover/plan/plan.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

#include <string>
#include <vector>

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

namespace {

Plan plan_of(const Runbook& runbook, std::optional<Timestamp> start = {}) {
  return make_plan(runbook, build_dag(runbook), start);
}

Timestamp timestamp(const char* text) {
  const auto parsed = parse_timestamp(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

using Indices = std::vector<TaskIndex>;

// a (1h) fans out to b (2h) and c (30m), which join in d (1h).
Runbook diamond() {
  return make_runbook({
      make_task("a", 1h),
      make_task("b", 2h, {"a"}),
      make_task("c", 30min, {"a"}),
      make_task("d", 1h, {"b", "c"}),
  });
}

void check_schedule(const TaskSchedule& s, Duration es, Duration ef, Duration ls, Duration lf,
                    Duration slack) {
  CHECK(s.earliest_start == es);
  CHECK(s.earliest_finish == ef);
  CHECK(s.latest_start == ls);
  CHECK(s.latest_finish == lf);
  CHECK(s.slack == slack);
  CHECK(s.critical == (slack == Duration{0}));
}

}  // namespace

TEST_CASE("CPM on a diamond with branches of different lengths") {
  const Plan plan = plan_of(diamond());
  REQUIRE(plan.tasks.size() == 4);
  SUBCASE("a") {
    check_schedule(plan.tasks[0], 0h, 1h, 0h, 1h, 0h);
  }
  SUBCASE("b, the long branch") {
    check_schedule(plan.tasks[1], 1h, 3h, 1h, 3h, 0h);
  }
  SUBCASE("c, the short branch") {
    check_schedule(plan.tasks[2], 1h, 90min, 150min, 3h, 90min);
  }
  SUBCASE("d") {
    check_schedule(plan.tasks[3], 3h, 4h, 3h, 4h, 0h);
  }
  CHECK(plan.total == Duration{4h});
  CHECK(plan.critical_path == Indices{0, 1, 3});
  CHECK(plan.order == Indices{0, 1, 2, 3});
}

TEST_CASE("a chain of two off the critical path shares its slack - both have it") {
  // a -> b (3h) -> d and a -> c1 (30m) -> c2 (30m) -> d: the c chain has 2h to spare. The
  // backward pass must take each dependent's latest start, not its earliest.
  const Runbook runbook = make_runbook({
      make_task("a", 1h),
      make_task("b", 3h, {"a"}),
      make_task("c1", 30min, {"a"}),
      make_task("c2", 30min, {"c1"}),
      make_task("d", 1h, {"b", "c2"}),
  });
  const Plan plan = plan_of(runbook);
  CHECK(plan.total == 5h);
  check_schedule(plan.tasks[2], 1h, 90min, 3h, 210min, 2h);  // c1
  check_schedule(plan.tasks[3], 90min, 2h, 210min, 4h, 2h);  // c2
  check_schedule(plan.tasks[1], 1h, 4h, 1h, 4h, 0h);         // b
  CHECK(plan.critical_path == Indices{0, 1, 4});
}

TEST_CASE("a task without an estimate counts as 0 and is flagged") {
  const Plan plan = plan_of(make_runbook({
      make_task("a", 1h),
      make_task("check", std::nullopt, {"a"}),
      make_task("b", 2h, {"check"}),
  }));
  CHECK_FALSE(plan.tasks[1].estimated);
  CHECK(plan.tasks[1].estimate == Duration{0});
  CHECK(plan.tasks[0].estimated);
  check_schedule(plan.tasks[1], 1h, 1h, 1h, 1h, 0h);
  CHECK(plan.total == Duration{3h});
  // The walk back passes through the zero-length task to reach the source.
  CHECK(plan.critical_path == Indices{0, 1, 2});
}

TEST_CASE("the critical path breaks ties by file order") {
  SUBCASE("two equal branches") {
    const Plan plan = plan_of(make_runbook({
        make_task("a", 1h),
        make_task("c", 2h, {"a"}),
        make_task("b", 2h, {"a"}),
        make_task("d", 1h, {"b", "c"}),
    }));
    CHECK(plan.tasks[1].critical);
    CHECK(plan.tasks[2].critical);
    CHECK(plan.critical_path == Indices{0, 1, 3});
  }
  SUBCASE("two sinks finishing last") {
    const Plan plan = plan_of(make_runbook({
        make_task("short", 1h),
        make_task("x", 2h),
        make_task("y", 2h),
    }));
    CHECK(plan.critical_path == Indices{1});
    CHECK(plan.tasks[0].slack == Duration{1h});
  }
}

TEST_CASE("a sink finishing early has slack up to the total") {
  const Plan plan = plan_of(make_runbook({
      make_task("long", 5h),
      make_task("note", std::nullopt),
  }));
  check_schedule(plan.tasks[1], 0h, 0h, 5h, 5h, 5h);
  CHECK(plan.critical_path == Indices{0});
}

TEST_CASE("rows are ordered by level - earliest start - then topological position") {
  SUBCASE("by level before start: the lvl column reads in order") {
    const Plan plan = plan_of(make_runbook({
        make_task("a", 1h),
        make_task("b", 1h, {"a"}),
        make_task("c", 5min),
        make_task("d", 5min, {"c"}),
        make_task("e", 5min, {"d"}),
    }));
    CHECK(plan.order == Indices{0, 2, 3, 1, 4});  // d starts at 5m, b at 1h; e is a level deeper
  }
  SUBCASE("by earliest start") {
    const Plan plan = plan_of(make_runbook({
        make_task("b", 1h, {"a"}),
        make_task("a", 1h),
        make_task("c", 1h),
    }));
    CHECK(plan.order == Indices{1, 2, 0});
  }
  SUBCASE("a zero-length dependency before its dependent at the same start") {
    const Plan plan = plan_of(make_runbook({
        make_task("y", 1h, {"x"}),
        make_task("x", std::nullopt),
    }));
    CHECK(plan.order == Indices{1, 0});
  }
}

TEST_CASE("the window's start and end - and the fit") {
  Runbook runbook = diamond();  // 4h
  runbook.window = make_window(timestamp("2026-11-28T18:00:00+01:00"), 5h);

  SUBCASE("fits with time to spare") {
    const Plan plan = plan_of(runbook);
    REQUIRE(plan.start.has_value());
    CHECK(*plan.start == runbook.window->start);
    CHECK(plan.window_end == timestamp("2026-11-28T23:00:00+01:00"));
    CHECK(plan.estimated_end == timestamp("2026-11-28T22:00:00+01:00"));
    CHECK(plan.estimated_end->offset_minutes == 60);
    CHECK(plan.overrun() == Duration{-1h});
  }
  SUBCASE("overruns") {
    runbook.window->duration = 3h;
    const Plan plan = plan_of(runbook);
    CHECK(plan.overrun() == Duration{1h});
  }
  SUBCASE("--start overrides the start but not the window's end") {
    const Plan plan = plan_of(runbook, timestamp("2026-11-28T20:00:00+01:00"));
    CHECK(plan.start == timestamp("2026-11-28T20:00:00+01:00"));
    CHECK(plan.window_end == timestamp("2026-11-28T23:00:00+01:00"));
    CHECK(plan.estimated_end == timestamp("2026-11-29T00:00:00+01:00"));
    CHECK(plan.overrun() == Duration{1h});
  }
}

TEST_CASE("without a window there is nothing to compare with") {
  const Runbook runbook = diamond();
  SUBCASE("and no start") {
    const Plan plan = plan_of(runbook);
    CHECK_FALSE(plan.start.has_value());
    CHECK_FALSE(plan.window_end.has_value());
    CHECK_FALSE(plan.estimated_end.has_value());
    CHECK_FALSE(plan.overrun().has_value());
  }
  SUBCASE("with --start") {
    const Plan plan = plan_of(runbook, timestamp("2026-11-28T18:00:00Z"));
    CHECK(plan.estimated_end == timestamp("2026-11-28T22:00:00Z"));
    CHECK_FALSE(plan.window_end.has_value());
    CHECK_FALSE(plan.overrun().has_value());
  }
}

TEST_CASE("an empty runbook plans to nothing") {
  const Plan plan = plan_of(make_runbook({}));
  CHECK(plan.total == Duration{0});
  CHECK(plan.critical_path.empty());
  CHECK(plan.order.empty());
}

TEST_CASE("a 100 -000-task chain plans in one pass") {
  constexpr std::size_t n = 100'000;
  std::vector<Task> tasks;
  tasks.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(i == 0 ? make_task("t0", 1s)
                           : make_task("t" + std::to_string(i), 1s, {"t" + std::to_string(i - 1)}));
  }
  const Plan plan = plan_of(make_runbook(std::move(tasks)));
  CHECK(plan.total == Duration{std::chrono::seconds{n}});
  CHECK(plan.critical_path.size() == n);
  CHECK(plan.tasks.back().earliest_start == Duration{std::chrono::seconds{n - 1}});
}
