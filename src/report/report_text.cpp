// The report of one run for people: text for a 100-column terminal, markdown for the meeting
// notes. Both are the same sections with the same tables; only the dressing differs.

#include <fmt/format.h>

#include <algorithm>

#include "cutover/report/report_format.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

namespace {

std::string signed_duration(Duration value) {
  const Duration magnitude = value < Duration::zero() ? -value : value;
  return (value < Duration::zero() ? "-" : "+") + format_took(magnitude);
}

std::string variance_text(const ReportTask& task) {
  if (!task.variance) return "";
  std::string text = signed_duration(*task.variance);
  if (task.variance_percent) text += fmt::format(" ({:+.0f}%)", *task.variance_percent);
  return text;
}

constexpr std::size_t text_width = 100;

// At most `width` bytes, cut where no UTF-8 character is split, "..." saying so.
std::string cut(std::string text, std::size_t width) {
  if (text.size() <= width) return text;
  std::size_t end = width - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

std::string optional_took(const std::optional<Duration>& value) {
  return value ? format_took(*value) : "";
}

std::string offset_text(const std::optional<Duration>& value) {
  return value ? format_offset(*value) : "";
}

std::string status_text(const ReportTask& task) {
  if (task.in_doubt) return "in doubt";
  std::string text(to_string(task.status));
  if (task.attempts > 1) text += fmt::format(" ({} attempts)", task.attempts);
  return text;
}

// A table, aligned in columns for a terminal or as a markdown table.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, std::string right_aligned = {})
      : headers_(std::move(headers)), right_(std::move(right_aligned)) {}

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }

  std::string text(std::string_view indent) const {
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = headers_[c].size();
    for (const auto& row : rows_) {
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
    }
    std::string out;
    const auto emit = [&](const std::vector<std::string>& row) {
      std::string line(indent);
      for (std::size_t c = 0; c < row.size(); ++c) {
        const bool right = c < right_.size() && right_[c] == 'r';
        line += right ? fmt::format("{:>{}}", row[c], widths[c])
                      : fmt::format("{:<{}}", row[c], widths[c]);
        if (c + 1 < row.size()) line += "  ";
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    };
    emit(headers_);
    for (const auto& row : rows_) emit(row);
    return out;
  }

  std::string markdown() const {
    const auto cell = [](const std::string& text) {
      std::string escaped;
      for (const char c : text) {
        if (c == '|') escaped += '\\';
        escaped += c;
      }
      return escaped;
    };
    std::string out = "|";
    for (const auto& header : headers_) out += " " + cell(header) + " |";
    out += "\n|";
    for (std::size_t c = 0; c < headers_.size(); ++c) {
      out += (c < right_.size() && right_[c] == 'r') ? " ---: |" : " --- |";
    }
    out += "\n";
    for (const auto& row : rows_) {
      out += "|";
      for (const auto& value : row) out += " " + cell(value) + " |";
      out += "\n";
    }
    return out;
  }

 private:
  std::vector<std::string> headers_;
  std::string right_;  // 'r' for each right-aligned column
  std::vector<std::vector<std::string>> rows_;
};

class ReportWriter {
 public:
  ReportWriter(const RunReport& report, bool markdown) : report_(report), markdown_(markdown) {}

  std::string render() {
    summary();
    phases();
    tasks();
    critical_paths();
    overruns();
    gates();
    rollback();
    return std::move(out_);
  }

 private:
  std::string clock(UtcTime when) const {
    return fmt::format("{} {}", status_clock(when, report_.zone_offset_minutes),
                       zone_name(report_.zone_offset_minutes));
  }
  std::string clock_and_utc(UtcTime when) const {
    if (report_.zone_offset_minutes == 0) return clock(when);
    return fmt::format("{} ({} UTC)", clock(when), status_clock(when, 0));
  }
  std::string task_id(TaskIndex index) const { return printable(report_.tasks[index].id); }
  std::string path(const std::vector<TaskIndex>& tasks) const {
    if (tasks.empty()) return "(none)";
    std::string text;
    for (const TaskIndex index : tasks) text += (text.empty() ? "" : " -> ") + task_id(index);
    return text;
  }

