#include "cutover/run/timed_notices.hpp"

#include <fmt/format.h>

#include "cutover/plan/plan.hpp"
#include "cutover/plan/run_forecast.hpp"

namespace cutover {

namespace {

// 1.5 times the estimate: "50% past it".
std::int64_t overrun_after_ms(Duration estimate) {
  return estimate.count() + estimate.count() / 2;
}

std::string clock_of(const Runbook& runbook, UtcTime at) {
  const int offset = runbook.window ? runbook.window->start.offset_minutes : 0;
  return fmt::format("{} {}", zoned_date_time(at, offset), zone_name(offset));
}

}  // namespace

TimedNotices::TimedNotices(const Runbook& runbook, const RunGraph& graph, bool overrun,
                           bool deadline)
    : runbook_(runbook),
      graph_(graph),
      overrun_(overrun),
      overrun_told_(runbook.tasks.size(), false) {
  if (deadline && runbook.window) {
    gates_ = gate_deadlines(runbook, graph.dag, make_plan(runbook, graph.dag));
  }
}

void TimedNotices::remember(const EventBody& body) {
  std::string_view notice;
  std::string_view task;
  if (const auto* sent = std::get_if<event::NotifySent>(&body)) {
    notice = sent->notice;
    task = sent->task;
  } else if (const auto* failed = std::get_if<event::NotifyFailed>(&body)) {
    notice = failed->notice;
    task = failed->task;
  } else {
    return;
  }
  const auto index = graph_.find(task);
  if (!index) return;
  if (notice == to_string(NotifyEvent::overrun)) overrun_told_[*index] = true;
  if (notice == to_string(NotifyEvent::deadline)) {
    // The first is the warning, the second the deadline passing (one line per hook: a set).
    if (!deadline_told_.insert({*index, false}).second) deadline_told_.insert({*index, true});
  }
}

std::optional<std::int64_t> TimedNotices::overrun_at(const RunState& state, TaskIndex task) const {
  const TaskState& own = state.tasks[task];
  const auto& estimate = runbook_.tasks[task].estimate;
  if (!own.active() || overrun_told_[task] || !own.started_ms || !estimate ||
      estimate->count() <= 0) {
    return std::nullopt;
  }
  return *own.started_ms + overrun_after_ms(*estimate);
}

std::vector<Notice> TimedNotices::due(const RunState& state, std::int64_t now_ms, UtcTime now) {
  std::vector<Notice> notices;
  if (overrun_) {
    for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
      const auto at = overrun_at(state, task);
      if (!at || *at > now_ms) continue;
      overrun_told_[task] = true;
      const Task& own = runbook_.tasks[task];
      const Duration took{now_ms - *state.tasks[task].started_ms};
      Notice notice{NotifyEvent::overrun,
                    now,
                    own.id,
                    fmt::format("{}: '{}' has taken {}, estimated {}", runbook_.heading(), own.id,
                                format_duration(took), format_duration(*own.estimate)),
                    {}};
      notice.details["estimate_ms"] = own.estimate->count();
      notice.details["elapsed_ms"] = took.count();
      notices.push_back(std::move(notice));
    }
  }
  if (const auto gate = next_gate(runbook_, gates_, state)) {
    const bool passed = now >= gate->no_go_deadline;
    if (now >= gate->no_go_deadline - deadline_warning &&
        !deadline_told_.contains({gate->gate, passed})) {
      // Told that it passed, the warning is moot.
      deadline_told_.insert({gate->gate, false});
      if (passed) deadline_told_.insert({gate->gate, true});
      const std::string& id = runbook_.tasks[gate->gate].id;
      const std::string when = clock_of(runbook_, gate->no_go_deadline);
      Notice notice{NotifyEvent::deadline,
                    now,
                    id,
                    passed ? fmt::format("{}: the no-go deadline of gate '{}' ({}) has passed: "
                                         "a no-go now cannot be rolled back inside the window",
                                         runbook_.heading(), id, when)
                           : fmt::format("{}: gate '{}' must decide by {}, its no-go deadline",
                                         runbook_.heading(), id, when),
                    {}};
      notice.details["no_go_deadline"] = format_utc_ms(gate->no_go_deadline);
      notice.details["passed"] = passed;
      notices.push_back(std::move(notice));
    }
  }
  return notices;
}

TimedNotices::Next TimedNotices::next(const RunState& state) const {
  Next next;
  if (overrun_) {
    for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
      const auto at = overrun_at(state, task);
      if (at && (!next.elapsed_ms || *at < *next.elapsed_ms)) next.elapsed_ms = at;
    }
  }
  if (const auto gate = next_gate(runbook_, gates_, state)) {
    if (!deadline_told_.contains({gate->gate, false})) {
      next.at = gate->no_go_deadline - deadline_warning;
    } else if (!deadline_told_.contains({gate->gate, true})) {
      next.at = gate->no_go_deadline;
    }
  }
  return next;
}

}  // namespace cutover
