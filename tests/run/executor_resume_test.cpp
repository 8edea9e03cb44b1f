// The executor taking up a run from its journal (executor.cpp): `cutover resume` after a crash
// or a stop, with what was in doubt settled and what was waiting asked again.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cutover/run/inbox.hpp"
#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// ----- resume ------------------------------------------------------------------------------------

TEST_CASE("resume: finished tasks do not run again and in-doubt ones rerun or wait for a person") {
  const std::vector<Task> tasks = {
      make_task("a", minutes(1)),
      with_policy(make_task("copy", minutes(10), {"a"}), OnFailure::stop),
      make_task("load", minutes(10), {"a"}),
      make_task("end", minutes(1), {"copy", "load"}),
  };
  Harness first(tasks);
  first.runbook.tasks[2].idempotent = true;
  first.options.jobs = 2;
  // Crashed while copy and load ran.
  const std::vector<JournalEvent> history = cut_after(first.run().events, "process_started", 3);
  TempDir dir;
  Harness resumed(tasks);
  resumed.runbook.tasks[2].idempotent = true;
  resumed.options.jobs = 2;
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  Lines asked;
  resumed.leftovers = [&](TaskIndex task, int group) {
    asked.push_back(fmt::format("{}/{}", task, group));
    return std::vector<int>{};
  };
  SUBCASE("without a decision the run waits") {
    const Result result = resumed.run_to_stall();
    CHECK(result.error.find(fmt::format("cutover mark {} copy done|failed|retry --by NAME",
                                        dir.path().string())) != std::string::npos);
    CHECK(result.process_names() == Lines{"load"});
  }
  SUBCASE("retry") {
    resumed.decide(minutes(30), marked("d-1", "copy", Verdict::retry, "alice"));
    const Result result = resumed.run();
    CHECK(result.types().front() == "run_resumed");
    CHECK(result.values("run_resumed", "mode") == Lines{"resume"});
    CHECK(result.values("run_resumed", "user") == Lines{"ops"});
    CHECK(result.tasks("task_in_doubt") == Lines{"copy", "load"});
    CHECK(result.values("task_in_doubt", "action") == Lines{"wait", "rerun"});
    CHECK(result.values("task_in_doubt", "reason") ==
          Lines{"it is not idempotent: a person decides whether it finished",
                "it is idempotent: it runs again"});
    CHECK(result.values("task_in_doubt", "pid") == Lines{"10002", "10003"});
    // Once when the run is taken up, and again before `retry` starts copy a second time.
    CHECK(asked == Lines{"1/10002", "2/10003", "1/10002"});
    const json reset = result.one("task_reset", "copy");
    CHECK(reset["by"] == "alice");
    CHECK(reset["decision"] == "d-1");
    CHECK(result.process_names() == Lines{"load", "copy", "end"});
    CHECK(result.values("task_started", "attempt") == Lines{"2", "2", "1"});
    CHECK(result.console.find("[copy] answered at another terminal by alice") != std::string::npos);
    CHECK(result.outcome() == "succeeded");
  }
  SUBCASE("done") {
    resumed.decide(minutes(30), marked("d-1", "copy", Verdict::done, "alice"));
    const Result result = resumed.run();
    const json finished = result.one("task_finished", "copy");
    CHECK(finished["status"] == "succeeded");
    CHECK(finished["by"] == "alice");
    CHECK(result.process_names() == Lines{"load", "end"});
    CHECK(result.outcome() == "succeeded");
  }
  SUBCASE("failed") {
    resumed.decide(minutes(30), marked("d-1", "copy", Verdict::failed, "alice"));
    const Result result = resumed.run();
    CHECK(result.one("task_finished", "copy")["reason"] == "marked failed by alice");
    CHECK(result.process_names() == Lines{"load"});
    CHECK(result.values("run_stopping", "reason") == Lines{"task copy failed"});
    CHECK(result.outcome() == "failed");
  }
}

