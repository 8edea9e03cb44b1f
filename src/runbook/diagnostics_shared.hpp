#pragma once
// What diagnostics.cpp (the text format) and diagnostics_formats.cpp (JSON, JUnit, GitHub)
// both write the same way.

#include <string>
#include <string_view>

#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

std::string_view severity_name(Severity severity);

// FILE, FILE:LINE or FILE:LINE:COLUMN, as much of the location as is known.
std::string location_prefix(const std::string& file, Location location);

}  // namespace cutover
