#pragma once
// The formats of `cutover report` for one run (docs/reports.md): text (report_text.cpp),
// markdown (the same sections as tables), csv and json (report_data.cpp).

#include <string>

#include <nlohmann/json.hpp>

#include "cutover/report/run_report.hpp"

namespace cutover {

// For a 100-column terminal; no colour.
std::string render_report_text(const RunReport& report);
std::string render_report_markdown(const RunReport& report);
// One row per task in the plan's order: timing.csv's columns, then the report's.
std::string report_csv(const RunReport& report);
// The whole model, as docs/reports.md documents it.
nlohmann::ordered_json report_json(const RunReport& report);

}  // namespace cutover
