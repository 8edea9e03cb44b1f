// The Monte-Carlo forecast: hand-computed answers on small DAGs, the draws' distributions, and
// a seed that means the same numbers everywhere.
#include "cutover/plan/monte_carlo.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cutover;

namespace {

// Tasks 0..n-1 in file order; `edges` as {task, dependency}.
Dag dag_of(std::size_t count, const std::vector<std::pair<TaskIndex, TaskIndex>>& edges) {
  Dag dag;
  dag.dependencies.resize(count);
  dag.dependents.resize(count);
  for (const auto& [task, dependency] : edges) {
    dag.dependencies[task].push_back(dependency);
    dag.dependents[dependency].push_back(task);
  }
  for (TaskIndex task = 0; task < count; ++task) dag.order.push_back(task);
  return dag;
}

DurationModel measured(std::vector<std::int64_t> values) {
  return {std::move(values), 0};
}
DurationModel estimated(std::int64_t estimate_ms) {
  return {{}, estimate_ms};
}

SimulationInput with_durations(const Dag* dag, std::vector<DurationModel> durations) {
  SimulationInput input;
  input.dag = dag;
  input.durations = std::move(durations);
  return input;
}

}  // namespace

TEST_CASE("random: xoshiro256 starstar seeded by splitmix64 - its published outputs") {
  // Computed independently (a Python transcription of the reference algorithm), seed 42.
  Random random(42);
  CHECK(random.next() == 0x15780b2e0c2ec716ULL);
  CHECK(random.next() == 0x6104d9866d113a7eULL);
  CHECK(random.next() == 0xae17533239e499a1ULL);
}

TEST_CASE("random: uniform from 0 up to 1 - below() in range and even") {
  Random random(7);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60'000; ++i) {
    const double u = random.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    ++counts[random.below(6)];
  }
  for (const int count : counts) CHECK(count == doctest::Approx(10'000).epsilon(0.05));
}

TEST_CASE("random: triangular draws stay in 0.8x to 1.5x - mean 1.1x - mode at the estimate") {
  Random random(3);
  double sum = 0;
  int near_mode = 0;
  int near_low = 0;
  const int draws = 100'000;
  for (int i = 0; i < draws; ++i) {
    const std::int64_t value = random.draw(estimated(10'000));
    REQUIRE(value >= 8'000);
    REQUIRE(value <= 15'000);
    sum += static_cast<double>(value);
    if (value >= 9'900 && value < 10'100) ++near_mode;
    if (value >= 8'000 && value < 8'200) ++near_low;
  }
  CHECK(sum / draws == doctest::Approx(11'000).epsilon(0.01));
  CHECK(near_mode > 4 * near_low);  // density peaks at the estimate
  CHECK(random.draw(estimated(0)) == 0);
  CHECK(random.draw(measured({42})) == 42);
}

TEST_CASE("simulate: a chain of fixed durations ends at their sum - every task critical") {
  const Dag dag = dag_of(3, {{1, 0}, {2, 1}});
  SimulationInput input =
      with_durations(&dag, {measured({1000}), measured({2000}), measured({3000})});
  input.samples = 100;
  input.window_ms = 6000;
  const Simulation result = simulate(input);
  for (const std::int64_t end : result.end_ms) CHECK(end == 6000);
  CHECK(result.p_fit == 1.0);
  CHECK(result.criticality == std::vector<double>{1.0, 1.0, 1.0});
  CHECK(result.ends_last == std::vector<double>{0.0, 0.0, 1.0});
}

TEST_CASE("simulate: a diamond - the longer branch is critical - the window fits half the time") {
  // a -> {b, c} -> d; b takes 10s or 30s, c always 20s: the end is 1 + (20 or 30) + 1.
  const Dag dag = dag_of(4, {{1, 0}, {2, 0}, {3, 1}, {3, 2}});
  SimulationInput input = with_durations(
      &dag, {measured({1000}), measured({10'000, 30'000}), measured({20'000}), measured({1000})});
  input.window_ms = 22'000;
  const Simulation result = simulate(input);
  CHECK(result.end_ms[0] == 22'000);  // P50
  CHECK(result.end_ms[1] == 32'000);  // P80
  CHECK(result.end_ms[4] == 32'000);  // P99
  REQUIRE(result.p_fit.has_value());
  CHECK(*result.p_fit == doctest::Approx(0.5).epsilon(0.05));
  CHECK(result.criticality[0] == 1.0);
  CHECK(result.criticality[3] == 1.0);
  CHECK(result.criticality[1] + result.criticality[2] == doctest::Approx(1.0));
  CHECK(result.criticality[1] == doctest::Approx(*result.p_fit == 0 ? 1 : 1 - *result.p_fit));
  CHECK(result.ends_last[3] == 1.0);
}

TEST_CASE("simulate: a fork of two like tasks - criticality splits about half and half") {
  const Dag dag = dag_of(3, {{1, 0}, {2, 0}});
  SimulationInput input =
      with_durations(&dag, {estimated(60'000), estimated(600'000), estimated(600'000)});
  const Simulation result = simulate(input);
  CHECK(result.criticality[0] == 1.0);
  CHECK(result.criticality[1] == doctest::Approx(0.5).epsilon(0.04));
  CHECK(result.criticality[1] + result.criticality[2] == doctest::Approx(1.0));
  CHECK(result.ends_last[1] == result.criticality[1]);
  CHECK_FALSE(result.p_fit.has_value());
  // Ends between the shortest and the longest possible: 0.8 x 660s and 1.5 x 660s.
  CHECK(result.end_ms[0] > 528'000);
  CHECK(result.end_ms[4] < 990'000);
  CHECK(result.end_ms[0] <= result.end_ms[1]);
  CHECK(result.end_ms[1] <= result.end_ms[2]);
}

TEST_CASE("simulate: a seed means the same numbers - another seed others") {
  const Dag dag = dag_of(3, {{1, 0}, {2, 0}});
  SimulationInput input =
      with_durations(&dag, {estimated(60'000), estimated(600'000), estimated(600'000)});
  input.seed = 11;
  const Simulation first = simulate(input);
  const Simulation again = simulate(input);
  CHECK(first.end_ms == again.end_ms);
  CHECK(first.criticality == again.criticality);
  input.seed = 12;
  CHECK(simulate(input).criticality != first.criticality);
}

TEST_CASE(
    "simulate: a run that goes on - finished tasks fixed - a running one ends no sooner than now") {
  // a finished at 5s; b has run since 5s, drawn at 10s, but it is 20s now; c follows b (2s).
  const Dag dag = dag_of(3, {{1, 0}, {2, 1}});
  SimulationInput input =
      with_durations(&dag, {measured({99'000}), measured({10'000}), measured({2000})});
  input.progress = {{5000, 0}, {std::nullopt, 5000}, {}};
  input.now_ms = 20'000;
  const Simulation late = simulate(input);
  for (const std::int64_t end : late.end_ms) CHECK(end == 22'000);
  // Earlier, at 8s, b's draw holds: it ends at 15s, c at 17s.
  input.now_ms = 8000;
  const Simulation early = simulate(input);
  for (const std::int64_t end : early.end_ms) CHECK(end == 17'000);
  CHECK(early.criticality[1] == 1.0);
  CHECK(early.criticality[2] == 1.0);
}
