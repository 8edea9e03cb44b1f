#include "cutover/base/clock.hpp"

namespace cutover {

namespace {

class SystemClocks final : public Clock {
 public:
  UtcTime utc_now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const Clock& system_clocks() {
  static const SystemClocks clocks;
  return clocks;
}

}  // namespace cutover
