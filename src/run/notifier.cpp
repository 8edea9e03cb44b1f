#include "cutover/run/notifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "cutover/base/errors.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/runbook/template.hpp"

namespace cutover {

namespace {

using nlohmann::ordered_json;

void redact_json(ordered_json& json, const std::vector<std::string>& secrets) {
  if (json.is_string()) {
    json = redact(json.get<std::string>(), secrets);
  } else if (json.is_structured()) {
    for (auto& item : json) redact_json(item, secrets);
  }
}

// "task_failed (load)": how the log and the terminal name what a hook was told.
std::string about(const Notice& notice) {
  if (notice.task.empty()) return std::string(to_string(notice.event));
  return fmt::format("{} ({})", to_string(notice.event), notice.task);
}

}  // namespace

std::vector<PreparedHook> prepare_hooks(
    const Runbook& runbook, const std::filesystem::path& runbook_dir,
    const std::vector<std::pair<std::string, std::string>>& environment, const Expand& expand) {
  std::vector<PreparedHook> hooks;
  for (std::size_t i = 0; i < runbook.notify.size(); ++i) {
    const NotifyHook& hook = runbook.notify[i];
    PreparedHook prepared{i + 1, hook, {}};
    ProcessSpec& spec = prepared.spec;
    spec.name = fmt::format("notify hook #{}", i + 1);
    spec.argv = hook.shell;
    spec.argv.push_back(expand(hook.run));
    spec.env = environment;
    spec.workdir = runbook_dir;
    spec.timeout = hook.timeout;
    hooks.push_back(std::move(prepared));
  }
  return hooks;
}

std::vector<std::string> secrets_of_hooks(const Runbook& runbook) {
  std::set<std::string> needed;
  for (const NotifyHook& hook : runbook.notify) {
    for (const TemplateReference& reference : find_references(hook.run)) {
      if (std::find(runbook.secrets.begin(), runbook.secrets.end(), reference.name) !=
          runbook.secrets.end()) {
        needed.emplace(reference.name);
      }
    }
  }
  return {needed.begin(), needed.end()};
}

std::filesystem::path notify_log_path(const std::filesystem::path& run_dir) {
  return run_dir / "logs" / "notify.log";
}

// One notice being told to one hook.
struct Notifier::Attempt {
  ProcessId id = 0;
  Notice notice;
  LineSplitter out;
  LineSplitter err;
  std::size_t logged = 0;  // bytes of output logged so far
};

// One hook: its notices in the order they happened, one at a time.
struct Notifier::Line {
  PreparedHook hook;
  std::deque<Notice> queue;
  std::optional<Attempt> attempt;
  bool failure_shown = false;
};

Notifier::Notifier(NotifierSetup setup, ProcessRunner& runner, Record record, Show show)
    : setup_(std::move(setup)),
      runner_(runner),
      record_(std::move(record)),
      show_(std::move(show)) {
  for (PreparedHook& hook : setup_.hooks) {
    lines_.push_back(std::make_unique<Line>(Line{std::move(hook), {}, std::nullopt, false}));
  }
  setup_.hooks.clear();
  setup_.source.runbook_title = redact(setup_.source.runbook_title, setup_.secrets);
}

Notifier::~Notifier() = default;

bool Notifier::hears(NotifyEvent event) const {
  return std::any_of(lines_.begin(), lines_.end(),
                     [&](const auto& line) { return line->hook.hook.hears(event); });
}

void Notifier::send(const std::vector<Notice>& notices) {
  for (const Notice& notice : notices) {
    for (auto& line : lines_) {
      if (line->hook.hook.hears(notice.event)) line->queue.push_back(notice);
    }
  }
  for (auto& line : lines_) {
    if (!line->attempt) start_next(*line);
  }
}

void Notifier::start_next(Line& line) {
  if (line.queue.empty()) return;
  Notice notice = std::move(line.queue.front());
  line.queue.pop_front();
  notice.task = redact(notice.task, setup_.secrets);
  notice.message = redact(notice.message, setup_.secrets);
  redact_json(notice.details, setup_.secrets);

  ProcessSpec spec = line.hook.spec;
  spec.input = notice_json(notice, setup_.source).dump() + "\n";
  set_env(spec, "CUTOVER_EVENT", std::string(to_string(notice.event)));
  set_env(spec, "CUTOVER_TASK_ID", notice.task);
  set_env(spec, "CUTOVER_MESSAGE", notice.message);
  set_env(spec, "CUTOVER_RUN_ID", setup_.source.run_id);
  set_env(spec, "CUTOVER_RUN_DIR", setup_.source.run_dir);

  const ProcessId id = next_id_++;
  line.attempt.emplace(Attempt{id, std::move(notice), LineSplitter(setup_.secrets),
                               LineSplitter(setup_.secrets), 0});
  running_.emplace(id, &line);
  log_line(line, "---", about(line.attempt->notice));
  flush_log();
  runner_.start(id, spec);
}

void Notifier::on(const ProcessOutput& output) {
  const auto found = running_.find(output.id);
  if (found == running_.end()) return;
  Line& line = *found->second;
  Attempt& attempt = *line.attempt;
  const bool is_out = output.stream == Stream::out;
  (is_out ? attempt.out : attempt.err).feed(output.bytes, [&](std::string_view text) {
    if (attempt.logged >= max_logged_output) return;
    attempt.logged += text.size() + 1;
    log_line(line, is_out ? "out" : "err", text);
    if (attempt.logged >= max_logged_output) {
      log_line(line, "---",
               fmt::format("output beyond {} KiB is not kept", max_logged_output / 1024));
    }
  });
  flush_log();
}

void Notifier::on(const ProcessEnded& ended) {
  const auto found = running_.find(ended.id);
  if (found == running_.end()) return;
  Line& line = *found->second;
  running_.erase(found);
  Attempt attempt = std::move(*line.attempt);
  line.attempt.reset();
  const auto log_rest = [&](std::string_view stream) {
    return [&, stream](std::string_view text) {
      if (attempt.logged < max_logged_output) log_line(line, stream, text);
    };
  };
  attempt.out.finish(log_rest("out"));
  attempt.err.finish(log_rest("err"));
  const std::string end = describe_end(ended, line.hook.hook.timeout);
  log_line(line, "---", end);
  flush_log();

  const std::string notice(to_string(attempt.notice.event));
  if (ended.succeeded()) {
    record_(
        event::NotifySent{line.hook.number, notice, attempt.notice.task, ended.duration.count()});
  } else {
    record_(event::NotifyFailed{line.hook.number, notice, attempt.notice.task, end});
    if (!line.failure_shown) {
      line.failure_shown = true;
      show_(
          fmt::format("notify hook #{} failed on {}: {} (its output is in logs/notify.log; "
                      "further failures of it are only journaled)",
                      line.hook.number, about(attempt.notice), end));
    }
  }
  start_next(line);
}

bool Notifier::busy() const {
  return std::any_of(lines_.begin(), lines_.end(),
                     [](const auto& line) { return line->attempt || !line->queue.empty(); });
}

Duration Notifier::longest_timeout() const {
  Duration longest{0};
  for (const auto& line : lines_) longest = std::max(longest, line->hook.hook.timeout);
  return longest;
}

void Notifier::drop_queued(std::string_view why) {
  for (auto& line : lines_) {
    for (const Notice& notice : line->queue) {
      record_(event::NotifyFailed{line->hook.number, std::string(to_string(notice.event)),
                                  redact(notice.task, setup_.secrets), std::string(why)});
    }
    line->queue.clear();
  }
}

void Notifier::log_line(const Line& line, std::string_view stream, std::string_view text) {
  if (setup_.output && stream != "---") setup_.output(line.hook.number, stream, text);
  if (setup_.log.empty()) return;
  try {
    if (!log_) log_.emplace(setup_.log, *setup_.file_system);
    log_->line(setup_.clock->utc_now(), fmt::format("#{} {}", line.hook.number, stream), text);
  } catch (const WriteError& error) {
    give_up_log(error);
  }
}

void Notifier::flush_log() {
  if (!log_) return;
  try {
    log_->flush();
  } catch (const WriteError& error) {
    give_up_log(error);
  }
}

// A hook never changes the run, not even when its log cannot be written: the log is given up
// and the run goes on.
void Notifier::give_up_log(const WriteError& error) {
  show_(fmt::format("{}; the notify hooks' output is no longer kept", error.what()));
  setup_.log.clear();
  log_.reset();
}

void deliver_all(Notifier& notifier, ProcessRunner& runner) {
  bool ended = false;
  while (notifier.busy()) {
    const std::vector<Occurrence> occurrences = runner.wait();
    if (occurrences.empty()) return;
    for (const Occurrence& occurrence : occurrences) {
      if (const auto* output = std::get_if<ProcessOutput>(&occurrence)) {
        notifier.on(*output);
      } else if (const auto* end = std::get_if<ProcessEnded>(&occurrence)) {
        notifier.on(*end);
      } else if (std::holds_alternative<SignalReceived>(occurrence) && !ended) {
        ended = true;
        notifier.drop_queued("not sent: interrupted");
        runner.terminate_all();
      }
    }
  }
}

}  // namespace cutover
