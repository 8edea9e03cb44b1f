// The notices that come due with time (timed_notices.cpp): overrun once per task, and the next
// gate's no-go deadline 15 minutes ahead and when it passes; what a journal told is not told
// again.
#include "cutover/run/timed_notices.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

constexpr std::int64_t minute = 60'000;

// prep (30m, undone in 1h) -> go (a gate) -> load (1h), in a 3-hour window from 17:00 UTC:
// go's no-go deadline is the window's end less prep's undoing, 19:00 UTC (20:00 in the
// window's zone).
Runbook deadline_runbook() {
  Task prep = make_task("prep", minutes(30));
  prep.rollback = CommandRollback{"undo", {}, minutes(60)};
  Runbook runbook = make_runbook(
      {prep, approval_gate("go", {"ann"}, {"prep"}), make_task("load", minutes(60), {"go"})});
  runbook.window = make_window(Timestamp{utc_at(0), 60}, std::chrono::hours(3));
  return runbook;
}

std::vector<std::string> described(const std::vector<Notice>& notices) {
  std::vector<std::string> out;
  for (const Notice& notice : notices) {
    out.push_back(std::string(to_string(notice.event)) + " " + notice.task + " " +
                  notice.details.value("passed", nlohmann::ordered_json(false)).dump());
  }
  return out;
}

}  // namespace

TEST_CASE("timed notices: the no-go deadline 15 minutes ahead - then when it passes") {
  const Runbook runbook = deadline_runbook();
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  TimedNotices timed(runbook, graph, false, true);
  CHECK(timed.next(state).at == utc_at(105 * minute));
  CHECK_FALSE(timed.next(state).elapsed_ms);
  CHECK(timed.due(state, 0, utc_at(104 * minute)).empty());

  const std::vector<Notice> warning = timed.due(state, 0, utc_at(105 * minute));
  CHECK(described(warning) == std::vector<std::string>{"deadline go false"});
  CHECK(warning[0].message ==
        "test: gate 'go' must decide by 2026-11-28 20:00:00 UTC+01:00, "
        "its "
        "no-go deadline");
  CHECK(warning[0].details["no_go_deadline"] == "2026-11-28T19:00:00.000Z");
  CHECK(timed.due(state, 0, utc_at(110 * minute)).empty());
  CHECK(timed.next(state).at == utc_at(120 * minute));

  const std::vector<Notice> passed = timed.due(state, 0, utc_at(121 * minute));
  CHECK(described(passed) == std::vector<std::string>{"deadline go true"});
  CHECK(passed[0].message.find("has passed: a no-go now cannot be rolled back inside the window") !=
        std::string::npos);
  CHECK_FALSE(timed.next(state).at);
  CHECK(timed.due(state, 0, utc_at(130 * minute)).empty());
}

TEST_CASE("timed notices: a deadline found passed is told once - a gate that ended is not") {
  const Runbook runbook = deadline_runbook();
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  TimedNotices late(runbook, graph, false, true);
  CHECK(described(late.due(state, 0, utc_at(150 * minute))) ==
        std::vector<std::string>{"deadline go true"});
  CHECK(late.due(state, 0, utc_at(151 * minute)).empty());

  state.tasks[1].status = TaskStatus::succeeded;
  TimedNotices after_the_gate(runbook, graph, false, true);
  CHECK(after_the_gate.due(state, 0, utc_at(150 * minute)).empty());
  CHECK_FALSE(after_the_gate.next(state).at);
}

TEST_CASE("timed notices: overrun of what is active - once - not what a journal told") {
  const Runbook runbook = deadline_runbook();
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  state.tasks[0].status = TaskStatus::running;
  state.tasks[0].started_ms = 10 * minute;
  TimedNotices timed(runbook, graph, true, false);
  CHECK(timed.next(state).elapsed_ms == 55 * minute);  // 10m + 1.5 x 30m
  CHECK_FALSE(timed.next(state).at);
  CHECK(timed.due(state, 54 * minute, utc_at(0)).empty());
  const std::vector<Notice> overrun = timed.due(state, 56 * minute, utc_at(56 * minute));
  CHECK(described(overrun) == std::vector<std::string>{"overrun prep false"});
  CHECK(overrun[0].message == "test: 'prep' has taken 46m, estimated 30m");
  CHECK(timed.due(state, 90 * minute, utc_at(0)).empty());
  CHECK_FALSE(timed.next(state).elapsed_ms);

  TimedNotices resumed(runbook, graph, true, true);
  resumed.remember(event::NotifySent{1, "overrun", "prep", 20});
  resumed.remember(event::NotifyFailed{2, "deadline", "go", "exit code 1"});
  CHECK_FALSE(resumed.next(state).elapsed_ms);
  CHECK(resumed.next(state).at == utc_at(120 * minute));
  CHECK(resumed.due(state, 90 * minute, utc_at(110 * minute)).empty());
  // A task without an estimate, or not active, never overruns.
  state.tasks[0].status = TaskStatus::succeeded;
  state.tasks[2].status = TaskStatus::running;
  state.tasks[2].started_ms = 0;
  TimedNotices other(runbook, graph, true, false);
  CHECK(described(other.due(state, 91 * minute, utc_at(0))) ==
        std::vector<std::string>{"overrun load false"});
}
