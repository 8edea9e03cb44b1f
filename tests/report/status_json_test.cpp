#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cutover/report/run_status.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// The streamed text, read back.
nlohmann::ordered_json parsed_status_json(const RunStatus& status) {
  return nlohmann::ordered_json::parse(status_json(status));
}

using json = nlohmann::ordered_json;
using Keys = std::vector<std::string>;

const std::string dir = ".cutover/runs/test/20261128T170000Z";
const LockHolder live{4242, "jump-1", "2026-11-28T17:00:00.000Z"};

RunStatus status_of(const FoldedRun& run, UtcTime now, std::optional<LockHolder> executor = {}) {
  return make_run_status(dir, run.runbook, run.graph, run.journal, run.state, now, executor);
}

Keys keys_of(const json& object) {
  Keys keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

// docs/journal-format.md, "cutover status --format json": every field, in the example's order.
const Keys status_keys = {
    "format",     "version",   "run_dir",     "run_id",          "label",
    "runbook_id", "started",   "now",         "last_event",      "phase",
    "outcome",    "exit_code", "stop_reason", "next_step",       "point_of_no_return_passed",
    "track",      "executor",  "elapsed_s",   "executor_down_s", "finished",
    "counts",     "tasks",     "forecast",    "next_gate",       "warning",
    "queued",     "refused",   "signoffs",    "go_live"};
const Keys task_keys = {
    "id",        "kind",          "status",  "in_doubt",    "attempts",   "started", "finished",
    "elapsed_s", "estimate_s",    "overrun", "waiting_for", "waiting_on", "since",   "commands",
    "held",      "resume_reruns", "reason",  "rollback",    "log_tail"};
const Keys count_keys = {"total",     "done",   "pending", "running",     "waiting",
                         "succeeded", "failed", "skipped", "interrupted", "in_doubt"};

}  // namespace

