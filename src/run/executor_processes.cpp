// Processes: a task's attempts, a gate's checks and rollback commands, from the spec each
// runs with to the journal event that ends it.

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/runbook/template.hpp"
#include "run/executor_loop.hpp"

namespace cutover::detail {

std::string Executor::expand(std::string_view text) const {
  return expand_template(text, runbook_.vars, setup_.secrets);
}

// A text as people and files may see it: vars and secrets filled in, secrets as ***.
std::string Executor::shown(std::string_view text) const {
  return redact(expand(text), secret_values_);
}

ProcessSpec Executor::make_spec(TaskIndex index, Purpose purpose, std::size_t check,
                                int attempt) const {
  const Task& task = runbook_.tasks[index];
  ProcessSpec spec;
  spec.name = task.id;
  spec.estimate = task.estimate.value_or(Duration{0});
  std::string command;
  if (purpose == Purpose::task) {
    if (const auto* run = std::get_if<Command>(&task.kind)) command = run->run;
    spec.timeout = task.timeout;
  } else if (purpose == Purpose::check) {
    const GateCheck& gate_check = std::get<Gate>(task.kind).checks[check];
    spec.name += ": " + gate_check.name;
    command = gate_check.run;
    spec.timeout = gate_check.timeout ? gate_check.timeout : task.timeout;
    spec.estimate = Duration{0};
  } else if (const auto* rollback = std::get_if<CommandRollback>(&*task.rollback)) {
    spec.name += " (rollback)";
    command = rollback->run;
    spec.timeout = rollback->timeout ? rollback->timeout : task.timeout;
  }
  spec.argv = task.shell;
  spec.argv.push_back(expand(command));
  spec.env = setup_.environment;
  for (const auto& [name, value] : task.env) set_env(spec, name, expand(value));
  set_env(spec, "CUTOVER_RUN_ID", setup_.run_id);
  set_env(spec, "CUTOVER_RUN_DIR", setup_.run_dir.string());
  set_env(spec, "CUTOVER_TASK_ID", task.id);
  set_env(spec, "CUTOVER_ATTEMPT", std::to_string(attempt));
  spec.workdir = setup_.runbook_dir / task.workdir;
  return spec;
}

void Executor::start_process(TaskIndex task, Purpose purpose, std::size_t check, int attempt) {
  ProcessSpec spec = make_spec(task, purpose, check, attempt);
  // A simulation follows the estimates; a timeout shorter than its estimate is the plan's
  // business (validate warns about the window), not a simulated failure.
  if (options_.dry_run) spec.timeout.reset();
  const ProcessId id = next_process_++;
  auto activity = std::make_unique<Activity>(Activity{
      task, purpose, check, attempt, spec.timeout, TaskLog(log_path(task), *setup_.file_system),
      LineSplitter(secret_values_), LineSplitter(secret_values_)});
  activity->log.marker(
      now_utc(), fmt::format("{} attempt {}: {}", purpose_name(purpose, check, task), attempt,
                             redact(fmt::format("{}", fmt::join(spec.argv, " ")), secret_values_)));
  activities_.emplace(id, std::move(activity));
  pending_spawns_.emplace_back(id, std::move(spec));
}

std::string Executor::purpose_name(Purpose purpose, std::size_t check, TaskIndex task) const {
  switch (purpose) {
    case Purpose::task:
      return "task";
    case Purpose::rollback:
      return "rollback";
    case Purpose::check:
      return fmt::format("check '{}'",
                         std::get<Gate>(runbook_.tasks[task].kind).checks[check].name);
  }
  return "task";
}

// One fdatasync covers every task_started of the round, then the processes start. Each log,
// with its attempt's marker, is written after its process has started: from one task's end
// to the next one's start only the journal stands (docs/performance.md).
void Executor::spawn_pending() {
  if (pending_spawns_.empty()) return;
  journal_.sync();
  for (auto& [id, spec] : pending_spawns_) runner_.start(id, spec);
  for (const auto& [id, spec] : pending_spawns_) activities_.at(id)->log.flush();
  pending_spawns_.clear();
}

// Opened per attempt and closed at its end, so that 10,000 tasks do not hold 10,000 files.
std::filesystem::path Executor::log_path(TaskIndex task) const {
  if (setup_.run_dir.empty() || options_.dry_run) return {};
  return task_log_path(setup_.run_dir, runbook_.tasks[task].id);
}

void Executor::on(const ProcessStarted& started) {
  const Activity& activity = *activities_.at(started.id);
  const char* purpose = activity.purpose == Purpose::task    ? ""
                        : activity.purpose == Purpose::check ? "check"
                                                             : "rollback";
  record(event::ProcessStarted{id_of(activity.task), activity.attempt, purpose, started.pid},
         Durability::batched);
}

void Executor::on(const ProcessOutput& output) {
  Activity& activity = *activities_.at(output.id);
  const bool is_out = output.stream == Stream::out;
  LineSplitter& splitter = is_out ? activity.out : activity.err;
  emit_lines(activity, is_out, [&](const LineSplitter::LineHandler& handler) {
    splitter.feed(output.bytes, handler);
  });
}

void Executor::emit_lines(Activity& activity, bool is_out,
                          const std::function<void(const LineSplitter::LineHandler&)>& produce) {
  const Task& task = runbook_.tasks[activity.task];
  TaskLog& log = activity.log;
  const UtcTime time = now_utc();
  std::string& captured = is_out ? activity.captured_out : activity.captured_err;
  produce([&](std::string_view line) {
    log.line(time, is_out ? "out" : "err", line);
    console_.task_line(task.id, activity.task, line);
    if (activity.purpose == Purpose::check && captured.size() < max_captured_output) {
      captured.append(line).push_back('\n');
    }
  });
  log.flush();
}

void Executor::on(const ProcessEnded& ended) {
  const auto node = activities_.extract(ended.id);
  Activity& activity = *node.mapped();
  emit_lines(activity, true, [&](const auto& handler) { activity.out.finish(handler); });
  emit_lines(activity, false, [&](const auto& handler) { activity.err.finish(handler); });
  activity.log.marker(now_utc(), describe_end(ended, activity.timeout));
  activity.log.flush();
  switch (activity.purpose) {
    case Purpose::task:
      task_process_ended(activity, ended);
      break;
    case Purpose::check:
      check_ended(activity, ended);
      break;
    case Purpose::rollback:
      rollback_process_ended(activity, ended);
      break;
  }
  runner_.settled(ended.id);
}

void Executor::task_process_ended(const Activity& activity, const ProcessEnded& ended) {
  const Task& task = runbook_.tasks[activity.task];
  if (ended.succeeded()) return finish_task(activity.task, TaskStatus::succeeded, {}, &ended);
  const std::string reason = describe_end(ended, activity.timeout);
  if (ended.terminated) return finish_task(activity.task, TaskStatus::in_doubt, reason, &ended);
  if (const auto next =
          next_task_attempt(task, activity.attempt, attempt_base_[activity.task], terminating_)) {
    record(
        event::AttemptFailed{task.id, activity.attempt, reason, end_of(ended), next->delay.count()},
        Durability::batched);
    console_.alert(fmt::format(
        "{} retry  {}: attempt {} of {}: {}{}", stamp(), task.id, activity.attempt,
        task.retries + 1, reason,
        next->delay.count() > 0 ? fmt::format("; again in {}", format_duration(next->delay)) : ""));
    return retry_later(next->delay, {activity.task, Purpose::task, 0, next->attempt});
  }
  finish_task(activity.task, TaskStatus::failed, reason, &ended);
}

void Executor::finish_task(TaskIndex index, TaskStatus status, const std::string& reason,
                           const ProcessEnded* ended, std::string_view by) {
  const Task& task = runbook_.tasks[index];
  event::TaskFinished finished{task.id, std::nullopt,
                               status,  std::max(state_.tasks[index].attempts, 1),
                               reason,  std::nullopt};
  if (!by.empty()) finished.person = person(by);
  if (ended) finished.end = end_of(*ended);
  // Nothing starts before the next sync, so dependents never outrun this event.
  record(std::move(finished), by.empty() ? Durability::batched : Durability::now);
  const TaskState& own = state_.tasks[index];
  const std::string took = format_took(own.took().value_or(Duration{0}));
  if (status == TaskStatus::succeeded) {
    note(fmt::format("{} ok     {} in {}{}", stamp(), task.id, took,
                     by.empty() ? "" : fmt::format(" (by {})", by)));
  } else if (status == TaskStatus::skipped) {
    note(fmt::format("{} skip   {} (by {})", stamp(), task.id, by));
  } else {
    console_.alert(fmt::format("{} {} {} after {}: {}", stamp(),
                               status == TaskStatus::in_doubt ? "STOP  " : "FAILED", task.id, took,
                               reason));
  }
}

void Executor::retry_later(Duration delay, Delayed delayed) {
  if (delay.count() <= 0) return start_delayed(delayed);
  const std::uint64_t token = next_token_++;
  delayed_.emplace(token, delayed);
  runner_.wake_at(runner_.now() + delay, token);
}

void Executor::start_delayed(const Delayed& delayed) {
  if (delayed.purpose == Purpose::task) {
    const Task& task = runbook_.tasks[delayed.task];
    record(event::TaskStarted{task.id, delayed.attempt, "run",
                              shown(std::get<Command>(task.kind).run)},
           Durability::batched);
  }
  start_process(delayed.task, delayed.purpose, delayed.check, delayed.attempt);
}

void Executor::on(const Wakeup& wakeup) {
  if (wakeup.token == tick_token) {
    if (state_.phase != RunPhase::finished) {
      runner_.wake_at(runner_.now() + live_view_tick, tick_token);
    }
    return;
  }
  if (wakeup.token == timed_notices_token) return send_timed_notices();
  const auto node = delayed_.extract(wakeup.token);
  if (node.empty()) return;
  start_delayed(node.mapped());
}

void Executor::start_gate(TaskIndex task) {
  const Gate& gate = std::get<Gate>(runbook_.tasks[task].kind);
  if (gate.checks.empty()) return ask_approvals(task);
  start_process(task, Purpose::check, 0, 1);
}

void Executor::check_ended(const Activity& activity, const ProcessEnded& ended) {
  const Task& task = runbook_.tasks[activity.task];
  const GateCheck& check = std::get<Gate>(task.kind).checks[activity.check];
  const auto failure = options_.dry_run
                           ? std::nullopt
                           : unmet_expectation(check.expect, ended, activity.timeout,
                                               activity.captured_out, activity.captured_err);
  record(
      event::CheckFinished{task.id, check.name, activity.attempt, !failure, failure, end_of(ended)},
      Durability::batched);
  if (!failure) {
    note(fmt::format("{} check  {}: '{}' holds", stamp(), task.id, check.name));
    if (activity.check + 1 < std::get<Gate>(task.kind).checks.size()) {
      return start_process(activity.task, Purpose::check, activity.check + 1, 1);
    }
    return ask_approvals(activity.task);
  }
  if (const auto next =
          next_check_poll(check, activity.attempt, ended.terminated || terminating_)) {
    note(fmt::format("{} check  {}: '{}' not yet ({}); polling again in {}", stamp(), task.id,
                     check.name, *failure, format_duration(next->delay)));
    return retry_later(next->delay, {activity.task, Purpose::check, activity.check, next->attempt});
  }
  const TaskStatus status = ended.terminated ? TaskStatus::in_doubt : TaskStatus::failed;
  finish_task(activity.task, status, fmt::format("check '{}' failed: {}", check.name, *failure),
              nullptr);
}

void Executor::ask_approvals(TaskIndex task) {
  const Gate& gate = std::get<Gate>(runbook_.tasks[task].kind);
  if (gate.approvals.empty() || options_.dry_run) {
    return finish_task(task, TaskStatus::succeeded, {}, nullptr);
  }
  record(event::GateWaiting{id_of(task), gate.approvals}, Durability::batched);
  // Approvals given while the gate was in doubt stand: only those still missing are asked.
  if (approvals_complete(runbook_, state_, task)) {
    return finish_task(task, TaskStatus::succeeded, {}, nullptr);
  }
  if (options_.auto_people) {
    for (const std::string& approver : missing_approvals(runbook_, state_, task)) {
      approve(task, approver, "auto");
    }
    return;
  }
  ask_person(task);
}

void Executor::approve(TaskIndex task, const std::string& approver, std::string_view by) {
  record(event::GateApproved{id_of(task), person(by), approver}, Durability::now);
  // The terminal says what the journal says: who gave the approval, and for whom.
  const std::string who =
      by == approver ? fmt::format("by {}", approver) : fmt::format("for {} (by {})", approver, by);
  note(fmt::format("{} go     {}: approved {}", stamp(), runbook_.tasks[task].id, who));
  // A gate in doubt only collects approvals: its checks run again before it can pass.
  if (state_.tasks[task].status == TaskStatus::waiting &&
      approvals_complete(runbook_, state_, task)) {
    finish_task(task, TaskStatus::succeeded, {}, nullptr);
  }
}

void Executor::reject(TaskIndex task, const std::string& approver) {
  const event::Person who = person(approver);
  record(event::GateRejected{id_of(task), who, approver}, Durability::now);
  std::string reason = fmt::format("no-go: rejected by {}", approver);
  if (!who.note.empty()) reason += ": " + who.note;
  finish_task(task, TaskStatus::failed, reason, nullptr, approver);
}

// The gate goes on waiting, and its question stays open; the journal says who held it and why.
void Executor::hold(TaskIndex task, const std::string& approver) {
  const event::Person who = person(approver);
  record(event::GateHeld{id_of(task), who, approver}, Durability::now);
  note(fmt::format("{} hold   {}: held by {}: {}", stamp(), runbook_.tasks[task].id, approver,
                   shown(who.note)));
}

void Executor::rollback_process_ended(const Activity& activity, const ProcessEnded& ended) {
  finish_rollback(activity.task, ended.succeeded(), describe_end(ended, activity.timeout), {},
                  &ended);
}

void Executor::finish_rollback(TaskIndex index, bool ok, const std::string& reason,
                               std::string_view by, const ProcessEnded* ended) {
  const Task& task = runbook_.tasks[index];
  event::RollbackStepFinished finished{task.id, std::nullopt, ok, ok ? "" : reason, std::nullopt};
  if (!by.empty()) finished.person = person(by);
  if (ended) finished.end = end_of(*ended);
  record(std::move(finished), Durability::now);
  if (ok) {
    note(fmt::format("{} rolled back  {}", stamp(), task.id));
  } else {
    console_.alert(fmt::format("{} ROLLBACK FAILED  {}: {}; a person must take over", stamp(),
                               task.id, reason));
  }
}

}  // namespace cutover::detail
