// The executor's loop (executor.cpp): the order tasks start in, a run's stops and end, signals,
// dry runs and the journal's durability. Processes, people, rollback and resume have files of
// their own: executor_*_test.cpp.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "support/executor_support.hpp"

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

// ----- failure policies: stop and continue -------------------------------------------------------

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

TEST_CASE("a second Ctrl-C leaves a task whose question waits still waiting") {
  // Nothing was executing: the person may be doing it now, and answers it later.
  Harness harness({manual_task("m"), make_task("b", {}, {"m"})});
  harness.inject(minutes(1), SignalReceived{SIGINT}).inject(minutes(2), SignalReceived{SIGINT});
  const Result result = harness.run();
  CHECK(result.of("task_finished").empty());
  CHECK(result.of("task_in_doubt").empty());
  CHECK(result.tasks("task_started") == Lines{"m"});
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