TEST_CASE("status json: every documented field is there - null when it does not apply") {
  JournalBuilder events;
  events.add(0, run_started());
  const FoldedRun run(make_runbook({make_task("a")}), events);
  const json out = parsed_status_json(status_of(run, utc_at(1'000)));
  CHECK(keys_of(out) == status_keys);
  CHECK(keys_of(out["counts"]) == count_keys);
  REQUIRE(out["tasks"].size() == 1);
  CHECK(keys_of(out["tasks"][0]) == task_keys);
  // A pending task in a run with no executor and no window.
  const json& task = out["tasks"][0];
  for (const char* key : {"started", "finished", "elapsed_s", "estimate_s", "waiting_for",
                          "waiting_on", "since", "reason", "rollback"}) {
    CHECK_MESSAGE(task[key].is_null(), key);
  }
  CHECK(task["commands"] == json::array());
  CHECK(task["status"] == "pending");
  CHECK(task["attempts"] == 0);
  for (const char* key :
       {"outcome", "exit_code", "stop_reason", "executor", "finished", "warning"}) {
    CHECK_MESSAGE(out[key].is_null(), key);
  }
  CHECK(out["queued"] == json::array());
  CHECK(out["refused"] == json::array());
  CHECK(out["signoffs"] == json::array());
  CHECK(out["go_live"].is_null());
  CHECK(out["run_dir"] == dir);
  CHECK(out["runbook_id"] == "test");
  CHECK(out["started"] == "2026-11-28T17:00:00.000Z");
  CHECK(out["now"] == "2026-11-28T17:00:01.000Z");
  CHECK(out["last_event"] == "2026-11-28T17:00:00.000Z");
  CHECK(out["point_of_no_return_passed"] == false);
  CHECK(out["track"] == false);
  // Without a window the forecast has no window end and no chance to fit, and no gate has a
  // deadline.
  REQUIRE(out["forecast"].is_object());
  CHECK(out["forecast"]["window_end"].is_null());
  CHECK(out["forecast"]["p_fit"].is_null());
  CHECK(out["forecast"]["p50_remaining_s"] == 0.0);
  CHECK(out["next_gate"].is_null());
}

TEST_CASE("status json: a finished run - outcome - exit code - stop reason and no forecast") {
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "a")
      .finished(1'500, "a", TaskStatus::failed, "exit code 7")
      .add(1'500, stopping("a failed"))
      .add(1'600, run_finished(RunOutcome::failed));
  const FoldedRun run(make_runbook({make_task("a", minutes(1))}), events);
  const json out = parsed_status_json(status_of(run, utc_at(60'000)));
  CHECK(out["phase"] == "finished");
  CHECK(out["outcome"] == "failed");
  CHECK(out["exit_code"] == 1);
  CHECK(out["stop_reason"] == "a failed");
  CHECK(out["finished"] == "2026-11-28T17:00:01.600Z");
  CHECK(out["last_event"] == "2026-11-28T17:00:01.600Z");
  CHECK(out["elapsed_s"] == 1.6);
  CHECK(out["forecast"].is_null());
  CHECK(out["counts"]["failed"] == 1);
  const json& task = out["tasks"][0];
  CHECK(task["status"] == "failed");
  CHECK(task["reason"] == "exit code 7");
  CHECK(task["elapsed_s"] == 1.5);
  CHECK(task["overrun"] == false);
  CHECK(task["attempts"] == 1);
}

TEST_CASE("status json: a task in doubt after a crash - what a person types") {
  JournalBuilder events;
  events.add(0, run_started()).started(2'000, "copy");
  const FoldedRun run(make_runbook({make_task("copy", Duration{1'000})}), events);
  const json out = parsed_status_json(status_of(run, utc_at(10'000)));
  CHECK(out["executor"].is_null());
  CHECK(out["counts"]["running"] == 1);
  CHECK(out["counts"]["in_doubt"] == 1);
  const json& task = out["tasks"][0];
  CHECK(task["status"] == "running");
  CHECK(task["in_doubt"] == true);
  CHECK(task["waiting_for"] == "decision");
  CHECK(task["waiting_on"] == json::array());  // anyone
  CHECK(task["since"] == "2026-11-28T17:00:02.000Z");
  CHECK(task["commands"] ==
        json::array({"cutover mark " + dir + " copy done|failed|retry --by NAME"}));
  CHECK(task["resume_reruns"] == false);
  CHECK(task["estimate_s"] == 1.0);
}

TEST_CASE("status json: rollback steps - track mode - past the point of no return") {
  Task one = make_task("one", minutes(1));
  one.rollback = CommandRollback{"./undo", {}};
  Task ponr = make_task("switch", minutes(1));
  ponr.point_of_no_return = true;
  JournalBuilder events;
  events.add(0, run_started(true))
      .started(0, "one", "manual")
      .finished(1'000, "one", TaskStatus::succeeded)
      .started(1'000, "switch", "manual")
      .finished(2'000, "switch", TaskStatus::failed, "no")
      .add(2'000, stopping("switch failed", true))
      .add(2'000, rollback_started())
      .add(2'100, rollback_step_started("one", true))
      .add(2'200, rollback_step_finished("one", true, "", person("x", "u", "h")));
  const FoldedRun run(make_runbook({one, ponr}), events);
  const json out = parsed_status_json(status_of(run, utc_at(3'000), live));
  CHECK(out["track"] == true);
  CHECK(out["point_of_no_return_passed"] == true);
  CHECK(out["phase"] == "rolling_back");
  CHECK(out["tasks"][0]["rollback"] == "succeeded");
  CHECK(out["tasks"][1]["rollback"].is_null());
  CHECK(out["executor"]["pid"] == 4242);
}

TEST_CASE("status json: the journal's warning - and queued decisions as their inbox files") {
  JournalBuilder events;
  events.add(0, run_started()).started(0, "load", "manual");
  FoldedRun run(make_runbook({manual_task("load")}), events);
  run.journal.warning = "the last line is torn; ignored";
  RunStatus status = status_of(run, utc_at(1'000));
  Decision decision;
  decision.id = "d-1";
  decision.run_id = "test/20261128T170000Z";
  decision.task = "load";
  decision.verdict = Verdict::skipped;
  decision.by = "ann";
  decision.user = "a";
  decision.host = "h";
  decision.time = utc_at(500);
  status.queued = {decision};
  const json out = parsed_status_json(status);
  CHECK(out["warning"] == "the last line is torn; ignored");
  REQUIRE(out["queued"].size() == 1);
  CHECK(out["queued"][0] == decision_json(decision));
  CHECK(out["queued"][0]["task"] == "load");
  CHECK(out["queued"][0]["by"] == "ann");
}

TEST_CASE("status json: durations are seconds with milliseconds - the chance to fit") {
  Runbook runbook = make_runbook({make_task("a", Duration{90'500})});
  runbook.window = make_window({utc_at(0), 60}, minutes(2));
  JournalBuilder events;
  events.add(0, run_started()).started(250, "a");
  const FoldedRun run(runbook, events);
  const json out = parsed_status_json(status_of(run, utc_at(10'250), live));
  const json& task = out["tasks"][0];
  CHECK(task["estimate_s"] == 90.5);
  CHECK(task["elapsed_s"] == 10.0);
  CHECK(out["elapsed_s"] == 10.25);
  // a is drawn between 72.4 s and 135.75 s from 0.25 s; the window ends at 120 s: it fits in
  // 1 - (135.75 - 119.75)^2 / (63.35 * 45.25) = 91% of the samples.
  CHECK(out["forecast"]["p_fit"].get<double>() == doctest::Approx(0.911).epsilon(0.04));
  CHECK(out["forecast"]["window_end"] == "2026-11-28T17:02:00.000Z");
  const double p50 = out["forecast"]["p50_remaining_s"].get<double>();
  CHECK(p50 > 62.0);
  CHECK(p50 < 125.75);
  CHECK(p50 * 1000 == std::round(p50 * 1000));  // whole milliseconds
}

TEST_CASE("status json: sign-offs - and what a go-live run relied on") {
  JournalBuilder events;
  events.add(0, run_started())
      .succeeded("a")
      .add(run_finished(RunOutcome::succeeded))
      .add(event::SignedOff{{"lead", "ann", "jump-2", {}, "within 5%"}})
      .add(event::SignedOff{{"owner", "bob", "jump-3", {}, {}}});
  const FoldedRun run(make_runbook({make_task("a")}), events);
  RunStatus status = status_of(run, utc_at(60'000));
  status.go_live =
      GoLiveBasis{{"test/1", "test/2"}, {{"lead", "test/2"}}, GoLiveOverride{"cio", "why"}};
  const json out = parsed_status_json(status);
  REQUIRE(out["signoffs"].size() == 2);
  CHECK(keys_of(out["signoffs"][0]) == Keys{"by", "user", "host", "at", "note", "signed"});
  CHECK(out["signoffs"][0]["signed"] == false);
  CHECK(out["signoffs"][0]["by"] == "lead");
  CHECK(out["signoffs"][0]["note"] == "within 5%");
  CHECK(out["signoffs"][1]["note"].is_null());
  CHECK(out["go_live"]["rehearsals"] == json{"test/1", "test/2"});
  CHECK(out["go_live"]["signoffs"] == json::parse(R"([{"by":"lead","run":"test/2"}])"));
  const json override_by = json::parse(R"({"by":"cio","reason":"why","signed":false})");
  CHECK(out["go_live"]["override"] == override_by);
}
