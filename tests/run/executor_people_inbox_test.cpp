// The executor's decisions from other terminals (executor_people.cpp): marks, approvals and
// rejections through the inbox, refused when they come too late or are not meant for the run,
// and the question at this terminal withdrawn when the inbox answers first.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cutover/run/inbox.hpp"
#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// ----- decisions from other terminals ------------------------------------------------------------

TEST_CASE("a non-interactive run waits for the inbox to settle a manual task") {
  TempDir dir;
  Harness harness({with_rollback(make_task("prep", minutes(1))), manual_task("m", {}, {"prep"}),
                   make_task("after", minutes(1), {"m"})});
  harness.run_dir = dir.path();
  harness.options.non_interactive = true;
  SUBCASE("done, with a note") {
    harness.decide(minutes(15), marked("d-1", "m", Verdict::done, "alice", "ledger closed"));
    const Result result = harness.run();
    const json finished = result.one("task_finished", "m");
    CHECK(finished["elapsed_ms"] == 15 * minute_ms);
    CHECK(finished["status"] == "succeeded");
    CHECK(finished["by"] == "alice");
    CHECK(finished["user"] == "alice-u");
    CHECK(finished["host"] == "laptop");
    CHECK(finished["decision"] == "d-1");
    CHECK(finished["note"] == "ledger closed");
    CHECK(result.tasks("task_started") == Lines{"prep", "m", "after"});
    CHECK(result.values("run_started", "non_interactive") == Lines{"true"});
    CHECK(result.console.find(
              fmt::format("    answer with: cutover mark {} m done|failed|skipped --by NAME\n",
                          dir.path().string())) != std::string::npos);
    CHECK(result.console.find("[m] done, failed or skipped?") == std::string::npos);
    CHECK(result.run.state.decisions.contains("d-1"));
    CHECK(result.run.state.tasks[1].by == "alice");
    CHECK(result.outcome() == "succeeded");
    CHECK(read_inbox(dir.path()).empty());
  }
  SUBCASE("failed: the failure policy applies") {
    harness.decide(minutes(15), marked("d-1", "m", Verdict::failed, "bob"));
    const Result result = harness.run();
    const json finished = result.one("task_finished", "m");
    CHECK(finished["status"] == "failed");
    CHECK(finished["reason"] == "marked failed by bob");
    CHECK(finished["by"] == "bob");
    CHECK(finished["decision"] == "d-1");
    CHECK_FALSE(finished.contains("note"));
    CHECK(result.values("run_stopping", "reason") == Lines{"task m failed"});
    CHECK(result.tasks("rollback_step_started") == Lines{"prep"});
    CHECK(result.tasks("task_started") == Lines{"prep", "m"});
    CHECK(result.outcome() == "rolled_back");
  }
  SUBCASE("skipped") {
    harness.decide(minutes(15), marked("d-1", "m", Verdict::skipped, "carol"));
    const Result result = harness.run();
    const json finished = result.one("task_finished", "m");
    CHECK(finished["status"] == "skipped");
    CHECK(finished["by"] == "carol");
    CHECK(finished["decision"] == "d-1");
    CHECK(result.tasks("task_started") == Lines{"prep", "m", "after"});
    CHECK(result.outcome() == "succeeded");
  }
  SUBCASE("retry is refused: a manual task is done, failed or skipped") {
    harness.decide(minutes(5), marked("d-1", "m", Verdict::retry, "bob"));
    harness.decide(minutes(6), marked("d-2", "m", Verdict::done, "bob"));
    const Result result = harness.run();
    const json refused = result.one("decision_refused", "m");
    CHECK(refused["decision"] == "d-1");
    CHECK(refused["verdict"] == "retry");
    CHECK(refused["reason"] == "m waits for a person: mark it done, failed or skipped");
    CHECK(result.one("task_finished", "m")["decision"] == "d-2");
    CHECK(result.run.state.decisions.contains("d-1"));
    CHECK(result.outcome() == "succeeded");
  }
}

