#include "cutover/base/clock.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace cutover;

TEST_CASE("system_clocks is one instance for the whole process") {
  CHECK(&system_clocks() == &system_clocks());
}

TEST_CASE("system_clocks: utc_now is the machine's wall time to the millisecond") {
  using namespace std::chrono;
  const auto before = floor<milliseconds>(system_clock::now());
  const UtcTime now = system_clocks().utc_now();
  const auto after = system_clock::now();
  CHECK(now >= before);
  // Cut to whole milliseconds, never rounded up past the moment it was read.
  CHECK(now <= after);
}

TEST_CASE("system_clocks: steady_now is the machine's monotonic clock") {
  using namespace std::chrono;
  const auto before = steady_clock::now();
  const auto first = system_clocks().steady_now();
  std::this_thread::sleep_for(milliseconds(5));
  const auto second = system_clocks().steady_now();
  const auto after = steady_clock::now();
  CHECK(first >= before);
  CHECK(second <= after);
  CHECK(second - first >= milliseconds(5));
}
