#include "cutover/report/run_report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "cutover/plan/plan.hpp"
#include "cutover/run/task_output.hpp"

namespace cutover {

namespace {

// How long after the run's start, by the clock.
std::optional<Duration> offset_from(UtcTime run_start, const std::optional<UtcTime>& time) {
  if (!time) return std::nullopt;
  return std::max(*time - run_start, Duration{0});
}

std::string run_status_word(const RunState& state, bool executor_alive) {
  if (state.outcome) return std::string(to_string(*state.outcome));
  if (state.phase == RunPhase::rolling_back) return "rolling back";
  return executor_alive ? "running" : "interrupted";
}

ReportTask make_task(const Runbook& runbook, const Plan& plan, const RunState& state,
                     TaskIndex index, bool executor_alive, UtcTime run_start) {
  const Task& task = runbook.tasks[index];
  const TaskState& own = state.tasks[index];
  ReportTask row;
  row.index = index;
  row.id = task.id;
  row.title = task.title;
  row.phase = task.phase;
  row.owner = task.owner;
  row.kind = std::string(kind_name(task.kind));
  row.estimate = task.estimate;
  row.planned_start = plan.tasks[index].earliest_start;
  row.planned_finish = plan.tasks[index].earliest_finish;
  row.planned_critical = plan.tasks[index].critical;
  row.status = own.status;
  row.attempts = own.attempts;
  row.by = own.by;
  row.reason = own.reason;
  row.rollback = own.rollback;
  const bool ended = own.finished() || own.status == TaskStatus::in_doubt;
  if (own.status != TaskStatus::pending) {
    row.started = own.started_at;
    row.actual_start = offset_from(run_start, own.started_at);
  }
  if (ended) {
    row.finished = own.finished_at;
    row.actual_finish = offset_from(run_start, own.finished_at);
  }
  // Cut off by a crash, as `status` says it: running with no executor and no retry due.
  row.in_doubt = own.status == TaskStatus::in_doubt ||
                 (!executor_alive && state.phase != RunPhase::finished &&
                  own.status == TaskStatus::running && !own.between_attempts);
  if (ended) row.duration = own.took();
  if (row.duration) {
    if (row.estimate) {
      row.variance = *row.duration - *row.estimate;
      if (row.estimate->count() > 0) {
        row.variance_percent = 100.0 * static_cast<double>(row.variance->count()) /
                               static_cast<double>(row.estimate->count());
      }
    }
  }
  return row;
}

void count(ReportCounts& counts, const ReportTask& task) {
  ++counts.total;
  if (task.in_doubt) {
    ++counts.in_doubt;
    return;
  }
  switch (task.status) {
    case TaskStatus::succeeded:
      ++counts.succeeded;
      break;
    case TaskStatus::failed:
      ++counts.failed;
      break;
    case TaskStatus::skipped:
      ++counts.skipped;
      break;
    case TaskStatus::pending:
      ++counts.not_started;
      break;
    default:
      ++counts.active;
      break;
  }
}

std::vector<ReportPhase> make_phases(const Runbook& runbook, const std::vector<ReportTask>& tasks) {
  std::vector<std::string> names = runbook.phases;
  for (const ReportTask& task : tasks) {
    if (std::find(names.begin(), names.end(), task.phase) == names.end()) {
      names.push_back(task.phase);
    }
  }
  std::vector<ReportPhase> phases;
  for (const std::string& name : names) {
    ReportPhase phase;
    phase.name = name;
    bool all_ended = true;
    for (const ReportTask& task : tasks) {
      if (task.phase != name) continue;
      const bool first = phase.tasks++ == 0;
      phase.planned_start =
          first ? task.planned_start : std::min(phase.planned_start, task.planned_start);
      phase.planned_finish = std::max(phase.planned_finish, task.planned_finish);
      if (task.actual_start) {
        phase.actual_start = phase.actual_start ? std::min(*phase.actual_start, *task.actual_start)
                                                : *task.actual_start;
      }
      if (task.actual_finish) {
        phase.actual_finish = phase.actual_finish
                                  ? std::max(*phase.actual_finish, *task.actual_finish)
                                  : *task.actual_finish;
      } else {
        all_ended = false;
      }
    }
    if (!all_ended) phase.actual_finish.reset();
    if (phase.tasks > 0) phases.push_back(std::move(phase));
  }
  return phases;
}

std::vector<std::size_t> largest_overruns(const std::vector<ReportTask>& tasks) {
  std::vector<std::size_t> overrun;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].variance && tasks[i].variance->count() > 0) overrun.push_back(i);
  }
  std::stable_sort(overrun.begin(), overrun.end(), [&](std::size_t a, std::size_t b) {
    return *tasks[a].variance > *tasks[b].variance;
  });
  if (overrun.size() > report_overrun_count) overrun.resize(report_overrun_count);
  return overrun;
}

