#include "cutover/run/recovery.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using Lines = std::vector<std::string>;

Task idempotent(Task task) {
  task.idempotent = true;
  return task;
}

// A runbook and a journal written by hand (1 ms between events); find_in_doubt() on the folded
// journal, with the processes still alive given per task id.
class Run : public JournalBuilder {
 public:
  explicit Run(std::vector<Task> tasks)
      : JournalBuilder(1),
        runbook_(make_runbook(std::move(tasks))),
        graph_(make_run_graph(runbook_)) {}

  std::map<std::string, std::vector<int>> alive;  // task id -> pids
  // What the finder was asked: "task/process group".
  mutable Lines asked;

  std::vector<InDoubt> find() const {
    const RunState state = fold(runbook_, graph_, events());
    return find_in_doubt(runbook_, state, [this](TaskIndex task, int group) {
      const std::string& id = runbook_.tasks[task].id;
      asked.push_back(fmt::format("{}/{}", id, group));
      const auto it = alive.find(id);
      return it == alive.end() ? std::vector<int>{} : it->second;
    });
  }

  // Each as a line: "a rerun: why", "a (rollback) wait: why [alive 7, 8]", "... no question".
  Lines describe() const {
    Lines lines;
    for (const InDoubt& doubt : find()) {
      std::string line = fmt::format("{}{} {}: {}", runbook_.tasks[doubt.task].id,
                                     doubt.rollback ? " (rollback)" : "",
                                     doubt.rerun ? "rerun" : "wait", doubt.why);
      if (!doubt.alive.empty()) line += fmt::format(" [alive {}]", fmt::join(doubt.alive, ", "));
      if (!doubt.ask) line += " no question";
      lines.push_back(line);
    }
    return lines;
  }

 private:
  Runbook runbook_;
  RunGraph graph_;
};

const std::string idempotent_why = "it is idempotent: it runs again";
const std::string not_idempotent_why = "it is not idempotent: a person decides whether it finished";

}  // namespace

// ----- find_in_doubt, going forward --------------------------------------------------------------

TEST_CASE("find_in_doubt: nothing started or everything finished leaves nothing in doubt") {
  Run run({make_task("a"), manual_task("m"), make_task("b", {}, {"a"})});
  CHECK(run.describe() == Lines{});
  run.succeeded("a").add(started("m")).add(finished("m", TaskStatus::skipped)).succeeded("b");
  CHECK(run.describe() == Lines{});
  CHECK(run.asked == Lines{});
}

TEST_CASE("find_in_doubt: a command cut off runs again only when idempotent") {
  Run run({make_task("plain"), idempotent(make_task("safe"))});
  run.add(started("plain"))
      .add(process_started("plain", 4001))
      .add(started("safe"))
      .add(process_started("safe", 4002));
  CHECK(run.describe() ==
        Lines{"plain wait: " + not_idempotent_why, "safe rerun: " + idempotent_why});
  // The finder is asked with the task's recorded process group.
  CHECK(run.asked == Lines{"plain/4001", "safe/4002"});
}

TEST_CASE("find_in_doubt: a task interrupted by a second Ctrl-C is in doubt too") {
  Run run({make_task("plain"), idempotent(make_task("safe"))});
  run.add(started("plain")).add(finished("plain", TaskStatus::in_doubt));
  run.add(started("safe")).add(finished("safe", TaskStatus::in_doubt));
  CHECK(run.describe() ==
        Lines{"plain wait: " + not_idempotent_why, "safe rerun: " + idempotent_why});
}

