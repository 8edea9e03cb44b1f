// `cutover forecast`'s report: durations drawn around the estimates or resampled from
// rehearsals, the window, and its text and JSON. The engine's statistics are tested in
// plan/monte_carlo_test.cpp; here, what the report makes of them.
#include "cutover/report/forecast.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// a (10m) -> b (20m), in a 1h window from 18:00 +01:00.
Runbook chain() {
  Runbook runbook = make_runbook({make_task("a", minutes(10)), make_task("b", minutes(20), {"a"})});
  runbook.id = "rb";
  runbook.window =
      make_window(*parse_timestamp("2026-12-12T18:00:00+01:00"), std::chrono::hours(1));
  return runbook;
}

ForecastReport forecast_of(const Runbook& runbook, const std::vector<MeasuredRun>& runs = {}) {
  ForecastOptions options;
  options.samples = 2'000;
  options.seed = 7;
  return make_forecast(runbook, build_dag(runbook), runs, options);
}

double in_minutes(Duration duration) {
  return static_cast<double>(duration.count()) / 60'000;
}

}  // namespace

TEST_CASE("forecast: drawn around the estimates - inside the window - every task critical") {
  const ForecastReport report = forecast_of(chain());
  CHECK(report.samples == 2'000);
  CHECK(report.seed == 7);
  CHECK(report.runs == 0);
  CHECK(report.measured_tasks() == 0);
  REQUIRE(report.window);
  CHECK(*report.window == std::chrono::hours(1));
  // Between 24m and 45m (0.8x to 1.5x of 30m), in order.
  CHECK(forecast_end(report, 50) > minutes(24));
  CHECK(forecast_end(report, 50) <= forecast_end(report, 90));
  CHECK(forecast_end(report, 90) <= forecast_end(report, 99));
  CHECK(forecast_end(report, 99) <= minutes(45));
  CHECK(report.p_fit == 1.0);
  REQUIRE(report.tasks.size() == 2);
  CHECK(report.tasks[0].criticality == 1.0);  // a chain: both always critical
  CHECK(report.tasks[1].ends_last == 1.0);
}

TEST_CASE(
    "forecast: a task measured in rehearsals is resampled - runs of another runbook refused") {
  // a took 5m in the one rehearsal: b (16m..30m, median 21.63m) follows it.
  MeasuredRun rehearsal;
  rehearsal.run_dir = "r1";
  rehearsal.runbook_id = "rb";
  rehearsal.durations = {{"a", minutes(5)}};
  const ForecastReport report = forecast_of(chain(), {rehearsal});
  CHECK(report.runs == 1);
  CHECK(report.measured_tasks() == 1);
  CHECK(report.tasks[0].measurements == 1);
  CHECK(in_minutes(forecast_end(report, 50)) == doctest::Approx(26.63).epsilon(0.02));
  rehearsal.runbook_id = "payroll";
  CHECK_THROWS_WITH_AS(forecast_of(chain(), {rehearsal}),
                       "r1 is a run of runbook 'payroll', not of 'rb'", UsageError);
}

TEST_CASE("forecast text and json: the percentiles - the window - the chance to fit") {
  const ForecastReport report = forecast_of(chain());
  const std::string text = render_forecast_text(report);
  CHECK(text.starts_with("Forecast: rb (2000 samples, seed 7)\n"));
  CHECK(text.find("Start:     2026-12-12 18:00:00 UTC+01:00; the window ends 2026-12-12 19:00:00 "
                  "(1h later)\n") != std::string::npos);
  CHECK(text.find("Ends inside the window in 100.0% of the samples.\n") != std::string::npos);
  const auto json = forecast_json(report);
  CHECK(json["samples"] == 2000);
  CHECK(json["window_s"] == 3600);
  CHECK(json["p_fit"] == 1.0);
  CHECK(json["p50_s"].get<double>() * 1000 ==
        static_cast<double>(forecast_end(report, 50).count()));

  Runbook no_window = chain();
  no_window.window.reset();
  const auto without = forecast_json(forecast_of(no_window));
  CHECK(without["window_s"].is_null());
  CHECK(without["p_fit"].is_null());
}
