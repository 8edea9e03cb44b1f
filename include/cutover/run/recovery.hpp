#pragma once
// What `resume` and `rollback` do with what a crash or an interrupt left unfinished. Pure but
// for the question "is any process of this task still alive?", which is passed in.

#include <functional>
#include <string>
#include <vector>

#include "cutover/run/run_state.hpp"

namespace cutover {

struct InDoubt {
  TaskIndex task = 0;
  bool rollback = false;   // its rollback step, not the task
  bool rerun = false;      // run again; otherwise a person decides (mark done|failed|retry)
  std::string why;         // for the journal and the operator
  std::vector<int> alive;  // processes of it still running, from the executor that crashed
  bool ask = true;         // a person is asked to decide (unless it reruns)
};

// Process ids still alive from a task's earlier attempt (its recorded process group, or any
// process whose environment names this run and task).
using LeftoverFinder = std::function<std::vector<int>(TaskIndex task, int process_group)>;

// Every task and rollback step that had started and not finished, with what to do about it:
// - a process still alive is never duplicated: a person decides once it has ended;
// - a manual task and a gate are put to people again, and a gate's checks run again (checks
//   are polled by design, so they must be safe to repeat);
// - a command between two attempts runs its next attempt (it was going to anyway);
// - a command cut off runs again only when `idempotent: true`, else a person decides;
// - while rolling back, nothing runs forward: a task in doubt with a rollback step waits for a
//   person (done: it is rolled back; failed: it is not); an in-doubt rollback command runs
//   again only when its task is idempotent.
// Tasks waiting on people (manual, approvals) are not in doubt: they are asked again.
std::vector<InDoubt> find_in_doubt(const Runbook& runbook, const RunState& state,
                                   const LeftoverFinder& leftovers);

// Processes whose environment holds CUTOVER_RUN_DIR=run_dir and CUTOVER_TASK_ID=task_id, plus
// the members of `process_group` when it is alive, found under /proc.
std::vector<int> find_leftover_processes(const std::string& run_dir, const std::string& task_id,
                                         int process_group);

}  // namespace cutover
