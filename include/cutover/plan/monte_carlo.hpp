#pragma once
// The Monte-Carlo forecast of SPEC §4: the DAG run many times over with drawn durations and
// unlimited parallelism (as `plan` assumes), giving the distribution of the end, the chance
// of fitting the window and how often each task is critical. Pure and reproducible: the same
// seed gives the same numbers on every machine (its own generator and distributions, not
// libstdc++'s, whose distributions are not specified across versions). docs/forecast.md says
// what the numbers mean.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "cutover/plan/graph.hpp"

namespace cutover {

// How a task's duration is drawn, in milliseconds: one of the measurements, uniformly, when
// there are some; otherwise a triangular distribution from 0.8x to 1.5x the estimate, most
// likely the estimate itself (0 without an estimate).
struct DurationModel {
  std::vector<std::int64_t> measured_ms;
  std::int64_t estimate_ms = 0;
};

// What is known of a task in a run that goes on (status, the live view); nothing for a plan.
struct TaskProgress {
  std::optional<std::int64_t> finished_ms;  // ended there
  std::optional<std::int64_t> started_ms;   // running since: it ends no sooner than now
};

struct SimulationInput {
  const Dag* dag = nullptr;               // acyclic
  std::vector<DurationModel> durations;   // by task index
  std::vector<TaskProgress> progress;     // by task index, or empty for none
  std::int64_t now_ms = 0;                // nothing starts before this
  std::optional<std::int64_t> window_ms;  // the window's end, from the same origin
  std::size_t samples = 10'000;
  std::uint64_t seed = 1;
};

inline constexpr std::array<int, 5> forecast_percentiles = {50, 80, 90, 95, 99};

struct Simulation {
  std::size_t samples = 0;
  std::array<std::int64_t, 5> end_ms{};  // at each of forecast_percentiles (nearest rank)
  std::optional<double> p_fit;           // share of samples ending inside the window
  // Per task: the share of samples in which it is on the critical path (found backwards from
  // the task that ends last through, at each step, the dependency that ended last), and the
  // share in which it is that last task.
  std::vector<double> criticality;
  std::vector<double> ends_last;

  // end_ms at one of forecast_percentiles.
  std::int64_t end_at(int percentile) const {
    for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
      if (forecast_percentiles[i] == percentile) return end_ms[i];
    }
    return end_ms.back();
  }
};

// `samples` must be at least 1.
Simulation simulate(const SimulationInput& input);

// The generator and the draws, exposed for their tests: splitmix64-seeded xoshiro256**, whose
// output is fixed by its published algorithm.
class Random {
 public:
  explicit Random(std::uint64_t seed);
  std::uint64_t next();
  double uniform();                          // [0, 1), 53 bits
  std::uint64_t below(std::uint64_t bound);  // [0, bound), unbiased; bound > 0
  std::int64_t draw(const DurationModel& model);

 private:
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace cutover
