#pragma once
// RunState = fold(journal events): everything known about a run, derived from its journal
// alone. The executor applies each event as it appends it; `resume`, `status` and reports
// fold a journal read from disk. The events are in events.hpp.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cutover/plan/graph.hpp"
#include "cutover/run/events.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// A rollback step in doubt was cut off by a crash; it waits for a person like a task in doubt.
enum class RollbackStatus { none, running, succeeded, failed, in_doubt };

// A gate kept waiting by one of its approvers (`hold`), and why: until that approver's go, or
// the gate's end. One per approver: the latest.
struct GateHold {
  std::string approver;
  std::string note;
  UtcTime at{};
};

// A sign-off of the run (a succeeded rehearsal), for the go-live rule.
struct SignOff {
  std::string by;
  std::string user;
  std::string host;
  std::string note;
  UtcTime at{};
  std::optional<event::Signature> signature{};  // with identities; verify checks it
};

struct TaskState {
  TaskStatus status = TaskStatus::pending;
  int attempts = 0;
  // elapsed_ms of the first attempt's start and of the end: for ordering within the run (the
  // time no executor ran is left out of elapsed_ms).
  std::optional<std::int64_t> started_ms;
  std::optional<std::int64_t> finished_ms;
  // The journal's clock times of the same: durations are measured with these.
  std::optional<UtcTime> started_at;
  std::optional<UtcTime> finished_at;
  std::optional<UtcTime> waiting_since;  // on a person: a manual task, approvals, in doubt
  int pid = 0;                           // of the last attempt's process group, when there was one
  // Between a failed attempt and the next: no process of it is running.
  bool between_attempts = false;
  std::vector<std::string> approved_by;
  std::vector<GateHold> holds;  // by the approvers who hold the gate, in the order they did
  std::string by;               // who marked a manual task, or rejected a gate
  std::string reason;           // why it failed
  // Its end is a person's verdict, not a process's: `resume` does not run it again.
  bool person_verdict = false;
  RollbackStatus rollback = RollbackStatus::none;

  bool active() const { return status == TaskStatus::running || status == TaskStatus::waiting; }
  // From the first attempt's start to the end, by the clock: what it took, retries and a crash's
  // downtime included. Nothing until it has ended.
  std::optional<Duration> took() const {
    if (!started_at || !finished_at) return std::nullopt;
    return std::max(*finished_at - *started_at, Duration{0});
  }
  bool finished() const {
    return status == TaskStatus::succeeded || status == TaskStatus::failed ||
           status == TaskStatus::skipped;
  }
};

enum class RunPhase {
  running,   // starting tasks as they become ready
  draining,  // no new tasks; running ones finish (a failure, or a first Ctrl-C)
  rolling_back,
  finished,
};

std::string_view to_string(RollbackStatus rollback);
std::string_view to_string(RunPhase phase);
int exit_code_of(RunOutcome outcome);

// What the scheduler needs besides the runbook: the DAG and the order of preference among
// ready tasks (the longest estimated remaining path first).
struct RunGraph {
  Dag dag;
  std::vector<Duration> remaining;  // per task: its estimate + the longest path after it
  std::vector<std::size_t> rank;    // per task: its position in order of preference
  std::vector<TaskIndex> by_rank;   // rank -> task
  // Task id -> index: every journal event names its task, so a scan per event would make a
  // run quadratic in its size. The views point into the runbook.
  std::unordered_map<std::string_view, TaskIndex> index;

  std::optional<TaskIndex> find(std::string_view id) const;
};

// The graph refers to the runbook's task ids: the runbook must outlive it, in place.
RunGraph make_run_graph(const Runbook& runbook);

struct RunState {
  std::vector<TaskState> tasks;
  RunPhase phase = RunPhase::running;
  // Why the run stopped starting tasks (the first failure, or an interrupt).
  std::string stop_reason;
  bool rollback_wanted = false;  // a failure whose policy is rollback
  bool interrupted = false;
  // A second Ctrl-C or a SIGTERM: the run ends once its processes have; questions to people
  // stay open in the journal for the next executor.
  bool terminating = false;
  bool point_of_no_return_passed = false;
  std::optional<RunOutcome> outcome;
  bool rollback_performed = false;  // a rollback began: resuming continues it
  bool track = false;               // `cutover track`: people do every task, commands included
  // Every operator decision the journal has taken in (applied or refused), by its id: an
  // inbox file whose id is here was consumed before a crash and is only deleted.
  std::set<std::string, std::less<>> decisions;
  std::int64_t last_elapsed_ms = 0;
  std::uint64_t last_seq = 0;
  std::optional<UtcTime> last_event_at;
  // The time between the last event before each resume and the resume: no executor ran (or
  // one ran but journaled nothing before it died).
  Duration executor_down{0};
  std::vector<SignOff> signoffs;  // in the order they were given

  // Maintained incrementally so that each decision costs the ready tasks, not the runbook.
  // A dependency is done when it succeeded, was skipped, or failed with on_failure: continue.
  std::vector<int> unmet;                  // per task: dependencies not yet done
  std::set<std::size_t> ready_automated;   // ranks of pending commands and gates, all deps done
  std::set<std::size_t> ready_people;      // the same for manual tasks
  std::size_t active_automated = 0;        // commands and gates started and not finished
  std::size_t active_people = 0;           // manual tasks and approvals waiting on a person
  std::optional<TaskIndex> first_failure;  // a failure whose policy stops the run
  std::size_t rollback_active_automated = 0;
  std::size_t rollback_active_people = 0;
  bool rollback_step_failed = false;

  // Rolling back, or about to once running tasks finish: nothing runs forward any more.
  bool rolling_back() const {
    return phase == RunPhase::rolling_back ||
           (phase == RunPhase::draining && rollback_wanted && !interrupted);
  }

  // Whether the task waits on a person rather than a process.
  bool people_do(const Runbook& runbook, TaskIndex task) const {
    return track || runbook.tasks[task].is_manual();
  }

  // Whether the task's rollback step is done by a person rather than a process.
  bool people_undo(const Runbook& runbook, TaskIndex task) const {
    const auto& rollback = runbook.tasks[task].rollback;
    return rollback && (track || std::holds_alternative<ManualRollback>(*rollback));
  }

  bool anything_active() const {
    return active_automated + active_people + rollback_active_automated + rollback_active_people >
           0;
  }
};

// The state before the first event.
RunState initial_state(const Runbook& runbook, const RunGraph& graph);

// Applies one event. An event naming a task the runbook does not have throws Error (exit 5):
// the journal does not belong to the frozen runbook beside it.
void apply(RunState& state, const Runbook& runbook, const RunGraph& graph,
           const JournalEvent& event);

RunState fold(const Runbook& runbook, const RunGraph& graph,
              const std::vector<JournalEvent>& events);

}  // namespace cutover
