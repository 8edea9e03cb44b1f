// The executor's communication plan (executor_notify.cpp with the Notifier): hooks hear the
// events they listen for, one at a time and in order, beside the run and never changing it.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/run/notices.hpp"
#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

NotifyHook hook(std::vector<NotifyEvent> on, std::string run = "post",
                Duration timeout = std::chrono::seconds{30}) {
  NotifyHook hook;
  hook.on = std::move(on);
  hook.run = std::move(run);
  hook.timeout = timeout;
  hook.shell = {"/bin/sh", "-c"};
  return hook;
}

// What each start of a hook was told, in order: the JSON it read on stdin.
std::vector<json> told(const Result& result, std::string_view hook_name) {
  std::vector<json> inputs;
  for (const ProcessSpec& spec : result.started) {
    if (spec.name == hook_name) inputs.push_back(json::parse(spec.input));
  }
  return inputs;
}

Lines events_of(const std::vector<json>& inputs) {
  Lines events;
  for (const json& input : inputs) events.push_back(input.at("event").get<std::string>());
  return events;
}

VirtualOutcome takes(Duration duration) {
  VirtualOutcome outcome;
  outcome.duration = duration;
  return outcome;
}

std::string env_of(const ProcessSpec& spec, std::string_view name) {
  for (const auto& [key, value] : spec.env) {
    if (key == name) return value;
  }
  return "(unset)";
}

}  // namespace

