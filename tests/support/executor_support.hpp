#pragma once
// Shared by the executor's unit tests: a runbook run on a VirtualRunner by a Harness, with
// scripted outcomes, lines typed at the terminal and decisions delivered to the inbox; what
// the run left behind (Result); and the tasks, checks and decisions the runs are made of.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cutover/base/errors.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/virtual_runner.hpp"
#include "support/test_support.hpp"

namespace cutover::testing {

using json = nlohmann::ordered_json;
using Lines = std::vector<std::string>;
using Times = std::vector<std::int64_t>;

inline constexpr std::int64_t minute_ms = 60'000;

inline GateCheck make_check(std::string name, std::optional<std::string> stdout_pattern = {},
                            int retries = 0, Duration retry_delay = Duration{0}) {
  GateCheck check;
  check.name = std::move(name);
  check.run = "./check.sh";
  check.expect.stdout_pattern = std::move(stdout_pattern);
  check.retries = retries;
  check.retry_delay = retry_delay;
  return check;
}

inline Task gate_task(std::string id, std::vector<GateCheck> checks,
                      std::vector<std::string> approvals,
                      std::vector<std::string> depends_on = {}) {
  Task task = make_task(std::move(id), {}, std::move(depends_on));
  task.kind = Gate{std::move(checks), std::move(approvals)};
  return task;
}

inline VirtualOutcome exits(int code) {
  VirtualOutcome outcome;
  outcome.exit_code = code;
  return outcome;
}

inline VirtualOutcome prints(std::string out) {
  VirtualOutcome outcome;
  outcome.out = std::move(out);
  return outcome;
}

inline std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

inline std::size_t count(std::string_view text, std::string_view what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

// What a run left behind: its journal, its terminal, the processes it started.
struct Result {
  ExecutorResult run;
  std::vector<JournalEvent> events;
  std::string console;
  std::vector<ProcessSpec> started;

  std::vector<JournalEvent> of(std::string_view type) const {
    std::vector<JournalEvent> found;
    for (const JournalEvent& event : events) {
      if (event.type() == type) found.push_back(event);
    }
    return found;
  }
  // One field of every event of a type, as text ("" where it is missing).
  Lines values(std::string_view type, const char* field) const {
    Lines found;
    for (const JournalEvent& event : of(type)) {
      const json line = testing::journaled(event);
      const auto it = line.find(field);
      found.push_back(it == line.end() ? "" : text_of(*it));
    }
    return found;
  }
  Lines tasks(std::string_view type) const { return values(type, "task"); }
  Times elapsed(std::string_view type) const {
    Times found;
    for (const JournalEvent& event : of(type)) found.push_back(event.elapsed_ms);
    return found;
  }
  Lines types() const {
    Lines found;
    for (const JournalEvent& event : events) found.push_back(std::string(event.type()));
    return found;
  }
  // The only event of a type for a task, as its journal line carries it.
  json one(std::string_view type, std::string_view task) const {
    std::vector<json> found;
    for (const JournalEvent& event : of(type)) {
      json line = testing::journaled(event);
      if (line.value("task", "") == task) found.push_back(std::move(line));
    }
    REQUIRE(found.size() == 1);
    return found.front();
  }
  Lines process_names() const {
    Lines names;
    for (const ProcessSpec& spec : started) names.push_back(spec.name);
    return names;
  }
  std::int64_t end_ms() const { return events.empty() ? -1 : events.back().elapsed_ms; }
  std::string outcome() const { return std::string(to_string(run.outcome)); }
  // Why the run could not go on (Harness::run_to_stall), empty otherwise.
  std::string error;
};

// Hands a VirtualRunner's occurrences through, and writes each scheduled decision into the
// inbox just before the InboxChanged that announces it comes out of wait().
class DeliveringRunner : public ProcessRunner {
 public:
  DeliveringRunner(VirtualRunner& inner, std::filesystem::path run_dir,
                   std::vector<std::pair<Duration, Decision>> deliveries)
      : inner_(inner),
        start_(inner.now()),
        run_dir_(std::move(run_dir)),
        deliveries_(std::move(deliveries)) {}
  void start(ProcessId id, const ProcessSpec& spec) override { inner_.start(id, spec); }
  void terminate_all() override { inner_.terminate_all(); }
  void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) override {
    inner_.wake_at(when, token);
  }
  std::vector<Occurrence> wait() override {
    std::vector<Occurrence> occurrences = inner_.wait();
    for (auto it = deliveries_.begin(); it != deliveries_.end();) {
      if (start_ + it->first <= inner_.now()) {
        deliver(run_dir_, it->second);
        it = deliveries_.erase(it);
      } else {
        ++it;
      }
    }
    return occurrences;
  }
  std::chrono::steady_clock::time_point now() const override { return inner_.now(); }

 private:
  VirtualRunner& inner_;
  std::chrono::steady_clock::time_point start_;
  std::filesystem::path run_dir_;
  std::vector<std::pair<Duration, Decision>> deliveries_;
};

inline constexpr std::string_view run_id = "test/20261128T170000Z";

// A decision made with `cutover mark` at another terminal.
inline Decision marked(std::string id, std::string task, Verdict verdict, std::string by = "alice",
                       std::string note = {}) {
  Decision decision;
  decision.id = std::move(id);
  decision.run_id = std::string(run_id);
  decision.kind = DecisionKind::mark;
  decision.task = std::move(task);
  decision.verdict = verdict;
  decision.by = std::move(by);
  decision.note = std::move(note);
  decision.user = "alice-u";
  decision.host = "laptop";
  return decision;
}

// The same with `cutover approve` or `cutover reject`.
inline Decision gate_decision(std::string id, DecisionKind kind, std::string gate, std::string by) {
  Decision decision = marked(std::move(id), std::move(gate), Verdict::done, std::move(by));
  decision.kind = kind;
  return decision;
}

// A runbook run on a VirtualRunner, with scripted outcomes per process name ("a", "g: check",
// "a (rollback)"): the n-th start of a name gets the n-th outcome, the last one repeats, and a
// name without a script succeeds after its estimate.
class Harness {
 public:
  explicit Harness(std::vector<Task> tasks) : runbook(make_runbook(std::move(tasks))) {}

