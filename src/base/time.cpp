#include "cutover/base/time.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include <charconv>

namespace cutover {

namespace {

using namespace std::chrono;

constexpr std::int64_t ms_per_second = 1000;
constexpr std::int64_t ms_per_minute = 60 * ms_per_second;
constexpr std::int64_t ms_per_hour = 60 * ms_per_minute;
constexpr std::int64_t ms_per_day = 24 * ms_per_hour;

struct DurationUnit {
  char letter;
  std::int64_t ms;
};

// The order in which a duration must spell its units; each at most once.
constexpr std::array<DurationUnit, 4> duration_units{{
    {'d', ms_per_day},
    {'h', ms_per_hour},
    {'m', ms_per_minute},
    {'s', ms_per_second},
}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Fixed-width field of exactly `width` digits, as RFC 3339 requires.
std::optional<int> read_fixed(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect_char(std::string_view text, std::size_t& pos, char wanted) {
  if (pos >= text.size() || text[pos] != wanted) return false;
  ++pos;
  return true;
}

// Milliseconds from a fraction's digits; digits past the third are dropped, not rounded, so a
// timestamp never moves into the next millisecond.
std::optional<int> read_fraction_ms(std::string_view text, std::size_t& pos) {
  const std::size_t begin = pos;
  int ms = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (pos - begin < 3) ms = ms * 10 + (text[pos] - '0');
    ++pos;
  }
  const std::size_t digits = pos - begin;
  if (digits == 0) return std::nullopt;
  for (std::size_t i = digits; i < 3; ++i) ms *= 10;
  return ms;
}

// "Z", "z" or "+HH:MM" / "-HH:MM", in minutes east of UTC.
std::optional<int> read_utc_offset(std::string_view text, std::size_t& pos) {
  if (pos >= text.size()) return std::nullopt;
  const char sign = text[pos];
  if (sign == 'Z' || sign == 'z') {
    ++pos;
    return 0;
  }
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  const auto hours = read_fixed(text, pos, 2);
  if (!hours || !expect_char(text, pos, ':')) return std::nullopt;
  const auto minutes = read_fixed(text, pos, 2);
  if (!minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  const int total = *hours * 60 + *minutes;
  return sign == '-' ? -total : total;
}

bool is_date_time_separator(char c) {
  return c == 'T' || c == 't' || c == ' ';
}

struct CivilTime {
  year_month_day date;
  hh_mm_ss<milliseconds> time_of_day;
};

CivilTime split_civil(sys_time<milliseconds> time) {
  const auto day = floor<days>(time);
  return {year_month_day{day}, hh_mm_ss<milliseconds>{time - day}};
}

std::string civil_date_time(const CivilTime& civil) {
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(civil.date.year()),
                     static_cast<unsigned>(civil.date.month()),
                     static_cast<unsigned>(civil.date.day()), civil.time_of_day.hours().count(),
                     civil.time_of_day.minutes().count(), civil.time_of_day.seconds().count());
}

std::string format_utc_offset(int offset_minutes) {
  if (offset_minutes == 0) return "Z";
  const char sign = offset_minutes < 0 ? '-' : '+';
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{}{:02}:{:02}", sign, magnitude / 60, magnitude % 60);
}

// The duration form, in milliseconds; an amount too large for them sets `overflow` instead of
// failing, so that a caller can tell "too long" from "not a duration".
std::optional<std::int64_t> scan_duration(std::string_view text, bool& overflow) {
  if (text.empty()) return std::nullopt;
  constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
  std::size_t pos = 0;
  std::size_t next_unit = 0;  // units must come in the order of duration_units
  std::int64_t total_ms = 0;
  while (pos < text.size()) {
    const std::size_t digits = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == digits || pos >= text.size()) return std::nullopt;
    std::int64_t amount = 0;
    const bool too_many_digits =
        std::from_chars(text.data() + digits, text.data() + pos, amount).ec != std::errc{};
    const char letter = text[pos++];
    while (next_unit < duration_units.size() && duration_units[next_unit].letter != letter) {
      ++next_unit;
    }
    if (next_unit == duration_units.size()) return std::nullopt;  // unknown, repeated or late
    const std::int64_t unit_ms = duration_units[next_unit++].ms;
    if (too_many_digits || amount > (most - total_ms) / unit_ms) {
      overflow = true;
      continue;
    }
    total_ms += amount * unit_ms;
  }
  return total_ms;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  bool overflow = false;
  const auto ms = scan_duration(text, overflow);
  if (!ms || overflow) return std::nullopt;
  return Duration{*ms};
}

bool is_duration_longer_than(std::string_view text, Duration limit) {
  bool overflow = false;
  const auto ms = scan_duration(text, overflow);
  return ms && (overflow || Duration{*ms} > limit);
}

std::string format_duration(Duration duration) {
  std::int64_t ms = duration.count();
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  std::int64_t seconds_left = ms / ms_per_second;  // sub-second parts are rounded down
  if (seconds_left == 0) return "0s";
  for (const auto& unit : duration_units) {
    const std::int64_t unit_seconds = unit.ms / ms_per_second;
    const std::int64_t amount = seconds_left / unit_seconds;
    if (amount == 0) continue;
    out += fmt::format("{}{}", amount, unit.letter);
    seconds_left -= amount * unit_seconds;
  }
  return out;
}

std::string format_offset(Duration offset) {
  std::int64_t ms = offset.count();
  const char sign = ms < 0 ? '-' : '+';
  if (ms < 0) ms = -ms;
  const std::int64_t total_seconds = ms / ms_per_second;
  const std::int64_t hours = total_seconds / 3600;
  const std::int64_t minutes = total_seconds / 60 % 60;
  const std::int64_t seconds = total_seconds % 60;
  if (seconds != 0) return fmt::format("{}{:02}:{:02}:{:02}", sign, hours, minutes, seconds);
  return fmt::format("{}{:02}:{:02}", sign, hours, minutes);
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  const auto year = read_fixed(text, pos, 4);
  if (!year || !expect_char(text, pos, '-')) return std::nullopt;
  const auto month = read_fixed(text, pos, 2);
  if (!month || !expect_char(text, pos, '-')) return std::nullopt;
  const auto day = read_fixed(text, pos, 2);
  if (!day || pos >= text.size() || !is_date_time_separator(text[pos++])) return std::nullopt;
  const auto hour = read_fixed(text, pos, 2);
  if (!hour || !expect_char(text, pos, ':')) return std::nullopt;
  const auto minute = read_fixed(text, pos, 2);
  if (!minute || !expect_char(text, pos, ':')) return std::nullopt;
  const auto second = read_fixed(text, pos, 2);
  if (!second) return std::nullopt;
  int fraction_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const auto fraction = read_fraction_ms(text, pos);
    if (!fraction) return std::nullopt;
    fraction_ms = *fraction;
  }
  const auto offset_minutes = read_utc_offset(text, pos);
  if (!offset_minutes || pos != text.size()) return std::nullopt;

