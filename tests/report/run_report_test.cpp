#include "cutover/report/run_report.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/report/report_format.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// The streamed text, read back.
nlohmann::ordered_json parsed_report_json(const RunReport& report) {
  return nlohmann::ordered_json::parse(report_json(report));
}

using Ids = std::vector<std::string>;

RunReport report_of(const FoldedRun& run, bool executor_alive = false) {
  return make_run_report(run.runbook, run.graph, run.journal, run.state, executor_alive);
}

Ids ids(const RunReport& report, const std::vector<TaskIndex>& tasks) {
  Ids out;
  for (const TaskIndex index : tasks) out.push_back(report.tasks[index].id);
  return out;
}

const ReportTask& row(const RunReport& report, const std::string& id) {
  for (const ReportTask& task : report.tasks) {
    if (task.id == id) return task;
  }
  FAIL("no task " << id);
  return report.tasks.front();
}

// a (5m) and b (10m) both before c (1m): b is the planned critical path.
Runbook diamond() {
  return make_runbook({make_task("a", minutes(5)), make_task("b", minutes(10)),
                       make_task("c", minutes(1), {"a", "b"})});
}

}  // namespace

TEST_CASE("report: durations and variances against the estimates") {
  JournalBuilder events;
  events.started(0, "a").started(0, "b").finished(450'000, "a", TaskStatus::succeeded);
  events.finished(540'000, "b", TaskStatus::succeeded)
      .started(540'000, "c")
      .finished(600'000, "c", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const RunReport report = report_of(run);
  CHECK(row(report, "a").duration == Duration{450'000});
  CHECK(row(report, "a").variance == Duration{150'000});
  REQUIRE(row(report, "a").variance_percent);
  CHECK(*row(report, "a").variance_percent == doctest::Approx(50.0));
  CHECK(row(report, "b").variance == Duration{-60'000});
  CHECK(row(report, "c").actual_start == Duration{540'000});
  CHECK(row(report, "c").planned_start == minutes(10));
  CHECK(report.counts.succeeded == 3);
  CHECK(report.planned_total == minutes(11));
}

TEST_CASE("report: durations by the clock - a crash's downtime included and told apart") {
  // a ran 5m, then no executor ran for 3m while b ran; b went on for 4m more.
  JournalBuilder events;
  events.add(0, run_started())
      .started(0, "a")
      .started(0, "b")
      .finished(300'000, "a", TaskStatus::succeeded);
  events.down_for(minutes(3))
      .add(300'000, run_resumed())
      .started(300'000, "b", "run", 2)
      .finished(540'000, "b", TaskStatus::succeeded, "", 2)
      .started(540'000, "c")
      .finished(600'000, "c", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const RunReport report = report_of(run);
  CHECK(row(report, "b").duration == Duration{720'000});
  CHECK(row(report, "c").actual_start == Duration{720'000});
  CHECK(report.elapsed == Duration{780'000});
  CHECK(report.executor_down == minutes(3));
  CHECK(render_report_text(report).find("13m (executor down 3m) against a plan") !=
        std::string::npos);
  CHECK(parsed_report_json(report)["executor_down_s"] == 180.0);
}

TEST_CASE("report: the actual critical path follows the dependency that finished last") {
  JournalBuilder events;
  // a overran past b: a, not the planned b, set c's start.
  events.started(0, "a").started(0, "b").finished(540'000, "b", TaskStatus::succeeded);
  events.finished(700'000, "a", TaskStatus::succeeded)
      .started(700'000, "c")
      .finished(760'000, "c", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const RunReport report = report_of(run);
  CHECK(ids(report, report.planned_critical_path) == Ids{"b", "c"});
  CHECK(ids(report, report.actual_critical_path) == Ids{"a", "c"});
  CHECK(row(report, "a").actual_critical);
  CHECK_FALSE(row(report, "b").actual_critical);
  CHECK(row(report, "b").planned_critical);
}

TEST_CASE("report: no task finished - no actual critical path") {
  JournalBuilder events;
  events.started(0, "a");
  const FoldedRun run(diamond(), events);
  CHECK(report_of(run, true).actual_critical_path.empty());
  CHECK(report_of(run, true).status == "running");
}

TEST_CASE("report: the largest overruns first - at most ten - none for tasks on time") {
  std::vector<Task> tasks;
  JournalBuilder events;
  for (int i = 0; i < 12; ++i) {
    tasks.push_back(make_task("t" + std::to_string(i), minutes(1)));
    events.started(0, "t" + std::to_string(i));
  }
  tasks.push_back(make_task("on-time", minutes(10)));
  events.started(0, "on-time").finished(60'000, "on-time", TaskStatus::succeeded);
  for (int i = 0; i < 12; ++i) {
    events.finished(60'000 + (i + 1) * 1000, "t" + std::to_string(i), TaskStatus::succeeded);
  }
  const FoldedRun run(make_runbook(tasks), events);
  const RunReport report = report_of(run);
  REQUIRE(report.overruns.size() == report_overrun_count);
  CHECK(report.tasks[report.overruns.front().task].id == "t11");
  CHECK(report.tasks[report.overruns.back().task].id == "t2");
}

TEST_CASE("report: a running task without an executor is in doubt - with one it is running") {
  JournalBuilder events;
  events.started(0, "a");
  const FoldedRun run(diamond(), events);
  CHECK(row(report_of(run, false), "a").in_doubt);
  CHECK(report_of(run, false).counts.in_doubt == 1);
  CHECK(report_of(run, false).status == "interrupted");
  CHECK_FALSE(row(report_of(run, true), "a").in_doubt);
  CHECK(report_of(run, true).counts.active == 1);
}

TEST_CASE("report: checks - decisions and the people who took part") {
  Runbook runbook = make_runbook({approval_gate("go", {"lead"})});
  JournalBuilder events;
  events.started(0, "go", "gate");
  event::CheckFinished ping = check_finished("go", "ping", false);
  ping.reason = "exit 1";
  events.add(1000, ping);
  events.add(2000, approved("go", "lead", person("alice", "ops", "jump-2")));
  events.finished(2000, "go", TaskStatus::succeeded);
  const FoldedRun run(std::move(runbook), events);
  const RunReport report = report_of(run);
  REQUIRE(report.checks.size() == 1);
  CHECK(report.checks[0].check == "ping");
  CHECK_FALSE(report.checks[0].passed);
  CHECK(report.checks[0].reason == "exit 1");
  CHECK(report.checks[0].time == utc_at(1000));
  REQUIRE(report.decisions.size() == 1);
  CHECK(report.decisions[0].verdict == "approved");
  CHECK(report.decisions[0].person.by == "alice");
  CHECK(report.decisions[0].person.host == "jump-2");
  CHECK(report.decisions[0].approver == "lead");
  // The header's user started the run; alice approved.
  CHECK(report.people == Ids{"alice", run.journal.header.user});
}

TEST_CASE("report: phases in the runbook's order - planned against actual") {
  Runbook runbook = diamond();
  runbook.phases = {"switch", "prepare"};
  runbook.tasks[0].phase = "prepare";
  runbook.tasks[1].phase = "prepare";
  runbook.tasks[2].phase = "switch";
  JournalBuilder events;
  events.started(0, "a").started(0, "b").finished(300'000, "a", TaskStatus::succeeded);
  const FoldedRun run(std::move(runbook), events);
  const RunReport report = report_of(run, true);
  REQUIRE(report.phases.size() == 2);
  CHECK(report.phases[0].name == "switch");
  CHECK(report.phases[1].name == "prepare");
  CHECK(report.phases[1].tasks == 2);
  CHECK(report.phases[1].planned_finish == minutes(10));
  CHECK(report.phases[1].actual_start == Duration{0});
  CHECK_FALSE(report.phases[1].actual_finish);  // b has not ended
}

TEST_CASE("report formats: csv starts with timing.csv's columns - one row per task") {
  JournalBuilder events;
  events.started(0, "a").finished(450'000, "a", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const std::string csv = report_csv(report_of(run));
  CHECK(csv.rfind("task,title,phase,kind,owner,estimate_s,start,end,duration_s,variance_s,status,"
                  "attempts,variance_pct,",
                  0) == 0);
  CHECK(csv.find("\r\na,,,run,,300.000,2026-11-28T17:00:00.000Z,2026-11-28T17:07:30.000Z,450.000,"
                 "150.000,succeeded,1,50.0,") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
}

TEST_CASE("report formats: text names the runbook - status and every task") {
  JournalBuilder events;
  events.started(0, "a").finished(450'000, "a", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const std::string text = render_report_text(report_of(run));
  CHECK(text.find("Report: ") == 0);
  CHECK(text.find("Status    interrupted") != std::string::npos);
  CHECK(text.find("+2m30s (+50%)") != std::string::npos);
  for (const char* id : {"\n  a ", "\n  b ", "\n  c "}) CHECK(text.find(id) != std::string::npos);
  const std::string markdown = render_report_markdown(report_of(run));
  CHECK(markdown.find("| a * |") != std::string::npos);
}

TEST_CASE("report formats: json holds the documented fields") {
  JournalBuilder events;
  events.started(0, "a").finished(450'000, "a", TaskStatus::succeeded);
  const FoldedRun run(diamond(), events);
  const auto json = parsed_report_json(report_of(run));
  CHECK(json["format"] == "cutover-report");
  CHECK(json["tasks"].size() == 3);
  CHECK(json["tasks"][0]["variance_s"] == 150.0);
  CHECK(json["actual_critical_path"] == nlohmann::ordered_json::array({"a"}));
  CHECK(json["window_s"].is_null());
}

TEST_CASE("report: sign-offs - and what a go-live run relied on - in text and JSON") {
  JournalBuilder events;
  events.add(0, run_started())
      .succeeded("a")
      .add(120'000, run_finished(RunOutcome::succeeded))
      .add(600'000, event::SignedOff{{"lead", "ann", "jump-2", {}, "within 5%"}});
  const FoldedRun run(make_runbook({make_task("a", minutes(1))}), events);
  RunReport report = report_of(run);
  CHECK(report.finished == utc_at(120'000));  // the sign-off came later, and is not the run
  report.go_live = GoLiveBasis{{"test/1"}, {{"lead", "test/1"}}, GoLiveOverride{"cio", "why"}};
  const std::string text = render_report_text(report);
  CHECK(text.find("Signed off  lead (ann@jump-2), 2026-11-28 17:10:00: within 5%") !=
        std::string::npos);
  CHECK(text.find("Go-live   go-live rule overridden by cio: why") != std::string::npos);
  CHECK(text.find("Go-live   go-live after test/1; signed off by lead (test/1)") !=
        std::string::npos);
  const nlohmann::ordered_json json = parsed_report_json(report);
  CHECK(json["signoffs"][0]["by"] == "lead");
  CHECK(json["go_live"]["override"]["reason"] == "why");
  report.go_live.reset();
  report.signoffs.clear();
  CHECK(parsed_report_json(report)["go_live"].is_null());
  CHECK(parsed_report_json(report)["signoffs"] == nlohmann::ordered_json::array());
}
