// Rehearsals compared, in every format of `cutover report`: one row per task, a column per run.

#include <fmt/format.h>

#include "base/csv.hpp"
#include "base/table.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "report/html.hpp"
#include "report/json_values.hpp"

namespace cutover {

namespace {

using namespace json_values;

// A run's column heading: its label, else its start.
std::string run_name(const ComparedRun& run) {
  return run.label.empty() ? zoned_date_time(run.started, 0) : run.label;
}

std::string duration_cell(const ComparedTask& task, std::size_t run) {
  if (!task.present[run]) return "-";
  return optional_took(task.durations[run]);
}

class ComparisonWriter {
 public:
  ComparisonWriter(const RunComparison& comparison, bool markdown)
      : comparison_(comparison), markdown_(markdown) {}

  std::string render() {
    out_ += markdown_
                ? fmt::format("# Rehearsals compared: {}\n", printable(comparison_.runbook_id))
                : fmt::format("Rehearsals compared: {}\n", printable(comparison_.runbook_id));
    runs();
    tasks();
    phases();
    critical_paths();
    missing();
    return std::move(out_);
  }

 private:
  void heading(std::string_view title) {
    out_ += markdown_ ? fmt::format("\n## {}\n\n", title) : fmt::format("\n{}\n", title);
  }
  void put(const Table& table) { out_ += markdown_ ? table.markdown() : table.text("  "); }
  std::vector<std::string> run_headers(std::string first) const {
    std::vector<std::string> headers{std::move(first)};
    for (const ComparedRun& run : comparison_.runs) headers.push_back(printable(run_name(run)));
    return headers;
  }
  std::string right_aligned_runs(std::string before, std::string after) const {
    return before + std::string(comparison_.runs.size(), 'r') + after;
  }

  void runs() {
    heading("Runs");
    Table table({"run", "label", "status", "started", "elapsed"}, "----r");
    for (const ComparedRun& run : comparison_.runs) {
      // The heading names the runbook: its id need not start every run's.
      std::string_view id = run.run_id;
      if (id.starts_with(comparison_.runbook_id + "/"))
        id.remove_prefix(comparison_.runbook_id.size() + 1);
      table.add({printable(id), printable(run.label), run.status,
                 zoned_date_time(run.started, 0) + " UTC", format_took(run.elapsed)});
    }
    put(table);
  }

  void tasks() {
    heading("Tasks");
    std::vector<std::string> headers = run_headers("task");
    for (const char* extra : {"trend", "spread", "estimate", "suggested"}) headers.push_back(extra);
    Table table(headers, right_aligned_runs("-", "-rrr"));
    for (const ComparedTask& task : comparison_.tasks) {
      std::vector<std::string> row{printable(task.id)};
      for (std::size_t r = 0; r < comparison_.runs.size(); ++r)
        row.push_back(duration_cell(task, r));
      std::string spread;
      if (task.fastest && task.slowest && task.fastest != task.slowest) {
        spread = format_took(*task.slowest - *task.fastest);
      }
      std::string suggested = optional_estimate(task.suggested);
      if (task.suggested && task.estimate && *task.suggested != *task.estimate) suggested += " !";
      row.insert(row.end(), {std::string(to_string(task.trend)), spread,
                             optional_estimate(task.estimate), suggested});
      table.add(std::move(row));
    }
    put(table);
    const std::string legend =
        "durations of succeeded tasks; - not in that run; spread: slowest - fastest; suggested: "
        "P80, rounded; ! differs from the estimate";
    out_ += markdown_ ? "\n" + legend + "\n" : "  " + wrap(legend, 2, 2, report_text_width) + "\n";
  }

  void phases() {
    if (comparison_.phases.empty() ||
        (comparison_.phases.size() == 1 && comparison_.phases[0].name.empty())) {
      return;
    }
    heading("Phases");
    Table table(run_headers("phase"), right_aligned_runs("-", ""));
    for (const ComparedPhase& phase : comparison_.phases) {
      std::vector<std::string> row{phase.name.empty() ? "(no phase)" : printable(phase.name)};
      for (const auto& duration : phase.durations) row.push_back(optional_took(duration));
      table.add(std::move(row));
    }
    std::vector<std::string> total{"total"};
    for (const ComparedRun& run : comparison_.runs) total.push_back(format_took(run.elapsed));
    table.add(std::move(total));
    put(table);
  }

  void critical_paths() {
    heading("Critical paths");
    for (const ComparedRun& run : comparison_.runs) {
      std::string path;
      for (const std::string& id : run.critical_path) path += (path.empty() ? "" : " -> ") + id;
      const std::string line = fmt::format("{}: {}", printable(run_name(run)),
                                           path.empty() ? "(none)" : printable(path));
      out_ += markdown_ ? "- " + line + "\n" : "  " + wrap(line, 2, 4, report_text_width) + "\n";
    }
  }

  void missing() {
    if (comparison_.missing.empty()) return;
    heading("Tasks missing from runs (edited runbook)");
    for (const std::string& line : comparison_.missing) {
      out_ += fmt::format("{}{}\n", markdown_ ? "- " : "  ", printable(line));
    }
  }

