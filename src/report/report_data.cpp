// The report of one run for programs: csv (a spreadsheet's rows) and json (the whole model).

#include <fmt/format.h>

#include "base/csv.hpp"
#include "base/json_stream.hpp"
#include "cutover/report/report_format.hpp"
#include "report/go_live_view.hpp"
#include "report/json_values.hpp"

namespace cutover {

namespace {

using namespace json_values;

std::string csv_duration(const std::optional<Duration>& value) {
  return value ? csv_seconds(value->count()) : "";
}

std::string csv_time(const std::optional<UtcTime>& value) {
  return value ? format_utc_ms(*value) : "";
}

json task_ids(const RunReport& report, const std::vector<TaskIndex>& tasks) {
  json ids = json::array();
  for (const TaskIndex index : tasks) ids.push_back(report.tasks[index].id);
  return ids;
}

json task_json(const ReportTask& task) {
  return {{"id", task.id},
          {"title", task.title},
          {"phase", task.phase},
          {"owner", task.owner},
          {"kind", task.kind},
          {"estimate_s", optional_seconds(task.estimate)},
          {"planned_start_s", seconds(task.planned_start)},
          {"planned_finish_s", seconds(task.planned_finish)},
          {"actual_start_s", optional_seconds(task.actual_start)},
          {"actual_finish_s", optional_seconds(task.actual_finish)},
          {"started", optional_time(task.started)},
          {"finished", optional_time(task.finished)},
          {"duration_s", optional_seconds(task.duration)},
          {"variance_s", optional_seconds(task.variance)},
          {"variance_pct", task.variance_percent ? json(*task.variance_percent) : json(nullptr)},
          {"attempts", task.attempts},
          {"status", to_string(task.status)},
          {"in_doubt", task.in_doubt},
          {"by", text_or_null(task.by)},
          {"reason", text_or_null(task.reason)},
          {"planned_critical", task.planned_critical},
          {"actual_critical", task.actual_critical},
          {"rollback", to_string(task.rollback)}};
}

json phase_json(const ReportPhase& phase) {
  return {{"name", phase.name},
          {"tasks", phase.tasks},
          {"planned_start_s", seconds(phase.planned_start)},
          {"planned_finish_s", seconds(phase.planned_finish)},
          {"actual_start_s", optional_seconds(phase.actual_start)},
          {"actual_finish_s", optional_seconds(phase.actual_finish)}};
}

json person_json(const event::Person& person) {
  return {{"by", person.by},
          {"user", person.user},
          {"host", person.host},
          {"note", text_or_null(person.note)}};
}

}  // namespace

std::string report_csv(const RunReport& report) {
  std::string out = csv_record({"task",
                                "title",
                                "phase",
                                "kind",
                                "owner",
                                "estimate_s",
                                "start",
                                "end",
                                "duration_s",
                                "variance_s",
                                "status",
                                "attempts",
                                "variance_pct",
                                "planned_start_s",
                                "planned_finish_s",
                                "actual_start_s",
                                "actual_finish_s",
                                "in_doubt",
                                "by",
                                "planned_critical",
                                "actual_critical",
                                "rollback"});
  for (const TaskIndex index : report.order) {
    const ReportTask& task = report.tasks[index];
    out += csv_record({task.id,
                       task.title,
                       task.phase,
                       task.kind,
                       task.owner,
                       csv_duration(task.estimate),
                       csv_time(task.started),
                       csv_time(task.finished),
                       csv_duration(task.duration),
                       csv_duration(task.variance),
                       std::string(to_string(task.status)),
                       std::to_string(task.attempts),
                       task.variance_percent ? fmt::format("{:.1f}", *task.variance_percent) : "",
                       csv_duration(task.planned_start),
                       csv_duration(task.planned_finish),
                       csv_duration(task.actual_start),
                       csv_duration(task.actual_finish),
                       task.in_doubt ? "yes" : "no",
                       task.by,
                       task.planned_critical ? "yes" : "no",
                       task.actual_critical ? "yes" : "no",
                       std::string(to_string(task.rollback))});
  }
  return out;
}

// Streamed a task at a time: a report of 100,000 tasks as one tree would take several times
// its text.
std::string report_json(const RunReport& report) {
  JsonObjectStream out;
  out.member("format", "cutover-report");
  out.member("version", 1);
  out.member("run_dir", report.run_dir);
  out.member("run_id", report.run_id);
  out.member("label", text_or_null(report.label));
  out.member("runbook_id", report.runbook_id);
  out.member("runbook_title", text_or_null(report.runbook_title));
  out.member("status", report.status);
  out.member("started", format_utc_ms(report.started));
  out.member("finished", optional_time(report.finished));
  out.member("zone", zone_name(report.zone_offset_minutes));
  out.member("elapsed_s", seconds(report.elapsed));
  out.member("executor_down_s", seconds(report.executor_down));
  out.member("planned_s", seconds(report.planned_total));
  out.member("window_s", optional_seconds(report.window));
  out.member("window_end", optional_time(report.window_end));
  const ReportCounts& c = report.counts;
  out.member("counts", json({{"total", c.total},
                             {"succeeded", c.succeeded},
                             {"failed", c.failed},
                             {"skipped", c.skipped},
                             {"in_doubt", c.in_doubt},
                             {"not_started", c.not_started},
                             {"active", c.active}}));
  out.member("people", report.people);
  out.member("signoffs", signoffs_json(report.signoffs));
  out.member("go_live", go_live_json(report.go_live));
  out.begin_array("tasks");
  for (const TaskIndex index : report.order) out.element(task_json(report.tasks[index]));
  out.end_array();
  json phases = json::array();
  for (const ReportPhase& phase : report.phases) phases.push_back(phase_json(phase));
  out.member("phases", std::move(phases));
  out.member("planned_critical_path", task_ids(report, report.planned_critical_path));
  out.member("actual_critical_path", task_ids(report, report.actual_critical_path));
  json overruns = json::array();
  for (const ReportOverrun& overrun : report.overruns) {
    overruns.push_back({{"task", report.tasks[overrun.task].id},
                        {"variance_s", optional_seconds(report.tasks[overrun.task].variance)},
                        {"log_tail", overrun.log_tail}});
  }
  out.member("overruns", std::move(overruns));
  json checks = json::array();
  for (const ReportCheck& check : report.checks) {
    checks.push_back({{"gate", check.gate},
                      {"check", check.check},
                      {"attempt", check.attempt},
                      {"passed", check.passed},
                      {"time", format_utc_ms(check.time)},
                      {"reason", text_or_null(check.reason)}});
  }
  out.member("checks", std::move(checks));
  json decisions = json::array();
  for (const ReportDecision& decision : report.decisions) {
    decisions.push_back({{"gate", decision.gate},
                         {"verdict", decision.verdict},
                         {"approver", decision.approver},
                         {"person", person_json(decision.person)},
                         {"time", format_utc_ms(decision.time)}});
  }
  out.member("decisions", std::move(decisions));
  if (report.point_of_no_return) {
    const ReportTask& task = report.tasks[*report.point_of_no_return];
    out.member("point_of_no_return",
               json({{"task", task.id}, {"started", optional_time(task.started)}}));
  } else {
    out.member("point_of_no_return", nullptr);
  }
  json rollback = json::array();
  for (const ReportRollbackStep& step : report.rollback) {
    rollback.push_back({{"task", step.task},
                        {"status", step.status},
                        {"started", optional_time(step.started)},
                        {"finished", optional_time(step.finished)},
                        {"by", text_or_null(step.by)},
                        {"reason", text_or_null(step.reason)}});
  }
  out.member("rollback", std::move(rollback));
  out.member("warnings", report.warnings);
  return std::move(out).finish();
}

}  // namespace cutover
