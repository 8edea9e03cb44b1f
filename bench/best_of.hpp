#pragma once
// The timing of the bench programs that time stages inside one process.

#include <algorithm>
#include <chrono>

namespace cutover::bench {

// The best wall time of `repeats` calls of `work`, in seconds.
template <typename F>
double best_seconds(int repeats, F&& work) {
  double best = 1e9;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace cutover::bench