  const RunComparison& comparison_;
  bool markdown_;
  std::string out_;
};

}  // namespace

std::string render_comparison_text(const RunComparison& comparison) {
  return ComparisonWriter(comparison, false).render();
}

std::string render_comparison_markdown(const RunComparison& comparison) {
  return ComparisonWriter(comparison, true).render();
}

std::string comparison_csv(const RunComparison& comparison) {
  std::vector<std::string> header{"task", "phase", "estimate_s"};
  for (std::size_t r = 0; r < comparison.runs.size(); ++r) {
    header.push_back(fmt::format("run{}_s", r + 1));
  }
  for (const char* extra : {"fastest_s", "slowest_s", "suggested_s", "trend"})
    header.push_back(extra);
  std::string out = csv_record(header);
  const auto seconds = [](const std::optional<Duration>& value) {
    return value ? csv_seconds(value->count()) : std::string();
  };
  for (const ComparedTask& task : comparison.tasks) {
    std::vector<std::string> row{task.id, task.phase, seconds(task.estimate)};
    for (const auto& duration : task.durations) row.push_back(seconds(duration));
    row.insert(row.end(), {seconds(task.fastest), seconds(task.slowest), seconds(task.suggested),
                           std::string(to_string(task.trend))});
    out += csv_record(row);
  }
  return out;
}

json comparison_json(const RunComparison& comparison) {
  json out;
  out["format"] = "cutover-comparison";
  out["version"] = 1;
  out["runbook_id"] = comparison.runbook_id;
  json runs = json::array();
  for (const ComparedRun& run : comparison.runs) {
    runs.push_back({{"run_dir", run.run_dir},
                    {"run_id", run.run_id},
                    {"label", run.label.empty() ? json(nullptr) : json(run.label)},
                    {"status", run.status},
                    {"started", format_utc_ms(run.started)},
                    {"elapsed_s", seconds(run.elapsed)},
                    {"critical_path", run.critical_path}});
  }
  out["runs"] = std::move(runs);
  json tasks = json::array();
  for (const ComparedTask& task : comparison.tasks) {
    json durations = json::array();
    for (std::size_t r = 0; r < task.durations.size(); ++r) {
      durations.push_back(task.present[r] ? optional_seconds(task.durations[r]) : json("missing"));
    }
    tasks.push_back(
        {{"id", task.id},
         {"phase", task.phase},
         {"estimate_s", optional_seconds(task.estimate)},
         {"durations_s", std::move(durations)},
         {"fastest_s", optional_seconds(task.fastest)},
         {"slowest_s", optional_seconds(task.slowest)},
         {"suggested_s", optional_seconds(task.suggested)},
         {"trend", task.trend == Trend::none ? json(nullptr) : json(to_string(task.trend))}});
  }
  out["tasks"] = std::move(tasks);
  json phases = json::array();
  for (const ComparedPhase& phase : comparison.phases) {
    json durations = json::array();
    for (const auto& duration : phase.durations) durations.push_back(optional_seconds(duration));
    phases.push_back({{"name", phase.name}, {"durations_s", std::move(durations)}});
  }
  out["phases"] = std::move(phases);
  out["missing"] = comparison.missing;
  return out;
}

std::string render_comparison_html(const RunComparison& comparison) {
  HtmlPage page("Rehearsals compared: " + comparison.runbook_id);
  std::string runs;
  for (const ComparedRun& run : comparison.runs) {
    runs += (runs.empty() ? "" : " · ") + run_name(run) + " " + run.status + " in " +
            format_took(run.elapsed);
  }
  page.heading(runs);
  Duration longest{1};
  for (const ComparedTask& task : comparison.tasks) {
    if (task.slowest) longest = std::max(longest, *task.slowest);
  }
  // One row per task, a bar per run, scaled to the longest duration of all.
  std::string html = "<h2>Tasks</h2>\n<table class=\"compare\"><thead><tr><th>task</th>";
  for (const ComparedRun& run : comparison.runs) {
    html += "<th>" + markup_escape(run_name(run)) + "</th>";
  }
  html +=
      "<th>trend</th><th class=\"r\">estimate</th><th class=\"r\">suggested</th></tr></thead>"
      "<tbody>\n";
  for (const ComparedTask& task : comparison.tasks) {
    html += "<tr><td>" + markup_escape(task.id) + "</td>";
    for (std::size_t r = 0; r < comparison.runs.size(); ++r) {
      if (!task.present[r]) {
        html += "<td class=\"dim\">not in this run</td>";
        continue;
      }
      if (!task.durations[r]) {
        html += "<td class=\"dim\">not measured</td>";
        continue;
      }
      const double share = 100.0 * static_cast<double>(task.durations[r]->count()) /
                           static_cast<double>(longest.count());
      html += fmt::format("<td><span class=\"cbar\" style=\"width:{:.0f}px\"></span> {}</td>",
                          1 + share * 1.6, format_took(*task.durations[r]));
    }
    html += fmt::format("<td>{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td></tr>\n",
                        to_string(task.trend), optional_estimate(task.estimate),
                        optional_estimate(task.suggested));
  }
  html += "</tbody></table>\n";
  if (!comparison.missing.empty()) {
    html += "<h2>Tasks missing from runs (edited runbook)</h2>\n";
    for (const std::string& line : comparison.missing)
      html += "<p>" + markup_escape(line) + "</p>\n";
  }
  page.raw(html);
  return page.finish();
}

}  // namespace cutover