  void heading(std::string_view title) {
    out_ += markdown_ ? fmt::format("\n## {}\n\n", title) : fmt::format("\n{}\n", title);
  }
  void field(std::string_view name, const std::string& value) {
    out_ += markdown_ ? fmt::format("- **{}**: {}\n", name, value)
                      : fmt::format("{:<{}}{}\n", name, std::max<std::size_t>(10, name.size() + 2),
                                    value);
  }
  void put(const Table& table) { out_ += markdown_ ? table.markdown() : table.text("  "); }
  void note(const std::string& text) { out_ += markdown_ ? text + "\n\n" : "  " + text + "\n"; }

  void summary() {
    const std::string title = report_.runbook_title.empty()
                                  ? printable(report_.runbook_id)
                                  : printable(report_.runbook_id + " — " + report_.runbook_title);
    out_ += markdown_ ? fmt::format("# Report: {}\n\n", title) : fmt::format("Report: {}\n", title);
    for (const std::string& warning : report_.warnings) {
      field("Warning", printable(warning));
    }
    const std::string label =
        report_.label.empty() ? "" : fmt::format(" ({})", printable(report_.label));
    field("Run", printable(report_.run_id) + label);
    field("Status", report_.status);
    field("Started", clock_and_utc(report_.started));
    if (report_.finished) field("Ended", clock_and_utc(*report_.finished));
    std::string elapsed = fmt::format("{} against a plan of {}", format_took(report_.elapsed),
                                      format_took(report_.planned_total));
    if (report_.planned_total > Duration::zero()) {
      const Duration over = report_.elapsed - report_.planned_total;
      elapsed += fmt::format(" ({})", signed_duration(over));
    }
    field("Elapsed", elapsed);
    if (report_.window) {
      field("Window", fmt::format("{}, ends {}; {:.0f}% used", format_took(*report_.window),
                                  clock(*report_.window_end),
                                  100.0 * static_cast<double>(report_.elapsed.count()) /
                                      static_cast<double>(report_.window->count())));
    }
    const ReportCounts& c = report_.counts;
    std::string counts = fmt::format("{}: {} succeeded, {} failed, {} skipped, {} in doubt",
                                     c.total, c.succeeded, c.failed, c.skipped, c.in_doubt);
    if (c.not_started > 0) counts += fmt::format(", {} not started", c.not_started);
    if (c.active > 0) counts += fmt::format(", {} under way", c.active);
    field("Tasks", counts);
    std::string people;
    for (const std::string& person : report_.people) {
      people += (people.empty() ? "" : ", ") + printable(person);
    }
    field("People", people.empty() ? "(none recorded)" : people);
  }

  void phases() {
    if (report_.phases.empty() || (report_.phases.size() == 1 && report_.phases[0].name.empty()))
      return;
    heading("Phases");
    Table table({"phase", "tasks", "planned", "actual", "variance"}, "-rrrr");
    for (const ReportPhase& phase : report_.phases) {
      const Duration planned = phase.planned_finish - phase.planned_start;
      std::optional<Duration> actual;
      if (phase.actual_start && phase.actual_finish)
        actual = *phase.actual_finish - *phase.actual_start;
      table.add({phase.name.empty() ? "(no phase)" : printable(phase.name),
                 std::to_string(phase.tasks), format_took(planned), optional_took(actual),
                 actual ? signed_duration(*actual - planned) : ""});
    }
    put(table);
  }

  void tasks() {
    heading("Tasks");
    Table table(
        {"task", "phase", "kind", "estimate", "start", "duration", "variance", "status", "by"},
        "---rrrr--");
    for (const TaskIndex index : report_.order) {
      const ReportTask& task = report_.tasks[index];
      table.add({printable(task.id) + (task.actual_critical ? " *" : ""), printable(task.phase),
                 task.kind, optional_took(task.estimate), offset_text(task.actual_start),
                 optional_took(task.duration), variance_text(task), status_text(task),
                 printable(task.by)});
    }
    put(table);
    note("* on the actual critical path; start is from the run's start");
  }