  const year_month_day date{std::chrono::year{*year},
                            std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  // ok() knows the days of each month and leap years. A leap second (:60) is refused: the
  // clocks cutover compares with cannot represent it.
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  const auto local = sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second} +
                     milliseconds{fraction_ms};
  return Timestamp{local - minutes{*offset_minutes}, *offset_minutes};
}

std::string format_timestamp(const Timestamp& timestamp) {
  const auto local = floor<seconds>(timestamp.utc + minutes{timestamp.offset_minutes});
  return civil_date_time(split_civil(local)) + format_utc_offset(timestamp.offset_minutes);
}

std::string weekday_clock(const Timestamp& timestamp) {
  static constexpr std::array<std::string_view, 7> names{"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  const auto local = floor<minutes>(timestamp.utc + minutes{timestamp.offset_minutes});
  const auto day = floor<days>(local);
  const hh_mm_ss<minutes> time_of_day{local - day};
  return fmt::format("{} {:02}:{:02}", names[weekday{day}.c_encoding()],
                     time_of_day.hours().count(), time_of_day.minutes().count());
}

std::string zoned_date_time(UtcTime when, int offset_minutes) {
  std::string text =
      civil_date_time(split_civil(floor<milliseconds>(when) + minutes{offset_minutes}));
  text[10] = ' ';
  return text;
}

std::string zoned_clock(UtcTime when, UtcTime now, int offset_minutes) {
  const auto day = [&](UtcTime time) { return floor<days>(time + minutes{offset_minutes}); };
  const std::string text = zoned_date_time(when, offset_minutes);
  return day(when) == day(now) ? text.substr(11) : text;
}

std::string format_utc_ms(UtcTime time) {
  const CivilTime civil = split_civil(time);
  return fmt::format("{}.{:03}Z", civil_date_time(civil), civil.time_of_day.subseconds().count());
}

std::string zone_name(int offset_minutes) {
  if (offset_minutes == 0) return "UTC";
  const int magnitude = std::abs(offset_minutes);
  return fmt::format("UTC{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', magnitude / 60,
                     magnitude % 60);
}

std::string format_took(Duration took) {
  if (took < std::chrono::seconds(10)) return fmt::format("{:.1f}s", took.count() / 1000.0);
  return format_duration(took);
}

}  // namespace cutover
