#include "cutover/run/executor.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/runbook/template.hpp"
#include "run/executor_loop.hpp"
#include "run/write_failure.hpp"

namespace cutover::detail {

ExecutorResult Executor::run() {
  run_start_ = runner_.now() - Duration{state_.last_elapsed_ms};
  start_notifier();
  if (options_.start == Start::fresh) {
    record(run_started(), Durability::now);
  } else {
    take_up();
    journal_lost_notices();
  }
  if (console_live()) runner_.wake_at(runner_.now() + live_view_tick, tick_token);
  while (state_.phase != RunPhase::finished) {
    const std::vector<Action> actions =
        decide(runbook_, graph_, state_, {std::max<std::size_t>(options_.jobs, 1)});
    for (const Action& action : actions) std::visit([&](const auto& a) { act(a); }, action);
    spawn_pending();
    if (!actions.empty()) continue;
    const std::vector<Occurrence> occurrences = runner_.wait();
    if (occurrences.empty()) stalled();
    for (const Occurrence& occurrence : occurrences) {
      if (hook_occurrence(occurrence)) continue;
      std::visit([&](const auto& o) { on(o); }, occurrence);
    }
    spawn_pending();
    show_status();
    arm_timed_notices();
  }
  finish_notifications();
  return {state_.outcome.value_or(RunOutcome::failed), state_};
}

void Executor::record(EventBody event, Durability durability) {
  if (!notifier_) {
    apply(state_, runbook_, graph_, journal_.append(std::move(event), durability));
    return;
  }
  const auto before = question_before(runbook_, graph_, state_, event);
  const JournalEvent& recorded = journal_.append(std::move(event), durability);
  apply(state_, runbook_, graph_, recorded);
  notify(recorded, before);
}

event::RunStarted Executor::run_started() const {
  event::RunStarted started{runbook_.id,
                            setup_.runbook_dir.string(),
                            runbook_.tasks.size(),
                            options_.jobs,
                            options_.auto_people,
                            options_.dry_run,
                            {},
                            options_.non_interactive,
                            options_.track};
  for (const auto& [name, value] : runbook_.vars) {
    started.vars.emplace_back(name, redact(value, secret_values_));
  }
  return started;
}

// Who decided: the name given, and the OS user and host of the terminal it came from.
event::Person Executor::person(std::string_view by) const {
  if (!deciding_) return {std::string(by), setup_.user, setup_.host, {}, terminal_note_};
  return {std::string(by), deciding_->user, deciding_->host,
          deciding_->id,   deciding_->note, signature_of(*deciding_)};
}

const std::string& Executor::id_of(TaskIndex task) const {
  return runbook_.tasks[task].id;
}

void Executor::act(const StartTask& start) {
  const Task& task = runbook_.tasks[start.task];
  // Attempts count across resumes; the retry budget starts afresh with each start.
  const int attempt = state_.tasks[start.task].attempts + 1;
  attempt_base_[start.task] = attempt - 1;
  event::TaskStarted started{task.id, attempt, std::string(kind_name(task.kind)), std::nullopt};
  if (const auto* command = std::get_if<Command>(&task.kind)) started.command = shown(command->run);
  // A task_started must be durable before its process exists; spawn_pending() syncs once
  // for every start of this round.
  record(std::move(started), Durability::batched);
  note(fmt::format("{} start  {}{}", stamp(), task.id, estimate_note(task)));
  if (options_.dry_run) {
    show_what_would_run(task);
    return start_process(start.task, Purpose::task, 0, attempt);
  }
  if (state_.people_do(runbook_, start.task)) {
    return ask_person(start.task);
  }
  if (task.is_command()) return start_process(start.task, Purpose::task, 0, attempt);
  start_gate(start.task);
}

// A dry run's listing: each command as it would run, secrets as ***.
void Executor::show_what_would_run(const Task& task) {
  show_instructions(task);
  const auto* gate = std::get_if<Gate>(&task.kind);
  if (gate && !gate->approvals.empty()) {
    note(fmt::format("    approvals: {}", fmt::join(gate->approvals, ", ")));
  }
}

void Executor::act(const StopRun& stop) {
  record(event::RunStopping{stop.reason, stop.rollback, stop.fix_forward, false}, Durability::now);
  if (stop.fix_forward) {
    console_.alert(fmt::format(
        "{} {}: a point of no return has started, so there is no rollback: fix forward. "
        "Running tasks finish; nothing new starts.",
        stamp(), stop.reason));
  } else {
    console_.alert(fmt::format("{} {}: {}", stamp(), stop.reason,
                               stop.rollback ? "running tasks finish, then rollback"
                                             : "running tasks finish; nothing new starts"));
  }
}

void Executor::act(const BeginRollback&) {
  record(event::RollbackStarted{}, Durability::now);
  console_.alert(fmt::format("{} rolling back, in reverse dependency order", stamp()));
}

void Executor::act(const StartRollbackStep& step) {
  const Task& task = runbook_.tasks[step.task];
  event::RollbackStepStarted started{task.id, true, std::nullopt};
  if (const auto* command = std::get_if<CommandRollback>(&*task.rollback)) {
    started.manual = false;
    started.command = shown(command->run);
  }
  record(std::move(started), Durability::batched);
  note(fmt::format("{} rollback  {}", stamp(), task.id));
  const bool command = std::holds_alternative<CommandRollback>(*task.rollback);
  if (options_.dry_run || (command && !state_.track)) {
    return start_process(step.task, Purpose::rollback, 0, 1);
  }
  ask_person(step.task);
}

void Executor::act(const FinishRun& finish) {
  record(event::RunFinished{finish.outcome, exit_code_of(finish.outcome)}, Durability::now);
}

void Executor::take_up() {
  const bool rollback = options_.start == Start::rollback;
  const std::uint64_t events = state_.last_seq;
  record(event::RunResumed{rollback, options_.jobs, options_.auto_people, options_.non_interactive,
                           ::getpid(), setup_.user, setup_.host},
         Durability::now);
  note(fmt::format("{} {} {} from its journal ({} events)", stamp(),
                   rollback ? "rolling back" : "resuming", setup_.run_id, events));
  // Decisions made while no executor ran come first: they may settle what is in doubt.
  take_inbox(ExecutorPresence::absent);
  if (rollback) {
    begin_requested_rollback();
  } else if (state_.phase == RunPhase::running) {
    run_failures_again();
  }
  const LeftoverFinder leftovers = [this](TaskIndex task, int process_group) {
    return leftover_processes(task, process_group);
  };
  for (const InDoubt& doubt : find_in_doubt(runbook_, state_, leftovers)) settle_doubt(doubt);
  ask_waiting_again();
}

std::vector<int> Executor::leftover_processes(TaskIndex task, int process_group) const {
  if (setup_.leftovers) return setup_.leftovers(task, process_group);
  if (setup_.run_dir.empty()) return {};
  return find_leftover_processes(setup_.run_dir.string(), runbook_.tasks[task].id, process_group);
}

void Executor::begin_requested_rollback() {
  if (state_.phase != RunPhase::rolling_back) {
    const event::Person who{setup_.user, setup_.user, setup_.host, {}, {}};
    record(event::RollbackStarted{who, options_.forced}, Durability::now);
    console_.alert(fmt::format("{} rolling back, in reverse dependency order", stamp()));
  }
  for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
    if (state_.tasks[task].rollback != RollbackStatus::failed) continue;
    record(event::TaskReset{id_of(task), std::nullopt, true,
                            "its rollback step failed before: it runs again"},
           Durability::now);
  }
}

