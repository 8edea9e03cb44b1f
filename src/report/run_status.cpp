#include "cutover/report/run_status.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "cutover/plan/forecast.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

namespace {

using json = nlohmann::ordered_json;

std::string_view phase_name(RunPhase phase) {
  switch (phase) {
    case RunPhase::running:
      return "running";
    case RunPhase::draining:
      return "draining";
    case RunPhase::rolling_back:
      return "rolling_back";
    case RunPhase::finished:
      return "finished";
  }
  return "running";
}

std::string_view rollback_name(RollbackStatus rollback) {
  switch (rollback) {
    case RollbackStatus::none:
      return "none";
    case RollbackStatus::running:
      return "running";
    case RollbackStatus::succeeded:
      return "succeeded";
    case RollbackStatus::failed:
      return "failed";
    case RollbackStatus::in_doubt:
      return "in_doubt";
  }
  return "none";
}

UtcTime last_heard_of(const Journal& journal) {
  return journal.events.empty() ? journal.header.time : journal.events.back().time;
}

std::string zone_name(int offset_minutes) {
  if (offset_minutes == 0) return "UTC";
  const int magnitude = std::abs(offset_minutes);
  return fmt::format("UTC{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', magnitude / 60,
                     magnitude % 60);
}

double seconds(Duration duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

json optional_time(const std::optional<UtcTime>& time) {
  return time ? json(format_utc_ms(*time)) : json(nullptr);
}

json optional_seconds(const std::optional<Duration>& duration) {
  return duration ? json(seconds(*duration)) : json(nullptr);
}

}  // namespace

std::int64_t status_now_ms(const Journal& journal, const RunState& state, UtcTime now) {
  const auto since_last = (now - last_heard_of(journal)).count();
  return state.last_elapsed_ms + std::max<std::int64_t>(since_last, 0);
}

std::string status_clock(UtcTime when, int offset_minutes) {
  using namespace std::chrono;
  const auto local = when + minutes(offset_minutes);
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss of_day{floor<std::chrono::seconds>(local - day)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     of_day.hours().count(), of_day.minutes().count(), of_day.seconds().count());
}

RunStatus make_run_status(const std::string& run_dir, const Runbook& runbook, const RunGraph& graph,
                          const Journal& journal, const RunState& state, UtcTime now,
                          const std::optional<LockHolder>& executor) {
  RunStatus status;
  status.run_dir = run_dir;
  status.run_id = journal.header.run_id;
  status.label = journal.header.label;
  status.runbook_id = runbook.id;
  status.started_by = journal.header.user;
  status.started_host = journal.header.host;
  status.started = journal.header.time;
  status.now = now;
  status.zone_offset_minutes = runbook.window ? runbook.window->start.offset_minutes : 0;
  status.phase = state.phase;
  status.outcome = state.outcome;
  status.stop_reason = state.stop_reason;
  status.interrupted = state.interrupted;
  status.point_of_no_return_passed = state.point_of_no_return_passed;
  status.track = state.track;
  status.executor = executor;
  status.warning = journal.warning;

  const bool finished = state.phase == RunPhase::finished;
  const bool absent = !executor && !finished;  // the executor crashed or was killed
  const std::int64_t now_ms = finished ? state.last_elapsed_ms : status_now_ms(journal, state, now);
  status.elapsed = Duration{now_ms};
  status.last_event = last_heard_of(journal);
  if (finished) status.finished = last_heard_of(journal);

  status.counts.total = runbook.tasks.size();
  status.tasks.reserve(runbook.tasks.size());
  for (TaskIndex index = 0; index < runbook.tasks.size(); ++index) {
    const Task& task = runbook.tasks[index];
    const TaskState& own = state.tasks[index];
    TaskStatusView view;
    view.index = index;
    view.id = task.id;
    view.kind = kind_name(task.kind);
    view.status = own.status;
    view.between_attempts = own.between_attempts && own.status == TaskStatus::running;
    view.attempts = own.attempts;
    view.estimate = task.estimate;
    view.reason = own.reason;
    view.rollback = own.rollback;
    const bool ended = own.finished() || own.status == TaskStatus::in_doubt;
    if (own.status != TaskStatus::pending) view.started = own.started_at;
    if (ended) view.finished = own.finished_at;

    // Cut off by a crash: a command's process may or may not have finished, a gate's checks
    // were cut short. A command between two attempts had no process: `resume` goes on.
    const bool crashed_running =
        absent && own.status == TaskStatus::running && !view.between_attempts;
    view.in_doubt = own.status == TaskStatus::in_doubt || crashed_running;

    if (own.started_ms && own.status != TaskStatus::pending) {
      std::int64_t until = now_ms;
      if (ended && own.finished_ms) until = *own.finished_ms;
      if (crashed_running) until = state.last_elapsed_ms;
      view.elapsed = Duration{std::max<std::int64_t>(until - *own.started_ms, 0)};
      view.overrun = task.estimate && *view.elapsed > *task.estimate;
    }

    const ExecutorPresence presence =
        executor ? ExecutorPresence::running : ExecutorPresence::absent;
    if (const auto question = open_question(runbook, state, index, presence)) {
      view.waiting_for = question->waiting_for;
      view.waiting_on = question->waiting_on;
      view.since = question->since;
      const bool undecided = question->waiting_for == WaitingFor::decision ||
                             question->waiting_for == WaitingFor::rollback_decision;
      if (!view.since && undecided) view.since = last_heard_of(journal);
      view.resume_reruns = question->resume_settles;
      view.commands = answer_commands(runbook, *question, run_dir);
    }
    view.rollback_in_doubt =
        own.rollback == RollbackStatus::in_doubt ||
        (own.rollback == RollbackStatus::running && absent && !state.people_undo(runbook, index));

    StatusCounts& counts = status.counts;
    switch (own.status) {
      case TaskStatus::pending:
        ++counts.pending;
        break;
      case TaskStatus::running:
        ++counts.running;
        break;
      case TaskStatus::waiting:
        ++counts.waiting;
        break;
      case TaskStatus::succeeded:
        ++counts.succeeded;
        break;
      case TaskStatus::failed:
        ++counts.failed;
        break;
      case TaskStatus::skipped:
        ++counts.skipped;
        break;
      case TaskStatus::in_doubt:
        ++counts.interrupted;
        break;
    }
    if (view.in_doubt) ++counts.in_doubt;
    status.tasks.push_back(std::move(view));
  }
  status.counts.done = status.counts.succeeded + status.counts.skipped;

  // A forecast only while the run starts tasks: a stopping or rolling-back run has no
  // estimates for what it does, and a finished one has a duration instead.
  if (state.phase == RunPhase::running) {
    Duration remaining = forecast_remaining(runbook, graph, state, now_ms);
    // A task in doubt is run again or decided by a person before anything after it starts:
    // its whole remaining path is still ahead.
    for (const TaskStatusView& view : status.tasks) {
      if (view.in_doubt) remaining = std::max(remaining, graph.remaining[view.index]);
    }
    StatusForecast forecast;
    forecast.remaining = remaining;
    forecast.end = now + remaining;
    if (runbook.window) {
      forecast.window_end = runbook.window->end();
      forecast.overrun = forecast.end - forecast.window_end->utc;
    }
    status.forecast = forecast;
  }
  return status;
}

RunStatus make_run_status(const RecordedRun& run, UtcTime now,
                          const std::optional<LockHolder>& executor) {
  RunStatus status = make_run_status(run.dir.string(), *run.runbook, run.graph, run.journal,
                                     run.state, now, executor);
  for (const InboxItem& item : read_inbox(run.dir)) {
    const auto* decision = std::get_if<Decision>(&item.content);
    if (decision && !run.state.decisions.contains(decision->id)) status.queued.push_back(*decision);
  }
  return status;
}

// ----- text --------------------------------------------------------------------------------------

namespace {

class TextWriter {
 public:
  TextWriter(const RunStatus& status, bool colour) : status_(status), colour_(colour) {}

