// What the executor's terminal shows: stamps, notes and the live view.

#include <fmt/format.h>

#include "run/executor_loop.hpp"

namespace cutover::detail {

UtcTime Executor::now_utc() const {
  return setup_.clock->utc_now();
}

Duration Executor::elapsed() const {
  return std::chrono::duration_cast<Duration>(runner_.now() - run_start_);
}

// When, as a person reads it: the simulated offset in a dry run, else the time of day in
// the window's zone (UTC without a window).
std::string Executor::stamp() const {
  if (options_.dry_run) return format_offset(elapsed());
  return zoned_clock(now_utc(), now_utc(),
                     runbook_.window ? runbook_.window->start.offset_minutes : 0);
}

std::string Executor::estimate_note(const Task& task) const {
  return task.estimate ? fmt::format(" (estimate {})", format_duration(*task.estimate)) : "";
}

void Executor::note(std::string_view line) {
  console_.note(line);
}

bool Executor::console_live() const {
  return options_.live_view;
}

// The live view: a change of state is shown at once (a rejected gate must not go on showing as
// waiting); the clock's ticking at most five times a second, since the line looks at every task.
void Executor::show_status() {
  if (!console_live()) return;
  const SteadyTime now = runner_.now();
  const bool changed = state_.last_seq != status_seq_;
  if (!changed && now - last_status_ < std::chrono::milliseconds(200)) return;
  last_status_ = now;
  status_seq_ = state_.last_seq;
  console_.status(live_view_.line(state_, now_utc(), elapsed(), now));
}

}  // namespace cutover::detail
