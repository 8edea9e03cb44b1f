#include "cutover/plan/forecast.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using testing::make_runbook;
using testing::make_task;

JournalEvent event_at(std::int64_t elapsed_ms, EventBody body) {
  return {0, {}, elapsed_ms, std::move(body)};
}

EventBody started(std::string task) {
  return event::TaskStarted{std::move(task), 1, "run", {}};
}

EventBody succeeded(std::string task) {
  return event::TaskFinished{std::move(task), {}, TaskStatus::succeeded, 1, {}, {}};
}

// a (10m) -> b (20m) -> d (5m); c (40m) alone.
Runbook sample() {
  return make_runbook({make_task("a", 10min), make_task("b", 20min, {"a"}), make_task("c", 40min),
                       make_task("d", 5min, {"b"})});
}

TEST_CASE("forecast before anything started is the longest path") {
  const Runbook runbook = sample();
  const RunGraph graph = make_run_graph(runbook);
  const RunState state = initial_state(runbook, graph);
  CHECK(forecast_remaining(runbook, graph, state, 0) == 40min);
}

TEST_CASE("forecast counts what is left of running tasks and the paths after them") {
  const Runbook runbook = sample();
  const RunGraph graph = make_run_graph(runbook);
  const RunState state = fold(runbook, graph,
                              {event_at(0, started("a")), event_at(0, started("c")),
                               event_at(600'000, succeeded("a")), event_at(600'000, started("b"))});
  // At 25m: c has 15m left; b has 5m left, then d's 5m.
  CHECK(forecast_remaining(runbook, graph, state, 25 * 60'000) == 15min);
  // At 39m: c has 1m left; b overran by 9m: nothing left of it, d's 5m remain.
  CHECK(forecast_remaining(runbook, graph, state, 39 * 60'000) == 5min);
}

TEST_CASE("forecast of a finished run is zero") {
  const Runbook runbook = make_runbook({make_task("only", 10min)});
  const RunGraph graph = make_run_graph(runbook);
  const RunState state =
      fold(runbook, graph, {event_at(0, started("only")), event_at(5, succeeded("only"))});
  CHECK(forecast_remaining(runbook, graph, state, 10) == 0min);
}

}  // namespace
}  // namespace cutover
