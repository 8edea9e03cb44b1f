#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/virtual_runner.hpp"
#include "support/executor_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// ----- order and parallelism ---------------------------------------------------------------------

TEST_CASE("executor journals one task from run_started to run_finished") {
  Harness harness({make_task("a", minutes(2))});
  const Result result = harness.run();
  CHECK(result.types() ==
        Lines{"run_started", "task_started", "process_started", "task_finished", "run_finished"});
  CHECK(result.values("task_started", "command") == Lines{"true"});
  CHECK(result.values("task_started", "attempt") == Lines{"1"});
  CHECK(result.values("task_started", "kind") == Lines{"run"});
  CHECK(result.values("process_started", "pid") == Lines{"10001"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded"});
  CHECK(result.values("task_finished", "duration_ms") == Lines{"120000"});
  CHECK(result.values("task_finished", "exit_code") == Lines{"0"});
  CHECK(result.values("run_finished", "outcome") == Lines{"succeeded"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"0"});
  CHECK(result.end_ms() == 2 * minute_ms);
  CHECK(result.run.outcome == RunOutcome::succeeded);
  CHECK(result.run.state.tasks[0].status == TaskStatus::succeeded);
  CHECK(result.run.state.tasks[0].pid == 10001);
  CHECK(result.events.front().seq == 1);
  CHECK(result.events.back().seq == 5);
}

TEST_CASE("executor starts ready tasks longest remaining path first") {
  Harness harness({
      make_task("a", minutes(10)),
      make_task("b", minutes(5), {"a"}),
      make_task("c", minutes(1)),
  });
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"a", "b", "c"});
  CHECK(result.elapsed("task_started") == Times{0, 10 * minute_ms, 15 * minute_ms});
  CHECK(result.tasks("task_finished") == Lines{"a", "b", "c"});
  CHECK(result.end_ms() == 16 * minute_ms);
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("executor with -j 2 starts the two longest of four independent tasks first") {
  Harness harness({
      make_task("a", minutes(1)),
      make_task("b", minutes(4)),
      make_task("c", minutes(2)),
      make_task("d", minutes(3)),
  });
  harness.options.jobs = 2;
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"b", "d", "c", "a"});
  CHECK(result.elapsed("task_started") == Times{0, 0, 3 * minute_ms, 4 * minute_ms});
  CHECK(result.tasks("task_finished") == Lines{"d", "b", "c", "a"});
  CHECK(result.end_ms() == 5 * minute_ms);
  CHECK(result.values("run_started", "jobs") == Lines{"2"});
}

TEST_CASE("executor does not count manual tasks against -j") {
  Harness harness(
      {make_task("a", minutes(10)), manual_task("m", minutes(30)), make_task("b", minutes(1))});
  harness.options.auto_people = true;
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"m", "a", "b"});
  CHECK(result.elapsed("task_started") == Times{0, 0, 10 * minute_ms});
  CHECK(result.end_ms() == 11 * minute_ms);
}

// ----- failures, retries, timeouts ---------------------------------------------------------------

TEST_CASE("on_failure stop lets running tasks finish and starts no dependents") {
  Harness harness({
      with_policy(make_task("a", minutes(1)), OnFailure::stop),
      make_task("b", minutes(1), {"a"}),
      make_task("c", minutes(5)),
      make_task("d", minutes(1), {"c"}),
  });
  harness.options.jobs = 2;
  harness.outcomes["a"] = {exits(2)};
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"c", "a"});
  CHECK(result.values("run_stopping", "reason") == Lines{"task a failed"});
  CHECK(result.values("run_stopping", "rollback") == Lines{"false"});
  CHECK(result.values("run_stopping", "fix_forward") == Lines{"false"});
  CHECK(result.elapsed("run_stopping") == Times{minute_ms});
  CHECK(result.one("task_finished", "c")["status"] == "succeeded");
  CHECK(result.of("rollback_started").empty());
  CHECK(result.values("run_finished", "outcome") == Lines{"failed"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"1"});
  CHECK(result.end_ms() == 5 * minute_ms);
  CHECK(result.outcome() == "failed");
  CHECK(result.run.state.tasks[1].status == TaskStatus::pending);
  CHECK(result.run.state.tasks[3].status == TaskStatus::pending);
  CHECK(result.console.find("task a failed: running tasks finish; nothing new starts") !=
        std::string::npos);
}