TEST_CASE("find_in_doubt: a process still alive is never duplicated whether idempotent or not") {
  Run run({idempotent(make_task("safe")), make_task("plain")});
  run.add(started("safe"))
      .add(process_started("safe", 5000))
      .add(started("plain"))
      .add(process_started("plain", 6000));
  run.alive["safe"] = {5000, 5003};
  run.alive["plain"] = {6000};
  const std::vector<InDoubt> found = run.find();
  REQUIRE(found.size() == 2);
  CHECK_FALSE(found[0].rerun);
  CHECK(found[0].ask);
  CHECK(found[0].alive == std::vector<int>{5000, 5003});
  CHECK(found[0].why == "its processes are still running from the executor that stopped");
  CHECK_FALSE(found[1].rerun);
  CHECK(found[1].alive == std::vector<int>{6000});
}

TEST_CASE("find_in_doubt: a command between two attempts runs its next attempt") {
  Run run({make_task("a")});
  run.add(started("a")).add(process_started("a", 7000)).add(attempt_failed("a", "x", 1));
  CHECK(run.describe() == Lines{"a rerun: it was waiting to retry"});
}

TEST_CASE("find_in_doubt: a gate's checks run again whatever its idempotence") {
  Run run({approval_gate("g", {}), approval_gate("h", {"lead"})});
  run.add(started("g")).add(started("h"));
  CHECK(run.describe() ==
        Lines{"g rerun: a gate's checks run again", "h rerun: a gate's checks run again"});
}

TEST_CASE("find_in_doubt: tasks waiting on people are not in doubt: they are asked again") {
  Run run({manual_task("m"), approval_gate("g", {"lead"})});
  run.add(started("m")).add(started("g")).add(gate_waiting("g"));
  CHECK(run.describe() == Lines{});
  CHECK(run.asked == Lines{});
}

TEST_CASE("find_in_doubt: an interrupted manual task is put to a person again") {
  Run run({manual_task("m")});
  run.add(started("m")).add(finished("m", TaskStatus::in_doubt));
  CHECK(run.describe() == Lines{"m rerun: a person is asked again"});
  CHECK(run.asked == Lines{});  // people have no processes
}

TEST_CASE("find_in_doubt: in track mode a cut-off command is a person's to do again") {
  Run run({make_task("a")});
  run.add(run_started(true)).add(started("a")).add(finished("a", TaskStatus::in_doubt));
  CHECK(run.describe() == Lines{"a rerun: a person is asked again"});
}

TEST_CASE("find_in_doubt: after a stop without a rollback the run goes forward") {
  Run run({with_rollback(make_task("a")), make_task("b")});
  run.add(started("a"))
      .add(process_started("a", 10))
      .add(started("b"))
      .add(process_started("b", 11))
      .add(finished("b", TaskStatus::failed));
  run.add(stopping("task b failed"));
  CHECK(run.describe() == Lines{"a wait: " + not_idempotent_why});
}

TEST_CASE(
    "find_in_doubt: after an interrupt the run goes forward even if a failure wanted a rollback") {
  Run run({with_rollback(make_task("a"))});
  run.add(started("a")).add(process_started("a", 10));
  run.add(stopping("task x failed", true));
  run.add(interrupting("interrupted by SIGINT"));
  CHECK(run.describe() == Lines{"a wait: " + not_idempotent_why});
}

// ----- find_in_doubt, rolling back ---------------------------------------------------------------

TEST_CASE("find_in_doubt: while rolling back nothing runs forward") {
  Run run({with_rollback(idempotent(make_task("with-step"))), idempotent(make_task("no-step")),
           make_task("x")});
  run.add(started("with-step"))
      .add(process_started("with-step", 20))
      .add(started("no-step"))
      .add(process_started("no-step", 21))
      .failed("x");
  const std::string person =
      "with-step wait: the run is rolling back: a person decides whether it "
      "finished (done: it is rolled back)";
  const std::string nobody =
      "no-step wait: the run is rolling back and it has no rollback step "
      "no question";
  SUBCASE("a rollback the failure asked for, not begun yet") {
    run.add(stopping("task x failed", true));
    CHECK(run.describe() == Lines{person, nobody});
  }
  SUBCASE("a rollback under way") {
    run.add(stopping("task x failed", true));
    run.add(rollback_started());
    CHECK(run.describe() == Lines{person, nobody});
  }
  SUBCASE("a rollback asked for with cutover rollback") {
    run.add(interrupting("interrupted by SIGINT"));
    run.add(run_resumed(true)).add(rollback_started());
    CHECK(run.describe() == Lines{person, nobody});
  }
}

