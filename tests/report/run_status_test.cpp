#include "cutover/report/run_status.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "cutover/run/task_output.hpp"

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// The streamed text, read back.
nlohmann::ordered_json parsed_status_json(const RunStatus& status) {
  return nlohmann::ordered_json::parse(status_json(status));
}

using json = nlohmann::ordered_json;
using Names = std::vector<std::string>;

const std::string dir = ".cutover/runs/test/20261128T170000Z";

Task gate_task(std::string id, Names approvals, Names depends_on = {}) {
  Task task = make_task(std::move(id), {}, std::move(depends_on));
  Gate gate;
  gate.approvals = std::move(approvals);
  task.kind = gate;
  return task;
}

using Events = JournalBuilder;

// A runbook with its graph and folded state, as `open_recorded_run` makes them.
struct Run : FoldedRun {
  using FoldedRun::FoldedRun;

  RunStatus status(UtcTime now, std::optional<LockHolder> executor = {}) const {
    return make_run_status(dir, runbook, graph, journal, state, now, executor);
  }
};

const LockHolder live{4242, "jump-1", "2026-11-28T17:00:00.000Z"};

const TaskStatusView& view(const RunStatus& status, const std::string& id) {
  for (const TaskStatusView& task : status.tasks) {
    if (task.id == id) return task;
  }
  FAIL("no task " << id);
  return status.tasks.front();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "status: a manual task waits on its owner since it started and shows the command to type") {
  Task load = manual_task("load", minutes(30));
  load.owner = "finance-lead";
  Events events;
  events.add(0, run_started()).started(5'000, "load", "manual");
  const Run run(make_runbook({load}), events);
  const RunStatus status = run.status(utc_at(65'000), live);

  const TaskStatusView& task = view(status, "load");
  CHECK(task.status == TaskStatus::waiting);
  CHECK_FALSE(task.in_doubt);
  CHECK(task.waiting_for == WaitingFor::manual);
  CHECK(task.waiting_on == Names{"finance-lead"});
  REQUIRE(task.since);
  CHECK(*task.since == utc_at(5'000));
  CHECK(task.commands == Names{"cutover mark " + dir + " load done|failed|skipped --by NAME"});
  CHECK(status.counts.waiting == 1);

  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "waiting on people"));
  CHECK(contains(text,
                 "load  done, failed or skipped by finance-lead, since 2026-11-28 17:00:05 "
                 "(1m ago)"));
  CHECK(contains(text, "$ cutover mark " + dir + " load done|failed|skipped --by NAME"));
  CHECK(contains(text, "executor: running as pid 4242 on jump-1 since 2026-11-28 17:00:00"));
}

TEST_CASE("status: a gate with one approval given waits on the other approvers") {
  Events events;
  events.add(0, run_started())
      .started(1'000, "go", "gate")
      .add(2'000, gate_waiting("go", {"lead", "finance owner"}))
      .add(3'000, approved("go", "lead", person("lead", "u", "h")));
  const Run run(make_runbook({gate_task("go", {"lead", "finance owner"})}), events);
  const RunStatus status = run.status(utc_at(10'000), live);

  const TaskStatusView& task = view(status, "go");
  CHECK(task.waiting_for == WaitingFor::approval);
  CHECK(task.waiting_on == Names{"finance owner"});
  REQUIRE(task.since);
  CHECK(*task.since == utc_at(2'000));  // since its checks held, not since it started
  CHECK(task.commands == Names{"cutover approve " + dir + " go --by 'finance owner'",
                               "cutover reject " + dir + " go --by NAME --note REASON",
                               "cutover hold " + dir + " go --by NAME --note REASON"});
  CHECK(contains(render_status_text(status, false), "go  approval by finance owner, since"));
  CHECK(task.holds.empty());
}

TEST_CASE("status: a held gate shows who holds it and why until that approver's go") {
  const auto by = [](const std::string& name) { return person(name, "u", "h"); };
  Events events;
  events.add(0, run_started())
      .started(1'000, "go", "gate")
      .add(2'000, gate_waiting("go", {"lead", "owner", "dba"}))
      .add(3'000, held("go", "lead", "bank has not confirmed", by("lead")))
      .add(4'000, held("go", "owner", "smoke tests", by("owner")))
      .add(5'000, held("go", "lead", "bank still silent", by("lead")));
  const Runbook runbook = make_runbook({gate_task("go", {"lead", "owner", "dba"})});
  const RunStatus status = Run(runbook, events).status(utc_at(10'000), live);
  const auto& holds = view(status, "go").holds;
  REQUIRE(holds.size() == 2);  // one per approver: lead's latest
  CHECK(holds[0].approver == "owner");
  CHECK(holds[1].approver == "lead");
  CHECK(holds[1].note == "bank still silent");
  CHECK(holds[1].at == utc_at(5'000));
  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "held by owner at "));
  CHECK(contains(text, ": bank still silent"));
  const auto json = parsed_status_json(status);
  CHECK(json["tasks"][0]["held"].size() == 2);
  CHECK(json["tasks"][0]["held"][1]["by"] == "lead");
  CHECK(json["tasks"][0]["held"][1]["note"] == "bank still silent");

  events.add(6'000, approved("go", "owner", by("owner")));  // owner's go ends owner's hold only
  const auto after = view(Run(runbook, events).status(utc_at(10'000), live), "go").holds;
  REQUIRE(after.size() == 1);
  CHECK(after[0].approver == "lead");
  events.add(7'000, approved("go", "lead", by("lead")));
  CHECK(view(Run(runbook, events).status(utc_at(10'000), live), "go").holds.empty());
}

TEST_CASE("status: a task running when no executor holds the lock is in doubt") {
  Task idempotent = make_task("again", minutes(5));
  idempotent.idempotent = true;
  Events events;
  events.add(0, run_started())
      .started(1'000, "copy")
      .add(1'010, process_started("copy", 99))
      .started(1'020, "again");
  const Run run(make_runbook({make_task("copy", minutes(5)), idempotent}), events);

  SUBCASE("the executor crashed") {
    const RunStatus status = run.status(utc_at(60'000));
    const TaskStatusView& copy = view(status, "copy");
    CHECK(copy.status == TaskStatus::running);
    CHECK(copy.in_doubt);
    CHECK(copy.waiting_for == WaitingFor::decision);
    CHECK(copy.commands == Names{"cutover mark " + dir + " copy done|failed|retry --by NAME"});
    REQUIRE(copy.since);
    CHECK(*copy.since == utc_at(1'020));  // last heard of: the journal's last event
    const TaskStatusView& again = view(status, "again");
    CHECK(again.in_doubt);
    CHECK(again.resume_reruns);
    CHECK(again.commands == Names{"cutover resume " + dir});
    CHECK(status.counts.in_doubt == 2);

    const std::string text = render_status_text(status, false);
    CHECK(contains(text, "executor: not running"));
    CHECK(contains(text, "in doubt\n  copy "));
    CHECK_FALSE(contains(text, "\nrunning\n"));
    CHECK(contains(text, "2 in doubt"));
  }
  SUBCASE("the executor is alive: the same tasks are simply running") {
    const RunStatus status = run.status(utc_at(60'000), live);
    CHECK_FALSE(view(status, "copy").in_doubt);
    CHECK(view(status, "copy").commands.empty());
    CHECK(status.counts.in_doubt == 0);
    const std::string text = render_status_text(status, false);
    CHECK(contains(text, "\nrunning\n  copy "));
    CHECK_FALSE(contains(text, "in doubt"));
  }
}

TEST_CASE("status: resume settles a gate or an idempotent task in doubt unless rolling back") {
  Task again = make_task("again", minutes(1));
  again.idempotent = true;
  again.rollback = CommandRollback{"./undo.sh", {}};
  Events events;
  events.add(0, run_started()).started(0, "go", "gate").started(0, "again");
  const Runbook runbook = make_runbook({gate_task("go", {"lead"}), again});

  SUBCASE("going forward") {
    const Run run(runbook, events);
    const RunStatus status = run.status(utc_at(5'000));
    const TaskStatusView& go = view(status, "go");
    CHECK(go.in_doubt);
    CHECK(go.resume_reruns);
    CHECK(go.commands == Names{"cutover resume " + dir});
    CHECK(view(status, "again").resume_reruns);
    CHECK(contains(render_status_text(status, false), "; resume runs its checks again"));
  }
  SUBCASE("while rolling back, a person decides") {
    events.finished(1'000, "go", TaskStatus::failed, "no-go")
        .add(1'000, stopping("go failed", true));
    const Run run(runbook, events);
    const RunStatus status = run.status(utc_at(5'000));
    const TaskStatusView& task = view(status, "again");
    CHECK(task.in_doubt);
    CHECK_FALSE(task.resume_reruns);
    // Nothing runs forward while rolling back: retry is not offered.
    CHECK(task.commands == Names{"cutover mark " + dir + " again done|failed --by NAME"});
  }
}

TEST_CASE("status: an interrupted task is in doubt even while an executor runs") {
  Events events;
  events.add(0, run_started())
      .started(1'000, "copy")
      .finished(9'000, "copy", TaskStatus::in_doubt, "terminated by a second Ctrl-C");
  const Run run(make_runbook({make_task("copy", minutes(5))}), events);
  const RunStatus status = run.status(utc_at(20'000), live);
  const TaskStatusView& copy = view(status, "copy");
  CHECK(copy.in_doubt);
  REQUIRE(copy.since);
  CHECK(*copy.since == utc_at(9'000));
  CHECK(contains(render_status_text(status, false), "interrupted (terminated by a second Ctrl-C)"));
}

TEST_CASE("status: a running task's elapsed time against its estimate") {
  Events events;
  events.add(0, run_started())
      .started(0, "short")
      .started(0, "long")
      .add(1'000, signal_received("SIGHUP", "continue"));
  const Run run(make_runbook({make_task("short", minutes(5)), make_task("long", minutes(20))}),
                events);
  // The last event was at elapsed 1 s; ten minutes of wall time later the run is at 10m1s.
  const RunStatus status = run.status(utc_at(1'000) + std::chrono::minutes(10), live);
  CHECK(status.elapsed == Duration{601'000});
  const TaskStatusView& short_task = view(status, "short");
  REQUIRE(short_task.elapsed);
  CHECK(*short_task.elapsed == Duration{601'000});
  CHECK(short_task.overrun);
  CHECK_FALSE(view(status, "long").overrun);

  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "short  10m1s of 5m  overrun by 5m1s"));
  CHECK(contains(text, "long   10m1s of 20m\n"));
  CHECK(contains(text, "progress: 0/2 done, 2 running; elapsed 10m1s"));
}

TEST_CASE("status: the forecast end against the window in the window's zone") {
  // a (30m) has run for 50m: it ends no sooner than now, so b (45m, drawn between 36m and
  // 67.5m) is what is left: median 67.5 - sqrt(31.5 * 22.5 / 2) = 48.68m, P90
  // 67.5 - sqrt(31.5 * 22.5 / 10) = 59.08m.
  Runbook runbook = make_runbook({make_task("a", minutes(30)), make_task("b", minutes(45), {"a"})});
  Events events;
  events.add(0, run_started()).started(0, "a");
  const auto now = utc_at(0) + std::chrono::minutes(50);
  const auto in_minutes = [](Duration d) { return static_cast<double>(d.count()) / 60'000; };

  SUBCASE("it overruns") {
    runbook.window = make_window({utc_at(0), 60}, std::chrono::hours(1));
    const Run run(runbook, events);
    const RunStatus status = run.status(now, live);
    REQUIRE(status.forecast);
    CHECK(in_minutes(status.forecast->p50_remaining) == doctest::Approx(48.68).epsilon(0.02));
    CHECK(in_minutes(status.forecast->p90_remaining) == doctest::Approx(59.08).epsilon(0.02));
    CHECK(status.forecast->p50_end == now + status.forecast->p50_remaining);
    CHECK(status.forecast->p90_end == now + status.forecast->p90_remaining);
    CHECK(status.forecast->p_fit == 0.0);  // 10 minutes of window left
    // 17:50 UTC is 18:50 in the window's +01:00.
    const std::string text = render_status_text(status, false);
    CHECK(contains(text, "forecast: P50 end 2026-11-28 19:3"));
    CHECK(contains(text,
                   "the window ends 2026-11-28 19:00:00: 0% chance to fit; P90 overruns it "
                   "by "));
    CHECK(contains(text, "times in UTC+01:00"));
  }
  SUBCASE("it fits") {
    runbook.window = make_window({utc_at(0), 60}, std::chrono::hours(3));
    const Run run(runbook, events);
    const std::string text = render_status_text(run.status(now, live), false);
    CHECK(contains(text, "100% chance to fit; P90 fits with 1h"));
  }
  SUBCASE("a task in doubt still has its whole path ahead") {
    events.finished(60'000, "a", TaskStatus::in_doubt);
    const Run run(runbook, events);
    const RunStatus status = run.status(utc_at(60'000), live);
    REQUIRE(status.forecast);
    // a (24m..45m) then b (36m..67.5m), from now.
    CHECK(status.forecast->p50_remaining > minutes(60));
    CHECK(status.forecast->p90_remaining < minutes(113));
    CHECK_FALSE(status.forecast->p_fit);
    CHECK(contains(render_status_text(status, false), "\n  no window\n"));
  }
}

TEST_CASE("status: the next gate's no-go deadline - and once it has passed") {
  // a (1h, undone in 20m) -> go -> b: a no-go at go must come by 2h40m into a 3h window.
  Task a = make_task("a", minutes(60));
  a.rollback = CommandRollback{"undo", std::nullopt, minutes(20)};
  Runbook runbook =
      make_runbook({a, approval_gate("go", {"lead"}, {"a"}), make_task("b", minutes(5), {"go"})});
  runbook.window = make_window({utc_at(0), 60}, std::chrono::hours(3));
  Events events;
  events.add(0, run_started()).started(0, "a");
  const Run run(runbook, events);

  const RunStatus early = run.status(utc_at(0) + minutes(10), live);
  REQUIRE(early.next_gate);
  CHECK(early.next_gate->id == "go");
  CHECK(early.next_gate->no_go_deadline == utc_at(0) + minutes(160));
  CHECK(early.next_gate->left == minutes(150));
  CHECK(contains(render_status_text(early, false),
                 "  next gate go: no-go deadline 2026-11-28 20:40:00 (2h30m left)\n"));

  const RunStatus late = run.status(utc_at(0) + minutes(170), live);
  REQUIRE(late.next_gate);
  CHECK(late.next_gate->left == -minutes(10));
  CHECK(contains(render_status_text(late, false),
                 "(passed 10m ago: a no-go there could no longer be rolled back inside the "
                 "window)"));

  runbook.window.reset();
  CHECK_FALSE(Run(runbook, events).status(utc_at(0), live).next_gate);
}

TEST_CASE("status: a finished run shows its outcome and duration and no forecast") {
  Events events;
  events.add(0, run_started())
      .started(0, "a")
      .finished(4'000, "a", TaskStatus::failed, "exit code 3")
      .add(4'100, stopping("a failed"))
      .add(4'200, run_finished(RunOutcome::failed));
  const Run run(make_runbook({make_task("a", minutes(1))}), events);
  const RunStatus status = run.status(utc_at(3'600'000));
  CHECK(status.finished_run());
  CHECK_FALSE(status.forecast);
  CHECK(status.elapsed == Duration{4'200});
  CHECK_FALSE(view(status, "a").in_doubt);
  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "the run finished: failed (exit 1) at 2026-11-28 17:00:04, took 4.2s"));
  CHECK(contains(text, "failed\n  a  exit code 3 at 2026-11-28 17:00:04"));
  CHECK_FALSE(contains(text, "forecast"));
  CHECK(contains(text, "progress: 0/1 done, 1 failed\n"));
}

TEST_CASE("status: durations by the clock - a crash's downtime included and told apart") {
  // a ran 5 s; the executor was killed while b ran and came back 2m after its last event
  // (elapsed_ms goes on from there); b ran again for 10 s.
  Events events;
  events.add(0, run_started())
      .started(0, "a")
      .finished(5'000, "a", TaskStatus::succeeded)
      .started(5'000, "b")
      .down_for(std::chrono::minutes(2))
      .add(5'000, run_resumed())
      .started(5'000, "b", "run", 2)
      .finished(15'000, "b", TaskStatus::succeeded, "", 2)
      .add(15'000, run_finished(RunOutcome::succeeded));
  const Run run(make_runbook({make_task("a", minutes(1)), make_task("b", minutes(1), {"a"})}),
                events);
  const RunStatus status = run.status(utc_at(3'600'000));
  CHECK(view(status, "a").elapsed == Duration{5'000});
  CHECK(view(status, "b").elapsed == Duration{130'000});  // from its first start
  CHECK(status.elapsed == Duration{135'000});
  CHECK(status.executor_down == Duration{120'000});
  CHECK(contains(render_status_text(status, false), "took 2m15s (executor down 2m)"));
  CHECK(parsed_status_json(status)["executor_down_s"] == 120.0);
}

TEST_CASE("status: the last lines of a failed task's log - and of one running past its estimate") {
  TempDir run_dir;
  std::filesystem::create_directories(run_dir / "logs");
  for (const std::string task : {"broke", "slow", "fine"}) {
    std::string log;
    for (int i = 1; i <= 7; ++i)
      log += fmt::format("2026-11-28T17:00:0{}.000Z out {} {}\n", i, task, i);
    write_text(task_log_path(run_dir.path(), task), log);
  }
  Events events;
  events.add(0, run_started())
      .started(0, "broke")
      .started(0, "slow")
      .started(0, "fine")
      .finished(1'000, "broke", TaskStatus::failed, "exit code 2");
  const Run run(make_runbook({make_task("broke", minutes(1)), make_task("slow", minutes(1)),
                              make_task("fine", minutes(10))}),
                events);
  RunStatus status = run.status(utc_at(0) + minutes(2), live);
  read_status_log_tails(status, run_dir.path());
  CHECK(view(status, "broke").log_tail.size() == status_log_tail_lines);
  CHECK(view(status, "broke").log_tail.back() == "2026-11-28T17:00:07.000Z out broke 7");
  CHECK(view(status, "slow").log_tail.front() == "2026-11-28T17:00:03.000Z out slow 3");
  CHECK(view(status, "fine").log_tail.empty());  // running, inside its estimate
  const std::string text = render_status_text(status, false);
  CHECK(contains(text,
                 "log: " + task_log_path(run_dir.path(), "broke").string() + " (last lines)\n"));
  CHECK(contains(text, "    2026-11-28T17:00:07.000Z out broke 7\n"));
  CHECK(parsed_status_json(status)["tasks"][0]["log_tail"].size() == status_log_tail_lines);
  CHECK(parsed_status_json(status)["tasks"][2]["log_tail"].is_null());
}

TEST_CASE("status: rollback steps are manual ones waiting or automated ones cut off") {
  Task manual_back = make_task("load", minutes(1));
  manual_back.rollback = ManualRollback{"Reverse the entries."};
  Task command_back = make_task("freeze", minutes(1));
  command_back.rollback = CommandRollback{"./unfreeze.sh", {}};
  Events events;
  events.add(0, run_started())
      .started(0, "load")
      .finished(1'000, "load", TaskStatus::succeeded)
      .started(1'000, "freeze")
      .finished(2'000, "freeze", TaskStatus::succeeded)
      .started(2'000, "boom")
      .finished(3'000, "boom", TaskStatus::failed, "exit code 1")
      .add(3'000, stopping("boom failed", true))
      .add(3'100, rollback_started())
      .add(3'200, rollback_step_started("freeze"))
      .add(3'300, rollback_step_started("load", true));
  const Run run(make_runbook({manual_back, command_back, make_task("boom")}), events);
  const RunStatus status = run.status(utc_at(10'000));
  CHECK(status.phase == RunPhase::rolling_back);
  CHECK_FALSE(status.forecast);
  CHECK(view(status, "load").waiting_for == WaitingFor::rollback_step);
  CHECK(view(status, "load").commands ==
        Names{"cutover mark " + dir + " load done|failed --by NAME"});
  CHECK(view(status, "freeze").waiting_for == WaitingFor::rollback_decision);
  CHECK(view(status, "freeze").rollback_in_doubt);
  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "rolling back: boom failed"));
  CHECK(contains(text, "freeze  its rollback step was cut off"));
  CHECK(contains(text, "load  its manual rollback step, done or failed by a person"));

  const RunStatus alive = run.status(utc_at(10'000), live);
  CHECK(view(alive, "freeze").waiting_for == WaitingFor::nothing);
  CHECK(contains(render_status_text(alive, false), "rollback\n  freeze  rollback step running"));
}

TEST_CASE("status --format json: the documented fields") {
  Task load = manual_task("load", minutes(30), {"copy"});
  load.owner = "finance-lead";
  Runbook runbook = make_runbook({make_task("copy", minutes(10)), load});
  runbook.window = make_window({utc_at(0), 0}, std::chrono::hours(1));
  Events events;
  events.add(0, run_started())
      .started(0, "copy")
      .finished(600'000, "copy", TaskStatus::succeeded)
      .started(600'000, "load", "manual");
  const Run run(runbook, events);
  const json out = parsed_status_json(run.status(utc_at(660'000), live));

  CHECK(out["format"] == "cutover-status");
  CHECK(out["version"] == 1);
  CHECK(out["run_id"] == "test/20261128T170000Z");
  CHECK(out["label"] == "rehearsal-1");
  CHECK(out["phase"] == "running");
  CHECK(out["outcome"].is_null());
  CHECK(out["executor"] == json{{"pid", 4242}, {"host", "jump-1"}, {"since", live.started}});
  CHECK(out["elapsed_s"] == 660.0);
  CHECK(out["counts"]["total"] == 2);
  CHECK(out["counts"]["done"] == 1);
  CHECK(out["counts"]["waiting"] == 1);
  CHECK(out["counts"]["in_doubt"] == 0);

  REQUIRE(out["tasks"].size() == 2);
  const json& copy = out["tasks"][0];
  CHECK(copy["id"] == "copy");
  CHECK(copy["status"] == "succeeded");
  CHECK(copy["started"] == "2026-11-28T17:00:00.000Z");
  CHECK(copy["finished"] == "2026-11-28T17:10:00.000Z");
  CHECK(copy["elapsed_s"] == 600.0);
  CHECK(copy["estimate_s"] == 600.0);
  CHECK(copy["waiting_on"].is_null());
  CHECK(copy["in_doubt"] == false);
  const json& waiting = out["tasks"][1];
  CHECK(waiting["status"] == "waiting");
  CHECK(waiting["waiting_for"] == "manual");
  CHECK(waiting["waiting_on"] == json::array({"finance-lead"}));
  CHECK(waiting["since"] == "2026-11-28T17:10:00.000Z");
  CHECK(waiting["elapsed_s"] == 60.0);
  CHECK(waiting["finished"].is_null());
  CHECK(waiting["commands"][0] == "cutover mark " + dir + " load done|failed|skipped --by NAME");

  // load (30m, drawn between 24m and 45m) started at 17:10: it ends by 17:55, before the
  // window's end at 18:00 in every sample.
  CHECK(out["forecast"]["samples"] == 2000);
  CHECK(out["forecast"]["window_end"] == "2026-11-28T18:00:00.000Z");
  CHECK(out["forecast"]["p_fit"] == 1.0);
  CHECK(out["forecast"]["p90_end"] <= "2026-11-28T17:55:00.000Z");
  CHECK(out["forecast"]["p50_end"] >= "2026-11-28T17:34:00.000Z");
  CHECK(out["warning"].is_null());
}

TEST_CASE("status: a refused decision says who - what and why - in text and in JSON") {
  Events events;
  events.add(0, run_started()).started(1'000, "load", "manual");
  events.add(2'000, marked("load", TaskStatus::succeeded, {"alice", "a", "h1", "d-1", ""}));
  events.add(2'000, event::DecisionRefused{"",
                                           "r",
                                           "mark",
                                           "load",
                                           "failed",
                                           {"bob", "b", "h2", "d-2", ""},
                                           "load already finished: succeeded (by alice)"});
  events.add(3'000, event::DecisionRefused{"junk.json", "", "", "", "", {}, "not a decision"});
  const Run run(make_runbook({manual_task("load", minutes(5))}), events);
  const RunStatus status = run.status(utc_at(4'000));
  REQUIRE(status.refused.size() == 2);
  CHECK(status.refused[0].refusal.person.by == "bob");
  CHECK(status.refused[0].time == utc_at(2'000));

  const std::string text = render_status_text(status, false);
  CHECK(contains(text, "refused decisions"));
  CHECK(contains(text,
                 "2026-11-28 17:00:02  mark failed load by bob (b@h2): load already "
                 "finished: succeeded (by alice)"));
  CHECK(contains(text, "2026-11-28 17:00:03  junk.json: not a decision"));
  const json refused = parsed_status_json(status)["refused"];
  REQUIRE(refused.size() == 2);
  CHECK(refused[0]["by"] == "bob");
  CHECK(refused[0]["decision"] == "d-2");
  CHECK(refused[0]["time"] == "2026-11-28T17:00:02.000Z");
  CHECK(refused[1]["file"] == "junk.json");
}