// A failure that stopped the run is why it is resumed: the task runs again. A person's
// verdict is different: a task a person marked failed stays failed (its on_failure applies
// again) until a person says retry or done; it may be one that must not run twice.
void Executor::run_failures_again() {
  for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
    const TaskState& own = state_.tasks[task];
    const bool stopped_the_run =
        own.status == TaskStatus::failed && runbook_.tasks[task].on_failure != OnFailure::continue_;
    if (!stopped_the_run) continue;
    if (own.person_verdict) {
      console_.alert(fmt::format(
          "{} failed {}: marked failed by {}; it stays failed until a person says otherwise: "
          "cutover mark {} {} retry|done --by NAME",
          stamp(), id_of(task), own.by, shell_word(setup_.run_dir.string()),
          shell_word(id_of(task))));
      continue;
    }
    record(event::TaskReset{id_of(task), std::nullopt, false,
                            "it failed and stopped the run: resume runs it again"},
           Durability::now);
    note(fmt::format("{} again  {}: it failed before; it runs again", stamp(), id_of(task)));
  }
}

void Executor::settle_doubt(const InDoubt& doubt) {
  const Task& task = runbook_.tasks[doubt.task];
  event::TaskInDoubt in_doubt{task.id,   doubt.rerun,  doubt.rollback,
                              doubt.why, std::nullopt, doubt.alive};
  if (const int pid = state_.tasks[doubt.task].pid; pid > 0) in_doubt.pid = pid;
  record(std::move(in_doubt), Durability::now);
  std::string alive;
  if (!doubt.alive.empty()) {
    alive = fmt::format(" (still running: pid {}; it is not started again)",
                        fmt::join(doubt.alive, ", "));
  }
  console_.alert(fmt::format("{} in doubt {}{}: {}{}", stamp(), task.id,
                             doubt.rollback ? " (rollback)" : "", doubt.why, alive));
  if (!doubt.rerun && doubt.ask) {
    ask_person(doubt.task);
  }
}

