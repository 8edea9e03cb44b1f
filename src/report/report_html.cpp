// The report as one self-contained HTML page for the war room's big screen: inline CSS and
// SVG, no script, no network. A Gantt chart per phase (folded with <details>), planned bars
// under actual ones, the critical path, gates, the point of no return and the window's end.

#include <fmt/format.h>

#include <algorithm>

#include "base/table.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/report/run_status.hpp"
#include "report/go_live_view.hpp"
#include "report/html.hpp"

namespace cutover {

namespace {

constexpr int label_width = 260;  // px, the task names left of the bars
constexpr int chart_width = 840;  // px, the time axis
constexpr int row_height = 22;
constexpr int axis_height = 24;

// How a task's bar is drawn, and said without colour (the marks are in its label too).
struct BarLook {
  std::string css;   // class
  std::string mark;  // before the label
  std::string word;  // for the tooltip
};

BarLook look_of(const ReportTask& task) {
  if (task.in_doubt) return {"doubt", "? ", "in doubt"};
  switch (task.status) {
    case TaskStatus::failed:
      return {"failed", "✗ ", "failed"};
    case TaskStatus::skipped:
      return {"skipped", "– ", "skipped"};
    case TaskStatus::succeeded:
      return {task.attempts > 1 ? "retried" : "ok", task.attempts > 1 ? "↻ " : "", "succeeded"};
    default:
      return {"active", "… ", std::string(to_string(task.status))};
  }
}

class GanttWriter {
 public:
  explicit GanttWriter(const RunReport& report) : report_(report) {
    span_ = std::max(report.planned_total, report.elapsed);
    for (const ReportTask& task : report.tasks) {
      if (task.actual_finish) span_ = std::max(span_, *task.actual_finish);
    }
    if (report.window_end) {
      const Duration window_end =
          std::chrono::duration_cast<Duration>(*report.window_end - report.started);
      if (window_end > Duration::zero() && window_end < span_ * 3 / 2)
        span_ = std::max(span_, window_end);
      window_end_ = window_end;
    }
    if (span_ <= Duration::zero()) span_ = std::chrono::seconds(1);
  }

  std::string render() {
    std::string out = "<section><h2>Timeline</h2>\n";
    out +=
        "<p class=\"legend\"><span class=\"key planned\"></span>planned <span class=\"key ok\">"
        "</span>actual <span class=\"key crit\"></span>★ actual critical path "
        "<span class=\"key failed\"></span>✗ failed <span class=\"key retried\"></span>↻ "
        "retried <span class=\"key doubt\"></span>? in doubt ◆ gate</p>\n";
    for (const ReportPhase& phase : report_.phases) out += phase_chart(phase);
    out += "</section>\n";
    return out;
  }

 private:
  double x(Duration at) const {
    return label_width +
           chart_width * static_cast<double>(at.count()) / static_cast<double>(span_.count());
  }

  std::string axis(int height) const {
    std::string out;
    const Duration step = tick_step();
    for (Duration at{0}; at <= span_; at += step) {
      out += fmt::format(
          "<line class=\"tick\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\"/><text "
          "class=\"tick\" x=\"{0:.1f}\" y=\"{3}\">{4}</text>\n",
          x(at), axis_height - 6, height, axis_height - 10, format_offset(at));
    }
    if (window_end_ && *window_end_ <= span_) {
      out += fmt::format(
          "<line class=\"window\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"0\" y2=\"{1}\"><title>The "
          "window ends</title></line>\n",
          x(*window_end_), height);
    }
    if (report_.point_of_no_return) {
      const ReportTask& task = report_.tasks[*report_.point_of_no_return];
      out += fmt::format(
          "<line class=\"ponr\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"0\" y2=\"{1}\"><title>Point of "
          "no return: {2}</title></line>\n",
          x(*task.actual_start), height, markup_escape(task.id));
    }
    return out;
  }

  Duration tick_step() const {
    using namespace std::chrono;
    for (const Duration step : {Duration{seconds(1)}, Duration{seconds(5)}, Duration{seconds(15)},
                                Duration{minutes(1)}, Duration{minutes(5)}, Duration{minutes(15)},
                                Duration{hours(1)}, Duration{hours(3)}, Duration{hours(6)}}) {
      if (span_ / step <= 12) return step;
    }
    return hours(24);
  }

  std::string phase_chart(const ReportPhase& phase) const {
    std::vector<const ReportTask*> rows;
    for (const TaskIndex index : report_.order) {
      if (report_.tasks[index].phase == phase.name) rows.push_back(&report_.tasks[index]);
    }
    const int height = axis_height + static_cast<int>(rows.size()) * row_height + 4;
    // Large phases start folded, so that a 1,000-task report opens on its overview.
    const bool open = rows.size() <= 60;
    std::string out = fmt::format(
        "<details{}><summary>{} <span class=\"dim\">{} tasks · planned {} · actual {}</span>"
        "</summary>\n<svg class=\"gantt\" width=\"{}\" height=\"{}\" role=\"img\">\n",
        open ? " open" : "", phase.name.empty() ? "(no phase)" : markup_escape(phase.name),
        phase.tasks, format_duration(phase.planned_finish - phase.planned_start),
        phase.actual_start && phase.actual_finish
            ? format_took(*phase.actual_finish - *phase.actual_start)
            : "not ended",
        label_width + chart_width + 60, height);
    out += axis(height);
    int y = axis_height;
    for (const ReportTask* task : rows) {
      out += task_row(*task, y);
      y += row_height;
    }
    out += "</svg></details>\n";
    return out;
  }

