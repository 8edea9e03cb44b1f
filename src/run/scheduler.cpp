#include "cutover/run/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cutover/run/questions.hpp"

namespace cutover {

namespace {

bool has_rollback(const Runbook& runbook, TaskIndex task) {
  return runbook.tasks[task].rollback.has_value();
}

// A task in doubt that has a rollback step, or a rollback step in doubt: a person must say
// whether it happened before the rollback can go past it.
bool rollback_waits_on_person(const Runbook& runbook, const TaskState& task, TaskIndex index) {
  return (task.status == TaskStatus::in_doubt && has_rollback(runbook, index)) ||
         task.rollback == RollbackStatus::in_doubt;
}

bool all_finished(const RunState& state) {
  return std::all_of(state.tasks.begin(), state.tasks.end(),
                     [](const TaskState& task) { return task.finished(); });
}

std::vector<Action> start_ready_tasks(const RunGraph& graph, const RunState& state,
                                      const SchedulerOptions& options) {
  std::vector<Action> actions;
  // People are not a limited resource here: every ready manual task is put to them at once.
  for (const std::size_t rank : state.ready_people)
    actions.emplace_back(StartTask{graph.by_rank[rank]});
  std::size_t slots =
      options.jobs > state.active_automated ? options.jobs - state.active_automated : 0;
  for (auto it = state.ready_automated.begin(); slots > 0 && it != state.ready_automated.end();
       ++it, --slots) {
    actions.emplace_back(StartTask{graph.by_rank[*it]});
  }
  return actions;
}

std::vector<Action> decide_running(const Runbook& runbook, const RunGraph& graph,
                                   const RunState& state, const SchedulerOptions& options) {
  if (state.first_failure) {
    const Task& failed = runbook.tasks[*state.first_failure];
    StopRun stop{fmt::format("task {} failed", failed.id)};
    if (failed.on_failure == OnFailure::rollback) {
      stop.rollback = !state.point_of_no_return_passed;
      stop.fix_forward = state.point_of_no_return_passed;
    }
    std::vector<Action> actions;
    actions.emplace_back(std::move(stop));
    return actions;
  }
  std::vector<Action> actions = start_ready_tasks(graph, state, options);
  if (actions.empty() && !state.anything_active() && all_finished(state)) {
    actions.push_back(FinishRun{RunOutcome::succeeded});
  }
  // Otherwise, with nothing active, a task in doubt (interrupted, or started before a crash)
  // holds back what depends on it until a person decides: the run waits.
  return actions;
}

std::vector<Action> decide_draining(const RunState& state) {
  const bool people_hold = !state.terminating;
  if (state.active_automated + state.rollback_active_automated > 0) return {};
  if (people_hold && state.active_people + state.rollback_active_people > 0) return {};
  if (state.interrupted) return {FinishRun{RunOutcome::interrupted}};
  if (state.rollback_wanted) return {BeginRollback{}};
  return {FinishRun{RunOutcome::failed}};
}

std::vector<Action> decide_rolling_back(const Runbook& runbook, const RunGraph& graph,
                                        const RunState& state, const SchedulerOptions& options) {
  // Terminated while rolling back: it ends once its commands have; a person's step stays open.
  if (state.terminating) {
    if (state.rollback_active_automated > 0) return {};
    return {FinishRun{RunOutcome::interrupted}};
  }
  std::vector<Action> actions;
  if (!state.rollback_step_failed) {
    std::size_t slots = options.jobs > state.rollback_active_automated
                            ? options.jobs - state.rollback_active_automated
                            : 0;
    for (const TaskIndex task : rollback_candidates(runbook, graph, state)) {
      if (state.people_undo(runbook, task)) {
        actions.push_back(StartRollbackStep{task});
      } else if (slots > 0) {
        actions.push_back(StartRollbackStep{task});
        --slots;
      }
    }
  }
  if (actions.empty() && !state.anything_active()) {
    if (state.rollback_step_failed) return {FinishRun{RunOutcome::rollback_failed}};
    for (TaskIndex task = 0; task < state.tasks.size(); ++task) {
      if (rollback_waits_on_person(runbook, state.tasks[task], task)) return {};
    }
    actions.push_back(FinishRun{RunOutcome::rolled_back});
  }
  return actions;
}

}  // namespace

std::vector<TaskIndex> rollback_candidates(const Runbook& runbook, const RunGraph& graph,
                                           const RunState& state) {
  const std::size_t count = runbook.tasks.size();
  // clear[t]: t and everything after it need no more rolling back.
  std::vector<char> clear(count, 0);
  std::vector<TaskIndex> candidates;
  for (auto it = graph.dag.order.rbegin(); it != graph.dag.order.rend(); ++it) {
    const TaskIndex task = *it;
    bool dependents_clear = true;
    for (const TaskIndex dependent : graph.dag.dependents[task]) {
      dependents_clear = dependents_clear && clear[dependent];
    }
    const TaskState& own = state.tasks[task];
    const bool needs_rollback = own.status == TaskStatus::succeeded && has_rollback(runbook, task);
    const bool own_clear = (!needs_rollback || own.rollback == RollbackStatus::succeeded) &&
                           !rollback_waits_on_person(runbook, own, task);
    clear[task] = dependents_clear && own_clear;
    if (needs_rollback && own.rollback == RollbackStatus::none && dependents_clear) {
      candidates.push_back(task);
    }
  }
  return candidates;
}

std::vector<Action> decide(const Runbook& runbook, const RunGraph& graph, const RunState& state,
                           const SchedulerOptions& options) {
  switch (state.phase) {
    case RunPhase::running:
      return decide_running(runbook, graph, state, options);
    case RunPhase::draining:
      return decide_draining(state);
    case RunPhase::rolling_back:
      return decide_rolling_back(runbook, graph, state, options);
    case RunPhase::finished:
      return {};
  }
  return {};
}

std::optional<NextAttempt> next_task_attempt(const Task& task, int attempt, int attempts_before,
                                             bool terminating) {
  if (terminating || attempt - attempts_before > task.retries) return std::nullopt;
  return NextAttempt{attempt + 1, task.retry_delay};
}

std::optional<NextAttempt> next_check_poll(const GateCheck& check, int attempt, bool terminated) {
  if (terminated || attempt > check.retries) return std::nullopt;
  return NextAttempt{attempt + 1, check.retry_delay};
}

bool approvals_complete(const Runbook& runbook, const RunState& state, TaskIndex task) {
  return missing_approvals(runbook, state, task).empty();
}

}  // namespace cutover
