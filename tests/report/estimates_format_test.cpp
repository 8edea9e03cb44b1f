// The estimates as `cutover estimates` prints them: the text table and the JSON model.
#include <doctest/doctest.h>

#include <string>

#include "cutover/report/report_format.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using std::chrono::seconds;

namespace {

MeasuredRun measured(std::string label, std::int64_t started_s,
                     std::vector<std::pair<std::string, Duration>> durations) {
  MeasuredRun run;
  run.run_dir = ".cutover/runs/billing/" + label;
  run.run_id = "billing/" + label;
  run.label = std::move(label);
  run.runbook_id = "billing";
  run.started = UtcTime{seconds(started_s)};
  run.durations = std::move(durations);
  return run;
}

// extract (20m) took 10m and 12m; load (30m) 31m and 29m; verify has no estimate and was
// measured once; notify was never measured.
LearnedEstimates learned() {
  Runbook runbook = make_runbook({make_task("extract", minutes(20)), make_task("load", minutes(30)),
                                  make_task("verify"), make_task("notify", minutes(1))});
  runbook.id = "billing";
  return learn_estimates(
      {measured("rehearsal-1", 100,
                {{"extract", minutes(10)}, {"load", minutes(31)}, {"verify", seconds(41)}}),
       measured("rehearsal-2", 200, {{"extract", minutes(12)}, {"load", minutes(29)}})},
      runbook, 80);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "estimates text: the runs - a row per measured task - what is off - what is not measured") {
  const std::string text = render_estimates_text(learned());
  CHECK(text.starts_with(
      "Estimates for billing, learned from 2 runs (suggested: the P80 of each task's "
      "measurements, rounded up)\n"
      "  1  rehearsal-1  .cutover/runs/billing/rehearsal-1  3 tasks measured\n"
      "  2  rehearsal-2  .cutover/runs/billing/rehearsal-2  2 tasks measured\n"));
  CHECK(contains(text,
                 "\n"
                 "  task     measured  median    spread  estimate  suggested  change\n"
                 // extract: the P80 of 10m and 12m is 12m: 40% under its 20m estimate.
                 "  extract  10m, 12m     11m  10m..12m       20m        12m    -40%  off\n"
                 "  load     31m, 29m     30m  29m..31m       30m        31m     +3%\n"
                 // verify: no estimate to compare with, so it is off.
                 "  verify     41s, -     41s       41s                  41s     new  off\n"));
  CHECK(contains(text, "2 of 3 measured estimates are off by more than 25% (marked off).\n"));
  CHECK(contains(text, "Not measured (they succeeded in no run given): notify"));
}

TEST_CASE("estimates json: the whole model in seconds - null where nothing is known") {
  const auto json = estimates_json(learned());
  CHECK(json["format"] == "cutover-estimates");
  CHECK(json["runbook_id"] == "billing");
  CHECK(json["percentile"] == 80);
  CHECK(json["off"] == 2);
  REQUIRE(json["runs"].size() == 2);
  CHECK(json["runs"][0]["label"] == "rehearsal-1");
  CHECK(json["runs"][0]["tasks_measured"] == 3);
  REQUIRE(json["tasks"].size() == 4);
  const auto& extract = json["tasks"][0];
  CHECK(extract["measured_s"] == nlohmann::json::array({600.0, 720.0}));
  CHECK(extract["median_s"] == 660.0);
  CHECK(extract["estimate_s"] == 1200.0);
  CHECK(extract["suggested_s"] == 720.0);
  CHECK(extract["off"] == true);
  const auto& verify = json["tasks"][2];
  CHECK(verify["measured_s"] == nlohmann::json::array({41.0, nullptr}));
  CHECK(verify["estimate_s"].is_null());
  const auto& notify = json["tasks"][3];
  CHECK(notify["suggested_s"].is_null());
  CHECK(notify["off"] == false);
}