TEST_CASE("find_in_doubt: a process still alive while rolling back is reported") {
  Run run({with_rollback(make_task("a")), make_task("x")});
  run.add(started("a")).add(process_started("a", 30)).failed("x");
  run.add(stopping("task x failed", true));
  run.add(rollback_started());
  run.alive["a"] = {30};
  const std::vector<InDoubt> found = run.find();
  REQUIRE(found.size() == 1);
  CHECK_FALSE(found[0].rerun);
  CHECK(found[0].ask);
  CHECK(found[0].alive == std::vector<int>{30});
}

TEST_CASE("find_in_doubt: a rollback command cut off runs again only when its task is idempotent") {
  Run run({with_rollback(make_task("plain")), with_rollback(idempotent(make_task("safe"))),
           make_task("x", {}, {"plain", "safe"})});
  run.succeeded("plain").succeeded("safe").failed("x");
  run.add(stopping("task x failed", true));
  run.add(rollback_started());
  run.add(rollback_step_started("plain"));
  run.add(rollback_step_started("safe"));
  CHECK(run.describe() ==
        Lines{"plain (rollback) wait: it is not idempotent: a person decides whether its "
              "rollback step finished",
              "safe (rollback) rerun: it is idempotent: its rollback step runs again"});
  // A rollback step's processes are found by their environment, not the task's group.
  CHECK(run.asked == Lines{"plain/0", "safe/0"});
}

TEST_CASE("find_in_doubt: a rollback command still running is waited for") {
  Run run({with_rollback(idempotent(make_task("safe"))), make_task("x", {}, {"safe"})});
  run.succeeded("safe").failed("x");
  run.add(stopping("task x failed", true));
  run.add(rollback_started()).add(rollback_step_started("safe"));
  run.alive["safe"] = {77};
  CHECK(run.describe() ==
        Lines{"safe (rollback) wait: its rollback command is still running from the executor "
              "that stopped [alive 77]"});
}

TEST_CASE("find_in_doubt: a manual rollback step is asked again and is not in doubt") {
  Run run({with_manual_rollback(make_task("a")), with_rollback(make_task("b")),
           make_task("x", {}, {"a", "b"})});
  run.add(run_started(false));
  run.succeeded("a").succeeded("b").failed("x");
  run.add(stopping("task x failed", true));
  run.add(rollback_started()).add(rollback_step_started("a"));
  CHECK(run.describe() == Lines{});
  CHECK(run.asked == Lines{});
}

TEST_CASE(
    "find_in_doubt: in track mode a rollback command is a person's step that is asked again") {
  Run run({with_rollback(make_task("b")), make_task("x", {}, {"b"})});
  run.add(run_started(true));
  run.add(started("b")).add(finished("b", TaskStatus::succeeded)).failed("x");
  run.add(stopping("task x failed", true));
  run.add(rollback_started()).add(rollback_step_started("b"));
  CHECK(run.describe() == Lines{});
}

// ----- find_leftover_processes -------------------------------------------------------------------

