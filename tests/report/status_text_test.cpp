#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/report/run_status.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;

const std::string dir = ".cutover/runs/test/20261128T170000Z";
const LockHolder live{4242, "jump-1", "2026-11-28T17:00:00.000Z"};

// The status text of a run folded from `events`, as `cutover status` shows it.
std::string text_of(Runbook runbook, const JournalBuilder& events, UtcTime now,
                    std::optional<LockHolder> executor = {}, const std::string& run_dir = dir) {
  const FoldedRun run(std::move(runbook), events);
  return render_status_text(
      make_run_status(run_dir, run.runbook, run.graph, run.journal, run.state, now, executor),
      false);
}

Lines lines_of(const std::string& text) {
  Lines lines;
  std::size_t from = 0;
  for (std::size_t end; (end = text.find('\n', from)) != std::string::npos; from = end + 1) {
    lines.push_back(text.substr(from, end - from));
  }
  CHECK_MESSAGE(from == text.size(), "an unfinished last line: " << text.substr(from));
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  const Lines lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("status text: the header names the run - who started it where - and the zone") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "a");
  const std::string text =
      text_of(make_runbook({make_task("a", minutes(5))}), events, utc_at(30'000), live);
  const Lines lines = lines_of(text);
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0] == "run test/20261128T170000Z (rehearsal-1)");
  CHECK(lines[1] == "started 2026-11-28 17:00:00 by ops on jump-1; times in UTC");
  CHECK(lines[2] == "executor: running as pid 4242 on jump-1 since 2026-11-28 17:00:00");
  CHECK(lines[3] == "progress: 0/1 done, 1 running; elapsed 30s");
}

TEST_CASE("status text: times in the window's zone - east or west of UTC") {
  JournalBuilder events;
  events.add(0, run_started());
  Runbook runbook = make_runbook({make_task("a", minutes(5))});
  SUBCASE("east") {
    runbook.window = make_window({utc_at(0), 60}, std::chrono::hours(2));
    const std::string text = text_of(runbook, events, utc_at(0), live);
    CHECK(has_line(text,
                   "started 2026-11-28 18:00:00 by ops on jump-1; times in UTC+01:00, the "
                   "window's zone"));
  }
  SUBCASE("west - with minutes") {
    runbook.window = make_window({utc_at(0), -330}, std::chrono::hours(2));
    const std::string text = text_of(runbook, events, utc_at(0), live);
    CHECK(has_line(text,
                   "started 2026-11-28 11:30:00 by ops on jump-1; times in UTC-05:30, the "
                   "window's zone"));
  }
}