TEST_CASE("on_failure continue records the failure and the run succeeds") {
  Harness harness({
      with_policy(make_task("a", minutes(1)), OnFailure::continue_),
      make_task("b", minutes(1), {"a"}),
  });
  harness.outcomes["a"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"a", "b"});
  CHECK(result.values("task_finished", "status") == Lines{"failed", "succeeded"});
  CHECK(result.one("task_finished", "a")["reason"] == "exit code 1");
  CHECK(result.of("run_stopping").empty());
  CHECK(result.values("run_finished", "outcome") == Lines{"succeeded"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"0"});
  CHECK(result.run.state.tasks[0].status == TaskStatus::failed);
  CHECK(result.outcome() == "succeeded");
}

// ----- signals -----------------------------------------------------------------------------------

TEST_CASE("a first Ctrl-C starts nothing new and lets running tasks finish") {
  Harness harness({make_task("a", minutes(10)), make_task("b", minutes(10), {"a"}),
                   make_task("c", minutes(10))});
  harness.inject(minutes(5), SignalReceived{SIGINT});
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"a"});
  CHECK(result.values("signal_received", "signal") == Lines{"SIGINT"});
  CHECK(result.values("signal_received", "action") == Lines{"drain"});
  CHECK(result.elapsed("signal_received") == Times{5 * minute_ms});
  CHECK(result.values("run_stopping", "reason") == Lines{"interrupted by SIGINT"});
  CHECK(result.values("run_stopping", "interrupt") == Lines{"true"});
  const json finished = result.one("task_finished", "a");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["elapsed_ms"] == 10 * minute_ms);
  CHECK(result.values("run_finished", "outcome") == Lines{"interrupted"});
  CHECK(result.values("run_finished", "exit_code") == Lines{"130"});
  CHECK(result.outcome() == "interrupted");
  CHECK(result.run.state.interrupted);
}

TEST_CASE("a second Ctrl-C terminates running tasks") {
  Harness harness({make_task("a", minutes(10)), make_task("b", minutes(10), {"a"})});
  harness.inject(minutes(5), SignalReceived{SIGINT}).inject(minutes(6), SignalReceived{SIGINT});
  const Result result = harness.run();
  CHECK(result.values("signal_received", "action") == Lines{"drain", "terminate"});
  CHECK(result.of("run_stopping").size() == 1);
  const json finished = result.one("task_finished", "a");
  CHECK(finished["elapsed_ms"] == 6 * minute_ms);
  CHECK(finished["status"] == "interrupted");
  CHECK(finished["reason"] == "terminated: the run was interrupted");
  CHECK(finished["duration_ms"] == 6 * minute_ms);
  CHECK(result.run.state.tasks[0].status == TaskStatus::in_doubt);
  CHECK(result.run.state.tasks[1].status == TaskStatus::pending);
  CHECK(result.tasks("task_started") == Lines{"a"});
  CHECK(result.outcome() == "interrupted");
  CHECK(result.end_ms() == 6 * minute_ms);
}

TEST_CASE("a second Ctrl-C interrupts a task waiting to retry") {
  Task a = make_task("a", minutes(1));
  a.retries = 3;
  a.retry_delay = minutes(10);
  Harness harness({a});
  harness.outcomes["a"] = {exits(1)};
  harness.inject(minutes(2), SignalReceived{SIGINT}).inject(minutes(3), SignalReceived{SIGINT});
  const Result result = harness.run();
  CHECK(result.values("task_started", "attempt") == Lines{"1"});
  const json finished = result.one("task_finished", "a");
  CHECK(finished["status"] == "interrupted");
  CHECK(finished["reason"] == "interrupted while waiting to retry");
  CHECK(finished["elapsed_ms"] == 3 * minute_ms);
  CHECK(result.outcome() == "interrupted");
}

