#pragma once
// Durations ("45s", "1h30m", "2d") and RFC 3339 timestamps, as runbooks write them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cutover {

using Duration = std::chrono::milliseconds;
using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;

// A point in time plus the UTC offset it was written with, so that it can be shown back
// in the zone the cutover team plans in.
struct Timestamp {
  UtcTime utc{};
  int offset_minutes = 0;

  friend bool operator==(const Timestamp&, const Timestamp&) = default;

  // The same zone, `offset` later: a plan's start plus a task's offset.
  Timestamp later_by(Duration offset) const { return {utc + offset, offset_minutes}; }
};

// "45s", "15m", "1h30m", "2d", "1d12h": units d/h/m/s in that order, each at most once.
std::optional<Duration> parse_duration(std::string_view text);

// The text is written as a duration but says more than `limit`, or more than a Duration holds.
bool is_duration_longer_than(std::string_view text, Duration limit);

// The shortest form parse_duration reads back: "1h30m", "45s", "0s". Sub-second parts are
// rounded down.
std::string format_duration(Duration duration);

// How long something took, for people: to a tenth of a second under 10 s ("0.6s"), else as
// format_duration.
std::string format_took(Duration took);

// A zone as an offset from UTC: "UTC", "UTC+01:00", "UTC-05:30".
std::string zone_name(int offset_minutes);

// "+HH:MM" offset from a start, hours unbounded ("+26:15"); seconds shown only when present.
std::string format_offset(Duration offset);

// RFC 3339: 2026-11-28T18:00:00+01:00, 2026-11-28T17:00:00.5Z ('T' or a space).
std::optional<Timestamp> parse_timestamp(std::string_view text);

// RFC 3339 in the timestamp's own offset, whole seconds: 2026-11-28T18:00:00+01:00.
std::string format_timestamp(const Timestamp& timestamp);

// "Sat 19:30" in the timestamp's own offset: what people on the bridge call say.
std::string weekday_clock(const Timestamp& timestamp);

// `when` in the zone `offset_minutes` east of UTC, as people read it: 2026-11-28 19:12:40.
std::string zoned_date_time(UtcTime when, int offset_minutes);

// The same without the date when `when` falls on the day `now` does, in that zone: 19:12:40.
std::string zoned_clock(UtcTime when, UtcTime now, int offset_minutes);

// UTC with milliseconds, as journals record: 2026-11-28T17:00:00.123Z.
std::string format_utc_ms(UtcTime time);

}  // namespace cutover