  void critical_paths() {
    heading("Critical path");
    field("Planned", path(report_.planned_critical_path));
    field("Actual", path(report_.actual_critical_path));
    std::vector<std::string> off_plan;
    for (const TaskIndex index : report_.actual_critical_path) {
      if (!report_.tasks[index].planned_critical) off_plan.push_back(task_id(index));
    }
    if (!off_plan.empty()) {
      std::string list;
      for (const auto& id : off_plan) list += (list.empty() ? "" : ", ") + id;
      field("Differs", fmt::format("not on the planned path: {}", list));
    } else if (report_.actual_critical_path == report_.planned_critical_path) {
      field("Differs", "no: the run followed the planned path");
    }
  }

  void overruns() {
    if (report_.overruns.empty()) return;
    heading("Largest overruns");
    for (const ReportOverrun& overrun : report_.overruns) {
      const ReportTask& task = report_.tasks[overrun.task];
      out_ += fmt::format("{}{} {}: estimate {}, took {}\n", markdown_ ? "- **" : "  ",
                          printable(task.id) + (markdown_ ? "**" : ""), variance_text(task),
                          optional_took(task.estimate), optional_took(task.duration));
      if (overrun.log_tail.empty()) continue;
      if (markdown_) out_ += "\n  ```\n";
      for (const std::string& line : overrun.log_tail) {
        out_ += markdown_ ? fmt::format("  {}\n", printable(line))
                          : fmt::format("    | {}\n", cut(printable(line), text_width - 6));
      }
      if (markdown_) out_ += "  ```\n";
    }
  }

  void gates() {
    if (report_.checks.empty() && report_.decisions.empty() && !report_.point_of_no_return) return;
    heading("Gates");
    if (!report_.checks.empty()) {
      Table table({"gate", "check", "attempt", "result", "time"}, "--r--");
      for (const ReportCheck& check : report_.checks) {
        table.add({printable(check.gate), printable(check.check), std::to_string(check.attempt),
                   check.passed ? "passed" : "failed: " + printable(check.reason),
                   clock(check.time)});
      }
      put(table);
    }
    if (!report_.decisions.empty()) {
      if (!report_.checks.empty() && !markdown_) out_ += "\n";
      if (!report_.checks.empty() && markdown_) out_ += "\n";
      Table table({"gate", "decision", "by", "from", "time", "note"});
      for (const ReportDecision& decision : report_.decisions) {
        std::string by = printable(decision.person.by);
        if (decision.approver != decision.person.by && !decision.approver.empty()) {
          by += " for " + printable(decision.approver);
        }
        table.add({printable(decision.gate), decision.verdict, by,
                   printable(decision.person.user + "@" + decision.person.host),
                   clock(decision.time), printable(decision.person.note)});
      }
      put(table);
    }
    if (report_.point_of_no_return) {
      const ReportTask& task = report_.tasks[*report_.point_of_no_return];
      out_ += markdown_ ? "\n" : "";
      field("Point of no return",
            fmt::format("{}, started {}", printable(task.id), clock(*task.started)));
    }
  }

  void rollback() {
    if (report_.rollback.empty()) return;
    heading("Rollback");
    Table table({"task", "status", "started", "ended", "by", "reason"});
    for (const ReportRollbackStep& step : report_.rollback) {
      table.add({printable(step.task), step.status, step.started ? clock(*step.started) : "",
                 step.finished ? clock(*step.finished) : "", printable(step.by),
                 printable(step.reason)});
    }
    put(table);
  }

  const RunReport& report_;
  bool markdown_;
  std::string out_;
};

}  // namespace

std::string render_report_text(const RunReport& report) {
  return ReportWriter(report, false).render();
}

std::string render_report_markdown(const RunReport& report) {
  return ReportWriter(report, true).render();
}

}  // namespace cutover
