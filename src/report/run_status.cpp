#include "cutover/report/run_status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "cutover/plan/run_forecast.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/lifecycle.hpp"
#include "cutover/run/task_output.hpp"
#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

namespace {

// The run's last event by the clock; what is said about it afterwards (a notify hook's attempt,
// a sign-off) does not count (RunState::last_event_at).
UtcTime last_heard_of(const Journal& journal, const RunState& state) {
  return state.last_event_at.value_or(journal.header.time);
}

// A status is drawn once, but may be of a 10,000-task run: about 2M task draws.
constexpr std::size_t forecast_draws = 2'000'000;

StatusForecast forecast_of(const Runbook& runbook, const Dag& dag, const RunState& state,
                           const RunStatus& status, std::int64_t now_ms) {
  // A task cut off by a crash runs again or is decided by a person before anything after it
  // starts: all of it is still ahead.
  RunState ahead = state;
  for (const TaskStatusView& view : status.tasks) {
    if (view.in_doubt) ahead.tasks[view.index].status = TaskStatus::in_doubt;
  }
  std::optional<Duration> window_left;
  if (runbook.window) window_left = runbook.window->end().utc - status.now;
  const RunForecast run = forecast_run(runbook, dag, ahead, now_ms, window_left,
                                       run_forecast_samples(runbook.tasks.size(), forecast_draws));
  StatusForecast forecast;
  forecast.samples = run.samples;
  forecast.p50_remaining = run.p50;
  forecast.p90_remaining = run.p90;
  forecast.p50_end = status.now + run.p50;
  forecast.p90_end = status.now + run.p90;
  if (runbook.window) forecast.window_end = runbook.window->end();
  forecast.p_fit = run.p_fit;
  return forecast;
}

std::optional<StatusGate> next_gate_of(const Runbook& runbook, const Dag& dag,
                                       const RunState& state, UtcTime now) {
  if (!runbook.window) return std::nullopt;
  const auto gate =
      next_gate(runbook, gate_deadlines(runbook, dag, make_plan(runbook, dag)), state);
  if (!gate) return std::nullopt;
  return StatusGate{runbook.tasks[gate->gate].id, gate->no_go_deadline, gate->no_go_deadline - now};
}

}  // namespace

std::int64_t status_now_ms(const Journal& journal, const RunState& state, UtcTime now) {
  const auto since_last = (now - last_heard_of(journal, state)).count();
  return state.last_elapsed_ms + std::max<std::int64_t>(since_last, 0);
}