  std::string render() {
    header();
    running();
    waiting();
    in_doubt();
    failed();
    rollback();
    queued();
    forecast();
    return std::move(out_);
  }

  void queued() {
    if (status_.queued.empty()) return;
    line("");
    line(bold(status_.executor ? "queued decisions (the executor takes them in)"
                               : "queued decisions (the next `cutover resume` applies them)"));
    for (const Decision& decision : status_.queued) {
      const std::string verdict = decision.kind == DecisionKind::mark
                                      ? fmt::format("mark {}", to_string(decision.verdict))
                                      : std::string(to_string(decision.kind));
      line(fmt::format("  {}  {} by {} ({}@{}), {}", printable(decision.task), verdict,
                       printable(decision.by), printable(decision.user), printable(decision.host),
                       clock(decision.time)));
    }
  }

 private:
  std::string paint(std::string_view text, fmt::text_style style) const {
    if (!colour_) return std::string(text);
    return fmt::format(style, "{}", text);
  }
  std::string bold(std::string_view text) const { return paint(text, fmt::emphasis::bold); }
  std::string red(std::string_view text) const {
    return paint(text, fmt::fg(fmt::terminal_color::red));
  }
  std::string yellow(std::string_view text) const {
    return paint(text, fmt::fg(fmt::terminal_color::yellow));
  }
  std::string green(std::string_view text) const {
    return paint(text, fmt::fg(fmt::terminal_color::green));
  }
  std::string cyan(std::string_view text) const {
    return paint(text, fmt::fg(fmt::terminal_color::cyan));
  }

