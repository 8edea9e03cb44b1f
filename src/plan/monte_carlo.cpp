#include "cutover/plan/monte_carlo.hpp"

#include <algorithm>
#include <cmath>

namespace cutover {

namespace {

std::uint64_t rotate_left(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Triangular from 0.8x to 1.5x the estimate, mode at the estimate, by its inverse CDF.
double triangular(double estimate, double u) {
  const double low = 0.8 * estimate;
  const double high = 1.5 * estimate;
  const double below_mode = (estimate - low) / (high - low);
  if (u < below_mode) return low + std::sqrt(u * (high - low) * (estimate - low));
  return high - std::sqrt((1 - u) * (high - low) * (high - estimate));
}

std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, int p) {
  const auto n = static_cast<long long>(sorted.size());
  const long long rank = std::max(1LL, (static_cast<long long>(p) * n + 99) / 100);
  return sorted[static_cast<std::size_t>(std::min(rank, n) - 1)];
}

}  // namespace

Random::Random(std::uint64_t seed) {
  for (std::uint64_t& word : state_) word = splitmix64(seed);
}

std::uint64_t Random::next() {
  const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

double Random::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

std::uint64_t Random::below(std::uint64_t bound) {
  // Rejects the top values that would make some results likelier than others.
  const std::uint64_t limit = -bound % bound;  // 2^64 mod bound
  for (;;) {
    const std::uint64_t x = next();
    if (x >= limit) return x % bound;
  }
}

std::int64_t Random::draw(const DurationModel& model) {
  if (!model.measured_ms.empty()) return model.measured_ms[below(model.measured_ms.size())];
  if (model.estimate_ms <= 0) return 0;
  return std::llround(triangular(static_cast<double>(model.estimate_ms), uniform()));
}

Simulation simulate(const SimulationInput& input) {
  const Dag& dag = *input.dag;
  const std::size_t count = dag.order.size();
  Simulation result;
  result.samples = input.samples;
  result.criticality.assign(count, 0.0);
  result.ends_last.assign(count, 0.0);
  std::vector<std::size_t> critical(count, 0);
  std::vector<std::size_t> last(count, 0);
  std::vector<std::int64_t> start(count, 0);
  std::vector<std::int64_t> end(count, 0);
  std::vector<std::int64_t> sample_ends;
  sample_ends.reserve(input.samples);
  Random random(input.seed);
  const auto progress = [&](TaskIndex task) -> const TaskProgress* {
    return input.progress.empty() ? nullptr : &input.progress[task];
  };
  for (std::size_t sample = 0; sample < input.samples; ++sample) {
    std::int64_t finish = input.now_ms;
    std::optional<TaskIndex> latest;
    for (const TaskIndex task : dag.order) {
      // Every task draws, finished or not, so that a seed's draws do not depend on progress.
      const std::int64_t drawn = random.draw(input.durations[task]);
      const TaskProgress* known = progress(task);
      if (known && known->finished_ms) {
        start[task] = known->started_ms.value_or(*known->finished_ms);
        end[task] = *known->finished_ms;
      } else if (known && known->started_ms) {
        start[task] = *known->started_ms;
        end[task] = std::max(*known->started_ms + drawn, input.now_ms);
      } else {
        std::int64_t ready = input.now_ms;
        for (const TaskIndex dependency : dag.dependencies[task]) {
          ready = std::max(ready, end[dependency]);
        }
        start[task] = ready;
        end[task] = ready + drawn;
      }
      if (!latest || end[task] > finish) {
        finish = std::max(finish, end[task]);
        latest = task;
      }
    }
    sample_ends.push_back(finish);
    if (!latest) continue;
    ++last[*latest];
    // Backwards through the dependency that ended last, while it set the start.
    for (TaskIndex task = *latest;;) {
      ++critical[task];
      std::optional<TaskIndex> before;
      for (const TaskIndex dependency : dag.dependencies[task]) {
        if (end[dependency] == start[task] && (!before || end[dependency] > end[*before])) {
          before = dependency;
        }
      }
      if (!before) break;
      task = *before;
    }
  }
  const double samples = static_cast<double>(input.samples);
  for (std::size_t task = 0; task < count; ++task) {
    result.criticality[task] = static_cast<double>(critical[task]) / samples;
    result.ends_last[task] = static_cast<double>(last[task]) / samples;
  }
  if (input.window_ms) {
    const auto fits =
        std::count_if(sample_ends.begin(), sample_ends.end(),
                      [&](std::int64_t end_ms) { return end_ms <= *input.window_ms; });
    result.p_fit = static_cast<double>(fits) / samples;
  }
  std::sort(sample_ends.begin(), sample_ends.end());
  for (std::size_t i = 0; i < forecast_percentiles.size(); ++i) {
    result.end_ms[i] =
        sample_ends.empty() ? input.now_ms : nearest_rank(sample_ends, forecast_percentiles[i]);
  }
  return result;
}

}  // namespace cutover
