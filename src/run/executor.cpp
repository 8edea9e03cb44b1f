#include "cutover/run/executor.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <deque>
#include <map>
#include <memory>

#include "cutover/base/errors.hpp"
#include "cutover/plan/forecast.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/recovery.hpp"
#include "cutover/run/scheduler.hpp"
#include "cutover/run/task_output.hpp"
#include "cutover/runbook/template.hpp"

namespace cutover {

const JournalEvent& MemoryJournal::append(EventBody body, Durability) {
  JournalEvent event;
  event.seq = events_.size() + 1;
  event.elapsed_ms = elapsed_ms_();
  event.body = std::move(body);
  events_.push_back(std::move(event));
  return events_.back();
}

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Gate checks match their expectations against at most this much of each stream.
constexpr std::size_t max_captured_output = 16 * 1024 * 1024;
constexpr Duration live_view_tick{1000};

// What a running process is doing for the run.
enum class Purpose { task, check, rollback };

struct Activity {
  TaskIndex task = 0;
  Purpose purpose = Purpose::task;
  std::size_t check = 0;  // for Purpose::check
  int attempt = 1;
  std::optional<Duration> timeout;
  TaskLog log;
  LineSplitter out;
  LineSplitter err;
  std::string captured_out{};  // for a check's expectations
  std::string captured_err{};
};

// A retry or the next poll of a check, due at a Wakeup.
struct Delayed {
  TaskIndex task = 0;
  Purpose purpose = Purpose::task;
  std::size_t check = 0;
  int attempt = 1;
};

// Something a person must answer at the terminal. What it asks, open_question() says from the
// state of the moment.
struct Question {
  TaskIndex task = 0;
  std::optional<std::string> verdict{};  // the first answer, before the name
};

class Executor {
 public:
  Executor(const ExecutorSetup& setup, const RunGraph& graph, ProcessRunner& runner,
           EventSink& journal, Console& console, const ExecutorOptions& options)
      : setup_(setup),
        runbook_(setup.runbook),
        graph_(graph),
        runner_(runner),
        journal_(journal),
        console_(console),
        options_(options),
        state_(setup.history ? fold(runbook_, graph_, *setup.history)
                             : initial_state(runbook_, graph_)),
        attempt_base_(runbook_.tasks.size(), 0) {
    for (const auto& [name, value] : setup_.secrets) secret_values_.push_back(value);
  }

  ExecutorResult run() {
    run_start_ = runner_.now() - Duration{state_.last_elapsed_ms};
    if (options_.start == Start::fresh) {
      record(run_started(), Durability::now);
    } else {
      take_up();
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
        std::visit([&](const auto& o) { on(o); }, occurrence);
      }
      spawn_pending();
      show_status();
    }
    return {state_.outcome.value_or(RunOutcome::failed), state_};
  }

 private:
  static constexpr std::uint64_t tick_token = 0;

  // ----- the journal ------------------------------------------------------------------

  void record(EventBody event, Durability durability) {
    apply(state_, runbook_, graph_, journal_.append(std::move(event), durability));
  }

