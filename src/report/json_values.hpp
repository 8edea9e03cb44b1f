#pragma once
// How the JSON of `status` and of reports writes values: durations as seconds (numbers), times
// as UTC with milliseconds, and what is unknown (or empty) as null.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cutover/base/time.hpp"

namespace cutover::json_values {

using json = nlohmann::ordered_json;

inline double seconds(Duration duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

inline json optional_seconds(const std::optional<Duration>& duration) {
  return duration ? json(seconds(*duration)) : json(nullptr);
}

inline json optional_time(const std::optional<UtcTime>& time) {
  return time ? json(format_utc_ms(*time)) : json(nullptr);
}

inline json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

}  // namespace cutover::json_values