  std::string clock(UtcTime when) const { return status_clock(when, status_.zone_offset_minutes); }

  // "since 2026-11-28 18:40:02 (15m ago)"
  std::string since(const std::optional<UtcTime>& when) const {
    if (!when) return "";
    const Duration ago = std::max(status_.now - *when, Duration{0});
    return fmt::format("since {} ({} ago)", clock(*when), format_duration(ago));
  }

  void line(std::string_view text) {
    out_ += text;
    out_ += '\n';
  }

  // A section's title, then its rows with the task ids in one column.
  template <typename Predicate, typename Row>
  void section(std::string_view title, Predicate wanted, Row row) {
    std::vector<const TaskStatusView*> tasks;
    std::size_t width = 0;
    for (const TaskStatusView& task : status_.tasks) {
      if (!wanted(task)) continue;
      tasks.push_back(&task);
      width = std::max(width, std::min<std::size_t>(task.id.size(), 32));
    }
    if (tasks.empty()) return;
    line("");
    line(bold(title));
    for (const TaskStatusView* task : tasks) {
      std::vector<std::string> more;
      const std::string text = row(*task, more);
      line(fmt::format("  {:<{}}  {}", printable(task->id), width, text));
      for (const std::string& extra : more) line(fmt::format("  {:<{}}  {}", "", width, extra));
    }
  }

