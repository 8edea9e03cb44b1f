#pragma once
// CSV as spreadsheets read it (RFC 4180): fields quoted when they need it, CRLF line ends.

#include <cstdint>
#include <string>
#include <vector>

namespace cutover {

std::string csv_record(const std::vector<std::string>& fields);

// Milliseconds as seconds with three decimals, "-1.250": durations in timing.csv and reports.
std::string csv_seconds(std::int64_t milliseconds);

}  // namespace cutover
