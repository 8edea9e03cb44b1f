// What the executor's terminal shows: stamps, notes and the live view.

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/runbook/template.hpp"
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
  return clock_time(now_utc());
}

// The time of day in the window's zone (UTC without a window), with the date before it when
// it is not today's.
std::string Executor::clock_time(UtcTime when) const {
  const int offset = runbook_.window ? runbook_.window->start.offset_minutes : 0;
  const auto local = when + std::chrono::minutes(offset);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::hh_mm_ss of_day{std::chrono::floor<std::chrono::seconds>(local - day)};
  std::string time = fmt::format("{:02}:{:02}:{:02}", of_day.hours().count(),
                                 of_day.minutes().count(), of_day.seconds().count());
  const auto today =
      std::chrono::floor<std::chrono::days>(now_utc() + std::chrono::minutes(offset));
  if (day == today) return time;
  const std::chrono::year_month_day date{day};
  return fmt::format("{:04}-{:02}-{:02} {}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time);
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

// The live view: redrawn at most five times a second, since it looks at every task.
void Executor::show_status() {
  if (!console_live()) return;
  const SteadyTime now = runner_.now();
  // A change of state is shown at once (a rejected gate must not go on showing as waiting);
  // the clock's ticking at most five times a second.
  const bool changed = state_.last_seq != status_seq_;
  if (!changed && now - last_status_ < std::chrono::milliseconds(200)) return;
  last_status_ = now;
  status_seq_ = state_.last_seq;
  refresh_outlook();
  console_.status(status_line());
}

// The live view is redrawn often and on large runs; the forecast is drawn from fewer samples
// than `status` draws, and at most once a second.
void Executor::refresh_outlook() {
  constexpr std::size_t draws = 200'000;
  const SteadyTime now = runner_.now();
  if (outlook_ && now - outlook_->at < std::chrono::seconds(1)) return;
  std::optional<Duration> window_left;
  if (runbook_.window) window_left = runbook_.window->end().utc - now_utc();
  if (!gates_) gates_ = gate_deadlines(runbook_, graph_.dag, make_plan(runbook_, graph_.dag));
  outlook_ = Outlook{now,
                     forecast_run(runbook_, graph_.dag, state_, elapsed().count(), window_left,
                                  run_forecast_samples(runbook_.tasks.size(), draws)),
                     next_gate(runbook_, *gates_, state_)};
}

// Who a waiting task waits on, for the live view.
std::string Executor::waited_on(TaskIndex index) const {
  const auto question = open(index);
  if (question && question->waiting_for == WaitingFor::decision) return "a decision (in doubt)";
  if (!question || question->waiting_on.empty()) return "a person";
  return fmt::format("{}", fmt::join(question->waiting_on, ", "));
}

std::string Executor::status_line() const {
  std::size_t done = 0;
  std::string running;
  for (TaskIndex index = 0; index < runbook_.tasks.size(); ++index) {
    const TaskState& task = state_.tasks[index];
    done += task.finished() ? 1 : 0;
    const bool in_doubt = task.status == TaskStatus::in_doubt;
    if ((!task.active() && !in_doubt) || running.size() > 100) continue;
    const Task& own = runbook_.tasks[index];
    // The journal's clock and this one start a moment apart: never less than nothing.
    const Duration spent{
        std::max<std::int64_t>(elapsed().count() - task.started_ms.value_or(0), 0)};
    const std::string waits = task.waiting_since
                                  ? fmt::format(" (waits for {} since {})", waited_on(index),
                                                clock_time(*task.waiting_since))
                                  : "";
    running += fmt::format(" {} {}{}{}", own.id, format_duration(spent),
                           own.estimate ? "/" + format_duration(*own.estimate) : "", waits);
  }
  std::string outlook;
  if (outlook_) {
    const RunForecast& forecast = outlook_->forecast;
    outlook = fmt::format(" | forecast end {} (P90 {})", clock_time(now_utc() + forecast.p50),
                          clock_time(now_utc() + forecast.p90));
    if (runbook_.window) {
      outlook += fmt::format(", window ends {}", clock_time(runbook_.window->end().utc));
    }
    if (const auto& gate = outlook_->next_gate) {
      outlook += fmt::format(" | no-go at {} by {}", runbook_.tasks[gate->gate].id,
                             clock_time(gate->no_go_deadline));
    }
  }
  return fmt::format("[{}/{} done]{}{}{}", done, runbook_.tasks.size(),
                     running.empty() ? "" : " running:", running, outlook);
}

}  // namespace cutover::detail