TEST_CASE("approvals from the inbox and from the terminal add up") {
  TempDir dir;
  Harness harness({gate_task("g", {}, {"lead", "owner"}), make_task("after", minutes(1), {"g"})});
  harness.run_dir = dir.path();
  harness.decide(minutes(2), gate_decision("d-lead", DecisionKind::approve, "g", "lead"));
  harness.type(minutes(3), {"g", "owner"});
  const Result result = harness.run();
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  CHECK(result.values("gate_approved", "decision") == Lines{"d-lead", ""});
  CHECK(result.values("gate_approved", "user") == Lines{"alice-u", "ops"});
  CHECK(result.values("gate_approved", "host") == Lines{"laptop", "host-1"});
  CHECK(result.elapsed("gate_approved") == Times{2 * minute_ms, 4 * minute_ms});
  CHECK(result.console.find("[g] who decides? (owner): ") != std::string::npos);
  CHECK(result.one("task_finished", "g")["status"] == "succeeded");
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a second approval by the same approver is refused and journaled") {
  TempDir dir;
  Harness harness({gate_task("g", {}, {"lead", "owner"})});
  harness.run_dir = dir.path();
  harness.options.non_interactive = true;
  harness.decide(minutes(2), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
  harness.decide(minutes(3), gate_decision("d-2", DecisionKind::approve, "g", "lead"));
  harness.decide(minutes(4), gate_decision("d-3", DecisionKind::approve, "g", "owner"));
  const Result result = harness.run();
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  const json refused = result.one("decision_refused", "g");
  CHECK(refused["elapsed_ms"] == 3 * minute_ms);
  CHECK(refused["decision"] == "d-2");
  CHECK(refused["kind"] == "approve");
  CHECK(refused["by"] == "lead");
  CHECK(refused["user"] == "alice-u");
  CHECK(refused["host"] == "laptop");
  CHECK(refused["run_id"] == std::string(run_id));
  CHECK(refused["reason"] == "lead already approved g");
  CHECK(
      result.console.find("refused: approve g by lead (alice-u@laptop): lead already approved g") !=
      std::string::npos);
  CHECK(result.run.state.decisions == std::set<std::string, std::less<>>{"d-1", "d-2", "d-3"});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a rejection from the inbox is a no-go") {
  TempDir dir;
  Harness harness({with_policy(gate_task("g", {}, {"lead", "owner"}), OnFailure::stop)});
  harness.run_dir = dir.path();
  harness.options.non_interactive = true;
  Decision rejection = gate_decision("d-1", DecisionKind::reject, "g", "owner");
  rejection.note = "numbers do not reconcile";
  harness.decide(minutes(2), rejection);
  const Result result = harness.run();
  const json rejected = result.one("gate_rejected", "g");
  CHECK(rejected["approver"] == "owner");
  CHECK(rejected["decision"] == "d-1");
  CHECK(rejected["note"] == "numbers do not reconcile");
  const json finished = result.one("task_finished", "g");
  CHECK(finished["status"] == "failed");
  CHECK(finished["reason"] == "no-go: rejected by owner: numbers do not reconcile");
  CHECK(result.outcome() == "failed");
}

TEST_CASE("a decision meant for another run is refused") {
  TempDir dir;
  Harness harness({manual_task("m")});
  harness.run_dir = dir.path();
  harness.options.non_interactive = true;
  Decision elsewhere = marked("d-1", "m", Verdict::done);
  elsewhere.run_id = "test/20261127T170000Z-rehearsal";
  harness.decide(minutes(2), elsewhere);
  harness.decide(minutes(3), marked("d-2", "m", Verdict::done, "bob"));
  const Result result = harness.run();
  const json refused = result.one("decision_refused", "m");
  CHECK(refused["decision"] == "d-1");
  CHECK(refused["run_id"] == "test/20261127T170000Z-rehearsal");
  CHECK(refused["reason"] == "it was meant for run test/20261127T170000Z-rehearsal");
  const json finished = result.one("task_finished", "m");
  CHECK(finished["by"] == "bob");
  CHECK(finished["elapsed_ms"] == 3 * minute_ms);
  CHECK(read_inbox(dir.path()).empty());
}

TEST_CASE("an inbox file that is not a decision is refused and removed") {
  TempDir dir;
  const auto inbox = make_inbox(dir.path());
  write_text(inbox / "20261128T170000000Z-1-garbage.json", "{\"id\": ");
  Harness harness({make_task("a", minutes(10))});
  harness.run_dir = dir.path();
  harness.inject(minutes(1), InboxChanged{});
  const Result result = harness.run();
  const std::vector<JournalEvent> refused = result.of("decision_refused");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].elapsed_ms == minute_ms);
  const auto* refusal = refused[0].as<event::DecisionRefused>();
  REQUIRE(refusal);
  CHECK(refusal->file == "20261128T170000000Z-1-garbage.json");
  CHECK(refusal->reason.starts_with(
      "20261128T170000000Z-1-garbage.json cannot be read as a decision: "));
  CHECK_FALSE(std::filesystem::exists(inbox / "20261128T170000000Z-1-garbage.json"));
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("the terminal answers first: a later mark from the inbox is refused") {
  TempDir dir;
  Harness harness({manual_task("m"), make_task("long", minutes(10))});
  harness.run_dir = dir.path();
  harness.type(minutes(1), {"d", "bob"});
  harness.decide(minutes(3), marked("d-1", "m", Verdict::failed, "alice"));
  const Result result = harness.run();
  const json finished = result.one("task_finished", "m");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["by"] == "bob");
  CHECK_FALSE(finished.contains("decision"));
  const json refused = result.one("decision_refused", "m");
  CHECK(refused["elapsed_ms"] == 3 * minute_ms);
  CHECK(refused["decision"] == "d-1");
  CHECK(refused["verdict"] == "failed");
  CHECK(refused["reason"] == "m already finished: succeeded (by bob)");
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("the inbox answers first: the question at the terminal is withdrawn") {
  TempDir dir;
  Harness harness({manual_task("m1", minutes(30)), manual_task("m2", minutes(5))});
  harness.run_dir = dir.path();
  // Someone at the terminal starts answering m1 ("d"), while alice marks it elsewhere.
  harness.type(minutes(1), {"d"});
  harness.decide(minutes(2), marked("d-1", "m1", Verdict::done, "alice"));
  // The name typed next was meant for m1; m2 is being asked now, and a name is no verdict.
  harness.type(minutes(3), {"bob", "s", "bob"});
  const Result result = harness.run();
  CHECK(result.console.find("[m1] answered at another terminal by alice (alice-u@laptop)\n") !=
        std::string::npos);
  const json m1 = result.one("task_finished", "m1");
  CHECK(m1["by"] == "alice");
  CHECK(m1["decision"] == "d-1");
  CHECK(m1["elapsed_ms"] == 2 * minute_ms);
  const json m2 = result.one("task_finished", "m2");
  CHECK(m2["status"] == "skipped");
  CHECK(m2["by"] == "bob");
  CHECK(m2["elapsed_ms"] == 5 * minute_ms);
  // m2 is asked once m1's question is withdrawn; the stray name is not taken as its verdict.
  const auto withdrawn = result.console.find("[m1] answered at another terminal");
  CHECK(result.console.find("[m2] done, failed or skipped? [d/f/s]: ", withdrawn) !=
        std::string::npos);
  CHECK(count(result.console, "[m2] your name (asked once): ") == 1);
  CHECK(result.of("decision_refused").empty());
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("an approval from the inbox that completes a gate withdraws its question") {
  TempDir dir;
  Harness harness({gate_task("g", {}, {"lead"}), manual_task("m", {}, {"g"})});
  harness.run_dir = dir.path();
  harness.type(minutes(1), {"g"});
  harness.decide(minutes(2), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
  // "lead" was meant as g's approver; m is asked now, and a name is no verdict.
  harness.type(minutes(3), {"lead", "d", "carol"});
  const Result result = harness.run();
  CHECK(result.console.find("[g] answered at another terminal by lead (alice-u@laptop)\n") !=
        std::string::npos);
  CHECK(result.values("gate_approved", "approver") == Lines{"lead"});
  CHECK(result.values("gate_approved", "decision") == Lines{"d-1"});
  CHECK(count(result.console, "[m] done, failed or skipped? [d/f/s]: ") == 2);
  const json finished = result.one("task_finished", "m");
  CHECK(finished["by"] == "carol");
  CHECK(finished["elapsed_ms"] == 5 * minute_ms);
  CHECK(result.of("decision_refused").empty());
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("four eyes: a gate of any two of three goes on the second approval") {
  TempDir dir;
  Task gate = approval_gate("go", {"ann", "bob", "cy"});
  std::get<Gate>(gate.kind).min_approvals = 2;
  Harness harness({gate, make_task("after", minutes(1), {"go"})});
  harness.options.non_interactive = true;
  harness.run_dir = dir.path();
  harness.decide(minutes(1), gate_decision("d-1", DecisionKind::approve, "go", "cy"));
  harness.decide(minutes(2), gate_decision("d-2", DecisionKind::approve, "go", "ann"));
  const Result result = harness.run();
  CHECK(result.outcome() == "succeeded");
  CHECK(result.values("gate_approved", "approver") == Lines{"cy", "ann"});
  CHECK(result.one("task_finished", "go")["status"] == "succeeded");
  CHECK(result.of("task_finished").front().elapsed_ms == 2 * minute_ms);
}
