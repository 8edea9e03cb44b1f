#include "run/live_view.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cutover/plan/plan.hpp"
#include "cutover/run/questions.hpp"

namespace cutover::detail {

std::string LiveView::line(const RunState& state, UtcTime now, Duration elapsed,
                           std::chrono::steady_clock::time_point steady) {
  refresh_outlook(state, now, elapsed, steady);
  const auto done = std::count_if(state.tasks.begin(), state.tasks.end(),
                                  [](const TaskState& task) { return task.finished(); });
  const std::string busy = running(state, now, elapsed);
  std::string outlook;
  if (outlook_) {
    const RunForecast& forecast = outlook_->forecast;
    outlook = fmt::format(" | forecast end {} (P90 {})", clock(now + forecast.p50, now),
                          clock(now + forecast.p90, now));
    if (runbook_.window) {
      outlook += fmt::format(", window ends {}", clock(runbook_.window->end().utc, now));
    }
    if (const auto& gate = outlook_->next_gate) {
      outlook += fmt::format(" | no-go at {} by {}", runbook_.tasks[gate->gate].id,
                             clock(gate->no_go_deadline, now));
    }
  }
  return fmt::format("[{}/{} done]{}{}{}", done, runbook_.tasks.size(),
                     busy.empty() ? "" : " running:", busy, outlook);
}

void LiveView::refresh_outlook(const RunState& state, UtcTime now, Duration elapsed,
                               std::chrono::steady_clock::time_point steady) {
  constexpr std::size_t draws = 200'000;
  if (outlook_ && steady - outlook_->at < std::chrono::seconds(1)) return;
  std::optional<Duration> window_left;
  if (runbook_.window) window_left = runbook_.window->end().utc - now;
  if (!gates_) gates_ = gate_deadlines(runbook_, graph_.dag, make_plan(runbook_, graph_.dag));
  outlook_ = Outlook{steady,
                     forecast_run(runbook_, graph_.dag, state, elapsed.count(), window_left,
                                  run_forecast_samples(runbook_.tasks.size(), draws)),
                     next_gate(runbook_, *gates_, state)};
}

// What runs or waits, each with its time so far against its estimate; cut short on a large run
// (the line is cut to the terminal's width anyway).
std::string LiveView::running(const RunState& state, UtcTime now, Duration elapsed) const {
  std::string out;
  for (TaskIndex index = 0; index < runbook_.tasks.size() && out.size() <= 100; ++index) {
    const TaskState& task = state.tasks[index];
    if (!task.active() && task.status != TaskStatus::in_doubt) continue;
    const Task& own = runbook_.tasks[index];
    // The journal's clock and this one start a moment apart: never less than nothing.
    const Duration spent{std::max<std::int64_t>(elapsed.count() - task.started_ms.value_or(0), 0)};
    const std::string waits = task.waiting_since
                                  ? fmt::format(" (waits for {} since {})", waited_on(state, index),
                                                clock(*task.waiting_since, now))
                                  : "";
    out += fmt::format(" {} {}{}{}", own.id, format_duration(spent),
                       own.estimate ? "/" + format_duration(*own.estimate) : "", waits);
  }
  return out;
}

std::string LiveView::waited_on(const RunState& state, TaskIndex index) const {
  const auto question = open_question(runbook_, state, index, ExecutorPresence::running);
  if (question && question->waiting_for == WaitingFor::decision) return "a decision (in doubt)";
  if (!question || question->waiting_on.empty()) return "a person";
  return fmt::format("{}", fmt::join(question->waiting_on, ", "));
}

// In the window's zone (UTC without a window), with the date when it is not today's.
std::string LiveView::clock(UtcTime when, UtcTime now) const {
  return zoned_clock(when, now, runbook_.window ? runbook_.window->start.offset_minutes : 0);
}

}  // namespace cutover::detail
