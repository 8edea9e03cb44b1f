#pragma once
// CSV as spreadsheets read it (RFC 4180): fields quoted when they need it, CRLF line ends.

#include <string>
#include <vector>

namespace cutover {

std::string csv_record(const std::vector<std::string>& fields);

}  // namespace cutover