  Runbook runbook;
  ExecutorOptions options;
  ConsoleStyle console_style;  // live: the live view's status lines are in Result::console
  std::map<std::string, std::vector<VirtualOutcome>> outcomes;
  std::vector<std::pair<std::string, std::string>> secrets;
  std::filesystem::path run_dir;
  const std::vector<JournalEvent>* history = nullptr;  // resume and rollback
  LeftoverFinder leftovers = [](TaskIndex, int) { return std::vector<int>{}; };

  // A decision written into RUN_DIR/inbox/ at `after` (run_dir must be set), announced by
  // InboxChanged at the same moment.
  Harness& decide(Duration after, Decision decision) {
    deliveries_.emplace_back(after, std::move(decision));
    return inject(after, InboxChanged{});
  }

  // One of Occurrence's alternatives, built in place: a moved Occurrence draws a false
  // -Wmaybe-uninitialized from g++ 12 once this is inlined.
  template <typename Alternative>
  Harness& inject(Duration after, Alternative occurrence) {
    injections_.emplace_back(after, std::move(occurrence));
    return *this;
  }
  // Lines typed at the terminal, one a minute from `first`.
  Harness& type(Duration first, const Lines& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      inject(first + minutes(static_cast<int>(i)), TerminalLine{lines[i]});
    }
    return *this;
  }

  Result run() { return run_impl(false); }

  // A run that ends waiting for a person nobody can reach: the Error's message in `error`.
  Result run_to_stall() { return run_impl(true); }

 private:
  Result run_impl(bool expect_stall) {
    if (!run_dir.empty()) std::filesystem::create_directories(run_dir / "logs");
    const RunGraph graph = make_run_graph(runbook);
    VirtualRunner virtual_runner([this](const ProcessSpec& spec) {
      const auto it = outcomes.find(spec.name);
      if (it == outcomes.end() || it->second.empty()) return VirtualOutcome{};
      const std::size_t n = starts_[spec.name]++;
      return it->second[std::min(n, it->second.size() - 1)];
    });
    for (const auto& [after, occurrence] : injections_) virtual_runner.inject(after, occurrence);
    DeliveringRunner runner(virtual_runner, run_dir, deliveries_);
    // A run taken up from its journal goes on from the journal's last elapsed time.
    const std::int64_t offset = history && !history->empty() ? history->back().elapsed_ms : 0;
    MemoryJournal journal([&virtual_runner, offset, start = virtual_runner.now()] {
      return offset + std::chrono::duration_cast<Duration>(virtual_runner.now() - start).count();
    });
    char* buffer = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&buffer, &size);
    REQUIRE(out != nullptr);
    Result result;
    try {
      Console console(out, console_style);
      ExecutorSetup setup{runbook, {}, run_dir, std::string(run_id), {}, secrets, "ops", "host-1"};
      setup.history = history;
      setup.leftovers = leftovers;
      result.run = execute(setup, graph, runner, journal, console, options);
      REQUIRE_FALSE_MESSAGE(expect_stall, "the run did not stall");
    } catch (const Error& error) {
      if (!expect_stall) {
        std::fclose(out);
        std::free(buffer);
        throw;
      }
      result.error = error.what();
    } catch (...) {
      std::fclose(out);
      std::free(buffer);
      throw;
    }
    std::fclose(out);
    result.console.assign(buffer, size);
    std::free(buffer);
    result.events = journal.events();
    result.started = virtual_runner.started();
    return result;
  }

  std::vector<std::pair<Duration, Occurrence>> injections_;
  std::vector<std::pair<Duration, Decision>> deliveries_;
  std::map<std::string, std::size_t> starts_;
};

// The events of a first run up to and including the n-th (1-based) event of a type: a crash
// right after it.
inline std::vector<JournalEvent> cut_after(const std::vector<JournalEvent>& events,
                                           std::string_view type, int nth = 1) {
  std::vector<JournalEvent> kept;
  for (const JournalEvent& event : events) {
    kept.push_back(event);
    if (event.type() == type && --nth == 0) return kept;
  }
  FAIL("the first run has no such event");
  return kept;
}

}  // namespace cutover::testing