TEST_CASE("status text: a run whose executor stopped without finishing says how to go on") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "a").finished(5'000, "a", TaskStatus::succeeded);
  const std::string text = text_of(make_runbook({make_task("a", minutes(1)), make_task("b")}),
                                   events, utc_at(60'000), {}, "my runs/r1");
  CHECK(has_line(text,
                 "executor: not running: it stopped without finishing the run (last journal "
                 "event 2026-11-28 17:00:05); 'cutover resume 'my runs/r1'' continues it"));
  CHECK(has_line(text, "  (if the run is resumed now)"));
}

TEST_CASE("status text: a failed run says how to resume it or roll it back - a success does not") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "a");
  SUBCASE("failed") {
    events.finished(2'000, "a", TaskStatus::failed, "exit code 1")
        .add(2'000, stopping("a failed"))
        .add(2'100, run_finished(RunOutcome::failed));
    const std::string text = text_of(make_runbook({make_task("a")}), events, utc_at(9'000));
    CHECK(has_line(text, "  'cutover resume " + dir + "' continues it; 'cutover rollback " + dir +
                             "' rolls it back"));
  }
  SUBCASE("succeeded") {
    events.finished(2'000, "a", TaskStatus::succeeded)
        .add(2'100, run_finished(RunOutcome::succeeded));
    const std::string text = text_of(make_runbook({make_task("a")}), events, utc_at(9'000));
    CHECK(has_line(text,
                   "executor: not running; the run finished: succeeded (exit 0) at 2026-11-28 "
                   "17:00:02, took 2.1s"));
    CHECK(has_line(text, "progress: 1/1 done"));  // no elapsed time: it is in the line above
    CHECK_FALSE(contains(text, "cutover rollback"));
    CHECK_FALSE(contains(text, "\nrunning\n"));
  }
  SUBCASE("rolled back - its name in words") {
    events.finished(2'000, "a", TaskStatus::failed, "exit code 1")
        .add(2'100, run_finished(RunOutcome::rolled_back));
    const std::string text = text_of(make_runbook({make_task("a")}), events, utc_at(9'000));
    CHECK(contains(text, "the run finished: rolled back (exit 1)"));
  }
}

TEST_CASE("status text: a retried task shows its attempt - one between attempts why") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "again")
      .add(1'000, attempt_failed("again", "exit code 2", 1, 5000))
      .started(0, "third")
      .started(500, "third", "run", 3);
  const std::string text =
      text_of(make_runbook({make_task("again", minutes(1)), make_task("third")}), events,
              utc_at(2'000), live);
  CHECK(has_line(text, "  again  2.0s of 1m  attempt 1 failed (exit code 2); the next is due"));
  CHECK(has_line(text, "  third  2.0s (no estimate)  attempt 3"));
}

TEST_CASE("status text: between attempts with no executor - resume goes on") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "again")
      .add(1'000, attempt_failed("again", "exit code 2", 1, 5000));
  const std::string text =
      text_of(make_runbook({make_task("again", minutes(1))}), events, utc_at(2'000));
  CHECK(contains(text, "running\n  again  "));
  CHECK(has_line(text, "         the executor is not running: 'cutover resume' goes on"));
}

TEST_CASE("status text: people's tasks with no executor - the next resume takes them in") {
  Task load = manual_task("load");
  load.owner = "finance";
  JournalBuilder events;
  events.add(0, run_started()).started(0, "load", "manual");
  const std::string text = text_of(make_runbook({load}), events, utc_at(60'000));
  CHECK(has_line(text,
                 "  load  done, failed or skipped by finance, since 2026-11-28 17:00:00 "
                 "(1m ago)"));
  CHECK(has_line(text,
                 "  no executor is running: the next 'cutover resume " + dir + "' takes these in"));
  // Not "in doubt": a person's task waits whether or not an executor runs.
  CHECK_FALSE(contains(text, "in doubt"));
}

TEST_CASE("status text: a manual task without an owner waits on a person - with its estimate") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "load", "manual");
  const std::string text =
      text_of(make_runbook({manual_task("load", minutes(10))}), events, utc_at(120'000), live);
  CHECK(has_line(text,
                 "  load  done, failed or skipped by a person, since 2026-11-28 17:00:00 "
                 "(2m ago); 2m of 10m"));
  CHECK_FALSE(contains(text, "no executor is running"));
}

TEST_CASE("status text: stopping - past the point of no return - in track mode") {
  Task switch_over = make_task("switch", minutes(5));
  switch_over.point_of_no_return = true;
  JournalBuilder events;
  events.add(0, run_started(true))
      .started(0, "switch", "manual")
      .started(0, "other", "manual")
      .finished(1'000, "other", TaskStatus::failed, "not done")
      .add(1'000, stopping("other failed"));
  const std::string text =
      text_of(make_runbook({switch_over, make_task("other")}), events, utc_at(2'000), live);
  CHECK(has_line(text, "track mode: people do every task, commands included"));
  CHECK(has_line(text, "stopping: other failed; no new tasks start, running ones finish"));
  CHECK(has_line(text, "the point of no return has passed: failures are fixed forward"));
  CHECK(has_line(text, "  other  not done at 2026-11-28 17:00:01"));
}

TEST_CASE("status text: skipped tasks are counted - a failure without a reason says failed") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "m", "manual")
      .add(1'000, marked("m", TaskStatus::skipped, person("x", "u", "h")))
      .started(1'000, "a")
      .finished(1'500, "a", TaskStatus::failed);
  const std::string text = text_of(make_runbook({manual_task("m"), make_task("a"), make_task("b")}),
                                   events, utc_at(2'000), live);
  CHECK(contains(text, "progress: 1/3 done, 1 failed, 1 skipped; elapsed 2s"));
  CHECK(has_line(text, "  a  failed at 2026-11-28 17:00:01"));
}

TEST_CASE("status text: rollback steps - rolled back - failed") {
  Task one = make_task("one", minutes(1));
  one.rollback = CommandRollback{"./undo-one", {}};
  Task two = make_task("two", minutes(1));
  two.rollback = CommandRollback{"./undo-two", {}};
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "one")
      .finished(1'000, "one", TaskStatus::succeeded)
      .started(0, "two")
      .finished(1'000, "two", TaskStatus::succeeded)
      .started(1'000, "boom")
      .finished(2'000, "boom", TaskStatus::failed, "exit code 1")
      .add(2'000, stopping("boom failed", true))
      .add(2'000, rollback_started())
      .add(2'100, rollback_step_started("two"))
      .add(2'200, rollback_step_finished("two"))
      .add(2'300, rollback_step_started("one"))
      .add(2'400, rollback_step_finished("one", false, "exit code 1"));
  const std::string text =
      text_of(make_runbook({one, two, make_task("boom")}), events, utc_at(3'000), live);
  CHECK(contains(text, "\nrollback\n  one  rollback step failed\n  two  rolled back\n"));
}

TEST_CASE("status text: queued decisions - waiting for the executor or for resume") {
  Decision decision;
  decision.kind = DecisionKind::mark;
  decision.task = "load";
  decision.verdict = Verdict::done;
  decision.by = "ann";
  decision.user = "a";
  decision.host = "h1";
  decision.time = utc_at(30'000);
  Decision approval = decision;
  approval.kind = DecisionKind::approve;
  approval.task = "go";
  JournalBuilder events;
  events.add(0, run_started()).started(0, "load", "manual").started(0, "go", "gate");
  const FoldedRun run(make_runbook({manual_task("load"), approval_gate("go", {"ann"})}), events);
  RunStatus status =
      make_run_status(dir, run.runbook, run.graph, run.journal, run.state, utc_at(60'000), {});
  status.queued = {decision, approval};
  std::string text = render_status_text(status, false);
  CHECK(contains(text, "\nqueued decisions (the next `cutover resume " + dir +
                           "` applies them)\n"
                           "  load  mark done by ann (a@h1), 2026-11-28 17:00:30\n"
                           "  go  approve by ann (a@h1), 2026-11-28 17:00:30\n"));
  status.executor = live;
  text = render_status_text(status, false);
  CHECK(has_line(text, "queued decisions (the executor takes them in)"));
}

TEST_CASE("status text: control characters from the journal are shown as '?'") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "a")
      .finished(1'000, "a", TaskStatus::failed, "bad\033[2Jend");
  const std::string text = text_of(make_runbook({make_task("a")}), events, utc_at(2'000), live);
  CHECK(has_line(text, "  a  bad?[2Jend at 2026-11-28 17:00:01"));
  CHECK_FALSE(contains(text, "\033"));
}

TEST_CASE("status text: colour only when asked") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "a")
      .finished(1'000, "a", TaskStatus::failed, "exit code 1");
  const FoldedRun run(make_runbook({make_task("a")}), events);
  const RunStatus status =
      make_run_status(dir, run.runbook, run.graph, run.journal, run.state, utc_at(2'000), live);
  const std::string plain = render_status_text(status, false);
  const std::string coloured = render_status_text(status, true);
  CHECK_FALSE(contains(plain, "\033["));
  CHECK(contains(coloured, "\033[1mrun test/20261128T170000Z (rehearsal-1)\033[0m"));
  CHECK(contains(coloured, "\033[31mexit code 1\033[0m"));
  CHECK(contains(coloured, "\033[32mrunning\033[0m as pid 4242"));
}

TEST_CASE("status text: long task ids are aligned up to 32 characters") {
  const std::string long_id(40, 'x');
  JournalBuilder events;
  events.add(0, run_started()).started(0, "a").started(0, long_id);
  const std::string text =
      text_of(make_runbook({make_task("a"), make_task(long_id)}), events, utc_at(1'000), live);
  CHECK(has_line(text, "  a" + std::string(31, ' ') + "  1.0s (no estimate)"));
  CHECK(has_line(text, "  " + long_id + "  1.0s (no estimate)"));
}

TEST_CASE("status text: sign-offs of a rehearsal - and what a go-live run relied on") {
  JournalBuilder events;
  events.add(0, run_started())
      .succeeded("a")
      .add(90'000, run_finished(RunOutcome::succeeded))
      .add(120'000, event::SignedOff{{"lead", "ann", "jump-2", {}, "within 5%"}});
  const std::string text = text_of(make_runbook({make_task("a")}), events, utc_at(200'000));
  CHECK(contains(text,
                 "\nsigned off (for the go-live rule)\n"
                 "  lead (ann@jump-2), 2026-11-28 17:02:00: within 5%\n"));
  // The sign-off does not make the run longer.
  CHECK(contains(text, "at 2026-11-28 17:01:30, took 1m30s"));

  const FoldedRun run(make_runbook({make_task("a")}), events);
  RunStatus status =
      make_run_status(dir, run.runbook, run.graph, run.journal, run.state, utc_at(200'000), {});
  status.go_live = GoLiveBasis{{"test/1", "test/2"}, {{"lead", "test/2"}}, std::nullopt};
  CHECK(has_line(render_status_text(status, false),
                 "go-live after test/1, test/2; signed off by lead (test/2)"));
  status.go_live->override_by = GoLiveOverride{"cio", "board decision"};
  CHECK(has_line(render_status_text(status, false),
                 "go-live rule overridden by cio: board decision"));
}