TEST_CASE("hooks hear what they listen for - one at a time and in order - beside the run") {
  TempDir dir;
  Harness harness({with_policy(make_task("a", minutes(1)), OnFailure::stop)});
  harness.runbook.notify = {
      hook({NotifyEvent::run_started, NotifyEvent::task_failed, NotifyEvent::run_finished}),
      hook({NotifyEvent::run_finished}, "mail")};
  harness.run_dir = dir.path();
  harness.outcomes["a"] = {exits(3)};
  harness.outcomes["notify hook #1"] = {takes(std::chrono::seconds{10})};
  const Result result = harness.run();

  CHECK(result.run.outcome == RunOutcome::failed);
  const std::vector<json> first = told(result, "notify hook #1");
  CHECK(events_of(first) == Lines{"run_started", "task_failed", "run_finished"});
  CHECK(first[1]["task"] == "a");
  CHECK(first[1]["reason"] == "exit code 3");
  CHECK(first[1]["message"] == "test: 'a' failed: exit code 3");
  CHECK(first[1]["run_id"] == "test/20261128T170000Z");
  CHECK(first[2]["outcome"] == "failed");
  CHECK(events_of(told(result, "notify hook #2")) == Lines{"run_finished"});
  // One at a time: each of hook #1's attempts takes 10 s and begins when the last ended (a
  // fails at 60 s); hook #2 is not held up by hook #1.
  CHECK(result.values("notify_sent", "hook") == Lines{"1", "2", "1", "1"});
  CHECK(result.values("notify_sent", "notice") ==
        Lines{"run_started", "run_finished", "task_failed", "run_finished"});
  Times sent;
  for (const JournalEvent& event : result.of("notify_sent")) sent.push_back(event.elapsed_ms);
  CHECK(sent == Times{10'000, 60'000, 70'000, 80'000});
  // The run's own clock stops at its end, not at its hooks'.
  CHECK(result.run.state.last_elapsed_ms == 60'000);
}

TEST_CASE("a hook is told the event in its environment - its command expanded - secrets redacted") {
  TempDir dir;
  Harness harness({make_task("a", minutes(1))});
  harness.runbook.title = "move s3cret";
  harness.runbook.notify = {hook({NotifyEvent::run_started}, "post {{ TOKEN }}")};
  harness.secrets = {{"TOKEN", "s3cret"}};
  harness.run_dir = dir.path();
  const Result result = harness.run();
  REQUIRE(result.started.size() == 2);
  const ProcessSpec& spec = result.started.front();
  CHECK(spec.name == "notify hook #1");
  CHECK(spec.argv == std::vector<std::string>{"/bin/sh", "-c", "post s3cret"});
  CHECK(spec.timeout == std::chrono::seconds{30});
  CHECK(env_of(spec, "CUTOVER_EVENT") == "run_started");
  CHECK(env_of(spec, "CUTOVER_TASK_ID") == "");
  CHECK(env_of(spec, "CUTOVER_MESSAGE") == "test — move ***: the run started");
  CHECK(env_of(spec, "CUTOVER_RUN_ID") == "test/20261128T170000Z");
  CHECK(env_of(spec, "CUTOVER_RUN_DIR") == dir.path().string());
  CHECK(spec.input.find("s3cret") == std::string::npos);
  CHECK(json::parse(spec.input)["title"] == "move ***");
}

TEST_CASE("a failing hook is journaled each time - shown once - and the run goes on") {
  TempDir dir;
  Harness harness({make_task("a", minutes(1)), make_task("b", minutes(1), {"a"})});
  harness.runbook.notify = {hook({NotifyEvent::run_started, NotifyEvent::run_finished})};
  harness.run_dir = dir.path();
  harness.outcomes["notify hook #1"] = {exits(4)};
  const Result result = harness.run();
  CHECK(result.run.outcome == RunOutcome::succeeded);
  CHECK(result.values("notify_failed", "notice") == Lines{"run_started", "run_finished"});
  CHECK(result.values("notify_failed", "reason") == Lines{"exit code 4", "exit code 4"});
  CHECK(result.of("notify_sent").empty());
  CHECK(count(result.console, "notify hook #1 failed") == 1);
  CHECK(result.console.find("notify hook #1 failed on run_started: exit code 4") !=
        std::string::npos);
}

TEST_CASE("at its end a run waits for its hooks no longer than their longest timeout") {
  TempDir dir;
  Harness harness({with_policy(make_task("a", minutes(1)), OnFailure::continue_),
                   with_policy(make_task("b", minutes(1)), OnFailure::continue_)});
  harness.runbook.notify = {hook({NotifyEvent::task_failed, NotifyEvent::run_finished})};
  harness.options.jobs = 2;
  harness.run_dir = dir.path();
  harness.outcomes["a"] = {exits(1)};
  harness.outcomes["b"] = {exits(2)};
  harness.outcomes["notify hook #1"] = {takes(std::chrono::seconds{25})};
  const Result result = harness.run();
  CHECK(result.run.outcome == RunOutcome::succeeded);  // on_failure: continue
  // Three notices at 60 s, 25 s each, and 30 s to wait: a's is sent, b's is cut off at 90 s,
  // run_finished is never sent.
  CHECK(result.values("notify_sent", "task") == Lines{"a"});
  CHECK(result.values("notify_failed", "notice") == Lines{"run_finished", "task_failed"});
  CHECK(result.values("notify_failed", "reason")[0] ==
        "not sent: the run had ended and its hooks' time was up");
  CHECK(result.values("notify_failed", "task")[1] == "b");
  CHECK(result.of("notify_failed").back().elapsed_ms == 90'000);
}

TEST_CASE("waiting is told once when a question opens - gate_waiting once per gate") {
  TempDir dir;
  Harness harness({approval_gate("go", {"ann", "bob"}), manual_task("m", minutes(5), {"go"})});
  harness.runbook.notify = {hook({NotifyEvent::waiting, NotifyEvent::gate_waiting})};
  harness.options.non_interactive = true;
  harness.run_dir = dir.path();
  harness.decide(minutes(1), gate_decision("d-1", DecisionKind::approve, "go", "ann"));
  harness.decide(minutes(2), gate_decision("d-2", DecisionKind::approve, "go", "bob"));
  harness.decide(minutes(3), marked("d-3", "m", Verdict::done, "carol"));
  const Result result = harness.run();
  CHECK(result.run.outcome == RunOutcome::succeeded);
  const std::vector<json> inputs = told(result, "notify hook #1");
  CHECK(events_of(inputs) == Lines{"gate_waiting", "waiting", "waiting"});
  CHECK(inputs[0]["approvers"] == json{"ann", "bob"});
  CHECK(inputs[1]["task"] == "go");
  CHECK(inputs[1]["waiting_for"] == "approval");
  CHECK(inputs[1]["waiting_on"] == json{"ann", "bob"});
  CHECK(inputs[1]["message"] == "test: 'go' waits for approval by ann, bob (go, no-go or hold)");
  CHECK(inputs[2]["task"] == "m");
  CHECK(inputs[2]["answers"] == json{"done", "failed", "skipped"});
}

TEST_CASE("with auto answers nothing waits - and a dry run tells no hook") {
  TempDir dir;
  Harness harness({approval_gate("go", {"ann"}), manual_task("m", minutes(5), {"go"})});
  harness.runbook.notify = {
      hook({NotifyEvent::waiting, NotifyEvent::gate_waiting, NotifyEvent::run_finished})};
  harness.options.auto_people = true;
  harness.run_dir = dir.path();
  CHECK(events_of(told(harness.run(), "notify hook #1")) == Lines{"run_finished"});
  harness.options.dry_run = true;
  CHECK(told(harness.run(), "notify hook #1").empty());
}

TEST_CASE("overrun is told once - when a task has run 50% past its estimate") {
  TempDir dir;
  Harness harness({make_task("slow", minutes(2)), make_task("quick", minutes(2), {"slow"}),
                   make_task("free", {}, {"quick"})});
  harness.runbook.notify = {hook({NotifyEvent::overrun})};
  harness.run_dir = dir.path();
  VirtualOutcome slow;
  slow.duration = minutes(10);
  harness.outcomes["slow"] = {slow};
  const Result result = harness.run();
  CHECK(result.run.outcome == RunOutcome::succeeded);
  const std::vector<json> inputs = told(result, "notify hook #1");
  REQUIRE(events_of(inputs) == Lines{"overrun"});
  CHECK(inputs[0]["task"] == "slow");
  CHECK(inputs[0]["message"] == "test: 'slow' has taken 3m, estimated 2m");
  CHECK(inputs[0]["estimate_ms"] == 120'000);
  CHECK(inputs[0]["elapsed_ms"] == 180'000);
  CHECK(result.of("notify_sent").front().elapsed_ms == 180'000);
}

TEST_CASE("resume: what a crash kept from the hooks is journaled as not sent - never sent late") {
  const std::vector<Task> tasks = {with_policy(make_task("a", minutes(1)), OnFailure::stop),
                                   make_task("b", minutes(1), {"a"})};
  const std::vector<NotifyHook> hooks = {
      hook({NotifyEvent::run_started, NotifyEvent::task_failed, NotifyEvent::run_finished}),
      hook({NotifyEvent::task_failed}, "mail")};
  TempDir first_dir;
  Harness first(tasks);
  first.runbook.notify = hooks;
  first.run_dir = first_dir.path();
  first.outcomes["a"] = {exits(3)};
  first.outcomes["notify hook #1"] = {takes(std::chrono::seconds{10})};
  // The executor dies right after it journaled a's failure: run_started was sent, the
  // task_failed notices never were.
  const std::vector<JournalEvent> history = cut_after(first.run().events, "task_finished");
  REQUIRE(lost_notices(first.runbook, make_run_graph(first.runbook), history).size() == 2);

  TempDir dir;
  Harness resumed(tasks);
  resumed.runbook.notify = hooks;
  resumed.options.start = Start::resume;
  resumed.run_dir = dir.path();
  resumed.history = &history;
  const Result result = resumed.run();
  CHECK(result.outcome() == "succeeded");
  CHECK(result.values("notify_failed", "hook") == Lines{"1", "2"});
  CHECK(result.values("notify_failed", "task") == Lines{"a", "a"});
  CHECK(result.values("notify_failed", "reason") ==
        Lines{"not sent: the executor stopped before this hook ran",
              "not sent: the executor stopped before this hook ran"});
  // Nothing of the first executor's is told again: only the resumed run's end.
  CHECK(events_of(told(result, "notify hook #1")) == Lines{"run_finished"});
  CHECK(told(result, "notify hook #2").empty());
  // A journal whose every notice was answered has nothing lost.
  std::vector<JournalEvent> whole = history;
  for (const JournalEvent& event : result.events) whole.push_back(event);
  CHECK(lost_notices(first.runbook, make_run_graph(first.runbook), whole).empty());
}