  event::RunStarted run_started() const {
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
  event::Person person(std::string_view by) const {
    if (!deciding_) return {std::string(by), setup_.user, setup_.host, {}, {}};
    return {std::string(by), deciding_->user, deciding_->host, deciding_->id, deciding_->note};
  }

  const std::string& id_of(TaskIndex task) const { return runbook_.tasks[task].id; }

  // ----- acting on the scheduler's decisions -------------------------------------------

  void act(const StartTask& start) {
    const Task& task = runbook_.tasks[start.task];
    // Attempts count across resumes; the retry budget starts afresh with each start.
    const int attempt = state_.tasks[start.task].attempts + 1;
    attempt_base_[start.task] = attempt - 1;
    event::TaskStarted started{task.id, attempt, std::string(kind_name(task.kind)), std::nullopt};
    if (const auto* command = std::get_if<Command>(&task.kind))
      started.command = shown(command->run);
    // A task_started must be durable before its process exists; spawn_pending() syncs once
    // for every start of this round.
    record(std::move(started), Durability::batched);
    note(fmt::format("{} start  {}{}", stamp(), task.id, estimate_note(task)));
    if (options_.dry_run) {
      show_what_would_run(task);
      return start_process(start.task, Purpose::task, 0, attempt);
    }
    if (state_.people_do(runbook_, start.task)) {
      return ask_person({start.task});
    }
    if (task.is_command()) return start_process(start.task, Purpose::task, 0, attempt);
    start_gate(start.task);
  }

  // A dry run's listing: each command as it would run, secrets as ***.
  void show_what_would_run(const Task& task) {
    show_instructions(task);
    const auto* gate = std::get_if<Gate>(&task.kind);
    if (gate && !gate->approvals.empty()) {
      note(fmt::format("    approvals: {}", fmt::join(gate->approvals, ", ")));
    }
  }

  void act(const StopRun& stop) {
    record(event::RunStopping{stop.reason, stop.rollback, stop.fix_forward, false},
           Durability::now);
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

  void act(const BeginRollback&) {
    record(event::RollbackStarted{}, Durability::now);
    console_.alert(fmt::format("{} rolling back, in reverse dependency order", stamp()));
  }

  void act(const StartRollbackStep& step) {
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
    ask_person({step.task});
  }

  void act(const FinishRun& finish) {
    record(event::RunFinished{finish.outcome, exit_code_of(finish.outcome)}, Durability::now);
  }

  // ----- taking up a run from its journal (resume, rollback) --------------------------

  void take_up() {
    const bool rollback = options_.start == Start::rollback;
    const std::uint64_t events = state_.last_seq;
    record(event::RunResumed{rollback, options_.jobs, options_.auto_people,
                             options_.non_interactive, ::getpid(), setup_.user, setup_.host},
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

  std::vector<int> leftover_processes(TaskIndex task, int process_group) const {
    if (setup_.leftovers) return setup_.leftovers(task, process_group);
    if (setup_.run_dir.empty()) return {};
    return find_leftover_processes(setup_.run_dir.string(), runbook_.tasks[task].id, process_group);
  }

  void begin_requested_rollback() {
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

  // A failure that stopped the run is why it is resumed: the task runs again. (A task that
  // must not, a person marks done or skipped before resuming.)
  void run_failures_again() {
    for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
      const bool stopped_the_run = state_.tasks[task].status == TaskStatus::failed &&
                                   runbook_.tasks[task].on_failure != OnFailure::continue_;
      if (!stopped_the_run) continue;
      record(event::TaskReset{id_of(task), std::nullopt, false,
                              "it failed and stopped the run: resume runs it again"},
             Durability::now);
      note(fmt::format("{} again  {}: it failed before; it runs again", stamp(),
                       runbook_.tasks[task].id));
    }
  }

  void settle_doubt(const InDoubt& doubt) {
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
      ask_person({doubt.task});
    }
  }

  // Questions open when the last executor stopped are put again.
  void ask_waiting_again() {
    for (TaskIndex task = 0; task < runbook_.tasks.size(); ++task) {
      const TaskState& own = state_.tasks[task];
      if (own.status == TaskStatus::waiting) {
        const bool gate = std::holds_alternative<Gate>(runbook_.tasks[task].kind) &&
                          !std::get<Gate>(runbook_.tasks[task].kind).approvals.empty();
        // Cut off between its last approval and its end: nobody is left to ask.
        if (gate && missing_approvals(runbook_, state_, task).empty()) {
          finish_task(task, TaskStatus::succeeded, {}, nullptr);
        } else {
          ask_person({task});
        }
      }
      if (own.rollback == RollbackStatus::running) {
        ask_person({task});  // commands were settled as in doubt
      }
      if (own.rollback == RollbackStatus::in_doubt &&
          std::none_of(questions_.begin(), questions_.end(),
                       [&](const Question& question) { return question.task == task; })) {
        ask_person({task});
      }
    }
  }

  // ----- processes ---------------------------------------------------------------------

  std::string expand(std::string_view text) const {
    return expand_template(text, [&](std::string_view name) -> std::optional<std::string> {
      for (const auto& [var, value] : runbook_.vars) {
        if (var == name) return value;
      }
      for (const auto& [secret, value] : setup_.secrets) {
        if (secret == name) return value;
      }
      return std::nullopt;
    });
  }

  // A text as people and files may see it: vars and secrets filled in, secrets as ***.
  std::string shown(std::string_view text) const { return redact(expand(text), secret_values_); }

  ProcessSpec make_spec(TaskIndex index, Purpose purpose, std::size_t check, int attempt) const {
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
    auto set = [&](const std::string& name, std::string value) {
      const auto it = std::find_if(spec.env.begin(), spec.env.end(),
                                   [&](const auto& entry) { return entry.first == name; });
      if (it != spec.env.end()) {
        it->second = std::move(value);
      } else {
        spec.env.emplace_back(name, std::move(value));
      }
    };
    for (const auto& [name, value] : task.env) set(name, expand(value));
    set("CUTOVER_RUN_ID", setup_.run_id);
    set("CUTOVER_RUN_DIR", setup_.run_dir.string());
    set("CUTOVER_TASK_ID", task.id);
    set("CUTOVER_ATTEMPT", std::to_string(attempt));
    spec.workdir = setup_.runbook_dir / task.workdir;
    return spec;
  }

  void start_process(TaskIndex task, Purpose purpose, std::size_t check, int attempt) {
    ProcessSpec spec = make_spec(task, purpose, check, attempt);
    // A simulation follows the estimates; a timeout shorter than its estimate is the plan's
    // business (validate warns about the window), not a simulated failure.
    if (options_.dry_run) spec.timeout.reset();
    const ProcessId id = next_process_++;
    auto activity = std::make_unique<Activity>(
        Activity{task, purpose, check, attempt, spec.timeout, TaskLog(log_path(task)),
                 LineSplitter(secret_values_), LineSplitter(secret_values_)});
    activity->log.marker(
        now_utc(),
        fmt::format("{} attempt {}: {}", purpose_name(purpose, check, task), attempt,
                    redact(fmt::format("{}", fmt::join(spec.argv, " ")), secret_values_)));
    activities_.emplace(id, std::move(activity));
    pending_spawns_.emplace_back(id, std::move(spec));
  }

  std::string purpose_name(Purpose purpose, std::size_t check, TaskIndex task) const {
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

  // One fdatasync covers every task_started of the round, then the processes start.
  void spawn_pending() {
    if (pending_spawns_.empty()) return;
    journal_.sync();
    for (auto& [id, spec] : pending_spawns_) runner_.start(id, spec);
    pending_spawns_.clear();
  }

  // Opened per attempt and closed at its end, so that 10,000 tasks do not hold 10,000 files.
  std::filesystem::path log_path(TaskIndex task) const {
    if (setup_.run_dir.empty() || options_.dry_run) return {};
    return setup_.run_dir / "logs" / (runbook_.tasks[task].id + ".log");
  }

  void on(const ProcessStarted& started) {
    const Activity& activity = *activities_.at(started.id);
    const char* purpose = activity.purpose == Purpose::task    ? ""
                          : activity.purpose == Purpose::check ? "check"
                                                               : "rollback";
    record(event::ProcessStarted{id_of(activity.task), activity.attempt, purpose, started.pid},
           Durability::batched);
  }

  void on(const ProcessOutput& output) {
    Activity& activity = *activities_.at(output.id);
    const bool is_out = output.stream == Stream::out;
    LineSplitter& splitter = is_out ? activity.out : activity.err;
    emit_lines(activity, is_out, [&](const LineSplitter::LineHandler& handler) {
      splitter.feed(output.bytes, handler);
    });
  }

  void emit_lines(Activity& activity, bool is_out,
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

  void on(const ProcessEnded& ended) {
    const auto node = activities_.extract(ended.id);
    Activity& activity = *node.mapped();
    emit_lines(activity, true, [&](const auto& handler) { activity.out.finish(handler); });
    emit_lines(activity, false, [&](const auto& handler) { activity.err.finish(handler); });
    activity.log.marker(now_utc(), describe_end(ended, activity.timeout));
    activity.log.flush();
    switch (activity.purpose) {
      case Purpose::task:
        return task_process_ended(activity, ended);
      case Purpose::check:
        return check_ended(activity, ended);
      case Purpose::rollback:
        return rollback_process_ended(activity, ended);
    }
  }

  void task_process_ended(const Activity& activity, const ProcessEnded& ended) {
    const Task& task = runbook_.tasks[activity.task];
    if (ended.succeeded()) return finish_task(activity.task, TaskStatus::succeeded, {}, &ended);
    const std::string reason = describe_end(ended, activity.timeout);
    if (ended.terminated) return finish_task(activity.task, TaskStatus::in_doubt, reason, &ended);
    if (activity.attempt - attempt_base_[activity.task] <= task.retries && !terminating_) {
      record(event::AttemptFailed{task.id, activity.attempt, reason, end_of(ended),
                                  task.retry_delay.count()},
             Durability::batched);
      console_.alert(
          fmt::format("{} retry  {}: attempt {} of {}: {}{}", stamp(), task.id, activity.attempt,
                      task.retries + 1, reason,
                      task.retry_delay.count() > 0
                          ? fmt::format("; again in {}", format_duration(task.retry_delay))
                          : ""));
      return retry_later(task.retry_delay, {activity.task, Purpose::task, 0, activity.attempt + 1});
    }
    finish_task(activity.task, TaskStatus::failed, reason, &ended);
  }

  void finish_task(TaskIndex index, TaskStatus status, const std::string& reason,
                   const ProcessEnded* ended, std::string_view by = {}) {
    const Task& task = runbook_.tasks[index];
    event::TaskFinished finished{task.id, std::nullopt,
                                 status,  std::max(state_.tasks[index].attempts, 1),
                                 reason,  std::nullopt};
    if (!by.empty()) finished.person = person(by);
    if (ended) finished.end = end_of(*ended);
    // Nothing starts before the next sync, so dependents never outrun this event.
    record(std::move(finished), by.empty() ? Durability::batched : Durability::now);
    const TaskState& own = state_.tasks[index];
    const std::string took = format_took(Duration{
        own.finished_ms.value_or(0) - own.started_ms.value_or(own.finished_ms.value_or(0))});
    if (status == TaskStatus::succeeded) {
      note(fmt::format("{} ok     {} in {}{}", stamp(), task.id, took,
                       by.empty() ? "" : fmt::format(" (by {})", by)));
    } else if (status == TaskStatus::skipped) {
      note(fmt::format("{} skip   {} (by {})", stamp(), task.id, by));
    } else {
      console_.alert(fmt::format("{} {} {} after {}: {}", stamp(),
                                 status == TaskStatus::in_doubt ? "STOP  " : "FAILED", task.id,
                                 took, reason));
    }
  }

  void retry_later(Duration delay, Delayed delayed) {
    if (delay.count() <= 0) return start_delayed(delayed);
    const std::uint64_t token = next_token_++;
    delayed_.emplace(token, delayed);
    runner_.wake_at(runner_.now() + delay, token);
  }

  void start_delayed(const Delayed& delayed) {
    if (delayed.purpose == Purpose::task) {
      const Task& task = runbook_.tasks[delayed.task];
      record(event::TaskStarted{task.id, delayed.attempt, "run",
                                shown(std::get<Command>(task.kind).run)},
             Durability::batched);
    }
    start_process(delayed.task, delayed.purpose, delayed.check, delayed.attempt);
  }

  void on(const Wakeup& wakeup) {
    if (wakeup.token == tick_token) {
      if (state_.phase != RunPhase::finished) {
        runner_.wake_at(runner_.now() + live_view_tick, tick_token);
      }
      return;
    }
    const auto node = delayed_.extract(wakeup.token);
    if (node.empty()) return;
    start_delayed(node.mapped());
  }

  // ----- gates -------------------------------------------------------------------------

  void start_gate(TaskIndex task) {
    const Gate& gate = std::get<Gate>(runbook_.tasks[task].kind);
    if (gate.checks.empty()) return ask_approvals(task);
    start_process(task, Purpose::check, 0, 1);
  }

  void check_ended(const Activity& activity, const ProcessEnded& ended) {
    const Task& task = runbook_.tasks[activity.task];
    const GateCheck& check = std::get<Gate>(task.kind).checks[activity.check];
    const auto failure = options_.dry_run
                             ? std::nullopt
                             : unmet_expectation(check.expect, ended, activity.timeout,
                                                 activity.captured_out, activity.captured_err);
    record(event::CheckFinished{task.id, check.name, activity.attempt, !failure, failure,
                                end_of(ended)},
           Durability::batched);
    if (!failure) {
      note(fmt::format("{} check  {}: '{}' holds", stamp(), task.id, check.name));
      if (activity.check + 1 < std::get<Gate>(task.kind).checks.size()) {
        return start_process(activity.task, Purpose::check, activity.check + 1, 1);
      }
      return ask_approvals(activity.task);
    }
    if (activity.attempt <= check.retries && !ended.terminated && !terminating_) {
      note(fmt::format("{} check  {}: '{}' not yet ({}); polling again in {}", stamp(), task.id,
                       check.name, *failure, format_duration(check.retry_delay)));
      return retry_later(check.retry_delay,
                         {activity.task, Purpose::check, activity.check, activity.attempt + 1});
    }
    const TaskStatus status = ended.terminated ? TaskStatus::in_doubt : TaskStatus::failed;
    finish_task(activity.task, status, fmt::format("check '{}' failed: {}", check.name, *failure),
                nullptr);
  }

  void ask_approvals(TaskIndex task) {
    const Gate& gate = std::get<Gate>(runbook_.tasks[task].kind);
    if (gate.approvals.empty() || options_.dry_run) {
      return finish_task(task, TaskStatus::succeeded, {}, nullptr);
    }
    record(event::GateWaiting{id_of(task), gate.approvals}, Durability::batched);
    if (options_.auto_people) {
      for (const std::string& approver : gate.approvals) approve(task, approver, "auto");
      return;
    }
    ask_person({task});
  }

  void approve(TaskIndex task, const std::string& approver, std::string_view by) {
    record(event::GateApproved{id_of(task), person(by), approver}, Durability::now);
    // The terminal says what the journal says: who gave the approval, and for whom.
    const std::string who = by == approver ? fmt::format("by {}", approver)
                                           : fmt::format("for {} (by {})", approver, by);
    note(fmt::format("{} go     {}: approved {}", stamp(), runbook_.tasks[task].id, who));
    if (missing_approvals(runbook_, state_, task).empty()) {
      finish_task(task, TaskStatus::succeeded, {}, nullptr);
    }
  }

  void reject(TaskIndex task, const std::string& approver) {
    record(event::GateRejected{id_of(task), person(approver), approver}, Durability::now);
    finish_task(task, TaskStatus::failed, fmt::format("no-go: rejected by {}", approver), nullptr,
                approver);
  }

  // ----- rollback ----------------------------------------------------------------------

  void rollback_process_ended(const Activity& activity, const ProcessEnded& ended) {
    finish_rollback(activity.task, ended.succeeded(), describe_end(ended, activity.timeout), {},
                    &ended);
  }

  void finish_rollback(TaskIndex index, bool ok, const std::string& reason, std::string_view by,
                       const ProcessEnded* ended) {
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

  // ----- people ------------------------------------------------------------------------
  //
  // Every question to a person is open in `questions_` until it is settled: at this terminal
  // (the front question is the one asked), or by a decision from another terminal through the
  // inbox. Both go through judge(), against the state of the moment, so whichever comes first
  // wins and the later one is refused with the reason.

  bool asking_here() const { return !options_.non_interactive && !terminal_closed_; }

  void ask_person(Question question) {
    const auto open_now = open(question.task);
    if (!open_now) return;  // settled already
    if (options_.dry_run || options_.auto_people) return answer_auto(question, *open_now);
    introduce(*open_now);
    questions_.push_back(std::move(question));
    if (questions_.size() == 1) ask_front();
  }

  // The question as the journal has it now; nothing once it is settled.
  std::optional<OpenQuestion> open(TaskIndex task) const {
    return open_question(runbook_, state_, task, ExecutorPresence::running);
  }

  // What a person types at another terminal to answer it.
  std::vector<std::string> answer_lines(TaskIndex task) const {
    const auto question = open(task);
    if (!question) return {};
    return answer_commands(runbook_, *question, setup_.run_dir.string());
  }

  void show_answer_commands(TaskIndex task) {
    const std::vector<std::string> commands = answer_lines(task);
    for (std::size_t i = 0; i < commands.size(); ++i) {
      note(fmt::format("    {} {}", i == 0 ? "answer with:" : "            ", commands[i]));
    }
  }

  // What the person needs to know, and, when nobody is asked here, how to answer from
  // another terminal.
  void introduce(const OpenQuestion& question) {
    const Task& task = runbook_.tasks[question.task];
    const std::string owner = task.owner.empty() ? "" : fmt::format(" (owner {})", task.owner);
    switch (question.waiting_for) {
      case WaitingFor::manual:
        note(fmt::format(
            "{} {} {}: {}{}{}", stamp(), state_.track ? "do    " : "manual", task.id,
            task.display_name(), owner,
            task.estimate ? fmt::format(", estimate {}", format_duration(*task.estimate)) : ""));
        show_instructions(task);
        break;
      case WaitingFor::rollback_step:
        note(fmt::format("{} manual rollback {}{}:", stamp(), task.id, owner));
        if (const auto* manual = std::get_if<ManualRollback>(&*task.rollback)) {
          show_text(manual->instructions);
        } else {
          note(fmt::format("    $ {}", shown(std::get<CommandRollback>(*task.rollback).run)));
        }
        break;
      case WaitingFor::approval:
        if (state_.track) show_instructions(task);
        note(fmt::format("{} gate   {}: {} waits for approval by {}", stamp(), task.id,
                         task.display_name(), fmt::join(question.waiting_on, ", ")));
        break;
      case WaitingFor::decision:
      case WaitingFor::rollback_decision:
      case WaitingFor::nothing:
        break;  // settle_doubt() said why
    }
    if (!asking_here()) show_answer_commands(question.task);
  }

  // A task's instructions as a person reads them: a manual task's text, a command, a gate's
  // checks (track mode shows commands as instructions).
  void show_instructions(const Task& task) {
    if (const auto* manual = std::get_if<Manual>(&task.kind))
      return show_text(manual->instructions);
    if (const auto* command = std::get_if<Command>(&task.kind)) {
      return note(fmt::format("    $ {}", shown(command->run)));
    }
    for (const GateCheck& check : std::get<Gate>(task.kind).checks) {
      note(fmt::format("    check '{}': $ {}", check.name, shown(check.run)));
    }
  }

  void show_text(std::string_view text) {
    for (std::size_t begin = 0; begin < text.size();) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      note(fmt::format("    {}", shown(text.substr(begin, end - begin))));
      begin = end + 1;
    }
  }

  void answer_auto(const Question& question, const OpenQuestion& open_now) {
    switch (open_now.waiting_for) {
      case WaitingFor::manual:
        return finish_task(question.task, TaskStatus::succeeded, {}, nullptr, "auto");
      case WaitingFor::rollback_step:
        return finish_rollback(question.task, true, {}, "auto", nullptr);
      case WaitingFor::approval:
        for (const std::string& name : open_now.waiting_on) approve(question.task, name, "auto");
        return;
      case WaitingFor::decision:
      case WaitingFor::rollback_decision:
      case WaitingFor::nothing:
        // `auto` answers for people in rehearsals; whether a cut-off command finished is not
        // something it can know. The question waits for a person.
        questions_.push_back(question);
        return show_answer_commands(question.task);
    }
  }

  void ask_front() {
    while (!questions_.empty() && !open(questions_.front().task)) questions_.pop_front();
    if (questions_.empty() || !asking_here()) return;
    const Question& question = questions_.front();
    const OpenQuestion open_now = *open(question.task);
    const std::string& id = runbook_.tasks[question.task].id;
    if (!question.verdict) return console_.ask(prompt(runbook_, state_, open_now));
    if (open_now.waiting_for == WaitingFor::approval) {
      return console_.ask(
          fmt::format("[{}] who decides? ({}): ", id, fmt::join(deciders(question), ", ")));
    }
    console_.ask(fmt::format("[{}] your name: ", id));
  }

  // Who may answer an approval question: the approvers still missing for a go, any of them
  // for a no-go.
  std::vector<std::string> deciders(const Question& question) const {
    if (question.verdict == "go") return missing_approvals(runbook_, state_, question.task);
    return std::get<Gate>(runbook_.tasks[question.task].kind).approvals;
  }

  void on(const TerminalLine& line) {
    if (questions_.empty() || !asking_here()) return;
    console_.answered();
    Question& question = questions_.front();
    const OpenQuestion open_now = *open(question.task);
    const std::string answer = trim(line.text);
    if (!question.verdict) {
      if (const auto verdict = parse_answer(open_now, answer)) {
        question.verdict = std::string(*verdict);
      } else if (!answer.empty()) {
        note(fmt::format("'{}' is not an answer here: {}", answer,
                         fmt::join(open_now.answers, ", ")));
      }
      return ask_front();
    }
    if (answer.empty()) return ask_front();
    if (open_now.waiting_for == WaitingFor::approval) {
      const auto names = deciders(question);
      if (std::find(names.begin(), names.end(), answer) == names.end()) {
        note(fmt::format("'{}' is not one of: {}", answer, fmt::join(names, ", ")));
        return ask_front();
      }
    }
    const TaskIndex task = question.task;
    const Decision decision = decision_at_terminal(question, open_now, answer);
    // Unless the decision settles the question (withdrawing it), it is asked again afresh:
    // the next approver of a gate.
    question.verdict.reset();
    settle(task, decision, judge(runbook_, graph_, state_, decision, ExecutorPresence::running),
           false);
    ask_front();
  }

  Decision decision_at_terminal(const Question& question, const OpenQuestion& open_now,
                                const std::string& by) const {
    Decision decision;
    decision.run_id = setup_.run_id;
    decision.task = runbook_.tasks[question.task].id;
    decision.by = by;
    decision.user = setup_.user;
    decision.host = setup_.host;
    decision.time = now_utc();
    if (open_now.waiting_for == WaitingFor::approval) {
      decision.kind = *question.verdict == "go" ? DecisionKind::approve : DecisionKind::reject;
    } else {
      decision.verdict = *parse_verdict(*question.verdict);
    }
    return decision;
  }

  // ----- decisions from other terminals ----------------------------------------------

  void on(const InboxChanged&) { take_inbox(ExecutorPresence::running); }

  void take_inbox(ExecutorPresence executor) {
    if (setup_.run_dir.empty() || options_.dry_run) return;
    for (const InboxItem& item : read_inbox(setup_.run_dir)) {
      if (const auto* decision = std::get_if<Decision>(&item.content)) {
        take(*decision, executor);
      } else {
        event::DecisionRefused refused;
        refused.file = item.file.filename().string();
        refused.reason = std::get<std::string>(item.content);
        record(std::move(refused), Durability::now);
        console_.alert(fmt::format("{} refused {}", stamp(), std::get<std::string>(item.content)));
      }
      remove_from_inbox(item);
    }
  }

  void take(const Decision& decision, ExecutorPresence executor) {
    if (state_.decisions.contains(decision.id)) return;  // taken in before a crash
    Effect effect = decision.run_id == setup_.run_id
                        ? judge(runbook_, graph_, state_, decision, executor)
                        : effect::Refused{fmt::format("it was meant for run {}", decision.run_id)};
    settle(graph_.find(decision.task).value_or(0), decision, effect, true);
  }

  // Carries out a decision judged against the state of the moment.
  void settle(TaskIndex task, const Decision& decision, const Effect& effect, bool from_inbox) {
    deciding_ = from_inbox ? &decision : nullptr;
    std::visit([&](const auto& e) { carry_out(task, decision, e); }, effect);
    deciding_ = nullptr;
  }

  void carry_out(TaskIndex, const Decision& decision, const effect::Refused& refused) {
    record(
        event::DecisionRefused{
            {},
            decision.run_id,
            std::string(to_string(decision.kind)),
            decision.task,
            decision.kind == DecisionKind::mark ? std::string(to_string(decision.verdict))
                                                : std::string(),
            {decision.by, decision.user, decision.host, decision.id, decision.note},
            refused.reason},
        Durability::now);
    console_.alert(fmt::format(
        "{} refused: {} {}{} by {} ({}@{}): {}", stamp(), to_string(decision.kind), decision.task,
        decision.kind == DecisionKind::mark ? fmt::format(" {}", to_string(decision.verdict)) : "",
        decision.by, decision.user, decision.host, refused.reason));
  }

  void carry_out(TaskIndex task, const Decision& decision, const effect::FinishTask& finish) {
    withdraw(task, decision);
    finish_task(task, finish.status,
                finish.status == TaskStatus::failed ? "marked failed by " + decision.by : "",
                nullptr, decision.by);
  }

  void carry_out(TaskIndex task, const Decision& decision, const effect::RunAgain&) {
    // Never two of the same task at once: what is left of its last attempt must end first.
    if (!state_.people_do(runbook_, task)) {
      const auto alive = leftover_processes(task, state_.tasks[task].pid);
      if (!alive.empty()) {
        return carry_out(task, decision,
                         effect::Refused{fmt::format(
                             "processes of {} from before are still running (pid {}): retry "
                             "once they have ended",
                             runbook_.tasks[task].id, fmt::join(alive, ", "))});
      }
    }
    withdraw(task, decision);
    record(event::TaskReset{id_of(task), person(decision.by), false, {}}, Durability::now);
    note(fmt::format("{} again  {}: runs again (by {})", stamp(), runbook_.tasks[task].id,
                     decision.by));
  }

  void carry_out(TaskIndex task, const Decision& decision,
                 const effect::FinishRollbackStep& finish) {
    withdraw(task, decision);
    finish_rollback(task, finish.ok, "marked failed by " + decision.by, decision.by, nullptr);
  }

  void carry_out(TaskIndex task, const Decision& decision, const effect::RunRollbackStepAgain&) {
    withdraw(task, decision);
    record(event::TaskReset{id_of(task), person(decision.by), true, {}}, Durability::now);
    note(fmt::format("{} again  {}: its rollback step runs again (by {})", stamp(),
                     runbook_.tasks[task].id, decision.by));
  }

  void carry_out(TaskIndex task, const Decision& decision, const effect::Approve&) {
    approve(task, decision.by, decision.by);
    if (state_.tasks[task].finished()) withdraw(task, decision);
  }

  void carry_out(TaskIndex task, const Decision& decision, const effect::Reject&) {
    withdraw(task, decision);
    reject(task, decision.by);
  }

  // The task's open questions are settled: the one being asked here is taken back, saying by
  // whom, when the decision came from elsewhere.
  void withdraw(TaskIndex task, const Decision& decision) {
    const bool asked_here = !questions_.empty() && questions_.front().task == task;
    std::erase_if(questions_, [&](const Question& question) { return question.task == task; });
    // A terminal answer asks the next question itself, once it is carried out.
    if (!asked_here || !deciding_ || !asking_here()) return;
    console_.withdraw();
    note(fmt::format("{} [{}] answered at another terminal by {} ({}@{})", stamp(),
                     runbook_.tasks[task].id, decision.by, decision.user, decision.host));
    ask_front();
  }

  static std::string trim(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
  }

  void on(const TerminalClosed&) {
    // Nobody is left to answer here: open questions wait for mark / approve from elsewhere.
    if (terminal_closed_) return;
    terminal_closed_ = true;
    console_.answered();
    if (questions_.empty() || options_.non_interactive) return;
    note(fmt::format("{} the terminal's input closed: answer from another terminal", stamp()));
    for (const Question& question : questions_) {
      for (const std::string& command : answer_lines(question.task)) {
        note(fmt::format("    {}", command));
      }
    }
  }

  void drop_questions(TaskStatus status, const std::string& reason) {
    while (!questions_.empty()) {
      const Question question = questions_.front();
      questions_.pop_front();
      const auto open_now = open(question.task);
      if (!open_now || open_now->waiting_for == WaitingFor::decision ||
          open_now->waiting_for == WaitingFor::rollback_decision) {
        continue;  // still in doubt, as before
      }
      if (open_now->waiting_for == WaitingFor::rollback_step) {
        // Nobody said whether the step happened: it is in doubt, not failed, and `resume`
        // (or `rollback`) asks again.
        record(event::TaskInDoubt{id_of(question.task), false, true, reason, std::nullopt, {}},
               Durability::now);
      } else {
        finish_task(question.task, status, reason, nullptr);
      }
    }
    console_.answered();
  }

  // ----- signals -----------------------------------------------------------------------

  void on(const SignalReceived& received) {
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
      record(event::RunStopping{fmt::format("interrupted by {}", signal_name(received.signal)),
                                false, false, true},
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

  void terminate_everything() {
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
    drop_questions(TaskStatus::in_doubt, "interrupted before anyone answered");
  }

  // ----- the terminal ------------------------------------------------------------------

  UtcTime now_utc() const { return setup_.clock->utc_now(); }

  Duration elapsed() const {
    return std::chrono::duration_cast<Duration>(runner_.now() - run_start_);
  }

  // When, as a person reads it: the simulated offset in a dry run, else the time of day in
  // the window's zone (UTC without a window).
  std::string stamp() const {
    if (options_.dry_run) return format_offset(elapsed());
    return clock_time(now_utc());
  }

  // The time of day in the window's zone (UTC without a window).
  std::string clock_time(UtcTime when) const {
    const int offset = runbook_.window ? runbook_.window->start.offset_minutes : 0;
    const auto local = when + std::chrono::minutes(offset);
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::hh_mm_ss of_day{std::chrono::floor<std::chrono::seconds>(local - day)};
    return fmt::format("{:02}:{:02}:{:02}", of_day.hours().count(), of_day.minutes().count(),
                       of_day.seconds().count());
  }

  std::string estimate_note(const Task& task) const {
    return task.estimate ? fmt::format(" (estimate {})", format_duration(*task.estimate)) : "";
  }

  void note(std::string_view line) { console_.note(line); }

  bool console_live() const { return options_.live_view; }

  // The live view: redrawn at most five times a second, since it looks at every task.
  void show_status() {
    if (!console_live()) return;
    const SteadyTime now = runner_.now();
    if (now - last_status_ < std::chrono::milliseconds(200)) return;
    last_status_ = now;
    console_.status(status_line());
  }

  // Who a waiting task waits on, for the live view.
  std::string waited_on(TaskIndex index) const {
    const auto question = open(index);
    if (question && question->waiting_for == WaitingFor::decision) return "a decision (in doubt)";
    if (!question || question->waiting_on.empty()) return "a person";
    return fmt::format("{}", fmt::join(question->waiting_on, ", "));
  }

  std::string status_line() const {
    std::size_t done = 0;
    std::string running;
    for (TaskIndex index = 0; index < runbook_.tasks.size(); ++index) {
      const TaskState& task = state_.tasks[index];
      done += task.finished() ? 1 : 0;
      const bool in_doubt = task.status == TaskStatus::in_doubt;
      if ((!task.active() && !in_doubt) || running.size() > 100) continue;
      const Task& own = runbook_.tasks[index];
      const Duration spent{elapsed().count() - task.started_ms.value_or(elapsed().count())};
      const std::string waits = task.waiting_since
                                    ? fmt::format(" (waits for {} since {})", waited_on(index),
                                                  clock_time(*task.waiting_since))
                                    : "";
      running += fmt::format(" {} {}{}{}", own.id, format_duration(spent),
                             own.estimate ? "/" + format_duration(*own.estimate) : "", waits);
    }
    const Duration left = forecast_remaining(runbook_, graph_, state_, elapsed().count());
    std::string forecast = fmt::format(" | forecast end {}", clock_time(now_utc() + left));
    if (runbook_.window) {
      forecast += fmt::format(", window ends {}", clock_time(runbook_.window->end().utc));
    }
    return fmt::format("[{}/{} done]{}{}{}", done, runbook_.tasks.size(),
                       running.empty() ? "" : " running:", running, forecast);
  }

  // ----- stalls ------------------------------------------------------------------------

  // The runner has nothing left to report (no process, timer, terminal or inbox) but the
  // scheduler waits: for a person nobody can reach here, or because of a bug.
  [[noreturn]] void stalled() const {
    if (!questions_.empty()) {
      throw Error(exit_environment,
                  fmt::format("the run waits for a person, and no terminal or inbox can reach "
                              "one: {}; the journal is intact and the run can be resumed",
                              fmt::join(answer_lines(questions_.front().task), " or ")));
    }
    throw Error(exit_environment,
                "internal error: the run waits for something that cannot happen; the journal is "
                "intact and the run can be resumed");
  }

  const ExecutorSetup& setup_;
  const Runbook& runbook_;
  const RunGraph& graph_;
  ProcessRunner& runner_;
  EventSink& journal_;
  Console& console_;
  const ExecutorOptions& options_;
  RunState state_;
  std::vector<std::string> secret_values_;
  SteadyTime run_start_{};
  ProcessId next_process_ = 1;
  std::uint64_t next_token_ = 1;
  std::map<ProcessId, std::unique_ptr<Activity>> activities_;
  std::vector<std::pair<ProcessId, ProcessSpec>> pending_spawns_;
  std::map<std::uint64_t, Delayed> delayed_;
  std::deque<Question> questions_;
  std::vector<int> attempt_base_;       // per task: attempts before this executor started it
  const Decision* deciding_ = nullptr;  // the inbox decision being carried out
  bool terminating_ = false;
  bool terminal_closed_ = false;
  SteadyTime last_status_{};
};

}  // namespace

ExecutorResult execute(const ExecutorSetup& setup, const RunGraph& graph, ProcessRunner& runner,
                       EventSink& journal, Console& console, const ExecutorOptions& options) {
  return Executor(setup, graph, runner, journal, console, options).run();
}

}  // namespace cutover
