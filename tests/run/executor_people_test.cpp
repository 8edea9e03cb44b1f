// The executor's questions to people at its terminal (executor_people.cpp): answers typed,
// answered by auto, a terminal that closes, and track mode, where people mark every task.
// Decisions from other terminals are in executor_people_inbox_test.cpp.
#include "cutover/run/executor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "cutover/run/inbox.hpp"
#include "support/executor_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// ----- auto answers for people -------------------------------------------------------------------

TEST_CASE("a manual task with auto_people is done by auto") {
  Harness harness({manual_task("m", minutes(30))});
  harness.options.auto_people = true;
  const Result result = harness.run();
  CHECK(result.values("task_started", "kind") == Lines{"manual"});
  CHECK(result.values("task_started", "command") == Lines{""});
  const json finished = result.one("task_finished", "m");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["by"] == "auto");
  CHECK(finished["user"] == "ops");
  CHECK(finished["host"] == "host-1");
  CHECK(result.started.empty());
  CHECK(result.run.state.tasks[0].by == "auto");
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a manual rollback step is taken as done by auto") {
  Task m = manual_task("m", minutes(1));
  m.rollback = ManualRollback{"Undo it."};
  Harness harness({m, make_task("x", minutes(1), {"m"})});
  harness.options.auto_people = true;
  harness.outcomes["x"] = {exits(1)};
  const Result result = harness.run();
  CHECK(result.tasks("rollback_step_started") == Lines{"m"});
  CHECK(result.values("rollback_step_started", "kind") == Lines{"manual"});
  CHECK(result.values("rollback_step_finished", "by") == Lines{"auto"});
  CHECK(result.values("rollback_step_finished", "status") == Lines{"succeeded"});
  CHECK(result.outcome() == "rolled_back");
}

// ----- people at the terminal --------------------------------------------------------------------

TEST_CASE("a manual task answered at the terminal is done by the name typed") {
  Harness harness({manual_task("m", minutes(30)), make_task("after", minutes(1), {"m"})});
  harness.type(minutes(1), {"d", "alice"});
  const Result result = harness.run();
  const json finished = result.one("task_finished", "m");
  CHECK(finished["elapsed_ms"] == 2 * minute_ms);
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["by"] == "alice");
  CHECK(finished["user"] == "ops");
  CHECK(finished["host"] == "host-1");
  CHECK(result.tasks("task_started") == Lines{"m", "after"});
  CHECK(result.console.find("[m] done, failed or skipped? [d/f/s]: ") != std::string::npos);
  CHECK(result.console.find("[m] your name (asked once): ") != std::string::npos);
  CHECK(result.console.find("    Do it by hand.\n") != std::string::npos);
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("a manual task marked failed or skipped at the terminal") {
  SUBCASE("failed") {
    Harness harness({with_policy(manual_task("m"), OnFailure::stop), make_task("b", {}, {"m"})});
    harness.type(minutes(1), {"f", "bob"});
    const Result result = harness.run();
    const json finished = result.one("task_finished", "m");
    CHECK(finished["status"] == "failed");
    CHECK(finished["reason"] == "marked failed by bob");
    CHECK(finished["by"] == "bob");
    CHECK_FALSE(finished.contains("decision"));
    CHECK(result.tasks("task_started") == Lines{"m"});
    CHECK(result.outcome() == "failed");
  }
  SUBCASE("skipped") {
    Harness harness({manual_task("m"), make_task("b", {}, {"m"})});
    harness.type(minutes(1), {"skipped", "bob"});
    const Result result = harness.run();
    CHECK(result.values("task_finished", "status") == Lines{"skipped", "succeeded"});
    CHECK(result.one("task_finished", "m")["by"] == "bob");
    CHECK(result.outcome() == "succeeded");
  }
}

TEST_CASE("an answer that is not a verdict is asked again") {
  Harness harness({manual_task("m")});
  harness.type(minutes(1), {"maybe", "d", "alice"});
  const Result result = harness.run();
  CHECK(count(result.console, "[m] done, failed or skipped? [d/f/s]: ") == 2);
  CHECK(result.one("task_finished", "m")["by"] == "alice");
  CHECK(result.one("task_finished", "m")["elapsed_ms"] == 3 * minute_ms);
}

