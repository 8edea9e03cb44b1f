// The forecast of a run in progress, against triangular distributions worked out by hand: a
// task estimated at 10m is drawn between 8m and 15m, most likely 10m, so its median is
// 15 - sqrt(7 * 5 / 2) = 10.817m, its P90 15 - sqrt(7 * 5 / 10) = 13.129m, and it ends within
// 12m with probability 1 - 3^2 / (7 * 5) = 0.743.
#include "cutover/plan/run_forecast.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using testing::approval_gate;
using testing::make_runbook;
using testing::make_task;
using testing::make_window;
using testing::utc_at;

constexpr std::int64_t minute_ms = 60'000;

JournalEvent event_at(std::int64_t elapsed_ms, EventBody body) {
  return {0, {}, elapsed_ms, std::move(body)};
}

EventBody started(std::string task) {
  return event::TaskStarted{std::move(task), 1, "run", {}};
}

EventBody succeeded(std::string task) {
  return event::TaskFinished{std::move(task), {}, TaskStatus::succeeded, 1, {}, {}};
}

double minutes_of(Duration duration) {
  return static_cast<double>(duration.count()) / minute_ms;
}

struct Run {
  Runbook runbook;
  RunGraph graph;
  RunState state;

  Run(Runbook book, const std::vector<JournalEvent>& events)
      : runbook(std::move(book)),
        graph(make_run_graph(runbook)),
        state(fold(runbook, graph, events)) {}

  RunForecast forecast(std::int64_t now_ms, std::optional<Duration> window_left = {}) const {
    return forecast_run(runbook, graph.dag, state, now_ms, window_left, 2'000);
  }
};

TEST_CASE("run forecast: one task ahead follows its triangular distribution") {
  const Run run(make_runbook({make_task("a", 10min)}), {});
  const RunForecast forecast = run.forecast(0, 12min);
  CHECK(forecast.samples == 2'000);
  CHECK(minutes_of(forecast.p50) == doctest::Approx(10.817).epsilon(0.02));
  CHECK(minutes_of(forecast.p90) == doctest::Approx(13.129).epsilon(0.02));
  REQUIRE(forecast.p_fit);
  CHECK(*forecast.p_fit == doctest::Approx(0.743).epsilon(0.04));
  CHECK_FALSE(run.forecast(0).p_fit);  // no window
}

TEST_CASE("run forecast: finished tasks are behind - what depends on them is ahead") {
  // a (10m) finished at 30m; b (10m) after it has not started; now is 40m.
  const Run run(make_runbook({make_task("a", 10min), make_task("b", 10min, {"a"})}),
                {event_at(0, started("a")), event_at(30 * minute_ms, succeeded("a"))});
  const RunForecast forecast = run.forecast(40 * minute_ms);
  CHECK(minutes_of(forecast.p50) == doctest::Approx(10.817).epsilon(0.02));
  CHECK(minutes_of(forecast.p90) == doctest::Approx(13.129).epsilon(0.02));
}

TEST_CASE("run forecast: a running task that overran ends no sooner than now") {
  // a (10m) started at 0 and still runs at 20m: every draw (at most 15m) has passed.
  const Run run(make_runbook({make_task("a", 10min)}), {event_at(0, started("a"))});
  const RunForecast forecast = run.forecast(20 * minute_ms);
  CHECK(forecast.p50 == 0min);
  CHECK(forecast.p90 == 0min);
  // At 5m it has between 3m and 10m left.
  const RunForecast early = run.forecast(5 * minute_ms);
  CHECK(minutes_of(early.p50) == doctest::Approx(5.817).epsilon(0.03));
}

TEST_CASE("run forecast: a task in doubt has all of its duration ahead") {
  Run run(make_runbook({make_task("a", 10min)}), {event_at(0, started("a"))});
  run.state.tasks[0].status = TaskStatus::in_doubt;
  CHECK(minutes_of(run.forecast(20 * minute_ms).p50) == doctest::Approx(10.817).epsilon(0.02));
}

TEST_CASE("run forecast: a finished run has nothing left - and a seed means one answer") {
  const Run done(make_runbook({make_task("a", 10min)}),
                 {event_at(0, started("a")), event_at(5, succeeded("a"))});
  CHECK(done.forecast(10).p50 == 0min);
  CHECK(done.forecast(10).p90 == 0min);
  const Run ahead(make_runbook({make_task("a", 10min), make_task("b", 5min)}), {});
  CHECK(ahead.forecast(0).p50 == ahead.forecast(0).p50);
  CHECK(ahead.forecast(0).p90 == ahead.forecast(0).p90);
}

TEST_CASE("run forecast: samples shrink with the runbook - within bounds") {
  CHECK(run_forecast_samples(10, 2'000'000) == 2'000);
  CHECK(run_forecast_samples(0, 2'000'000) == 2'000);
  CHECK(run_forecast_samples(10'000, 2'000'000) == 200);
  CHECK(run_forecast_samples(1'000'000, 2'000'000) == 100);
}

TEST_CASE("next gate: the first one not ended - its deadline as a time") {
  // a (1h, undone in 20m) -> g1 -> b (1h) -> g2; a 3h window from utc_at(0).
  Task a = make_task("a", 1h);
  a.rollback = CommandRollback{"undo", std::nullopt, 20min};
  Task b = make_task("b", 1h, {"g1"});
  b.rollback = CommandRollback{"undo", std::nullopt, 30min};
  Runbook runbook = make_runbook(
      {a, approval_gate("g1", {"lead"}, {"a"}), b, approval_gate("g2", {"lead"}, {"b"})});
  runbook.window = make_window({utc_at(0), 0}, 3h);
  const RunGraph graph = make_run_graph(runbook);
  const auto gates = gate_deadlines(runbook, graph.dag, make_plan(runbook, graph.dag));
  RunState state = initial_state(runbook, graph);

  auto next = next_gate(runbook, gates, state);
  REQUIRE(next);
  CHECK(runbook.tasks[next->gate].id == "g1");
  CHECK(next->no_go_deadline == utc_at(0) + 3h - 20min);

  state.tasks[1].status = TaskStatus::succeeded;
  next = next_gate(runbook, gates, state);
  REQUIRE(next);
  CHECK(runbook.tasks[next->gate].id == "g2");
  CHECK(next->no_go_deadline == utc_at(0) + 3h - 50min);  // b's 30m, then a's 20m

  state.tasks[3].status = TaskStatus::succeeded;
  CHECK_FALSE(next_gate(runbook, gates, state));

  runbook.window.reset();
  CHECK_FALSE(next_gate(runbook, gates, initial_state(runbook, graph)));
}

}  // namespace
}  // namespace cutover