// Who took part, and every gate check, decision and rollback step, from the events.
class EventReader {
 public:
  explicit EventReader(RunReport& report) : report_(report) {}

  void read(const Journal& journal) {
    add_person(journal.header.user);
    for (const JournalEvent& event : journal.events) {
      std::visit([&](const auto& body) { on(event, body); }, event.body);
    }
    report_.people.assign(people_.begin(), people_.end());
  }

 private:
  void add_person(const std::string& name) {
    if (!name.empty()) people_.insert(name);
  }
  void add_person(const std::optional<event::Person>& person) {
    if (person) add_person(person->by);
  }

  void on(const JournalEvent&, const event::RunResumed& resumed) { add_person(resumed.user); }
  void on(const JournalEvent& event, const event::CheckFinished& check) {
    report_.checks.push_back({check.task, check.check, check.attempt, check.passed, event.time,
                              check.reason.value_or("")});
  }
  void on(const JournalEvent& event, const event::GateApproved& approved) {
    add_person(approved.person.by);
    report_.decisions.push_back(
        {approved.task, "approved", approved.approver, approved.person, event.time});
  }
  void on(const JournalEvent& event, const event::GateRejected& rejected) {
    add_person(rejected.person.by);
    report_.decisions.push_back(
        {rejected.task, "rejected", rejected.approver, rejected.person, event.time});
  }
  void on(const JournalEvent& event, const event::GateHeld& held) {
    add_person(held.person.by);
    report_.decisions.push_back({held.task, "held", held.approver, held.person, event.time});
  }
  void on(const JournalEvent&, const event::TaskFinished& finished) { add_person(finished.person); }
  void on(const JournalEvent&, const event::TaskReset& reset) { add_person(reset.person); }
  void on(const JournalEvent&, const event::RollbackStarted& started) {
    add_person(started.person);
  }
  void on(const JournalEvent& event, const event::RollbackStepStarted& step) {
    steps_[step.task] = report_.rollback.size();
    report_.rollback.push_back({step.task, "started", event.time, std::nullopt, "", ""});
  }
  void on(const JournalEvent& event, const event::RollbackStepFinished& step) {
    add_person(step.person);
    auto at = steps_.find(step.task);
    if (at == steps_.end()) {
      at = steps_.emplace(step.task, report_.rollback.size()).first;
      report_.rollback.push_back({step.task, "", std::nullopt, std::nullopt, "", ""});
    }
    ReportRollbackStep& row = report_.rollback[at->second];
    row.status = step.ok ? "succeeded" : "failed";
    row.finished = event.time;
    row.by = step.person ? step.person->by : "";
    row.reason = step.reason;
  }
  template <typename Other>
  void on(const JournalEvent&, const Other&) {}

  RunReport& report_;
  std::set<std::string> people_;
  std::map<std::string, std::size_t> steps_;  // task -> its row in report_.rollback
};

