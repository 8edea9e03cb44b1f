#include "cutover/run/recovery.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cutover/run/questions.hpp"

namespace cutover {

namespace {

InDoubt forward_task(const Runbook& runbook, const RunState& state, TaskIndex index,
                     std::vector<int> alive) {
  const Task& task = runbook.tasks[index];
  InDoubt found{index, false, false, {}, std::move(alive), true};
  found.rerun = found.alive.empty() && resume_reruns(runbook, state, index, false);
  if (!found.alive.empty()) {
    found.why = "its processes are still running from the executor that stopped";
  } else if (!found.rerun) {
    found.why = "it is not idempotent: a person decides whether it finished";
  } else if (state.people_do(runbook, index)) {
    found.why = "a person is asked again";
  } else if (task.is_gate()) {
    found.why = "a gate's checks run again";
  } else if (state.tasks[index].between_attempts) {
    found.why = "it was waiting to retry";
  } else {
    found.why = "it is idempotent: it runs again";
  }
  return found;
}

}  // namespace

std::vector<InDoubt> find_in_doubt(const Runbook& runbook, const RunState& state,
                                   const LeftoverFinder& leftovers) {
  std::vector<InDoubt> found;
  const bool backwards = state.rolling_back();
  for (TaskIndex index = 0; index < runbook.tasks.size(); ++index) {
    const Task& task = runbook.tasks[index];
    const TaskState& own = state.tasks[index];
    // While rolling back, what a person was doing is as uncertain as a cut-off command.
    const bool people_busy = backwards && own.status == TaskStatus::waiting;
    if (own.status == TaskStatus::running || own.status == TaskStatus::in_doubt || people_busy) {
      const bool people = state.people_do(runbook, index);
      std::vector<int> alive = people ? std::vector<int>{} : leftovers(index, own.pid);
      if (!backwards) {
        found.push_back(forward_task(runbook, state, index, std::move(alive)));
      } else if (task.rollback) {
        found.push_back({index, false, false,
                         "the run is rolling back: a person decides whether it finished "
                         "(done: it is rolled back)",
                         std::move(alive)});
      } else {
        found.push_back({index, false, false, "the run is rolling back and it has no rollback step",
                         std::move(alive), false});
      }
    }
    if (own.rollback != RollbackStatus::running) continue;
    if (state.people_undo(runbook, index)) continue;  // asked again
    std::vector<int> alive = leftovers(index, 0);
    InDoubt step{index, true, false, {}, std::move(alive), true};
    if (!step.alive.empty()) {
      step.why = "its rollback command is still running from the executor that stopped";
    } else if (resume_reruns(runbook, state, index, true)) {
      step.rerun = true;
      step.why = "it is idempotent: its rollback step runs again";
    } else {
      step.why = "it is not idempotent: a person decides whether its rollback step finished";
    }
    found.push_back(std::move(step));
  }
  return found;
}

namespace {

bool environment_names(const std::filesystem::path& environ, const std::string& run_dir_entry,
                       const std::string& task_entry) {
  std::ifstream in(environ, std::ios::binary);
  if (!in) return false;
  bool run = false;
  bool task = false;
  for (std::string entry; std::getline(in, entry, '\0');) {
    run = run || entry == run_dir_entry;
    task = task || entry == task_entry;
  }
  return run && task;
}

// A zombie has finished: only its parent has not collected it yet.
bool finished(const std::filesystem::path& stat) {
  std::ifstream in(stat);
  std::string line;
  std::getline(in, line);
  const auto end_of_name = line.rfind(')');
  if (end_of_name == std::string::npos || end_of_name + 2 >= line.size()) return true;
  const char state = line[end_of_name + 2];
  return state == 'Z' || state == 'X';
}

}  // namespace

std::vector<int> find_leftover_processes(const std::string& run_dir, const std::string& task_id,
                                         int process_group) {
  std::vector<int> pids;
  const std::string run_dir_entry = "CUTOVER_RUN_DIR=" + run_dir;
  const std::string task_entry = "CUTOVER_TASK_ID=" + task_id;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const int pid = std::stoi(name);
    const bool in_group = process_group > 0 && ::getpgid(pid) == process_group;
    const bool of_task =
        in_group || environment_names(entry.path() / "environ", run_dir_entry, task_entry);
    if (of_task && !finished(entry.path() / "stat")) {
      pids.push_back(pid);
    }
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace cutover
