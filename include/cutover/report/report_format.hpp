#pragma once
// The formats of `cutover report` for one run (docs/reports.md): text (report_text.cpp),
// markdown (the same sections as tables), csv and json (report_data.cpp); several runs
// compared in comparison_format.cpp; `cutover estimates` in estimates_format.cpp.

#include <string>

#include <nlohmann/json.hpp>

#include "cutover/report/estimates.hpp"
#include "cutover/report/run_comparison.hpp"
#include "cutover/report/run_report.hpp"

namespace cutover {

// For a 100-column terminal; no colour.
std::string render_report_text(const RunReport& report);
std::string render_report_markdown(const RunReport& report);
// One row per task in the plan's order: timing.csv's columns, then the report's.
std::string report_csv(const RunReport& report);
// The whole model, as docs/reports.md documents it.
std::string report_json(const RunReport& report);
// One self-contained page: a Gantt chart of planned against actual, then the tables
// (report_html.cpp; render_report_tables_html is the tables alone, from report_text.cpp).
std::string render_report_html(const RunReport& report);
std::string render_report_tables_html(const RunReport& report);

// Several runs compared (comparison_format.cpp): a row per task, a column per run.
std::string render_comparison_text(const RunComparison& comparison);
std::string render_comparison_markdown(const RunComparison& comparison);
// task, phase, estimate_s, run1_s ... runN_s (oldest first), fastest_s, slowest_s,
// suggested_s, trend.
std::string comparison_csv(const RunComparison& comparison);
nlohmann::ordered_json comparison_json(const RunComparison& comparison);
std::string render_comparison_html(const RunComparison& comparison);

// Estimates learned from runs (estimates_format.cpp): a row per measured task.
std::string render_estimates_text(const LearnedEstimates& learned);
nlohmann::ordered_json estimates_json(const LearnedEstimates& learned);

}  // namespace cutover
