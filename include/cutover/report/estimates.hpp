#pragma once
// Estimates learned from rehearsals (SPEC §4): one function for `report` comparisons and
// `cutover estimates`, so both suggest the same number.

#include <optional>
#include <vector>

#include "cutover/base/time.hpp"

namespace cutover {

inline constexpr int default_estimate_percentile = 80;

// The P-th percentile (1..100) of the measurements by nearest rank: the smallest value with at
// least P% of the measurements at or below it. Nothing for no measurements.
std::optional<Duration> percentile(std::vector<Duration> measured, int p);

// Rounded up to a duration people write: whole seconds below 1m, whole minutes below 1h,
// then 5-minute steps. Never below 1s.
Duration round_up_estimate(Duration value);

// round_up_estimate of the P-th percentile.
std::optional<Duration> suggest_estimate(const std::vector<Duration>& measured,
                                         int p = default_estimate_percentile);

}  // namespace cutover
