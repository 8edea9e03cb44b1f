#pragma once
// Wall time for timestamps, monotonic time for durations, behind one interface so that tests
// can set both.

#include <chrono>

#include "cutover/base/time.hpp"

namespace cutover {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UtcTime utc_now() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

// The machine's clocks.
const Clock& system_clocks();

}  // namespace cutover
