#include "cutover/run/run_state.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <numeric>

#include "cutover/base/errors.hpp"

namespace cutover {

std::string_view to_string(RollbackStatus rollback) {
  switch (rollback) {
    case RollbackStatus::none:
      return "none";
    case RollbackStatus::running:
      return "running";
    case RollbackStatus::succeeded:
      return "succeeded";
    case RollbackStatus::failed:
      return "failed";
    case RollbackStatus::in_doubt:
      return "in_doubt";
  }
  return "none";
}

std::string_view to_string(RunPhase phase) {
  switch (phase) {
    case RunPhase::running:
      return "running";
    case RunPhase::draining:
      return "draining";
    case RunPhase::rolling_back:
      return "rolling_back";
    case RunPhase::finished:
      return "finished";
  }
  return "running";
}

int exit_code_of(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::succeeded:
      return exit_success;
    case RunOutcome::failed:
    case RunOutcome::rolled_back:
      return exit_run_failed;
    case RunOutcome::rollback_failed:
      return exit_rollback_failed;
    case RunOutcome::interrupted:
      return exit_interrupted;
  }
  return exit_run_failed;
}

RunGraph make_run_graph(const Runbook& runbook) {
  RunGraph graph;
  graph.dag = build_dag(runbook);
  const std::size_t count = runbook.tasks.size();
  graph.remaining.assign(count, Duration{0});
  // Reverse topological order: every dependent's remaining path is known before its
  // dependencies'.
  for (auto it = graph.dag.order.rbegin(); it != graph.dag.order.rend(); ++it) {
    Duration longest_after{0};
    for (const TaskIndex dependent : graph.dag.dependents[*it]) {
      longest_after = std::max(longest_after, graph.remaining[dependent]);
    }
    graph.remaining[*it] = runbook.tasks[*it].estimate.value_or(Duration{0}) + longest_after;
  }
  // Longest remaining path first; among equals, file order (a task and its dependency are
  // never ready together, so nothing finer is needed).
  graph.by_rank.resize(count);
  std::iota(graph.by_rank.begin(), graph.by_rank.end(), TaskIndex{0});
  std::stable_sort(graph.by_rank.begin(), graph.by_rank.end(), [&](TaskIndex a, TaskIndex b) {
    return graph.remaining[a] > graph.remaining[b];
  });
  graph.index.reserve(count);
  for (TaskIndex i = 0; i < count; ++i) graph.index.emplace(runbook.tasks[i].id, i);
  graph.rank.resize(count);
  for (std::size_t r = 0; r < count; ++r) graph.rank[graph.by_rank[r]] = r;
  return graph;
}

