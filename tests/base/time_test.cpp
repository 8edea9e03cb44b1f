#include "cutover/base/time.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cutover;
using namespace std::chrono_literals;

namespace {

// The UTC instant of a civil date and time, built independently of the parser under test.
UtcTime utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{ms};
}

}  // namespace

TEST_CASE("parse_duration reads each unit and their combinations") {
  CHECK(parse_duration("45s") == Duration{45s});
  CHECK(parse_duration("15m") == Duration{15min});
  CHECK(parse_duration("2h") == Duration{2h});
  CHECK(parse_duration("2d") == Duration{48h});
  CHECK(parse_duration("1h30m") == Duration{90min});
  CHECK(parse_duration("1d12h") == Duration{36h});
  CHECK(parse_duration("1d2h3m4s") == Duration{26h + 3min + 4s});
  CHECK(parse_duration("0s") == Duration{0});
  CHECK(parse_duration("90m") == Duration{90min});  // not normalised: still a valid spelling
  CHECK(parse_duration("007s") == Duration{7s});
}

TEST_CASE("parse_duration rejects malformed text") {
  const std::vector<std::string> bad{
      "",  "10", "1.5h", "1m1h", "1h1h", "+1h", "-1h",  " 1h", "1h ",  "1 h",  "1h 30m",
      "h", "1H", "1w",   "1ms",  "1hm",  "s",   "1h30", "d1",  "1,5h", "1s1s", "1m1d",
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("parse_duration refuses amounts that overflow") {
  // INT64_MAX ms is 106751991167 days, 7h12m55.807s.
  CHECK(parse_duration("106751991167d") == Duration{106751991167LL * 86'400'000LL});
  CHECK_FALSE(parse_duration("106751991168d").has_value());
  CHECK(parse_duration("106751991167d7h12m55s").has_value());
  CHECK_FALSE(parse_duration("106751991167d7h12m56s").has_value());
  CHECK_FALSE(parse_duration("99999999999999999999s").has_value());
}

TEST_CASE("zoned_date_time and zoned_clock show a time as people read it in a zone") {
  const UtcTime five_pm = std::chrono::sys_days{std::chrono::November / 28 / 2026} + 17h;
  CHECK(zoned_date_time(five_pm, 0) == "2026-11-28 17:00:00");
  CHECK(zoned_date_time(five_pm + 7h, 60) == "2026-11-29 01:00:00");
  CHECK(zoned_date_time(five_pm - 17h, -300) == "2026-11-27 19:00:00");
  CHECK(zoned_date_time(five_pm + 1999ms, 0) == "2026-11-28 17:00:01");  // whole seconds
  // The date only when it is not the day of `now`, in that zone.
  CHECK(zoned_clock(five_pm, five_pm + 6h, 0) == "17:00:00");
  CHECK(zoned_clock(five_pm, five_pm + 7h, 0) == "2026-11-28 17:00:00");
  CHECK(zoned_clock(five_pm + 7h, five_pm, 60) == "2026-11-29 01:00:00");
  CHECK(zoned_clock(five_pm + 7h, five_pm + 8h, 60) == "01:00:00");
}

TEST_CASE("format_duration writes the shortest form") {
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(45s) == "45s");
  CHECK(format_duration(90min) == "1h30m");
  CHECK(format_duration(48h) == "2d");
  CHECK(format_duration(26h) == "1d2h");
  CHECK(format_duration(24h + 1s) == "1d1s");
  CHECK(format_duration(3h + 20min) == "3h20m");
  CHECK(format_duration(1500ms) == "1s");  // sub-second parts are rounded down
  CHECK(format_duration(999ms) == "0s");
  CHECK(format_duration(-2h) == "-2h");
  CHECK(format_duration(-400ms) == "0s");  // no "-0s"
}

TEST_CASE("format_duration reads back through parse_duration") {
  for (const Duration d :
       {Duration{1s}, Duration{59min + 59s}, Duration{25h}, Duration{100h}, Duration{72h + 1min}}) {
    CAPTURE(d.count());
    CHECK(parse_duration(format_duration(d)) == d);
  }
}

TEST_CASE("format_offset writes +HH:MM with unbounded hours") {
  CHECK(format_offset(0s) == "+00:00");
  CHECK(format_offset(45min) == "+00:45");
  CHECK(format_offset(26h + 15min) == "+26:15");
  CHECK(format_offset(100h) == "+100:00");
  CHECK(format_offset(45min + 30s) == "+00:45:30");
  CHECK(format_offset(1h + 999ms) == "+01:00");
  CHECK(format_offset(-90min) == "-01:30");
}

TEST_CASE("parse_timestamp reads RFC 3339 with its offset") {
  const auto t = parse_timestamp("2026-11-28T18:00:00+01:00");
  REQUIRE(t.has_value());
  CHECK(t->utc == utc(2026, 11, 28, 17));
  CHECK(t->offset_minutes == 60);

  const auto west = parse_timestamp("2026-11-28T18:00:00-05:30");
  REQUIRE(west.has_value());
  CHECK(west->utc == utc(2026, 11, 28, 23, 30));
  CHECK(west->offset_minutes == -330);

  const auto zulu = parse_timestamp("2026-11-28T17:00:00Z");
  REQUIRE(zulu.has_value());
  CHECK(zulu->utc == utc(2026, 11, 28, 17));
  CHECK(zulu->offset_minutes == 0);
}

TEST_CASE("parse_timestamp accepts the RFC 3339 variants") {
  const UtcTime five_pm = utc(2026, 11, 28, 17);
  CHECK(parse_timestamp("2026-11-28t17:00:00Z")->utc == five_pm);
  CHECK(parse_timestamp("2026-11-28 17:00:00Z")->utc == five_pm);
  CHECK(parse_timestamp("2026-11-28T17:00:00z")->utc == five_pm);
  CHECK(parse_timestamp("2026-11-28T17:00:00-00:00")->utc == five_pm);
  CHECK(parse_timestamp("2026-11-28T17:00:00.5Z")->utc == five_pm + 500ms);
  CHECK(parse_timestamp("2026-11-28T17:00:00.123Z")->utc == five_pm + 123ms);
  CHECK(parse_timestamp("2026-11-28T17:00:00.123999Z")->utc == five_pm + 123ms);
  CHECK(parse_timestamp("2024-02-29T00:00:00Z")->utc == utc(2024, 2, 29));
  CHECK(parse_timestamp("2000-02-29T00:00:00Z")->utc == utc(2000, 2, 29));
  CHECK(parse_timestamp("2026-12-31T23:59:59+14:00").has_value());
  // Local midnight east of UTC is the previous day in UTC.
  CHECK(parse_timestamp("2026-01-01T00:30:00+01:00")->utc == utc(2025, 12, 31, 23, 30));
}

TEST_CASE("parse_timestamp rejects malformed or out-of-range text") {
  const std::vector<std::string> bad{
      "",
      "2026-11-28",
      "2026-11-28T18:00:00",        // no offset
      "2026-11-28T18:00Z",          // no seconds
      "2026-13-01T00:00:00Z",       // month
      "2026-00-01T00:00:00Z",       // month
      "2026-11-00T00:00:00Z",       // day
      "2026-04-31T00:00:00Z",       // April has 30 days
      "2026-02-29T00:00:00Z",       // not a leap year
      "1900-02-29T00:00:00Z",       // centuries are not, unless divisible by 400
      "2026-11-28T24:00:00Z",       // hour
      "2026-11-28T18:60:00Z",       // minute
      "2026-11-28T18:00:60Z",       // leap seconds are not representable
      "2026-11-28T18:00:00+24:00",  // offset hours
      "2026-11-28T18:00:00+01:60",  // offset minutes
      "2026-11-28T18:00:00+0100",   // offset without colon
      "2026-11-28T18:00:00.Z",      // empty fraction
      "2026-11-28T18:00:00Zx",      // trailing text
      "2026-11-28X18:00:00Z",       // separator
      "2026-1-28T18:00:00Z",        // short month
      "26-11-28T18:00:00Z",         // short year
      " 2026-11-28T18:00:00Z",      // leading space
      "2026-11-28T18:00:00Z ",      // trailing space
      "2026-11-28T18:00:00 +01:00",
      "+2026-11-28T18:00:00Z",
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_timestamp(text).has_value());
  }
}

