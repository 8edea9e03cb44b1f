// `cutover status` as people read it.

#include <fmt/color.h>
#include <fmt/format.h>

#include "base/table.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "report/go_live_view.hpp"

namespace cutover {

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
    refused();
    signed_off();
    forecast();
    return std::move(out_);
  }

  void refused() {
    if (status_.refused.empty()) return;
    line("");
    line(bold("refused decisions"));
    for (const RefusedDecision& refused : status_.refused) {
      const event::DecisionRefused& r = refused.refusal;
      if (!r.file.empty()) {
        line(fmt::format("  {}  {}: {}", clock(refused.time), printable(r.file),
                         red(printable(r.reason))));
        continue;
      }
      const std::string verdict = r.verdict.empty() ? r.kind : r.kind + " " + r.verdict;
      line(fmt::format("  {}  {} {} by {} ({}@{}): {}", clock(refused.time), verdict,
                       printable(r.task), printable(r.person.by), printable(r.person.user),
                       printable(r.person.host), red(printable(r.reason))));
    }
  }

  // What a go-live run relied on: the go-live rule's rehearsals and sign-offs, or who overrode
  // the rule and why.
  void go_live() {
    if (!status_.go_live) return;
    if (const std::string overridden = override_words(*status_.go_live); !overridden.empty()) {
      line(red(overridden));
    }
    line(go_live_words(*status_.go_live));
  }

  void signed_off() {
    if (status_.signoffs.empty()) return;
    line("");
    line(bold("signed off (for the go-live rule)"));
    for (const SignOff& signoff : status_.signoffs) {
      line("  " + signoff_words(signoff, status_.zone_offset_minutes));
    }
  }

  void queued() {
    if (status_.queued.empty()) return;
    line("");
    line(bold(status_.executor ? std::string("queued decisions (the executor takes them in)")
                               : fmt::format("queued decisions (the next `{}` applies them)",
                                             printable(status_.take_up))));
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

  // " (executor down 2m12s)" after a run's time, when an executor was ever down.
  std::string down() const {
    if (status_.executor_down <= Duration{0}) return {};
    return fmt::format(" (executor down {})", format_took(status_.executor_down));
  }
  std::string clock(UtcTime when) const {
    return zoned_date_time(when, status_.zone_offset_minutes);
  }

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
    go_live();
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
                       format_took(status_.elapsed) + down()));
      if (!status_.next_step.empty()) line("  " + printable(status_.next_step));
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
      progress += fmt::format("; elapsed {}{}", format_duration(status_.elapsed), down());
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
          log_tail(task, more);
          return text;
        });
  }

  // "log: PATH (last lines)" and the lines, indented, each on one terminal line.
  void log_tail(const TaskStatusView& task, std::vector<std::string>& more) const {
    if (task.log_tail.empty()) return;
    more.push_back(fmt::format("log: {} (last lines)", printable(task.log_path)));
    for (const std::string& entry : task.log_tail) {
      more.push_back("  " + cut(printable(entry), report_text_width));
    }
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
          for (const GateHold& hold : task.holds) {
            more.push_back(yellow(fmt::format("held by {} at {}: {}", printable(hold.approver),
                                              clock(hold.at), printable(hold.note))));
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
        [&](const TaskStatusView& task, std::vector<std::string>& more) {
          std::string text = red(task.reason.empty() ? "failed" : printable(task.reason));
          if (task.attempts > 1) text += fmt::format(" (attempt {})", task.attempts);
          if (task.finished) text += fmt::format(" at {}", clock(*task.finished));
          log_tail(task, more);
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
              return yellow(std::string(to_string(task.rollback)));
          }
        });
  }

  void forecast() {
    if (!status_.forecast) return;
    const StatusForecast& forecast = *status_.forecast;
    line("");
    line(fmt::format("{} P50 end {} ({} from now), P90 {} ({})", bold("forecast:"),
                     clock(forecast.p50_end), format_duration(forecast.p50_remaining),
                     clock(forecast.p90_end), format_duration(forecast.p90_remaining)));
    if (forecast.window_end && forecast.p_fit) {
      const Duration spare = forecast.window_end->utc - forecast.p90_end;
      line(fmt::format(
          "  the window ends {}: {:.0f}% chance to fit; {}", clock(forecast.window_end->utc),
          *forecast.p_fit * 100,
          spare < Duration{0}
              ? red(fmt::format("P90 overruns it by {}", format_duration(-spare)))
              : green(fmt::format("P90 fits with {} to spare", format_duration(spare)))));
    } else {
      line("  no window");
    }
    if (const auto& gate = status_.next_gate) {
      const std::string left =
          gate->left < Duration{0}
              ? red(fmt::format("passed {} ago: a no-go there could no longer be rolled back "
                                "inside the window",
                                format_duration(-gate->left)))
              : fmt::format("{} left", format_duration(gate->left));
      line(fmt::format("  next gate {}: no-go deadline {} ({})", printable(gate->id),
                       clock(gate->no_go_deadline), left));
    }
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

}  // namespace cutover