RunStatus make_run_status(const std::string& run_dir, const Runbook& runbook, const RunGraph& graph,
                          const Journal& journal, const RunState& state, UtcTime now,
                          const std::optional<LockHolder>& executor) {
  RunStatus status;
  status.run_dir = run_dir;
  status.run_id = journal.header.run_id;
  status.label = journal.header.label;
  status.runbook_id = runbook.id;
  status.started_by = journal.header.user;
  status.started_host = journal.header.host;
  status.started = journal.header.time;
  status.now = now;
  status.zone_offset_minutes = runbook.window ? runbook.window->start.offset_minutes : 0;
  status.phase = state.phase;
  status.outcome = state.outcome;
  status.stop_reason = state.stop_reason;
  status.interrupted = state.interrupted;
  status.point_of_no_return_passed = state.point_of_no_return_passed;
  status.track = state.track;
  status.executor = executor;
  status.warning = journal.warning;
  status.next_step = next_step(runbook, state, shell_word(run_dir));
  status.take_up = take_up_command(runbook, state, shell_word(run_dir));
  status.signoffs = state.signoffs;
  status.go_live = journal.header.go_live;

  const bool finished = state.phase == RunPhase::finished;
  const std::int64_t now_ms = finished ? state.last_elapsed_ms : status_now_ms(journal, state, now);
  status.last_event = last_heard_of(journal, state);
  if (finished) status.finished = last_heard_of(journal, state);
  status.elapsed = std::max(status.finished.value_or(now) - journal.header.time, Duration{0});
  status.executor_down = state.executor_down;

  for (const JournalEvent& event : journal.events) {
    if (const auto* refusal = event.as<event::DecisionRefused>()) {
      status.refused.push_back({event.time, *refusal});
    }
  }
  constexpr std::size_t refusals_shown = 10;
  if (status.refused.size() > refusals_shown) {
    status.refused.erase(status.refused.begin(), status.refused.end() - refusals_shown);
  }
  status.counts.total = runbook.tasks.size();
  status.tasks.reserve(runbook.tasks.size());
  for (TaskIndex index = 0; index < runbook.tasks.size(); ++index) {
    const Task& task = runbook.tasks[index];
    const TaskState& own = state.tasks[index];
    TaskStatusView view;
    view.index = index;
    view.id = task.id;
    view.kind = kind_name(task.kind);
    view.status = own.status;
    view.between_attempts = own.between_attempts && own.status == TaskStatus::running;
    view.attempts = own.attempts;
    view.estimate = task.estimate;
    view.reason = own.reason;
    view.rollback = own.rollback;
    const bool ended = own.finished() || own.status == TaskStatus::in_doubt;
    if (own.status != TaskStatus::pending) view.started = own.started_at;
    if (ended) view.finished = own.finished_at;

    const ExecutorPresence presence =
        executor ? ExecutorPresence::running : ExecutorPresence::absent;
    view.in_doubt = task_in_doubt(own, presence);
    const bool crashed_running = view.in_doubt && own.status == TaskStatus::running;

    if (own.started_at && own.status != TaskStatus::pending) {
      UtcTime until = now;
      if (ended && own.finished_at) until = *own.finished_at;
      if (crashed_running) until = status.last_event;
      view.elapsed = std::max(until - *own.started_at, Duration{0});
      view.overrun = task.estimate && *view.elapsed > *task.estimate;
    }

    if (const auto question = open_question(runbook, state, index, presence)) {
      view.waiting_for = question->waiting_for;
      view.waiting_on = question->waiting_on;
      view.since = question->since;
      const bool undecided = question->waiting_for == WaitingFor::decision ||
                             question->waiting_for == WaitingFor::rollback_decision;
      if (!view.since && undecided) view.since = last_heard_of(journal, state);
      view.resume_reruns = question->resume_settles;
      view.commands = answer_commands(runbook, *question, run_dir);
      if (question->waiting_for == WaitingFor::approval) view.holds = own.holds;
    }
    view.rollback_in_doubt = rollback_step_in_doubt(runbook, state, index, presence);

    StatusCounts& counts = status.counts;
    switch (own.status) {
      case TaskStatus::pending:
        ++counts.pending;
        break;
      case TaskStatus::running:
        ++counts.running;
        break;
      case TaskStatus::waiting:
        ++counts.waiting;
        break;
      case TaskStatus::succeeded:
        ++counts.succeeded;
        break;
      case TaskStatus::failed:
        ++counts.failed;
        break;
      case TaskStatus::skipped:
        ++counts.skipped;
        break;
      case TaskStatus::in_doubt:
        ++counts.interrupted;
        break;
    }
    if (view.in_doubt) ++counts.in_doubt;
    status.tasks.push_back(std::move(view));
  }
  status.counts.done = status.counts.succeeded + status.counts.skipped;

  // A forecast only while the run starts tasks: a stopping or rolling-back run has no
  // estimates for what it does, and a finished one has a duration instead.
  if (state.phase == RunPhase::running) {
    status.forecast = forecast_of(runbook, graph.dag, state, status, now_ms);
    status.next_gate = next_gate_of(runbook, graph.dag, state, now);
  }
  return status;
}

RunStatus make_run_status(const RecordedRun& run, const std::vector<InboxItem>& inbox, UtcTime now,
                          const std::optional<LockHolder>& executor) {
  RunStatus status = make_run_status(run.dir.string(), *run.runbook, run.graph, run.journal,
                                     run.state, now, executor);
  for (const InboxItem& item : inbox) {
    const auto* decision = std::get_if<Decision>(&item.content);
    if (decision && !run.state.decisions.contains(decision->id)) status.queued.push_back(*decision);
  }
  return status;
}

void read_status_log_tails(RunStatus& status, const std::filesystem::path& run_dir) {
  for (TaskStatusView& task : status.tasks) {
    const bool running_over = task.status == TaskStatus::running && task.overrun;
    if (task.status != TaskStatus::failed && !running_over) continue;
    task.log_tail = read_log_tail(run_dir, task.id, status_log_tail_lines);
    if (!task.log_tail.empty()) task.log_path = task_log_path(run_dir, task.id).string();
  }
}

}  // namespace cutover
