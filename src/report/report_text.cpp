// The report of one run for people: text for a 100-column terminal, markdown for the meeting
// notes, and the tables of the HTML page. The same sections with the same tables; only the
// dressing differs.

#include <fmt/format.h>

#include <algorithm>

#include "base/table.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "report/go_live_view.hpp"
#include "report/html.hpp"

namespace cutover {

namespace {

std::string variance_text(const ReportTask& task) {
  if (!task.variance) return "";
  std::string text = signed_duration(*task.variance);
  if (task.variance_percent) text += fmt::format(" ({:+.0f}%)", *task.variance_percent);
  return text;
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

enum class Dressing { text, markdown, html };

class ReportWriter {
 public:
  ReportWriter(const RunReport& report, Dressing dressing) : report_(report), dressing_(dressing) {}

  std::string render() {
    // The HTML page shows the summary as cards of its own (report_html.cpp).
    if (dressing_ != Dressing::html) summary();
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
    return fmt::format("{} {}", zoned_date_time(when, report_.zone_offset_minutes),
                       zone_name(report_.zone_offset_minutes));
  }
  std::string clock_and_utc(UtcTime when) const {
    if (report_.zone_offset_minutes == 0) return clock(when);
    return fmt::format("{} ({} UTC)", clock(when), zoned_date_time(when, 0));
  }
  std::string task_id(TaskIndex index) const { return printable(report_.tasks[index].id); }
  std::string path(const std::vector<TaskIndex>& tasks) const {
    if (tasks.empty()) return "(none)";
    std::string text;
    for (const TaskIndex index : tasks) text += (text.empty() ? "" : " -> ") + task_id(index);
    return text;
  }

  // The same sections in three dressings: every dressing-dependent piece of output is here.
  void heading(std::string_view title) {
    switch (dressing_) {
      case Dressing::text:
        out_ += fmt::format("\n{}\n", title);
        break;
      case Dressing::markdown:
        out_ += fmt::format("\n## {}\n\n", title);
        break;
      case Dressing::html:
        out_ += fmt::format("<h2>{}</h2>\n", markup_escape(title));
        break;
    }
  }
  void field(std::string_view name, const std::string& value) {
    switch (dressing_) {
      case Dressing::text: {
        const std::size_t label = std::max<std::size_t>(10, name.size() + 2);
        out_ +=
            fmt::format("{:<{}}{}\n", name, label, wrap(value, label, label, report_text_width));
      } break;
      case Dressing::markdown:
        out_ += fmt::format("- **{}**: {}\n", name, value);
        break;
      case Dressing::html:
        out_ += fmt::format("<p><b>{}</b>: {}</p>\n", markup_escape(name), markup_escape(value));
        break;
    }
  }
  void put(const Table& table) {
    switch (dressing_) {
      case Dressing::text:
        out_ += table.text("  ");
        break;
      case Dressing::markdown:
        out_ += table.markdown();
        break;
      case Dressing::html:
        out_ += table.html();
        break;
    }
  }
  // A line of its own under a heading (an overrun, a note).
  void item(const std::string& text) {
    switch (dressing_) {
      case Dressing::text:
        out_ += "  " + text + "\n";
        break;
      case Dressing::markdown:
        out_ += "- " + text + "\n";
        break;
      case Dressing::html:
        out_ += "<p>" + markup_escape(text) + "</p>\n";
        break;
    }
  }
  // Lines shown as they are (a log's tail).
  void verbatim(const std::vector<std::string>& lines) {
    switch (dressing_) {
      case Dressing::text:
        for (const std::string& line : lines) {
          out_ += fmt::format("    | {}\n", cut(printable(line), report_text_width - 6));
        }
        break;
      case Dressing::markdown:
        out_ += "\n  ```\n";
        for (const std::string& line : lines) out_ += "  " + printable(line) + "\n";
        out_ += "  ```\n";
        break;
      case Dressing::html:
        out_ += "<pre>";
        for (const std::string& line : lines) out_ += markup_escape(printable(line)) + "\n";
        out_ += "</pre>\n";
        break;
    }
  }
  void gap() {
    if (dressing_ != Dressing::html) out_ += "\n";
  }

  void summary() {
    const std::string title = report_.runbook_title.empty()
                                  ? printable(report_.runbook_id)
                                  : printable(report_.runbook_id + " — " + report_.runbook_title);
    out_ += dressing_ == Dressing::markdown ? fmt::format("# Report: {}\n\n", title)
                                            : fmt::format("Report: {}\n", title);
    for (const std::string& warning : report_.warnings) {
      field("Warning", printable(warning));
    }
    const std::string label =
        report_.label.empty() ? "" : fmt::format(" ({})", printable(report_.label));
    field("Run", printable(report_.run_id) + label);
    field("Status", report_.status);
    field("Started", clock_and_utc(report_.started));
    if (report_.finished) field("Ended", clock_and_utc(*report_.finished));
    std::string elapsed = format_took(report_.elapsed);
    if (report_.executor_down > Duration::zero()) {
      elapsed += fmt::format(" (executor down {})", format_took(report_.executor_down));
    }
    elapsed += fmt::format(" against a plan of {}", format_duration(report_.planned_total));
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
    if (report_.go_live) {
      if (const std::string overridden = override_words(*report_.go_live); !overridden.empty()) {
        field("Go-live", overridden);
      }
      field("Go-live", go_live_words(*report_.go_live));
    }
    for (const SignOff& signoff : report_.signoffs) {
      field("Signed off", signoff_words(signoff, report_.zone_offset_minutes));
    }
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
                 std::to_string(phase.tasks), format_duration(planned), optional_took(actual),
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
                 task.kind, optional_estimate(task.estimate), offset_text(task.actual_start),
                 optional_took(task.duration), variance_text(task), status_text(task),
                 printable(task.by)});
    }
    put(table);
    if (dressing_ == Dressing::markdown) out_ += "\n";
    item("* on the actual critical path; start is from the run's start");
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
      item(fmt::format("{} {}: estimate {}, took {}", printable(task.id), variance_text(task),
                       optional_estimate(task.estimate), optional_took(task.duration)));
      if (!overrun.log_tail.empty()) verbatim(overrun.log_tail);
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
      if (!report_.checks.empty()) gap();
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
      if (dressing_ == Dressing::markdown) out_ += "\n";
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
  Dressing dressing_;
  std::string out_;
};

}  // namespace

std::string render_report_text(const RunReport& report) {
  return ReportWriter(report, Dressing::text).render();
}

std::string render_report_markdown(const RunReport& report) {
  return ReportWriter(report, Dressing::markdown).render();
}

std::string render_report_tables_html(const RunReport& report) {
  return ReportWriter(report, Dressing::html).render();
}

}  // namespace cutover
