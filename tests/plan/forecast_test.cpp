#include "cutover/plan/forecast.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using testing::make_runbook;
using testing::make_task;

JournalEvent event_at(std::int64_t elapsed_ms, std::string_view type,
                      nlohmann::ordered_json fields) {
  JournalEvent event;
  event.elapsed_ms = elapsed_ms;
  event.type = type;
  event.fields = std::move(fields);
  return event;
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
  const RunState state =
      fold(runbook, graph,
           {event_at(0, event::task_started, {{"task", "a"}, {"attempt", 1}}),
            event_at(0, event::task_started, {{"task", "c"}, {"attempt", 1}}),
            event_at(600'000, event::task_finished, {{"task", "a"}, {"status", "succeeded"}}),
            event_at(600'000, event::task_started, {{"task", "b"}, {"attempt", 1}})});
  // At 25m: c has 15m left; b has 5m left, then d's 5m.
  CHECK(forecast_remaining(runbook, graph, state, 25 * 60'000) == 15min);
  // At 39m: c has 1m left; b overran by 9m: nothing left of it, d's 5m remain.
  CHECK(forecast_remaining(runbook, graph, state, 39 * 60'000) == 5min);
}

TEST_CASE("forecast of a finished run is zero") {
  const Runbook runbook = make_runbook({make_task("only", 10min)});
  const RunGraph graph = make_run_graph(runbook);
  const RunState state =
      fold(runbook, graph,
           {event_at(0, event::task_started, {{"task", "only"}, {"attempt", 1}}),
            event_at(5, event::task_finished, {{"task", "only"}, {"status", "succeeded"}})});
  CHECK(forecast_remaining(runbook, graph, state, 10) == 0min);
}

}  // namespace
}  // namespace cutover
