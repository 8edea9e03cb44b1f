#include "run/write_failure.hpp"

#include <fmt/format.h>

#include <csignal>
#include <utility>

#include "cutover/run/process_end.hpp"
#include "cutover/run/task_output.hpp"

namespace cutover {

void WatchedRunner::start(ProcessId id, const ProcessSpec& spec) {
  running_.emplace(id, spec.name);
  inner_.start(id, spec);
}

std::vector<Occurrence> WatchedRunner::wait() {
  std::vector<Occurrence> occurrences = inner_.wait();
  for (const Occurrence& occurrence : occurrences) {
    const auto* ended = std::get_if<ProcessEnded>(&occurrence);
    if (!ended) continue;
    const auto process = running_.find(ended->id);
    if (process == running_.end()) continue;
    ended_.try_emplace(ended->id, std::move(process->second), *ended);
    running_.erase(process);
  }
  return occurrences;
}

namespace {

void alert_in_doubt(Console& console, const std::string& name, const ProcessEnded& ended) {
  console.alert(fmt::format("ended  {}: {} (not journaled: it is in doubt)", name,
                            ended.succeeded() ? "succeeded" : describe_end(ended, {})));
}

std::string names(const std::map<ProcessId, std::string>& processes) {
  std::string text;
  for (const auto& [id, name] : processes) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// Output still arriving is shown as during the run: redacted, line by line, prefixed.
class Drain {
 public:
  Drain(const ExecutorSetup& setup, WatchedRunner& runner, Console& console)
      : runner_(runner), console_(console) {
    for (const auto& [name, value] : setup.secrets) secrets_.push_back(value);
  }

  // Until every process has ended; returns the names of those that were running.
  std::map<ProcessId, std::string> run() {
    const std::map<ProcessId, std::string> running = runner_.running();
    while (!runner_.running().empty()) {
      const std::vector<Occurrence> occurrences = runner_.wait();
      if (occurrences.empty()) break;  // nothing left that could end them
      for (const Occurrence& occurrence : occurrences) {
        std::visit([&](const auto& o) { on(o, running); }, occurrence);
      }
    }
    return running;
  }

 private:
  using Running = std::map<ProcessId, std::string>;

  void on(const ProcessOutput& output, const Running& running) {
    const auto name = running.find(output.id);
    if (name == running.end()) return;
    auto [splitter, added] = splitters_.try_emplace({output.id, output.stream}, secrets_);
    splitter->second.feed(
        output.bytes, [&](std::string_view line) { console_.task_line(name->second, 0, line); });
  }

  void on(const ProcessEnded& ended, const Running& running) {
    const auto name = running.find(ended.id);
    if (name == running.end()) return;
    for (const Stream stream : {Stream::out, Stream::err}) {
      const auto splitter = splitters_.find({ended.id, stream});
      if (splitter == splitters_.end()) continue;
      splitter->second.finish(
          [&](std::string_view line) { console_.task_line(name->second, 0, line); });
    }
    alert_in_doubt(console_, name->second, ended);
  }

  void on(const SignalReceived& received, const Running&) {
    if (received.signal == SIGHUP) return console_.lose_terminal();
    if (terminating_) return;
    terminating_ = true;
    console_.alert(fmt::format("{}: terminating the running tasks", signal_name(received.signal)));
    runner_.terminate_all();
  }

  template <typename Other>
  void on(const Other&, const Running&) {}  // timers, typed lines, the inbox: nothing starts

  WatchedRunner& runner_;
  Console& console_;
  std::vector<std::string> secrets_;
  std::map<std::pair<ProcessId, Stream>, LineSplitter> splitters_;
  bool terminating_ = false;
};

}  // namespace

void stop_after_write_failure(const WriteError& error, const ExecutorSetup& setup,
                              WatchedRunner& runner, Console& console) {
  console.answered();
  console.finish();
  const std::string dir = setup.run_dir.string();
  console.alert(fmt::format("STOP   {}", error.what()));
  // Ended before the failure, but their ends were not journaled.
  std::map<ProcessId, std::string> ended;
  for (const auto& [id, process] : runner.unsettled()) {
    alert_in_doubt(console, process.first, process.second);
    ended.emplace(id, process.first);
  }
  if (!runner.running().empty()) {
    console.alert(fmt::format(
        "nothing new starts; waiting for what is running to end ({}), which is no longer "
        "journaled. Ctrl-C terminates them.",
        names(runner.running())));
    ended.merge(Drain(setup, runner, console).run());
  }
  std::string message = fmt::format(
      "{}; the run stopped safely: nothing new was started and the journal holds everything "
      "recorded before the error. Once the cause is fixed (space freed, the disk remounted "
      "read-write), continue with `cutover resume {}`",
      error.what(), dir);
  message +=
      "; tasks whose end could not be journaled are in doubt: resume reruns the "
      "idempotent ones and asks a person about the others";
  if (!ended.empty()) message += fmt::format(" (running when it stopped: {})", names(ended));
  throw EnvironmentError(message);
}

}  // namespace cutover