TEST_CASE("approvals typed at the terminal are recorded by each approver") {
  Harness harness({gate_task("g", {}, {"lead", "owner"})});
  harness.type(minutes(1), {"g", "lead", "go", "owner"});
  const Result result = harness.run();
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  CHECK(result.values("gate_approved", "by") == Lines{"lead", "owner"});
  CHECK(result.elapsed("gate_approved") == Times{2 * minute_ms, 4 * minute_ms});
  CHECK(result.one("task_finished", "g")["status"] == "succeeded");
  CHECK(result.console.find("[g] who decides? (lead, owner): ") != std::string::npos);
  CHECK(result.console.find("[g] who decides? (owner): ") != std::string::npos);
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("each approval prompt is shown once") {
  Harness harness({gate_task("g", {}, {"lead", "owner"})});
  harness.type(minutes(1), {"g", "lead", "g", "owner"});
  const Result result = harness.run();
  CHECK(count(result.console, "[g] go, no-go or hold? [g/n/h]: ") == 2);
}

TEST_CASE("a rejection typed at the terminal is a no-go and the failure policy applies") {
  Harness harness({with_rollback(make_task("prep", minutes(1))),
                   gate_task("g", {}, {"lead", "owner"}, {"prep"}),
                   make_task("after", minutes(1), {"g"})});
  // Who, why, then the confirmation: a no-go is not one keystroke.
  harness.type(minutes(5), {"n", "owner", "recon is off", "no-go"});
  const Result result = harness.run();
  const json rejected = result.one("gate_rejected", "g");
  CHECK(rejected["by"] == "owner");
  CHECK(rejected["approver"] == "owner");
  CHECK(rejected["user"] == "ops");
  CHECK(rejected["note"] == "recon is off");
  const json finished = result.one("task_finished", "g");
  CHECK(finished["status"] == "failed");
  CHECK(finished["reason"] == "no-go: rejected by owner: recon is off");
  CHECK(finished["by"] == "owner");
  CHECK(result.tasks("task_started") == Lines{"prep", "g"});
  CHECK(result.tasks("rollback_step_started") == Lines{"prep"});
  CHECK(result.values("run_stopping", "reason") == Lines{"task g failed"});
  CHECK(result.outcome() == "rolled_back");
  CHECK(result.run.state.tasks[1].by == "owner");
}

TEST_CASE("a rejection's reason may follow the answer: it is still confirmed") {
  Harness harness({gate_task("g", {}, {"lead"}), make_task("after", minutes(1), {"g"})});
  harness.type(minutes(5), {"n recon is off", "lead", "no-go"});
  const Result result = harness.run();
  CHECK(result.one("gate_rejected", "g")["note"] == "recon is off");
  CHECK(result.console.find("why no-go?") == std::string::npos);
  CHECK(result.one("task_finished", "g")["reason"] == "no-go: rejected by lead: recon is off");
}

TEST_CASE("a hold at the terminal keeps the gate waiting and journals who and why") {
  Harness harness({gate_task("g", {}, {"lead", "owner"}), make_task("after", minutes(1), {"g"})});
  harness.type(minutes(1), {"h", "owner", "", "bank has not confirmed", "h wait for DNS", "lead",
                            "g", "lead", "g", "owner"});
  const Result result = harness.run();
  CHECK(result.values("gate_held", "approver") == Lines{"owner", "lead"});
  CHECK(result.values("gate_held", "note") == Lines{"bank has not confirmed", "wait for DNS"});
  CHECK(result.values("gate_held", "user") == Lines{"ops", "ops"});
  CHECK(result.elapsed("gate_held") == Times{4 * minute_ms, 6 * minute_ms});
  CHECK(result.run.state.tasks[0].holds.empty());  // each approver's go ends their hold
  CHECK(result.console.find("a hold needs its reason") != std::string::npos);
  CHECK(result.console.find("hold   g: held by owner: bank has not confirmed") !=
        std::string::npos);
  CHECK(count(result.console, "[g] why hold? ") == 2);  // once more after the empty reason
  // Still waiting after the holds: the approvals that follow are taken.
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  CHECK(result.one("task_finished", "g")["status"] == "succeeded");
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("an approver name that is not in the list is asked again") {
  Harness harness({gate_task("g", {}, {"lead"})});
  harness.type(minutes(1), {"g", "mallory", "lead"});
  const Result result = harness.run();
  CHECK(result.console.find("'mallory' is not one of: lead\n") != std::string::npos);
  CHECK(count(result.console, "[g] who decides? (lead): ") == 2);
  CHECK(result.values("gate_approved", "approver") == Lines{"lead"});
  CHECK(result.elapsed("gate_approved") == Times{3 * minute_ms});
  CHECK(result.of("gate_rejected").empty());
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("questions are put one at a time in order of preference") {
  Harness harness({manual_task("m1", minutes(30)), manual_task("m2", minutes(5)),
                   manual_task("m3", minutes(60))});
  harness.type(minutes(1), {"d", "alice", "s", "d"});
  const Result result = harness.run();
  CHECK(result.tasks("task_started") == Lines{"m3", "m1", "m2"});
  CHECK(result.tasks("task_finished") == Lines{"m3", "m1", "m2"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded", "skipped", "succeeded"});
  CHECK(result.elapsed("task_finished") == Times{2 * minute_ms, 3 * minute_ms, 4 * minute_ms});
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("the operator's name is asked once and kept for the rest of the run") {
  Harness harness({manual_task("m1", minutes(30)), manual_task("m2", minutes(5))});
  harness.type(minutes(1), {"d", "alice", "f"});
  const Result result = harness.run();
  CHECK(result.values("task_finished", "by") == Lines{"alice", "alice"});
  CHECK(count(result.console, "your name (asked once): ") == 1);
  CHECK(result.console.find("answers here are by alice from now on") != std::string::npos);
}

TEST_CASE("--by names the operator up front: nobody is asked for a name") {
  Harness harness({manual_task("m1", minutes(30)), manual_task("m2", minutes(5))});
  harness.options.operator_name = "dana";
  harness.type(minutes(1), {"d", "s"});
  const Result result = harness.run();
  CHECK(result.values("task_finished", "by") == Lines{"dana", "dana"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded", "skipped"});
  CHECK(result.console.find("your name") == std::string::npos);
}

TEST_CASE("text after the answer is its note - for the journal and a failure reason") {
  Harness harness({with_policy(manual_task("m1", minutes(30)), OnFailure::continue_),
                   manual_task("m2", minutes(5))});
  harness.options.operator_name = "dana";
  harness.type(minutes(1), {"d   checked by phone ", "f disk full on db2"});
  const Result result = harness.run();
  CHECK(result.one("task_finished", "m1")["note"] == "checked by phone");
  const json failed = result.one("task_finished", "m2");
  CHECK(failed["note"] == "disk full on db2");
  CHECK(failed["reason"] == "marked failed by dana: disk full on db2");
  CHECK(count(result.console, "(words typed after an answer go into the journal as its note)") ==
        1);
}

TEST_CASE("an answer that is not one says which answers are") {
  Harness harness({manual_task("m", minutes(30))});
  harness.options.operator_name = "dana";
  harness.type(minutes(1), {"yes", "done"});
  const Result result = harness.run();
  CHECK(result.console.find("'yes' is not an answer here: done, failed or skipped\n") !=
        std::string::npos);
  CHECK(result.values("task_finished", "status") == Lines{"succeeded"});
}

TEST_CASE("a manual rollback step answered at the terminal") {
  Task m = manual_task("m");
  m.owner = "finance-lead";
  m.rollback = ManualRollback{"Reverse the journal entries."};
  Harness harness({m, make_task("x", minutes(1), {"m"})});
  harness.outcomes["x"] = {exits(1)};
  SUBCASE("done") {
    harness.type(minutes(2), {"d", "alice"}).type(minutes(10), {"d"});
    const Result result = harness.run();
    const json finished = result.one("rollback_step_finished", "m");
    CHECK(finished["status"] == "succeeded");
    CHECK(finished["by"] == "alice");
    CHECK(finished["elapsed_ms"] == 10 * minute_ms);
    CHECK(result.console.find("[m] rollback done or failed? [d/f]: ") != std::string::npos);
    CHECK(result.console.find("manual rollback m (owner finance-lead):\n    Reverse the journal "
                              "entries.\n") != std::string::npos);
    CHECK(result.outcome() == "rolled_back");
  }
  SUBCASE("failed") {
    harness.type(minutes(2), {"d", "alice"}).type(minutes(10), {"f"});
    const Result result = harness.run();
    const json finished = result.one("rollback_step_finished", "m");
    CHECK(finished["status"] == "failed");
    CHECK(finished["reason"] == "marked failed by alice");
    CHECK(finished["by"] == "alice");
    CHECK(result.outcome() == "rollback_failed");
  }
}

// ----- a closed terminal -------------------------------------------------------------------------

TEST_CASE("a closed terminal leaves the question to the inbox: without one the run cannot go on") {
  TempDir dir;
  Harness harness({with_policy(manual_task("m"), OnFailure::stop), make_task("b", {}, {"m"})});
  harness.run_dir = dir.path();
  harness.inject(minutes(5), TerminalClosed{});
  const Result result = harness.run_to_stall();
  CHECK(result.error == fmt::format("the run waits for a person, and no terminal or inbox can "
                                    "reach one: cutover mark {} m done|failed|skipped --by NAME; "
                                    "the journal is intact and the run can be resumed",
                                    dir.path().string()));
  CHECK(result.of("task_finished").empty());
  CHECK(result.of("run_finished").empty());
  CHECK(result.tasks("task_started") == Lines{"m"});
  CHECK(result.console.find("the terminal's input closed: answer from another terminal\n") !=
        std::string::npos);
  CHECK(result.console.find(fmt::format("    cutover mark {} m done|failed|skipped --by NAME\n",
                                        dir.path().string())) != std::string::npos);
}

TEST_CASE("a decision from the inbox settles a question after the terminal closed") {
  TempDir dir;
  Harness harness({with_policy(manual_task("m"), OnFailure::stop), make_task("b", {}, {"m"})});
  harness.run_dir = dir.path();
  harness.inject(minutes(5), TerminalClosed{});
  harness.decide(minutes(30), marked("d-1", "m", Verdict::done, "alice", "checked the ledger"));
  const Result result = harness.run();
  const json finished = result.one("task_finished", "m");
  CHECK(finished["elapsed_ms"] == 30 * minute_ms);
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["by"] == "alice");
  CHECK(finished["decision"] == "d-1");
  CHECK(result.tasks("task_started") == Lines{"m", "b"});
  CHECK(result.outcome() == "succeeded");
  CHECK(read_inbox(dir.path()).empty());
}

TEST_CASE("a closed terminal leaves a waiting approval to the inbox") {
  TempDir dir;
  Harness harness({with_policy(gate_task("g", {}, {"lead"}), OnFailure::stop)});
  harness.run_dir = dir.path();
  harness.type(minutes(1), {"g"}).inject(minutes(2), TerminalClosed{});
  SUBCASE("nobody approves") {
    const Result result = harness.run_to_stall();
    CHECK(result.of("gate_approved").empty());
    CHECK(result.of("task_finished").empty());
    CHECK(result.error.find(fmt::format("one: cutover approve {0} g --by lead or cutover reject "
                                        "{0} g --by NAME --note REASON or cutover hold {0} g "
                                        "--by NAME --note REASON;",
                                        dir.path().string())) != std::string::npos);
  }
  SUBCASE("the lead approves from another terminal") {
    harness.decide(minutes(10), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
    const Result result = harness.run();
    const json approved = result.one("gate_approved", "g");
    CHECK(approved["approver"] == "lead");
    CHECK(approved["decision"] == "d-1");
    CHECK(approved["elapsed_ms"] == 10 * minute_ms);
    CHECK(result.one("task_finished", "g")["status"] == "succeeded");
    CHECK(result.outcome() == "succeeded");
  }
}

TEST_CASE("a question asked after the terminal closed shows how to answer it elsewhere") {
  TempDir dir;
  Harness harness(
      {make_task("a", minutes(10)), with_policy(manual_task("m", {}, {"a"}), OnFailure::stop)});
  harness.run_dir = dir.path();
  harness.inject(minutes(1), TerminalClosed{});
  harness.decide(minutes(20), marked("d-1", "m", Verdict::failed, "bob"));
  const Result result = harness.run();
  CHECK(result.console.find(
            fmt::format("    answer with: cutover mark {} m done|failed|skipped --by NAME\n",
                        dir.path().string())) != std::string::npos);
  CHECK(result.console.find("[m] done, failed or skipped?") == std::string::npos);
  const json finished = result.one("task_finished", "m");
  CHECK(finished["status"] == "failed");
  CHECK(finished["reason"] == "marked failed by bob");
  CHECK(finished["elapsed_ms"] == 20 * minute_ms);
  CHECK(result.outcome() == "failed");
}

// ----- track -------------------------------------------------------------------------------------

TEST_CASE("track: nothing runs and people mark every task") {
  Task deploy = make_task("deploy", minutes(10));
  deploy.kind = Command{"deploy --token {{ TOKEN }}"};
  Task checks = gate_task("checks", {make_check("recon")}, {}, {"deploy"});
  Task m = manual_task("m", minutes(5), {"checks"});
  Harness harness({deploy, checks, m});
  harness.options.track = true;
  harness.secrets = {{"TOKEN", "s3cr3t"}};
  harness.type(minutes(1), {"d", "alice", "d", "s"});
  const Result result = harness.run();
  CHECK(result.started.empty());
  CHECK(result.values("run_started", "track") == Lines{"true"});
  CHECK(result.tasks("task_started") == Lines{"deploy", "checks", "m"});
  CHECK(result.values("task_started", "command") == Lines{"deploy --token ***", "", ""});
  CHECK(result.values("task_finished", "by") == Lines{"alice", "alice", "alice"});
  CHECK(result.values("task_finished", "status") == Lines{"succeeded", "succeeded", "skipped"});
  CHECK(result.console.find("do     deploy: deploy, estimate 10m\n") != std::string::npos);
  CHECK(result.console.find("    $ deploy --token ***\n") != std::string::npos);
  CHECK(result.console.find("    check 'recon': $ ./check.sh\n") != std::string::npos);
  CHECK(result.console.find("[deploy] done, failed or skipped? [d/f/s]: ") != std::string::npos);
  CHECK(result.console.find("[checks] done, failed or skipped? [d/f/s]: ") != std::string::npos);
  CHECK(result.console.find("s3cr3t") == std::string::npos);
  for (const JournalEvent& event : result.events) {
    CHECK(testing::journaled(event).dump().find("s3cr3t") == std::string::npos);
  }
  CHECK(result.of("check_finished").empty());
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("people see titles with vars filled in and secrets hidden") {
  TempDir dir;
  Task manual = manual_task("announce", minutes(1));
  manual.title = "Tell {{ TEAM }} about {{ HOST }}";
  Task gate = approval_gate("g", {"lead"}, {"announce"});
  gate.title = "Promote {{ HOST }} with {{ TOKEN }}?";
  Harness harness({manual, gate});
  harness.runbook.vars = {{"HOST", "db-new"}, {"TEAM", "finance"}};
  harness.secrets = {{"TOKEN", "s3cr3t"}};
  harness.options.non_interactive = true;
  harness.run_dir = dir.path();
  harness.decide(minutes(1), marked("d-0", "announce", Verdict::done, "alice"));
  harness.decide(minutes(2), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
  const Result result = harness.run();
  CHECK(result.console.find("manual announce: Tell finance about db-new, estimate 1m") !=
        std::string::npos);
  CHECK(result.console.find("gate   g: Promote db-new with ***? waits for approval by lead") !=
        std::string::npos);
  CHECK(result.console.find("s3cr3t") == std::string::npos);
}

TEST_CASE(
    "live view: the window's end with its date when not today - a rejected gate not shown "
    "waiting") {
  TempDir dir;
  Harness harness({approval_gate("g", {"lead"}), make_task("after", minutes(1), {"g"})});
  harness.runbook.window =
      make_window(*parse_timestamp("2026-11-28T18:00:00+01:00"), std::chrono::hours(3));
  harness.options.live_view = true;
  harness.options.non_interactive = true;
  harness.console_style = {false, true, 500};
  harness.run_dir = dir.path();
  // Just after a redraw of the live view (one a second): too soon for the next by the clock.
  harness.decide(Duration{59'100}, gate_decision("d-1", DecisionKind::reject, "g", "lead"));
  const Result result = harness.run();
  CHECK(result.console.find(", window ends 2026-11-28 21:00:00") != std::string::npos);
  // The last status line drawn, after the rejection: g no longer waits.
  const std::size_t last = result.console.rfind("/2 done]");
  REQUIRE(last != std::string::npos);
  const std::string line = result.console.substr(last - 2, result.console.find('\n', last) - last);
  CHECK(line.starts_with("[1/2 done]"));
  CHECK(result.console.find("(waits for lead since") != std::string::npos);  // while it waited
  CHECK(line.find("waits for") == std::string::npos);
}

TEST_CASE("track: a gate with approvals waits for them") {
  TempDir dir;
  Harness harness({gate_task("g", {make_check("recon")}, {"lead", "owner"}),
                   make_task("after", minutes(1), {"g"})});
  harness.options.track = true;
  harness.options.non_interactive = true;
  harness.run_dir = dir.path();
  harness.decide(minutes(2), marked("d-0", "g", Verdict::done, "alice"));
  harness.decide(minutes(3), gate_decision("d-1", DecisionKind::approve, "g", "lead"));
  harness.decide(minutes(4), gate_decision("d-2", DecisionKind::approve, "g", "owner"));
  harness.decide(minutes(5), marked("d-3", "after", Verdict::done, "bob"));
  const Result result = harness.run();
  CHECK(result.started.empty());
  CHECK(result.values("decision_refused", "reason") == Lines{"g is a gate: approve or reject it"});
  CHECK(result.values("gate_approved", "approver") == Lines{"lead", "owner"});
  CHECK(result.one("task_finished", "g")["elapsed_ms"] == 4 * minute_ms);
  CHECK(result.console.find(fmt::format("    answer with: cutover approve {0} g --by lead\n"
                                        "                 cutover approve {0} g --by owner\n"
                                        "                 cutover reject {0} g --by NAME --note "
                                        "REASON\n",
                                        dir.path().string())) != std::string::npos);
  CHECK(result.console.find("    check 'recon': $ ./check.sh\n") != std::string::npos);
  CHECK(result.console.find("gate   g: g waits for approval by lead, owner") != std::string::npos);
  CHECK(result.one("task_finished", "after")["by"] == "bob");
  CHECK(result.outcome() == "succeeded");
}

TEST_CASE("track: a rollback command is a step people mark") {
  Harness harness({with_rollback(make_task("a", minutes(1))), make_task("x", minutes(1), {"a"})});
  harness.options.track = true;
  harness.type(minutes(1), {"d", "alice", "f"}).type(minutes(10), {"d"});
  const Result result = harness.run();
  CHECK(result.started.empty());
  CHECK(result.console.find("manual rollback a:\n    $ undo-a\n") != std::string::npos);
  CHECK(result.of("decision_refused").empty());
  const json finished = result.one("rollback_step_finished", "a");
  CHECK(finished["status"] == "succeeded");
  CHECK(finished["by"] == "alice");
  CHECK(result.outcome() == "rolled_back");
}