TEST_CASE("SIGHUP neither stops the run nor writes to the lost terminal") {
  Harness harness({make_task("a", minutes(10)), make_task("b", minutes(5), {"a"})});
  harness.inject(minutes(1), SignalReceived{SIGHUP});
  const Result result = harness.run();
  CHECK(result.values("signal_received", "signal") == Lines{"SIGHUP"});
  CHECK(result.values("signal_received", "action") == Lines{"continue"});
  CHECK(result.of("run_stopping").empty());
  CHECK(result.tasks("task_started") == Lines{"a", "b"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded", "succeeded"});
  CHECK(result.outcome() == "succeeded");
  CHECK(result.end_ms() == 15 * minute_ms);
  CHECK(result.console.find("start  a") != std::string::npos);
  CHECK(result.console.find("start  b") == std::string::npos);
}

// ----- dry run -----------------------------------------------------------------------------------

TEST_CASE("a dry run succeeds everywhere and its timeline is the critical path of estimates") {
  Task failing_check = gate_task("g", {make_check("recon", "^RECONCILED")}, {"lead"}, {"m"});
  failing_check.estimate = minutes(5);
  Harness harness({
      make_task("a", minutes(10)),
      manual_task("m", minutes(30), {"a"}),
      failing_check,
      make_task("c", minutes(20)),
      make_task("d", minutes(60), {"c"}),
      make_task("e", {}, {"g", "d"}),
  });
  harness.options.dry_run = true;
  harness.options.jobs = 8;
  harness.outcomes["g: recon"] = {prints("NOT YET\n")};  // never asked: the gate is simulated
  const Result result = harness.run();
  CHECK(result.values("run_started", "dry_run") == Lines{"true"});
  CHECK(result.values("task_finished", "status") ==
        Lines{"succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded"});
  CHECK(result.of("gate_waiting").empty());
  CHECK(result.of("check_finished").empty());
  CHECK(result.one("task_finished", "g")["elapsed_ms"] == 45 * minute_ms);
  CHECK(result.one("task_started", "e")["elapsed_ms"] == 80 * minute_ms);
  CHECK(result.values("run_finished", "outcome") == Lines{"succeeded"});
  CHECK(result.end_ms() == 80 * minute_ms);
  CHECK(result.run.state.last_elapsed_ms == 80 * minute_ms);
  CHECK(result.outcome() == "succeeded");
  CHECK(result.console.find("approvals: lead") != std::string::npos);
}

TEST_CASE("a dry run with -j 1 takes the sum of the estimates") {
  Harness harness({make_task("a", minutes(10)), make_task("b", minutes(20)),
                   make_task("c", minutes(5), {"a"})});
  harness.options.dry_run = true;
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"b", "a", "c"});
  CHECK(result.end_ms() == 35 * minute_ms);
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a dry run shows each command with secrets redacted") {
  Task a = make_task("a", minutes(1));
  a.kind = Command{"deploy --token {{ TOKEN }}"};
  Harness harness({a});
  harness.options.dry_run = true;
  harness.secrets = {{"TOKEN", "s3cr3t"}};
  const Result result = harness.run();
  CHECK(result.console.find("    $ deploy --token ***\n") != std::string::npos);
  CHECK(result.console.find("s3cr3t") == std::string::npos);
  CHECK(result.values("task_started", "command") == Lines{"deploy --token ***"});
}

// ----- the journal's durability ------------------------------------------------------------------

namespace {

// What the executor did, in order: appends (with their durability), syncs and process starts.
struct Trace {
  Lines lines;
};

class TracingSink : public EventSink {
 public:
  TracingSink(MemoryJournal& inner, Trace& trace) : inner_(inner), trace_(trace) {}
  const JournalEvent& append(EventBody body, Durability durability) override {
    const std::string task = encode_fields(body).value("task", "");
    trace_.lines.push_back(fmt::format("{} {}{}", durability == Durability::now ? "now" : "append",
                                       event_type(body), task.empty() ? "" : " " + task));
    return inner_.append(std::move(body), durability);
  }
  void sync() override { trace_.lines.push_back("sync"); }

 private:
  MemoryJournal& inner_;
  Trace& trace_;
};

class TracingRunner : public ProcessRunner {
 public:
  TracingRunner(VirtualRunner& inner, Trace& trace) : inner_(inner), trace_(trace) {}
  void start(ProcessId id, const ProcessSpec& spec) override {
    trace_.lines.push_back("spawn " + spec.name);
    inner_.start(id, spec);
  }
  void terminate_all() override { inner_.terminate_all(); }
  void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) override {
    inner_.wake_at(when, token);
  }
  std::vector<Occurrence> wait() override { return inner_.wait(); }
  std::chrono::steady_clock::time_point now() const override { return inner_.now(); }

