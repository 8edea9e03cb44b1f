#include "cutover/report/estimates.hpp"

#include <doctest/doctest.h>

#include "cutover/base/errors.hpp"

using namespace cutover;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST_CASE("percentile: nearest rank over the sorted measurements") {
  const std::vector<Duration> five = {seconds(50), seconds(10), seconds(40), seconds(20),
                                      seconds(30)};
  CHECK(percentile(five, 80) == Duration{seconds(40)});
  CHECK(percentile(five, 81) == Duration{seconds(50)});
  CHECK(percentile(five, 50) == Duration{seconds(30)});
  CHECK(percentile(five, 100) == Duration{seconds(50)});
  CHECK(percentile(five, 1) == Duration{seconds(10)});
  CHECK(percentile({seconds(7)}, 80) == Duration{seconds(7)});
  CHECK_FALSE(percentile({}, 80));
}

TEST_CASE("round_up_estimate: seconds below a minute - minutes below an hour - then 5 minutes") {
  CHECK(round_up_estimate(milliseconds(1)) == Duration{seconds(1)});
  CHECK(round_up_estimate(Duration::zero()) == Duration{seconds(1)});
  CHECK(round_up_estimate(milliseconds(41'200)) == Duration{seconds(42)});
  CHECK(round_up_estimate(seconds(60)) == Duration{seconds(60)});
  CHECK(round_up_estimate(milliseconds(60'001)) == Duration{minutes(2)});
  CHECK(round_up_estimate(minutes(17) + seconds(1)) == Duration{minutes(18)});
  CHECK(round_up_estimate(hours(1)) == Duration{hours(1)});
  CHECK(round_up_estimate(hours(1) + seconds(1)) == Duration{hours(1) + minutes(5)});
  CHECK(round_up_estimate(hours(2) + minutes(11)) == Duration{hours(2) + minutes(15)});
}

TEST_CASE("suggest_estimate: the rounded P80 - nothing without measurements") {
  CHECK(suggest_estimate({seconds(100), seconds(130), seconds(90), seconds(200), seconds(125)}) ==
        Duration{minutes(3)});
  CHECK(suggest_estimate({seconds(100), seconds(130)}, 50) == Duration{minutes(2)});
  CHECK_FALSE(suggest_estimate({}));
}

namespace {

Runbook reference_runbook() {
  Runbook runbook;
  runbook.id = "billing";
  for (const auto& [id, estimate] :
       std::vector<std::pair<std::string, std::optional<Duration>>>{{"extract", minutes(20)},
                                                                    {"load", std::nullopt},
                                                                    {"verify", minutes(10)},
                                                                    {"new-step", minutes(5)}}) {
    Task task;
    task.id = id;
    task.estimate = estimate;
    task.kind = Command{"true"};
    runbook.tasks.push_back(task);
  }
  return runbook;
}

MeasuredRun measured(std::string label, int day,
                     std::vector<std::pair<std::string, Duration>> durations) {
  MeasuredRun run;
  run.run_dir = ".cutover/runs/billing/" + label;
  run.run_id = "billing/" + label;
  run.label = std::move(label);
  run.runbook_id = "billing";
  run.started = std::chrono::sys_days{std::chrono::November / day / 2026};
  run.durations = std::move(durations);
  return run;
}

}  // namespace

TEST_CASE("learn_estimates: per task the measurements in run order - median - spread - flag") {
  // Given newest first: the runs are put in the order they started.
  const LearnedEstimates learned = learn_estimates(
      {measured("rehearsal-2", 21,
                {{"extract", minutes(30)}, {"load", minutes(9)}, {"verify", minutes(11)}}),
       measured("rehearsal-1", 14,
                {{"extract", minutes(22)}, {"load", minutes(7)}, {"old-step", minutes(3)}})},
      reference_runbook(), 80);
  CHECK(learned.runbook_id == "billing");
  REQUIRE(learned.runs.size() == 2);
  CHECK(learned.runs[0].label == "rehearsal-1");
  REQUIRE(learned.tasks.size() == 4);
  const TaskEstimate& extract = learned.tasks[0];
  CHECK(extract.measured == std::vector<std::optional<Duration>>{minutes(22), minutes(30)});
  CHECK(extract.median == Duration{minutes(26)});
  CHECK(extract.fastest == Duration{minutes(22)});
  CHECK(extract.slowest == Duration{minutes(30)});
  CHECK(extract.suggested == Duration{minutes(30)});
  CHECK(extract.off);  // 20m against 30m: 50% away
  const TaskEstimate& load = learned.tasks[1];
  CHECK(load.suggested == Duration{minutes(9)});
  CHECK(load.off);  // no estimate yet
  const TaskEstimate& verify = learned.tasks[2];
  CHECK(verify.measured == std::vector<std::optional<Duration>>{std::nullopt, minutes(11)});
  CHECK(verify.median == Duration{minutes(11)});
  CHECK_FALSE(verify.off);  // 10m against 11m: 10% away
  const TaskEstimate& fresh = learned.tasks[3];
  CHECK_FALSE(fresh.suggested);
  CHECK_FALSE(fresh.off);
  CHECK(learned.not_in_runbook == std::vector<std::string>{"old-step"});
  CHECK(learned.off_count() == 2);
}

TEST_CASE("learn_estimates: exactly 25% away is not off - the percentile is the caller's") {
  const LearnedEstimates p80 = learn_estimates({measured("r1", 1, {{"verify", seconds(450)}}),
                                                measured("r2", 2, {{"verify", seconds(750)}})},
                                               reference_runbook(), 80);
  CHECK(p80.tasks[2].suggested == Duration{minutes(13)});  // 750s rounded up
  CHECK(p80.tasks[2].off);
  const LearnedEstimates p50 = learn_estimates({measured("r1", 1, {{"verify", seconds(450)}}),
                                                measured("r2", 2, {{"verify", seconds(750)}})},
                                               reference_runbook(), 50);
  CHECK(p50.tasks[2].suggested == Duration{minutes(8)});  // 450s: 7.5m rounded up
  CHECK_FALSE(p50.tasks[2].off);                          // 8m against 10m: 20%
  const LearnedEstimates edge = learn_estimates(
      {measured("r1", 1, {{"verify", minutes(12) + seconds(30)}})}, reference_runbook(), 80);
  CHECK(edge.tasks[2].suggested == Duration{minutes(13)});
  CHECK(edge.tasks[2].off);  // 30%
  Runbook quarter = reference_runbook();
  quarter.tasks[2].estimate = minutes(8);
  const LearnedEstimates exact =
      learn_estimates({measured("r1", 1, {{"verify", minutes(10)}})}, quarter, 80);
  CHECK(exact.tasks[2].suggested == Duration{minutes(10)});
  CHECK_FALSE(exact.tasks[2].off);  // 10m against 8m: exactly 25%
}

TEST_CASE("learn_estimates refuses runs of another runbook - and runs where nothing succeeded") {
  MeasuredRun other = measured("r1", 1, {{"extract", minutes(1)}});
  other.runbook_id = "payroll";
  CHECK_THROWS_WITH_AS(learn_estimates({other}, reference_runbook(), 80),
                       ".cutover/runs/billing/r1 is a run of runbook 'payroll', not of "
                       "'billing'",
                       UsageError);
  CHECK_THROWS_WITH_AS(
      learn_estimates({measured("r1", 1, {}), measured("r2", 2, {})}, reference_runbook(), 80),
      "no task succeeded in any of the 2 runs: there is nothing to learn "
      "estimates from",
      UsageError);
}

TEST_CASE("measured_duration: a succeeded task from its first start to its end - else nothing") {
  TaskState task;
  task.status = TaskStatus::succeeded;
  task.started_at = UtcTime{milliseconds(1'000)};
  task.finished_at = UtcTime{milliseconds(61'500)};
  // The executor was down in between: elapsed_ms leaves that out, the measurement does not.
  task.started_ms = 1'000;
  task.finished_ms = 31'500;
  CHECK(measured_duration(task) == Duration{milliseconds(60'500)});
  task.status = TaskStatus::failed;
  CHECK_FALSE(measured_duration(task));
  task.status = TaskStatus::skipped;
  CHECK_FALSE(measured_duration(task));
}