  void header() {
    std::string title = fmt::format("run {}", printable(status_.run_id));
    if (!status_.label.empty()) title += fmt::format(" ({})", printable(status_.label));
    line(bold(title));
    line(fmt::format("started {} by {} on {}; times in {}{}", clock(status_.started),
                     printable(status_.started_by), printable(status_.started_host),
                     zone_name(status_.zone_offset_minutes),
                     status_.zone_offset_minutes != 0 ? ", the window's zone" : ""));
    const std::string dir = shell_word(status_.run_dir);
    if (status_.executor) {
      const auto since = parse_timestamp(status_.executor->started);
      line(fmt::format("executor: {} as pid {} on {} since {}", green("running"),
                       status_.executor->pid, printable(status_.executor->host),
                       since ? clock(since->utc) : printable(status_.executor->started)));
    } else if (status_.finished_run()) {
      const RunOutcome outcome = status_.outcome.value_or(RunOutcome::failed);
      std::string name(to_string(outcome));
      std::replace(name.begin(), name.end(), '_', ' ');
      const std::string painted = outcome == RunOutcome::succeeded ? green(name) : red(name);
      line(fmt::format("executor: not running; the run finished: {} (exit {}) at {}, took {}",
                       painted, exit_code_of(outcome),
                       status_.finished ? clock(*status_.finished) : "?",
                       format_took(status_.elapsed)));
      if (outcome == RunOutcome::failed || outcome == RunOutcome::interrupted) {
        line(fmt::format("  'cutover resume {}' continues it; 'cutover rollback {}' rolls it back",
                         dir, dir));
      }
    } else {
      line(
          fmt::format("executor: {}: it stopped without finishing the run (last journal event "
                      "{}); 'cutover resume {}' continues it",
                      red("not running"), clock(status_.last_event), dir));
    }
    if (status_.track) line("track mode: people do every task, commands included");
    const StatusCounts& counts = status_.counts;
    std::string progress = fmt::format("progress: {}/{} done", counts.done, counts.total);
    const auto add = [&](std::size_t count, std::string_view what) {
      if (count > 0) progress += fmt::format(", {} {}", count, what);
    };
    add(counts.running - std::min(counts.running, crashed_running()), "running");
    add(counts.waiting, "waiting on people");
    add(counts.failed, "failed");
    add(counts.in_doubt, "in doubt");
    add(counts.skipped, "skipped");
    if (!status_.finished_run()) {
      progress += fmt::format("; elapsed {}", format_duration(status_.elapsed));
    }
    line(progress);
    if (status_.phase == RunPhase::draining) {
      line(yellow(fmt::format("stopping: {}; no new tasks start, running ones finish",
                              printable(status_.stop_reason))));
    } else if (status_.phase == RunPhase::rolling_back) {
      line(yellow(status_.stop_reason.empty()
                      ? std::string("rolling back, as asked with cutover rollback")
                      : fmt::format("rolling back: {}", printable(status_.stop_reason))));
    }
    if (status_.point_of_no_return_passed && !status_.finished_run()) {
      line("the point of no return has passed: failures are fixed forward");
    }
  }

  std::size_t crashed_running() const {
    return static_cast<std::size_t>(
        std::count_if(status_.tasks.begin(), status_.tasks.end(), [](const TaskStatusView& task) {
          return task.in_doubt && task.status == TaskStatus::running;
        }));
  }

  std::string took(const TaskStatusView& task) const {
    const std::string spent = task.elapsed ? format_took(*task.elapsed) : "0s";
    if (!task.estimate) return spent + " (no estimate)";
    std::string text = fmt::format("{} of {}", spent, format_duration(*task.estimate));
    if (task.overrun) {
      text += "  " + red(fmt::format("overrun by {}", format_took(*task.elapsed - *task.estimate)));
    }
    return text;
  }

  void running() {
    const bool absent = !status_.executor && !status_.finished_run();
    section(
        "running",
        [](const TaskStatusView& task) {
          return task.status == TaskStatus::running && !task.in_doubt;
        },
        [&](const TaskStatusView& task, std::vector<std::string>& more) {
          std::string text = took(task);
          if (task.kind == "gate") text += "  checks running";
          if (task.between_attempts) {
            text += fmt::format("  attempt {} failed ({}); the next is due", task.attempts,
                                printable(task.reason));
          } else if (task.attempts > 1) {
            text += fmt::format("  attempt {}", task.attempts);
          }
          if (absent) more.push_back("the executor is not running: 'cutover resume' goes on");
          return text;
        });
  }

  void commands(const TaskStatusView& task, std::vector<std::string>& more) const {
    for (const std::string& command : task.commands) more.push_back(cyan("$ " + command));
  }