  std::string task_row(const ReportTask& task, int y) const {
    const BarLook look = look_of(task);
    std::string out = fmt::format("<g class=\"task\" data-task=\"{}\">", markup_escape(task.id));
    out += fmt::format("<title>{}</title>", tooltip(task, look));
    out += fmt::format("<text class=\"label{}\" x=\"4\" y=\"{}\">{}{}{}</text>",
                       task.actual_critical ? " crit" : "", y + 15, look.mark,
                       task.actual_critical ? "★ " : "", markup_escape(cut(task.id, 30)));
    const double planned_x = x(task.planned_start);
    const double planned_w = std::max(1.0, x(task.planned_finish) - planned_x);
    out +=
        fmt::format("<rect class=\"planned\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"6\"/>",
                    planned_x, y + 14, planned_w);
    if (task.actual_start) {
      const Duration end = task.actual_finish.value_or(report_.elapsed);
      const double actual_x = x(*task.actual_start);
      const double actual_w = std::max(2.0, x(end) - actual_x);
      if (task.kind == "gate") {
        out += fmt::format("<path class=\"gate {}\" d=\"M{:.1f} {} l6 6 l-6 6 l-6 -6 z\"/>",
                           look.css, x(end), y + 2);
      } else {
        out += fmt::format(
            "<rect class=\"bar {}{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"11\"/>",
            look.css, task.actual_critical ? " crit" : "", actual_x, y + 2, actual_w);
      }
    }
    out += "</g>\n";
    return out;
  }

  std::string tooltip(const ReportTask& task, const BarLook& look) const {
    std::string text = task.id + " — " + look.word;
    if (!task.title.empty()) text += "\n" + task.title;
    if (!task.owner.empty()) text += "\nowner: " + task.owner;
    text += "\nestimate: " + (task.estimate ? format_duration(*task.estimate) : "none");
    if (task.duration) text += "\ntook: " + format_took(*task.duration);
    if (task.variance) text += " (" + signed_duration(*task.variance) + ")";
    if (task.attempts > 1) text += fmt::format("\nattempts: {}", task.attempts);
    if (!task.by.empty()) text += "\nby: " + task.by;
    if (!task.reason.empty()) text += "\n" + task.reason;
    return markup_escape(text);
  }

  const RunReport& report_;
  Duration span_{0};
  std::optional<Duration> window_end_;
};

}  // namespace

std::string render_report_html(const RunReport& report) {
  HtmlPage page(report.runbook_title.empty() ? report.runbook_id
                                             : report.runbook_id + " — " + report.runbook_title);
  page.heading(report.label.empty() ? report.run_id : report.label + " · " + report.run_id);
  const ReportCounts& c = report.counts;
  page.cards(
      {{"status", report.status},
       {"elapsed", format_took(report.elapsed)},
       {"planned", format_duration(report.planned_total)},
       {"variance", signed_duration(report.elapsed - report.planned_total)},
       {"window used",
        report.window ? fmt::format("{:.0f}%", 100.0 * static_cast<double>(report.elapsed.count()) /
                                                   static_cast<double>(report.window->count()))
                      : "no window"},
       {"tasks", fmt::format("{} ok · {} failed · {} skipped · {} in doubt", c.succeeded, c.failed,
                             c.skipped, c.in_doubt)}});
  std::string facts = fmt::format("Started {} ({} UTC)",
                                  zoned_date_time(report.started, report.zone_offset_minutes) +
                                      " " + zone_name(report.zone_offset_minutes),
                                  zoned_date_time(report.started, 0));
  if (report.finished) {
    facts +=
        fmt::format(" · ended {}", zoned_date_time(*report.finished, report.zone_offset_minutes));
  }
  std::string people;
  for (const std::string& person : report.people) people += (people.empty() ? "" : ", ") + person;
  facts += " · people: " + (people.empty() ? std::string("none recorded") : people);
  if (report.go_live) {
    const std::string overridden = override_words(*report.go_live);
    facts += " · " + (overridden.empty() ? go_live_words(*report.go_live) : overridden);
  }
  for (const SignOff& signoff : report.signoffs) {
    facts += " · signed off by " + signoff_words(signoff, report.zone_offset_minutes);
  }
  page.paragraph(facts);
  for (const std::string& warning : report.warnings) page.warning(warning);
  page.raw(GanttWriter(report).render());
  page.raw(render_report_tables_html(report));
  return page.finish();
}

}  // namespace cutover
