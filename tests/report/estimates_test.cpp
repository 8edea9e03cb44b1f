#include "cutover/report/estimates.hpp"

#include <doctest/doctest.h>

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