TEST_CASE("format_timestamp writes the timestamp in its own offset - whole seconds") {
  CHECK(format_timestamp(*parse_timestamp("2026-11-28T18:00:00+01:00")) ==
        "2026-11-28T18:00:00+01:00");
  CHECK(format_timestamp(*parse_timestamp("2026-11-28t17:00:00z")) == "2026-11-28T17:00:00Z");
  CHECK(format_timestamp(*parse_timestamp("2026-11-28T18:00:00-05:30")) ==
        "2026-11-28T18:00:00-05:30");
  CHECK(format_timestamp(*parse_timestamp("2026-11-28T18:00:00.999+01:00")) ==
        "2026-11-28T18:00:00+01:00");
  CHECK(format_timestamp(*parse_timestamp("2026-01-01T00:30:00+01:00")) ==
        "2026-01-01T00:30:00+01:00");
  CHECK(format_timestamp(Timestamp{utc(2024, 2, 29, 12), 120}) == "2024-02-29T14:00:00+02:00");
}

TEST_CASE("format_utc_ms writes UTC with milliseconds") {
  CHECK(format_utc_ms(utc(2026, 11, 28, 17, 0, 0, 123)) == "2026-11-28T17:00:00.123Z");
  CHECK(format_utc_ms(utc(2026, 11, 28, 17)) == "2026-11-28T17:00:00.000Z");
  CHECK(format_utc_ms(parse_timestamp("2026-11-28T18:00:00.5+01:00")->utc) ==
        "2026-11-28T17:00:00.500Z");
}