  void waiting() {
    section(
        "waiting on people",
        [](const TaskStatusView& task) {
          return task.waiting_for == WaitingFor::manual ||
                 task.waiting_for == WaitingFor::approval ||
                 task.waiting_for == WaitingFor::rollback_step;
        },
        [&](const TaskStatusView& task, std::vector<std::string>& more) {
          std::string text;
          if (task.waiting_for == WaitingFor::approval) {
            std::vector<std::string> names;
            for (const std::string& name : task.waiting_on) names.push_back(printable(name));
            text = fmt::format("approval by {}", fmt::join(names, ", "));
          } else if (task.waiting_for == WaitingFor::rollback_step) {
            text = "its manual rollback step, done or failed by a person";
          } else {
            text = fmt::format("done, failed or skipped by {}",
                               task.waiting_on.empty() ? std::string("a person")
                                                       : printable(task.waiting_on.front()));
          }
          if (task.since) text += ", " + since(task.since);
          if (task.estimate && task.waiting_for == WaitingFor::manual) {
            text += fmt::format("; {}", took(task));
          }
          commands(task, more);
          return text;
        });
    const bool any = std::any_of(status_.tasks.begin(), status_.tasks.end(), [](const auto& task) {
      return task.waiting_for == WaitingFor::manual || task.waiting_for == WaitingFor::approval ||
             task.waiting_for == WaitingFor::rollback_step;
    });
    if (any && !status_.executor && !status_.finished_run()) {
      line(fmt::format("  no executor is running: the next 'cutover resume {}' takes these in",
                       shell_word(status_.run_dir)));
    }
  }

  void in_doubt() {
    section(
        "in doubt",
        [](const TaskStatusView& task) {
          return task.in_doubt || task.waiting_for == WaitingFor::rollback_decision;
        },
        [&](const TaskStatusView& task, std::vector<std::string>& more) {
          std::string text;
          if (task.waiting_for == WaitingFor::rollback_decision) {
            text = "its rollback step was cut off";
          } else if (task.status == TaskStatus::in_doubt) {
            text = "interrupted";
            if (!task.reason.empty()) text += fmt::format(" ({})", printable(task.reason));
          } else {
            text = "was running when the executor stopped";
          }
          if (task.started) text += fmt::format("; started {}", clock(*task.started));
          if (task.since) text += fmt::format("; last heard of {}", clock(*task.since));
          if (task.resume_reruns) {
            if (task.kind == "gate") {
              text += "; resume runs its checks again";
            } else if (task.kind == "manual" || status_.track) {
              text += "; resume asks a person again";
            } else {
              text += "; idempotent: resume runs it again";
            }
          }
          commands(task, more);
          return yellow(text);
        });
  }

  void failed() {
    section(
        "failed", [](const TaskStatusView& task) { return task.status == TaskStatus::failed; },
        [&](const TaskStatusView& task, std::vector<std::string>&) {
          std::string text = red(task.reason.empty() ? "failed" : printable(task.reason));
          if (task.attempts > 1) text += fmt::format(" (attempt {})", task.attempts);
          if (task.finished) text += fmt::format(" at {}", clock(*task.finished));
          return text;
        });
  }

  void rollback() {
    section(
        "rollback",
        [](const TaskStatusView& task) {
          return task.rollback != RollbackStatus::none &&
                 task.waiting_for != WaitingFor::rollback_decision &&
                 task.waiting_for != WaitingFor::rollback_step;
        },
        [&](const TaskStatusView& task, std::vector<std::string>&) {
          switch (task.rollback) {
            case RollbackStatus::succeeded:
              return green("rolled back");
            case RollbackStatus::failed:
              return red("rollback step failed");
            case RollbackStatus::running:
              return std::string("rollback step running");
            default:
              return yellow(std::string(rollback_name(task.rollback)));
          }
        });
  }

