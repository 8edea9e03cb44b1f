#include "cutover/report/estimates.hpp"

#include <algorithm>

namespace cutover {

namespace {

Duration round_up_to(Duration value, Duration step) {
  const auto steps = (value.count() + step.count() - 1) / step.count();
  return Duration{steps * step.count()};
}

}  // namespace

std::optional<Duration> percentile(std::vector<Duration> measured, int p) {
  if (measured.empty()) return std::nullopt;
  std::sort(measured.begin(), measured.end());
  const auto n = static_cast<long long>(measured.size());
  // Nearest rank: ceil(p / 100 * n), at least the first.
  const long long rank = std::max(1LL, (static_cast<long long>(p) * n + 99) / 100);
  return measured[static_cast<std::size_t>(std::min(rank, n) - 1)];
}

Duration round_up_estimate(Duration value) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  if (value <= Duration::zero()) return seconds(1);
  if (value <= minutes(1)) return std::max<Duration>(round_up_to(value, seconds(1)), seconds(1));
  if (value <= hours(1)) return round_up_to(value, minutes(1));
  return round_up_to(value, minutes(5));
}

std::optional<Duration> suggest_estimate(const std::vector<Duration>& measured, int p) {
  const auto value = percentile(measured, p);
  if (!value) return std::nullopt;
  return round_up_estimate(*value);
}

}  // namespace cutover
