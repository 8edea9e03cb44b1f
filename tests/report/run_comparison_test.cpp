#include "cutover/report/run_comparison.hpp"

#include <doctest/doctest.h>

#include "cutover/base/errors.hpp"
#include "cutover/report/report_format.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using std::chrono::seconds;

namespace {

// A finished run of `runbook` whose tasks (id, seconds; 0: failed) succeeded in that time.
RunReport run(std::string label, std::int64_t started_ms,
              std::vector<std::pair<std::string, int>> tasks, std::string runbook = "erp") {
  RunReport report;
  report.runbook_id = std::move(runbook);
  report.run_id = "erp/" + label;
  report.run_dir = ".cutover/runs/erp/" + label;
  report.label = std::move(label);
  report.status = "succeeded";
  report.started = utc_at(started_ms);
  for (auto& [id, took] : tasks) {
    ReportTask task;
    task.index = report.tasks.size();
    task.id = id;
    task.phase = "cut";
    task.estimate = seconds(60);
    task.status = took > 0 ? TaskStatus::succeeded : TaskStatus::failed;
    task.actual_start = Duration{0};
    task.actual_finish = seconds(took);
    task.duration = seconds(took);
    report.order.push_back(task.index);
    report.tasks.push_back(std::move(task));
  }
  return report;
}

const ComparedTask& task(const RunComparison& comparison, const std::string& id) {
  for (const ComparedTask& task : comparison.tasks) {
    if (task.id == id) return task;
  }
  FAIL("no task " << id);
  return comparison.tasks.front();
}

}  // namespace

TEST_CASE("compare_runs: durations side by side - oldest run first - with spread and trend") {
  // Given newest first: they are put in the order they started.
  const RunComparison comparison =
      compare_runs({run("rehearsal-2", 2000, {{"load", 80}, {"check", 30}}),
                    run("rehearsal-1", 1000, {{"load", 100}, {"check", 30}})});
  REQUIRE(comparison.runs.size() == 2);
  CHECK(comparison.runs[0].label == "rehearsal-1");
  const ComparedTask& load = task(comparison, "load");
  CHECK(load.durations == std::vector<std::optional<Duration>>{seconds(100), seconds(80)});
  CHECK(load.fastest == Duration{seconds(80)});
  CHECK(load.slowest == Duration{seconds(100)});
  CHECK(load.trend == Trend::faster);
  CHECK(load.suggested == Duration{std::chrono::minutes(2)});  // P80 of {80, 100}: 100s
  CHECK(task(comparison, "check").trend == Trend::steady);
  CHECK(comparison.missing.empty());
}

TEST_CASE("compare_runs: a failed task is not a measurement") {
  const RunComparison comparison = compare_runs(
      {run("r1", 0, {{"load", 50}}), run("r2", 1, {{"load", 0}}), run("r3", 2, {{"load", 70}})});
  const ComparedTask& load = task(comparison, "load");
  CHECK_FALSE(load.durations[1]);
  CHECK(load.present[1]);
  CHECK(load.trend == Trend::slower);  // 70s after 50s: the failed run is skipped
  CHECK(load.suggested == Duration{std::chrono::minutes(2)});  // 70s, rounded up
}

TEST_CASE("compare_runs: an edited runbook - tasks matched by id - the missing ones named") {
  const RunComparison comparison = compare_runs({run("r1", 0, {{"load", 50}, {"old-step", 5}}),
                                                 run("r2", 1, {{"load", 40}, {"new-step", 9}})});
  CHECK(comparison.tasks.size() == 3);
  CHECK_FALSE(task(comparison, "new-step").present[0]);
  CHECK(task(comparison, "new-step").present[1]);
  CHECK(comparison.missing == std::vector<std::string>{"task 'new-step' is not in run erp/r1",
                                                       "task 'old-step' is not in run erp/r2"});
  // The newest run's order first.
  CHECK(comparison.tasks[0].id == "load");
  CHECK(comparison.tasks[1].id == "new-step");
}

TEST_CASE("compare_runs: runs of different runbooks are refused") {
  CHECK_THROWS_AS(compare_runs({run("r1", 0, {{"a", 1}}), run("r2", 1, {{"a", 1}}, "dns")}),
                  UsageError);
}

TEST_CASE("comparison formats: a column per run in text - csv and json") {
  const RunComparison comparison =
      compare_runs({run("rehearsal-1", 0, {{"load", 100}}), run("rehearsal-2", 1, {{"load", 80}})});
  const std::string text = render_comparison_text(comparison);
  CHECK(text.find("task  rehearsal-1  rehearsal-2  trend   spread  estimate  suggested") !=
        std::string::npos);
  CHECK(text.find("load        1m40s        1m20s  faster     20s        1m       2m !") !=
        std::string::npos);
  const std::string csv = comparison_csv(comparison);
  CHECK(csv.rfind("task,phase,estimate_s,run1_s,run2_s,fastest_s,slowest_s,suggested_s,trend\r\n",
                  0) == 0);
  CHECK(csv.find("load,cut,60.000,100.000,80.000,80.000,100.000,120.000,faster\r\n") !=
        std::string::npos);
  const auto json = comparison_json(comparison);
  CHECK(json["format"] == "cutover-comparison");
  CHECK(json["tasks"][0]["durations_s"] == nlohmann::ordered_json::array({100.0, 80.0}));
  CHECK(render_comparison_markdown(comparison).find("| load | 1m40s | 1m20s | faster |") !=
        std::string::npos);
}

TEST_CASE("compare_runs: under a second apart is steady - however large the share") {
  RunReport first = run("r1", 0, {{"ping", 1}});
  RunReport second = run("r2", 1, {{"ping", 1}});
  first.tasks[0].duration = std::chrono::milliseconds(300);
  second.tasks[0].duration = std::chrono::milliseconds(900);
  CHECK(task(compare_runs({first, second}), "ping").trend == Trend::steady);
}