std::optional<TaskIndex> first_point_of_no_return(const Runbook& runbook,
                                                  const std::vector<ReportTask>& tasks) {
  std::optional<TaskIndex> first;
  for (const ReportTask& task : tasks) {
    if (!runbook.tasks[task.index].point_of_no_return || !task.actual_start) continue;
    if (!first || *task.actual_start < *tasks[*first].actual_start) first = task.index;
  }
  return first;
}

}  // namespace

std::vector<TaskIndex> actual_critical_path(const Dag& dag, const std::vector<TaskState>& tasks) {
  const auto finished_later = [&](TaskIndex a, TaskIndex b) {
    return *tasks[a].finished_ms > *tasks[b].finished_ms;
  };
  std::optional<TaskIndex> last;
  for (TaskIndex i = 0; i < tasks.size(); ++i) {
    if (!tasks[i].finished_ms || !tasks[i].started_ms) continue;
    if (!last || finished_later(i, *last)) last = i;
  }
  std::vector<TaskIndex> path;
  while (last) {
    path.push_back(*last);
    std::optional<TaskIndex> next;
    for (const TaskIndex dependency : dag.dependencies[*last]) {
      if (!tasks[dependency].finished_ms || !tasks[dependency].started_ms) continue;
      if (!next || finished_later(dependency, *next)) next = dependency;
    }
    last = next;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

RunReport make_run_report(const Runbook& runbook, const RunGraph& graph, const Journal& journal,
                          const RunState& state, bool executor_alive) {
  RunReport report;
  report.run_id = journal.header.run_id;
  report.label = journal.header.label;
  report.runbook_id = runbook.id;
  report.runbook_title = runbook.title;
  report.status = run_status_word(state, executor_alive);
  report.started = journal.header.time;
  // By the run's own last event: a sign-off or a notify hook's attempt after it does not count.
  const UtcTime last_heard = state.last_event_at.value_or(journal.header.time);
  if (state.phase == RunPhase::finished && !journal.events.empty()) report.finished = last_heard;
  report.elapsed = std::max(last_heard - journal.header.time, Duration{0});
  report.executor_down = state.executor_down;
  report.signoffs = state.signoffs;
  report.go_live = journal.header.go_live;
  if (runbook.window) {
    report.zone_offset_minutes = runbook.window->start.offset_minutes;
    report.window = runbook.window->duration;
    report.window_end = runbook.window->start.utc + runbook.window->duration;
  }
  if (journal.warning) report.warnings.push_back(*journal.warning);

  const Plan plan = make_plan(runbook, graph.dag);
  report.planned_total = plan.total;
  report.planned_critical_path = plan.critical_path;
  report.order = plan.order;
  report.tasks.reserve(runbook.tasks.size());
  for (TaskIndex index = 0; index < runbook.tasks.size(); ++index) {
    report.tasks.push_back(
        make_task(runbook, plan, state, index, executor_alive, journal.header.time));
    count(report.counts, report.tasks.back());
  }
  report.actual_critical_path = actual_critical_path(graph.dag, state.tasks);
  for (const TaskIndex index : report.actual_critical_path)
    report.tasks[index].actual_critical = true;
  report.phases = make_phases(runbook, report.tasks);
  for (const std::size_t index : largest_overruns(report.tasks)) {
    report.overruns.push_back({index, {}});
  }
  report.point_of_no_return = first_point_of_no_return(runbook, report.tasks);
  EventReader(report).read(journal);
  return report;
}

RunReport make_run_report(const RecordedRun& run, bool executor_alive) {
  RunReport report =
      make_run_report(*run.runbook, run.graph, run.journal, run.state, executor_alive);
  report.run_dir = run.dir.string();
  return report;
}

void read_log_tails(RunReport& report, const std::filesystem::path& run_dir) {
  for (ReportOverrun& overrun : report.overruns) {
    overrun.log_tail = read_log_tail(run_dir, report.tasks[overrun.task].id, report_log_tail_lines);
  }
}

}  // namespace cutover