  void forecast() {
    if (!status_.forecast) return;
    const StatusForecast& forecast = *status_.forecast;
    line("");
    std::string text = fmt::format("{} end {} ({} from now)", bold("forecast:"),
                                   clock(forecast.end), format_duration(forecast.remaining));
    if (forecast.window_end && forecast.overrun) {
      text += fmt::format("; the window ends {}: ", clock(forecast.window_end->utc));
      if (*forecast.overrun > Duration{0}) {
        text += red(fmt::format("overruns it by {}", format_duration(*forecast.overrun)));
      } else {
        text += green(fmt::format("fits with {} to spare", format_duration(-*forecast.overrun)));
      }
    } else {
      text += "; no window";
    }
    line(text);
    if (!status_.executor) line("  (if the run is resumed now)");
  }

  const RunStatus& status_;
  bool colour_;
  std::string out_;
};

}  // namespace

std::string render_status_text(const RunStatus& status, bool colour) {
  return TextWriter(status, colour).render();
}

// ----- JSON --------------------------------------------------------------------------------------

json status_json(const RunStatus& status) {
  json out;
  out["format"] = "cutover-status";
  out["version"] = 1;
  out["run_dir"] = status.run_dir;
  out["run_id"] = status.run_id;
  out["label"] = status.label;
  out["runbook_id"] = status.runbook_id;
  out["started"] = format_utc_ms(status.started);
  out["now"] = format_utc_ms(status.now);
  out["last_event"] = format_utc_ms(status.last_event);
  out["phase"] = phase_name(status.phase);
  out["outcome"] = status.outcome ? json(to_string(*status.outcome)) : json(nullptr);
  out["exit_code"] = status.outcome ? json(exit_code_of(*status.outcome)) : json(nullptr);
  out["stop_reason"] = status.stop_reason.empty() ? json(nullptr) : json(status.stop_reason);
  out["point_of_no_return_passed"] = status.point_of_no_return_passed;
  out["track"] = status.track;
  if (status.executor) {
    out["executor"] = {{"pid", status.executor->pid},
                       {"host", status.executor->host},
                       {"since", status.executor->started}};
  } else {
    out["executor"] = nullptr;
  }
  out["elapsed_s"] = seconds(status.elapsed);
  out["finished"] = optional_time(status.finished);
  const StatusCounts& counts = status.counts;
  out["counts"] = {{"total", counts.total},
                   {"done", counts.done},
                   {"pending", counts.pending},
                   {"running", counts.running},
                   {"waiting", counts.waiting},
                   {"succeeded", counts.succeeded},
                   {"failed", counts.failed},
                   {"skipped", counts.skipped},
                   {"interrupted", counts.interrupted},
                   {"in_doubt", counts.in_doubt}};
  json tasks = json::array();
  for (const TaskStatusView& task : status.tasks) {
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
    row["resume_reruns"] = task.resume_reruns;
    row["reason"] = task.reason.empty() ? json(nullptr) : json(task.reason);
    row["rollback"] =
        task.rollback == RollbackStatus::none ? json(nullptr) : json(rollback_name(task.rollback));
    tasks.push_back(std::move(row));
  }
  out["tasks"] = std::move(tasks);
  if (status.forecast) {
    const StatusForecast& forecast = *status.forecast;
    out["forecast"] = {
        {"remaining_s", seconds(forecast.remaining)},
        {"end", format_utc_ms(forecast.end)},
        {"window_end",
         forecast.window_end ? json(format_utc_ms(forecast.window_end->utc)) : json(nullptr)},
        {"overrun_s", optional_seconds(forecast.overrun)},
    };
  } else {
    out["forecast"] = nullptr;
  }
  out["warning"] = status.warning ? json(*status.warning) : json(nullptr);
  json queued = json::array();
  for (const Decision& decision : status.queued) queued.push_back(decision_json(decision));
  out["queued"] = std::move(queued);
  return out;
}

}  // namespace cutover