 private:
  VirtualRunner& inner_;
  Trace& trace_;
};

}  // namespace

TEST_CASE("every journalled event is synced before a process is spawned") {
  Task a = with_rollback(make_task("a", minutes(1)));
  a.retries = 1;
  Task b = make_task("b", minutes(2), {"a"});
  const Runbook runbook = make_runbook({
      a,
      b,
      gate_task("g", {make_check("ok")}, {"lead"}, {"a"}),
      manual_task("m", minutes(1), {"g"}),
      make_task("x", minutes(1), {"m", "b"}),
  });
  const RunGraph graph = make_run_graph(runbook);
  int a_starts = 0;
  VirtualRunner virtual_runner([&](const ProcessSpec& spec) {
    if (spec.name == "a" && a_starts++ == 0) return exits(1);
    if (spec.name == "x") return exits(1);
    return VirtualOutcome{};
  });
  Trace trace;
  TracingRunner runner(virtual_runner, trace);
  MemoryJournal memory([&virtual_runner, start = virtual_runner.now()] {
    return std::chrono::duration_cast<Duration>(virtual_runner.now() - start).count();
  });
  TracingSink journal(memory, trace);
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  Console console(out, {});
  ExecutorOptions options;
  options.jobs = 2;
  options.auto_people = true;
  const ExecutorSetup setup{runbook, {}, {}, "test/run", {}, {}, "ops", "host-1"};
  const ExecutorResult result = execute(setup, graph, runner, journal, console, options);
  std::fclose(out);
  CHECK(result.outcome == RunOutcome::rolled_back);

  bool unsynced = false;
  std::size_t spawns = 0;
  for (const std::string& line : trace.lines) {
    CAPTURE(line);
    if (line.starts_with("append ")) unsynced = true;
    if (line.starts_with("now ") || line == "sync") unsynced = false;
    if (line.starts_with("spawn ")) {
      ++spawns;
      CHECK_FALSE(unsynced);
    }
  }
  // a twice, b, the gate's check, x, then a's rollback; m and the approval spawn nothing.
  CHECK(spawns == 6);
  // Decisions by people, stops and ends are durable at once; task starts wait for the round.
  Lines starts;
  Lines durable;
  for (const std::string& line : trace.lines) {
    if (line.find(" task_started ") != std::string::npos) starts.push_back(line);
    if (line.starts_with("now ")) durable.push_back(line);
  }
  CHECK(starts == Lines{"append task_started a", "append task_started a", "append task_started b",
                        "append task_started g", "append task_started m", "append task_started x"});
  CHECK(durable == Lines{"now run_started", "now gate_approved g", "now task_finished m",
                         "now run_stopping", "now rollback_started", "now rollback_step_finished a",
                         "now run_finished"});
}

// ----- more people, signals, checks, secrets ----------------------------------------------------

TEST_CASE("a second Ctrl-C interrupts a task whose question waits") {
  Harness harness({manual_task("m"), make_task("b", {}, {"m"})});
  harness.inject(minutes(1), SignalReceived{SIGINT}).inject(minutes(2), SignalReceived{SIGINT});
  const Result result = harness.run();
  const json finished = result.one("task_finished", "m");
  CHECK(finished["status"] == "interrupted");
  CHECK(finished["reason"] == "interrupted before anyone answered");
  CHECK(finished["elapsed_ms"] == 2 * minute_ms);
  CHECK(result.outcome() == "interrupted");
}

TEST_CASE("SIGTERM terminates running tasks at once") {
  Harness harness({make_task("a", minutes(10)), make_task("b", minutes(10), {"a"})});
  harness.inject(minutes(3), SignalReceived{SIGTERM});
  const Result result = harness.run();
  CHECK(result.values("signal_received", "signal") == Lines{"SIGTERM"});
  CHECK(result.values("signal_received", "action") == Lines{"terminate"});
  CHECK(result.values("run_stopping", "reason") == Lines{"interrupted by SIGTERM"});
  CHECK(result.one("task_finished", "a")["status"] == "interrupted");
  CHECK(result.end_ms() == 3 * minute_ms);
  CHECK(result.outcome() == "interrupted");
}

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

// ----- track -------------------------------------------------------------------------------------

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