std::optional<TaskIndex> RunGraph::find(std::string_view id) const {
  const auto it = index.find(id);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

namespace {

void make_ready(RunState& state, const Runbook& runbook, const RunGraph& graph, TaskIndex task) {
  auto& ready = state.people_do(runbook, task) ? state.ready_people : state.ready_automated;
  ready.insert(graph.rank[task]);
}

void make_unready(RunState& state, const RunGraph& graph, TaskIndex task) {
  state.ready_automated.erase(graph.rank[task]);
  state.ready_people.erase(graph.rank[task]);
}

// A task that succeeded, was skipped, or failed with `continue` lets its dependents go.
void release_dependents(RunState& state, const Runbook& runbook, const RunGraph& graph,
                        TaskIndex task) {
  for (const TaskIndex dependent : graph.dag.dependents[task]) {
    if (--state.unmet[dependent] == 0 && state.tasks[dependent].status == TaskStatus::pending) {
      make_ready(state, runbook, graph, dependent);
    }
  }
}

// Applies one event to the state: one operator() per event type that changes it.
class EventApplier {
 public:
  EventApplier(RunState& state, const Runbook& runbook, const RunGraph& graph,
               const JournalEvent& event)
      : state_(state), runbook_(runbook), graph_(graph), event_(event) {}

  // Track mode: people do everything, so every ready task is theirs.
  void operator()(const event::RunStarted& e) {
    if (!e.track) return;
    state_.track = true;
    state_.ready_people.merge(state_.ready_automated);
  }

  // An executor takes the run over after a crash, an interrupt or a stop. Unless it continues
  // a rollback (or one the failure policy asked for), the run goes back to starting tasks.
  void operator()(const event::RunResumed&) {
    state_.outcome.reset();
    const bool rollback_asked = state_.rolling_back();
    // The new executor's first Ctrl-C drains, whatever the last one was told.
    state_.interrupted = false;
    state_.terminating = false;
    if (state_.rollback_performed) {
      state_.phase = RunPhase::rolling_back;
      return;
    }
    if (rollback_asked) return;
    state_.phase = RunPhase::running;
    state_.stop_reason.clear();
    state_.rollback_wanted = false;
  }

  void operator()(const event::TaskReset& e) {
    const TaskIndex index = task_index(e.task);
    if (e.rollback) return reset_rollback_step(index);
    reset_task(index);
  }

  // `resume` found the task (or its rollback step) started and unfinished: it runs again, or
  // waits for a person.
  void operator()(const event::TaskInDoubt& e) {
    const TaskIndex index = task_index(e.task);
    TaskState& task = state_.tasks[index];
    if (e.rollback) {
      if (e.rerun) return reset_rollback_step(index);
      leave_rollback_active(index);
      task.rollback = RollbackStatus::in_doubt;
      return;
    }
    // Approvals given while the gate was in doubt stand: its checks run again, and only the
    // approvers not yet heard from are asked.
    if (e.rerun) return reset_task(index, Approvals::keep);
    leave_active(index);
    task.status = TaskStatus::in_doubt;
    task.waiting_since = event_.time;
  }

  void operator()(const event::TaskStarted& e) {
    const TaskIndex index = task_index(e.task);
    TaskState& task = state_.tasks[index];
    task.attempts = e.attempt > 0 ? e.attempt : task.attempts + 1;
    task.between_attempts = false;
    if (task.status != TaskStatus::pending && task.status != TaskStatus::in_doubt) return;
    make_unready(state_, graph_, index);
    const bool people = state_.people_do(runbook_, index);
    task.status = people ? TaskStatus::waiting : TaskStatus::running;
    ++(people ? state_.active_people : state_.active_automated);
    if (people) task.waiting_since = event_.time;
    if (!task.started_ms) {
      task.started_ms = event_.elapsed_ms;
      task.started_at = event_.time;
    }
    if (runbook_.tasks[index].point_of_no_return) state_.point_of_no_return_passed = true;
  }

  // Only a task's own attempts: a gate check's or a rollback step's process has a purpose.
  void operator()(const event::ProcessStarted& e) {
    if (!e.purpose.empty()) return;
    state_.tasks[task_index(e.task)].pid = e.pid;
  }

  void operator()(const event::AttemptFailed& e) {
    TaskState& task = state_.tasks[task_index(e.task)];
    task.reason = e.reason;
    task.between_attempts = true;
  }

  void operator()(const event::GateWaiting& e) {
    TaskState& task = state_.tasks[task_index(e.task)];
    if (task.status != TaskStatus::running) return;
    task.status = TaskStatus::waiting;
    task.waiting_since = event_.time;
    --state_.active_automated;
    ++state_.active_people;
  }

  void operator()(const event::GateApproved& e) {
    TaskState& task = state_.tasks[task_index(e.task)];
    task.approved_by.push_back(e.approver);
    std::erase_if(task.holds, [&](const GateHold& hold) { return hold.approver == e.approver; });
  }

  void operator()(const event::GateHeld& e) {
    TaskState& task = state_.tasks[task_index(e.task)];
    std::erase_if(task.holds, [&](const GateHold& hold) { return hold.approver == e.approver; });
    task.holds.push_back(GateHold{e.approver, e.person.note, event_.time});
  }

  void operator()(const event::GateRejected& e) {
    state_.tasks[task_index(e.task)].by = e.person.by;
  }

  void operator()(const event::TaskFinished& e) {
    const TaskIndex index = task_index(e.task);
    TaskState& task = state_.tasks[index];
    const TaskStatus status = e.status;
    if (status == TaskStatus::pending || status == TaskStatus::running ||
        status == TaskStatus::waiting) {
      return;  // not an end: a journal edited by hand
    }
    leave_active(index);
    make_unready(state_, graph_, index);  // a person may finish a task that never started
    // A person may settle a task that failed and stopped the run ("fixed by hand").
    if (state_.first_failure == index) state_.first_failure.reset();
    task.status = status;
    task.between_attempts = false;
    task.waiting_since.reset();
    task.finished_ms = event_.elapsed_ms;
    task.finished_at = event_.time;
    task.reason = e.reason;
    task.person_verdict = e.person.has_value();
    if (e.person && !e.person->by.empty()) task.by = e.person->by;
    const OnFailure policy = runbook_.tasks[index].on_failure;
    const bool lets_dependents_go =
        status == TaskStatus::succeeded || status == TaskStatus::skipped ||
        (status == TaskStatus::failed && policy == OnFailure::continue_);
    if (lets_dependents_go) {
      release_dependents(state_, runbook_, graph_, index);
    } else if (status == TaskStatus::failed && !state_.first_failure) {
      state_.first_failure = index;
    }
  }

  void operator()(const event::RunStopping& e) {
    state_.phase = RunPhase::draining;
    state_.stop_reason = e.reason;
    state_.rollback_wanted = e.rollback;
    if (e.interrupt) state_.interrupted = true;
  }

  void operator()(const event::RollbackStarted&) {
    state_.phase = RunPhase::rolling_back;
    state_.rollback_performed = true;
    state_.outcome.reset();
  }

  void operator()(const event::RollbackStepStarted& e) {
    const TaskIndex index = task_index(e.task);
    state_.rollback_performed = true;
    state_.tasks[index].rollback = RollbackStatus::running;
    ++(state_.people_undo(runbook_, index) ? state_.rollback_active_people
                                           : state_.rollback_active_automated);
  }

  void operator()(const event::RollbackStepFinished& e) {
    const TaskIndex index = task_index(e.task);
    TaskState& task = state_.tasks[index];
    // A failed step may be settled later by a person ("fixed by hand").
    if (task.rollback == RollbackStatus::none || task.rollback == RollbackStatus::succeeded) return;
    leave_rollback_active(index);
    task.rollback = e.ok ? RollbackStatus::succeeded : RollbackStatus::failed;
    state_.rollback_step_failed = !e.ok || any_rollback_failed();
  }

  void operator()(const event::RunFinished& e) {
    state_.phase = RunPhase::finished;
    state_.outcome = e.outcome;
  }

  // check_finished, signal_received, decision_refused and event types of later versions of
  // this format change nothing a scheduler needs.
  void operator()(const event::CheckFinished&) {}
  void operator()(const event::SignalReceived& e) {
    if (e.action == "terminate") state_.terminating = true;
  }
  void operator()(const event::DecisionRefused&) {}
  void operator()(const event::NotifySent&) {}
  void operator()(const event::NotifyFailed&) {}
  void operator()(const event::SignedOff& e) {
    state_.signoffs.push_back({e.person.by, e.person.user, e.person.host, e.person.note,
                               event_.time, e.person.signature});
  }
  void operator()(const event::Unknown&) {}

 private:
  TaskIndex task_index(const std::string& id) const {
    if (const auto index = graph_.find(id)) return *index;
    throw Error(
        exit_environment,
        fmt::format("journal event {} ({}) names task '{}', which the runbook does not have",
                    event_.seq, event_.type(), id));
  }

  void leave_active(TaskIndex index) {
    TaskState& task = state_.tasks[index];
    if (task.status == TaskStatus::running) --state_.active_automated;
    if (task.status == TaskStatus::waiting) --state_.active_people;
  }

  void leave_rollback_active(TaskIndex index) {
    if (state_.tasks[index].rollback != RollbackStatus::running) return;
    --(state_.people_undo(runbook_, index) ? state_.rollback_active_people
                                           : state_.rollback_active_automated);
  }

  // Back to pending, to run again: a task in doubt, or one that failed and stopped the run.
  enum class Approvals { clear, keep };

  void reset_task(TaskIndex index, Approvals approvals = Approvals::clear) {
    TaskState& task = state_.tasks[index];
    leave_active(index);
    task.status = TaskStatus::pending;
    task.between_attempts = false;
    task.person_verdict = false;
    task.waiting_since.reset();
    if (approvals == Approvals::clear) task.approved_by.clear();
    task.holds.clear();
    if (state_.first_failure == index) state_.first_failure.reset();
    if (state_.unmet[index] == 0) make_ready(state_, runbook_, graph_, index);
  }

  bool any_rollback_failed() const {
    return std::any_of(state_.tasks.begin(), state_.tasks.end(), [](const TaskState& task) {
      return task.rollback == RollbackStatus::failed;
    });
  }

  void reset_rollback_step(TaskIndex index) {
    leave_rollback_active(index);
    state_.tasks[index].rollback = RollbackStatus::none;
    state_.rollback_step_failed = any_rollback_failed();
  }

  RunState& state_;
  const Runbook& runbook_;
  const RunGraph& graph_;
  const JournalEvent& event_;
};

}  // namespace

RunState initial_state(const Runbook& runbook, const RunGraph& graph) {
  RunState state;
  const std::size_t count = runbook.tasks.size();
  state.tasks.resize(count);
  state.unmet.resize(count);
  for (TaskIndex i = 0; i < count; ++i) {
    state.unmet[i] = static_cast<int>(graph.dag.dependencies[i].size());
    if (state.unmet[i] == 0) make_ready(state, runbook, graph, i);
  }
  return state;
}

void apply(RunState& state, const Runbook& runbook, const RunGraph& graph,
           const JournalEvent& event) {
  if (const std::string* decision = decision_of(event.body)) state.decisions.insert(*decision);
  if (std::holds_alternative<event::RunResumed>(event.body) && state.last_event_at) {
    state.executor_down += std::max(event.time - *state.last_event_at, Duration{0});
  }
  std::visit(EventApplier(state, runbook, graph, event), event.body);
  state.last_seq = event.seq;
  // What is said about the run rather than done in it (a hook's attempt, a sign-off), also
  // after run_finished, does not move its clocks: the run took as long as it did.
  if (std::holds_alternative<event::NotifySent>(event.body) ||
      std::holds_alternative<event::NotifyFailed>(event.body) ||
      std::holds_alternative<event::SignedOff>(event.body)) {
    return;
  }
  state.last_elapsed_ms = event.elapsed_ms;
  state.last_event_at = event.time;
}

RunState fold(const Runbook& runbook, const RunGraph& graph,
              const std::vector<JournalEvent>& events) {
  RunState state = initial_state(runbook, graph);
  for (const JournalEvent& event : events) apply(state, runbook, graph, event);
  return state;
}

}  // namespace cutover