namespace {

// A child running `sleep` with the environment given (and in its own process group when
// asked); killed and collected at the end of the test.
class Child {
 public:
  Child(const std::vector<std::string>& environment, bool own_group) {
    std::vector<std::string> storage = environment;
    storage.push_back("PATH=/usr/bin:/bin");
    std::vector<char*> envp;
    for (std::string& entry : storage) envp.push_back(entry.data());
    envp.push_back(nullptr);
    char sleep[] = "sleep";
    char seconds[] = "60";
    char* argv[] = {sleep, seconds, nullptr};
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      if (own_group) ::setpgid(0, 0);
      ::execve("/bin/sleep", argv, envp.data());
      ::execve("/usr/bin/sleep", argv, envp.data());
      ::_exit(127);
    }
    if (own_group) ::setpgid(pid_, pid_);  // either side may win the race
    // The environment a process shows in /proc is the one it exec'd with: wait for the exec.
    bool execed = false;
    for (int i = 0; i < 1000 && !execed; ++i) {
      execed =
          read_text(fmt::format("/proc/{}/cmdline", pid_)).starts_with(std::string("sleep\0", 6));
      if (!execed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(execed);
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int pid() const { return pid_; }

  // Killed but not collected: a zombie until the destructor collects it.
  void kill_and_leave_zombie() {
    ::kill(pid_, SIGKILL);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT);
  }

 private:
  int pid_ = -1;
};

bool contains(const std::vector<int>& pids, int pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

}  // namespace

TEST_CASE("find_leftover_processes finds a process by the run and task in its environment") {
  TempDir dir;
  const std::string run_dir = dir.path().string();
  Child child({"CUTOVER_RUN_DIR=" + run_dir, "CUTOVER_TASK_ID=load-data", "OTHER=1"}, false);
  const std::vector<int> found = find_leftover_processes(run_dir, "load-data", 0);
  CHECK(contains(found, child.pid()));
  CHECK(std::is_sorted(found.begin(), found.end()));
  // Another task of the same run, or the same task of another run, is not it.
  CHECK_FALSE(contains(find_leftover_processes(run_dir, "load", 0), child.pid()));
  CHECK_FALSE(contains(find_leftover_processes(run_dir + "-2", "load-data", 0), child.pid()));
  CHECK_FALSE(contains(find_leftover_processes(run_dir, "load-data-2", 0), child.pid()));
}

TEST_CASE("find_leftover_processes finds a process that names only the task or only the run") {
  TempDir dir;
  const std::string run_dir = dir.path().string();
  Child only_task({"CUTOVER_TASK_ID=a"}, false);
  Child only_run({"CUTOVER_RUN_DIR=" + run_dir}, false);
  Child both({"CUTOVER_RUN_DIR=" + run_dir, "CUTOVER_TASK_ID=a"}, false);
  const std::vector<int> found = find_leftover_processes(run_dir, "a", 0);
  CHECK(contains(found, both.pid()));
  CHECK_FALSE(contains(found, only_task.pid()));
  CHECK_FALSE(contains(found, only_run.pid()));
}

TEST_CASE("find_leftover_processes finds the members of a live process group") {
  TempDir dir;
  Child child({"NOTHING=here"}, true);
  CHECK(contains(find_leftover_processes(dir.path().string(), "a", child.pid()), child.pid()));
  CHECK_FALSE(contains(find_leftover_processes(dir.path().string(), "a", 0), child.pid()));
}

TEST_CASE("find_leftover_processes ignores a zombie: it has finished") {
  TempDir dir;
  const std::string run_dir = dir.path().string();
  Child child({"CUTOVER_RUN_DIR=" + run_dir, "CUTOVER_TASK_ID=a"}, true);
  REQUIRE(contains(find_leftover_processes(run_dir, "a", child.pid()), child.pid()));
  child.kill_and_leave_zombie();
  REQUIRE(std::filesystem::exists(fmt::format("/proc/{}", child.pid())));
  CHECK_FALSE(contains(find_leftover_processes(run_dir, "a", child.pid()), child.pid()));
  CHECK_FALSE(contains(find_leftover_processes(run_dir, "a", 0), child.pid()));
}

TEST_CASE("find_leftover_processes finds nothing for a task nobody runs") {
  TempDir dir;
  CHECK(find_leftover_processes(dir.path().string(), "never-ran", 0).empty());
}