// Questions open when the last executor stopped are put again.
void Executor::ask_waiting_again() {
  for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
    const TaskState& own = state_.tasks[task];
    if (own.status == TaskStatus::waiting) {
      const bool gate = std::holds_alternative<Gate>(runbook_.tasks[task].kind) &&
                        !std::get<Gate>(runbook_.tasks[task].kind).approvals.empty();
      // Cut off between its last approval and its end: nobody is left to ask.
      if (gate && approvals_complete(runbook_, state_, task)) {
        finish_task(task, TaskStatus::succeeded, {}, nullptr);
      } else {
        ask_person(task);
      }
    }
    if (own.rollback == RollbackStatus::running) {
      ask_person(task);  // commands were settled as in doubt
    }
    if (own.rollback == RollbackStatus::in_doubt && !questions_.asks(task)) {
      ask_person(task);
    }
  }
}

void Executor::on(const SignalReceived& received) {
  if (received.signal == SIGHUP) {
    // The terminal is gone (a dropped ssh session): keep going, write files only.
    record(event::SignalReceived{"SIGHUP", "continue"}, Durability::batched);
    console_.lose_terminal();
    return;
  }
  const bool first = !state_.interrupted && received.signal == SIGINT;
  record(event::SignalReceived{signal_name(received.signal), first ? "drain" : "terminate"},
         Durability::batched);
  if (!state_.interrupted) {
    record(event::RunStopping{fmt::format("interrupted by {}", signal_name(received.signal)), false,
                              false, true},
           Durability::now);
  }
  if (first) {
    console_.alert(
        fmt::format("{} interrupted: no new tasks start; running ones finish. Ctrl-C again to "
                    "terminate them.",
                    stamp()));
    return;
  }
  terminate_everything();
}

void Executor::terminate_everything() {
  if (terminating_) return;
  terminating_ = true;
  console_.alert(fmt::format("{} terminating running tasks", stamp()));
  runner_.terminate_all();
  for (const auto& [token, delayed] : delayed_) {
    if (delayed.purpose != Purpose::rollback) {
      finish_task(delayed.task, TaskStatus::in_doubt, "interrupted while waiting to retry",
                  nullptr);
    }
  }
  delayed_.clear();
  // Open questions stay open in the journal: nothing was executing, so the task (or rollback
  // step) still waits for its person, and `mark`, `approve` or the next executor settles it.
  questions_.clear();
  console_.answered();
}

// The runner has nothing left to report (no process, timer, terminal or inbox) but the
// scheduler waits: for a person nobody can reach here, or because of a bug.
void Executor::stalled() const {
  if (!questions_.empty()) {
    throw Error(exit_environment,
                fmt::format("the run waits for a person, and no terminal or inbox can reach "
                            "one: {}; the journal is intact and the run can be resumed",
                            fmt::join(answer_lines(questions_.tasks().front()), " or ")));
  }
  throw Error(exit_environment,
              "internal error: the run waits for something that cannot happen; the journal is "
              "intact and the run can be resumed");
}

}  // namespace cutover::detail

namespace cutover {

const JournalEvent& MemoryJournal::append(EventBody body, Durability) {
  JournalEvent event;
  event.seq = events_.size() + 1;
  event.elapsed_ms = elapsed_ms_();
  // A dry run's clock is its simulated time, so that durations come out as simulated.
  event.time = UtcTime{Duration{event.elapsed_ms}};
  event.body = std::move(body);
  events_.push_back(std::move(event));
  return events_.back();
}

ExecutorResult execute(const ExecutorSetup& setup, const RunGraph& graph, ProcessRunner& runner,
                       EventSink& journal, Console& console, const ExecutorOptions& options) {
  WatchedRunner watched(runner);
  try {
    return detail::Executor(setup, graph, watched, journal, console, options).run();
  } catch (const WriteError& error) {
    stop_after_write_failure(error, setup, watched, console);
  }
}

}  // namespace cutover