TEST_CASE("resume: a task whose processes are still alive is not started again") {
  const std::vector<Task> tasks = {make_task("a", minutes(10)), make_task("b", minutes(1), {"a"})};
  Harness first(tasks);
  first.runbook.tasks[0].idempotent = true;
  const std::vector<JournalEvent> history = cut_after(first.run().events, "process_started");
  TempDir dir;
  Harness resumed(tasks);
  resumed.runbook.tasks[0].idempotent = true;
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  resumed.leftovers = [](TaskIndex task, int group) {
    return task == 0 && group == 10001 ? std::vector<int>{10001, 10007} : std::vector<int>{};
  };
  resumed.decide(minutes(20), marked("d-1", "a", Verdict::done, "alice"));
  const Result result = resumed.run();
  const json doubt = result.one("task_in_doubt", "a");
  CHECK(doubt["action"] == "wait");
  CHECK(doubt["alive"] == json::array({10001, 10007}));
  CHECK(doubt["pid"] == 10001);
  CHECK(doubt["reason"] == "its processes are still running from the executor that stopped");
  CHECK(result.console.find("(still running: pid 10001, 10007; it is not started again)") !=
        std::string::npos);
  CHECK(result.process_names() == Lines{"b"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("resume: a failure that stopped the run runs again") {
  const std::vector<Task> tasks = {with_policy(make_task("a", minutes(1)), OnFailure::stop),
                                   with_policy(make_task("c", minutes(1)), OnFailure::continue_),
                                   make_task("b", minutes(1), {"a", "c"})};
  Harness first(tasks);
  first.options.jobs = 2;
  first.outcomes["a"] = {exits(1)};
  first.outcomes["c"] = {exits(1)};
  const Result first_result = first.run();
  REQUIRE(first_result.outcome() == "failed");
  const std::vector<JournalEvent> history = first_result.events;
  REQUIRE(first_result.tasks("task_started") == Lines{"a", "c"});
  Harness resumed(tasks);
  resumed.options.jobs = 2;
  resumed.options.start = Start::resume;
  resumed.history = &history;
  const Result result = resumed.run();
  CHECK(result.tasks("task_reset") == Lines{"a"});
  CHECK(result.values("task_reset", "reason") ==
        Lines{"it failed and stopped the run: resume runs it again"});
  CHECK(result.process_names() == Lines{"a", "b"});
  CHECK(result.values("task_started", "attempt") == Lines{"2", "1"});
  CHECK(result.outcome() == "succeeded");
  CHECK(result.run.state.tasks[1].status == TaskStatus::failed);  // c, with continue, stays
}

TEST_CASE("resume: a task a person marked failed stays failed until a person says retry") {
  const std::vector<Task> tasks = {with_policy(make_task("migrate", minutes(10)), OnFailure::stop),
                                   make_task("after", minutes(1), {"migrate"})};
  Harness first(tasks);
  // The executor crashed while migrate ran; a person then said it had failed.
  const std::vector<JournalEvent> history = cut_after(first.run().events, "process_started");
  TempDir dir;
  deliver(dir.path(), marked("d-1", "migrate", Verdict::failed, "bob", "half applied"));
  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  const Result result = resumed.run();
  CHECK(result.one("task_finished", "migrate")["by"] == "bob");
  CHECK(result.of("task_reset").empty());
  CHECK(result.started.empty());  // neither migrate again nor what depends on it
  CHECK(result.outcome() == "failed");
  CHECK(result.console.find("failed migrate: marked failed by bob; it stays failed") !=
        std::string::npos);

  SUBCASE("a person's retry runs it again") {
    const std::vector<JournalEvent> second = result.events;
    std::vector<JournalEvent> all = history;
    all.insert(all.end(), second.begin(), second.end());
    for (std::size_t i = 0; i < all.size(); ++i) all[i].seq = i + 1;
    deliver(dir.path(), marked("d-2", "migrate", Verdict::retry, "bob"));
    Harness again(tasks);
    again.options.start = Start::resume;
    again.run_dir = dir.path();
    again.history = &all;
    const Result retried = again.run();
    CHECK(retried.tasks("task_reset") == Lines{"migrate"});
    CHECK(retried.process_names() == Lines{"migrate", "after"});
    CHECK(retried.outcome() == "succeeded");
  }
}

TEST_CASE("resume: questions that were waiting are asked again") {
  const std::vector<Task> tasks = {manual_task("m", minutes(5)),
                                   gate_task("g", {}, {"lead", "owner"}),
                                   make_task("after", minutes(1), {"m", "g"})};
  TempDir dir;
  // The first run: the lead approved g from another terminal, then the executor went away
  // with m and g's second approval open.
  Harness first(tasks);
  first.run_dir = dir.path();
  first.decide(minutes(3), gate_decision("d-lead", DecisionKind::approve, "g", "lead"));
  const Result first_result = first.run_to_stall();
  REQUIRE(first_result.values("gate_approved", "approver") == Lines{"lead"});
  const std::vector<JournalEvent> history = first_result.events;

  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  resumed.type(minutes(1), {"d", "alice", "g", "owner"});
  const Result result = resumed.run();
  CHECK(result.tasks("task_started") == Lines{"after"});  // m and g wait, as they did
  CHECK(result.of("task_in_doubt").empty());
  CHECK(result.console.find("manual m: m, estimate 5m\n") != std::string::npos);
  CHECK(result.console.find("[m] done, failed or skipped? [d/f/s]: ") != std::string::npos);
  CHECK(result.console.find("gate   g: g waits for approval by owner\n") != std::string::npos);
  CHECK(result.one("task_finished", "m")["by"] == "alice");
  CHECK(result.values("gate_approved", "approver") == Lines{"owner"});
  CHECK(result.run.state.tasks[1].approved_by == Lines{"lead", "owner"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("resume: a decision file the journal already took in is deleted and not applied again") {
  const std::vector<Task> tasks = {manual_task("m1", minutes(10)), manual_task("m2", minutes(5))};
  TempDir dir;
  Harness first(tasks);
  first.run_dir = dir.path();
  first.options.non_interactive = true;
  first.decide(minutes(1), marked("d-1", "m1", Verdict::done, "alice"));
  // The executor crashed after journaling d-1's effect, before deleting its file.
  const std::vector<JournalEvent> history = cut_after(first.run_to_stall().events, "task_finished");
  REQUIRE(decision_of(history.back().body));
  REQUIRE(*decision_of(history.back().body) == "d-1");
  deliver(dir.path(), marked("d-1", "m1", Verdict::failed, "alice"));

  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.options.non_interactive = true;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  resumed.decide(minutes(5), marked("d-2", "m2", Verdict::done, "bob"));
  const Result result = resumed.run();
  CHECK(result.tasks("task_finished") == Lines{"m2"});
  CHECK(result.of("decision_refused").empty());
  CHECK(result.run.state.tasks[0].status == TaskStatus::succeeded);
  CHECK(read_inbox(dir.path()).empty());
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("resume: decisions queued while no executor ran are applied first") {
  const std::vector<Task> tasks = {make_task("a", minutes(10)), make_task("b", minutes(1), {"a"})};
  Harness first(tasks);
  const std::vector<JournalEvent> history = cut_after(first.run().events, "process_started");
  TempDir dir;
  deliver(dir.path(), marked("d-1", "a", Verdict::done, "alice", "it had finished"));
  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  const Result result = resumed.run();
  const json finished = result.one("task_finished", "a");
  CHECK(finished["decision"] == "d-1");
  CHECK(finished["note"] == "it had finished");
  CHECK(result.of("task_in_doubt").empty());
  CHECK(result.process_names() == Lines{"b"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("resume: an interrupted rollback goes on and a rollback command cut off is settled") {
  const std::vector<Task> tasks = {
      with_rollback(make_task("a", minutes(1))),
      with_rollback(make_task("b", minutes(1), {"a"})),
      make_task("x", minutes(1), {"b"}),
  };
  Harness first(tasks);
  first.outcomes["x"] = {exits(1)};
  // Crashed while b's rollback command ran.
  const std::vector<JournalEvent> history = cut_after(first.run().events, "rollback_step_started");
  TempDir dir;
  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  SUBCASE("not idempotent: a person decides; retry runs it again") {
    resumed.decide(minutes(5), marked("d-1", "b", Verdict::retry, "alice"));
    const Result result = resumed.run();
    const json doubt = result.one("task_in_doubt", "b");
    CHECK(doubt["rollback"] == true);
    CHECK(doubt["action"] == "wait");
    CHECK(result.console.find("[b] rollback in doubt: done, failed or retry? [d/f/r]: ") !=
          std::string::npos);
    const json reset = result.one("task_reset", "b");
    CHECK(reset["rollback"] == true);
    CHECK(reset["decision"] == "d-1");
    CHECK(result.of("rollback_started").empty());
    CHECK(result.process_names() == Lines{"b (rollback)", "a (rollback)"});
    CHECK(result.outcome() == "rolled_back");
  }
  SUBCASE("not idempotent: done by a person") {
    resumed.decide(minutes(5), marked("d-1", "b", Verdict::done, "alice"));
    const Result result = resumed.run();
    const json finished = result.one("rollback_step_finished", "b");
    CHECK(finished["status"] == "succeeded");
    CHECK(finished["by"] == "alice");
    CHECK(finished["decision"] == "d-1");
    CHECK(result.process_names() == Lines{"a (rollback)"});
    CHECK(result.outcome() == "rolled_back");
  }
  SUBCASE("not idempotent: failed by a person") {
    resumed.decide(minutes(5), marked("d-1", "b", Verdict::failed, "alice"));
    const Result result = resumed.run();
    const json finished = result.one("rollback_step_finished", "b");
    CHECK(finished["status"] == "failed");
    CHECK(finished["reason"] == "marked failed by alice");
    CHECK(result.started.empty());
    CHECK(result.outcome() == "rollback_failed");
  }
  SUBCASE("idempotent: it runs again by itself") {
    resumed.runbook.tasks[1].idempotent = true;
    const Result result = resumed.run();
    CHECK(result.values("task_in_doubt", "action") == Lines{"rerun"});
    CHECK(result.process_names() == Lines{"b (rollback)", "a (rollback)"});
    CHECK(result.outcome() == "rolled_back");
  }
}

TEST_CASE("resume: a gate in doubt runs its checks again - approvals given meanwhile stand") {
  const std::vector<Task> tasks = {
      with_policy(gate_task("g", {make_check("recon", "^RECONCILED")}, {"lead", "owner"}),
                  OnFailure::stop),
      make_task("after", minutes(1), {"g"}),
  };
  Harness first(tasks);
  first.outcomes["g: recon"] = {prints("RECONCILED\n")};
  // Crashed while the check ran; both approvers approve before anyone resumes.
  const std::vector<JournalEvent> history =
      cut_after(first.run_to_stall().events, "process_started");
  TempDir dir;
  deliver(dir.path(), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
  deliver(dir.path(), gate_decision("d-2", DecisionKind::approve, "g", "owner"));
  Harness resumed(tasks);
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  SUBCASE("the checks hold again: the gate passes without asking anyone") {
    resumed.outcomes["g: recon"] = {prints("RECONCILED\n")};
    const Result result = resumed.run();
    CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
    CHECK(result.values("check_finished", "passed") == Lines{"true"});
    CHECK(result.one("task_finished", "g")["status"] == "succeeded");
    CHECK(result.process_names() == Lines{"g: recon", "after"});
  }
  SUBCASE("the checks fail now: approvals do not carry the gate past them") {
    resumed.outcomes["g: recon"] = {prints("NOT YET\n")};
    const Result result = resumed.run();
    CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
    CHECK(result.one("task_finished", "g")["status"] == "failed");
    CHECK(result.of("task_started").size() == 1);  // g again; `after` never
    CHECK(result.outcome() == "failed");
  }
}
