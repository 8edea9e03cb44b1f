// `cutover status --format json`: the object docs/journal-format.md documents.

#include "base/json_stream.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/run/inbox.hpp"
#include "report/go_live_view.hpp"
#include "report/json_values.hpp"

namespace cutover {

using namespace json_values;

namespace {

json task_json(const TaskStatusView& task) {
  json row;
  row["id"] = task.id;
  row["kind"] = task.kind;
  row["status"] = to_string(task.status);
  row["in_doubt"] = task.in_doubt;
  row["attempts"] = task.attempts;
  row["started"] = optional_time(task.started);
  row["finished"] = optional_time(task.finished);
  row["elapsed_s"] = optional_seconds(task.elapsed);
  row["estimate_s"] = optional_seconds(task.estimate);
  row["overrun"] = task.overrun;
  const bool waits = task.waiting_for != WaitingFor::nothing;
  row["waiting_for"] = waits ? json(to_string(task.waiting_for)) : json(nullptr);
  row["waiting_on"] = waits ? json(task.waiting_on) : json(nullptr);
  row["since"] = optional_time(task.since);
  row["commands"] = task.commands;
  json holds = json::array();
  for (const GateHold& hold : task.holds) {
    holds.push_back({{"by", hold.approver}, {"note", hold.note}, {"at", format_utc_ms(hold.at)}});
  }
  row["held"] = std::move(holds);
  row["resume_reruns"] = task.resume_reruns;
  row["reason"] = task.reason.empty() ? json(nullptr) : json(task.reason);
  row["rollback"] =
      task.rollback == RollbackStatus::none ? json(nullptr) : json(to_string(task.rollback));
  row["log_tail"] = task.log_tail.empty() ? json(nullptr) : json(task.log_tail);
  return row;
}

}  // namespace

std::string status_json(const RunStatus& status, bool one_line) {
  JsonObjectStream out(one_line ? JsonObjectStream::compact : JsonObjectStream::pretty);
  out.member("format", "cutover-status");
  out.member("version", 1);
  out.member("run_dir", status.run_dir);
  out.member("run_id", status.run_id);
  out.member("label", status.label);
  out.member("runbook_id", status.runbook_id);
  out.member("started", format_utc_ms(status.started));
  out.member("now", format_utc_ms(status.now));
  out.member("last_event", format_utc_ms(status.last_event));
  out.member("phase", to_string(status.phase));
  out.member("outcome", status.outcome ? json(to_string(*status.outcome)) : json(nullptr));
  out.member("exit_code", status.outcome ? json(exit_code_of(*status.outcome)) : json(nullptr));
  out.member("stop_reason", status.stop_reason.empty() ? json(nullptr) : json(status.stop_reason));
  out.member("next_step", status.next_step.empty() ? json(nullptr) : json(status.next_step));
  out.member("point_of_no_return_passed", status.point_of_no_return_passed);
  out.member("track", status.track);
  if (status.executor) {
    out.member("executor", json({{"pid", status.executor->pid},
                                 {"host", status.executor->host},
                                 {"since", status.executor->started}}));
  } else {
    out.member("executor", nullptr);
  }
  out.member("elapsed_s", seconds(status.elapsed));
  out.member("executor_down_s", seconds(status.executor_down));
  out.member("finished", optional_time(status.finished));
  const StatusCounts& counts = status.counts;
  out.member("counts", json({{"total", counts.total},
                             {"done", counts.done},
                             {"pending", counts.pending},
                             {"running", counts.running},
                             {"waiting", counts.waiting},
                             {"succeeded", counts.succeeded},
                             {"failed", counts.failed},
                             {"skipped", counts.skipped},
                             {"interrupted", counts.interrupted},
                             {"in_doubt", counts.in_doubt}}));
  out.begin_array("tasks");
  for (const TaskStatusView& task : status.tasks) out.element(task_json(task));
  out.end_array();
  if (status.forecast) {
    const StatusForecast& forecast = *status.forecast;
    out.member("forecast", json({
                               {"samples", forecast.samples},
                               {"p50_remaining_s", seconds(forecast.p50_remaining)},
                               {"p90_remaining_s", seconds(forecast.p90_remaining)},
                               {"p50_end", format_utc_ms(forecast.p50_end)},
                               {"p90_end", format_utc_ms(forecast.p90_end)},
                               {"window_end", forecast.window_end
                                                  ? json(format_utc_ms(forecast.window_end->utc))
                                                  : json(nullptr)},
                               {"p_fit", forecast.p_fit ? json(*forecast.p_fit) : json(nullptr)},
                           }));
  } else {
    out.member("forecast", nullptr);
  }
  if (const auto& gate = status.next_gate) {
    out.member("next_gate", json({{"id", gate->id},
                                  {"no_go_deadline", format_utc_ms(gate->no_go_deadline)},
                                  {"left_s", seconds(gate->left)}}));
  } else {
    out.member("next_gate", nullptr);
  }
  out.member("warning", status.warning ? json(*status.warning) : json(nullptr));
  json queued = json::array();
  for (const Decision& decision : status.queued) queued.push_back(decision_json(decision));
  out.member("queued", std::move(queued));
  json refused = json::array();
  for (const RefusedDecision& refusal : status.refused) {
    json entry = encode_fields(refusal.refusal);
    entry["time"] = format_utc_ms(refusal.time);
    refused.push_back(std::move(entry));
  }
  out.member("refused", std::move(refused));
  out.member("signoffs", signoffs_json(status.signoffs));
  out.member("go_live", go_live_json(status.go_live));
  return std::move(out).finish();
}

}  // namespace cutover
