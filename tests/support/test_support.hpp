#pragma once
// Shared by unit tests: a fresh temporary directory per test, and runbooks built in code.

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cutover/run/events.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover::testing {

// An automated task (`run: true`) with an optional estimate and dependencies by id.
inline Task make_task(std::string id, std::optional<Duration> estimate = {},
                      std::vector<std::string> depends_on = {}) {
  Task task;
  task.id = std::move(id);
  task.estimate = estimate;
  for (auto& dependency : depends_on) task.depends_on.push_back({std::move(dependency), {}});
  task.kind = Command{"true"};
  return task;
}

// The task with a rollback command ("undo-<id>"), or a rollback step for a person.
inline Task with_rollback(Task task) {
  task.rollback = CommandRollback{"undo-" + task.id, {}};
  return task;
}
inline Task with_manual_rollback(Task task) {
  task.rollback = ManualRollback{"Undo " + task.id + " by hand."};
  return task;
}

// A manual task, otherwise like make_task.
inline Task manual_task(std::string id, std::optional<Duration> estimate = {},
                        std::vector<std::string> depends_on = {}) {
  Task task = make_task(std::move(id), estimate, std::move(depends_on));
  task.kind = Manual{"Do it by hand."};
  return task;
}

// The event as its journal line carries it (without time and prev).
inline nlohmann::ordered_json journaled(const JournalEvent& event) {
  nlohmann::ordered_json line = {
      {"seq", event.seq}, {"elapsed_ms", event.elapsed_ms}, {"event", event.type()}};
  const nlohmann::ordered_json fields = encode_fields(event.body);
  for (const auto& [key, value] : fields.items()) line[key] = value;
  return line;
}

// A gate with approvals (and no checks).
inline Task approval_gate(std::string id, std::vector<std::string> approvals,
                          std::vector<std::string> depends_on = {}) {
  Task task = make_task(std::move(id), {}, std::move(depends_on));
  Gate gate;
  gate.approvals = std::move(approvals);
  task.kind = gate;
  return task;
}

inline Task with_policy(Task task, OnFailure policy) {
  task.on_failure = policy;
  return task;
}

inline Duration minutes(int n) {
  return std::chrono::minutes(n);
}

inline Runbook make_runbook(std::vector<Task> tasks) {
  Runbook runbook;
  runbook.id = "test";
  runbook.tasks = std::move(tasks);
  return runbook;
}

inline Window make_window(Timestamp start, Duration duration) {
  Window window;
  window.start = start;
  window.duration = duration;
  return window;
}

// 2026-11-28 17:00:00Z plus `ms`: the wall time of the runs JournalBuilder writes.
inline UtcTime utc_at(std::int64_t ms) {
  return std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(17) +
         std::chrono::milliseconds(ms);
}

// ----- typed events --------------------------------------------------------------------------
// Each makes the event's struct (include/cutover/run/events.hpp) with the defaults a test
// rarely changes; set a field of the struct for anything else. Every member is initialised, as
// -Wmissing-field-initializers wants.

// Who decided: the name `--by` gave, and the OS user and host when a test needs them.
inline event::Person person(std::string by, std::string user = {}, std::string host = {}) {
  return {std::move(by), std::move(user), std::move(host), "", ""};
}

inline event::RunStarted run_started(bool track = false) {
  event::RunStarted e;
  e.track = track;
  return e;
}

// `cutover resume`, or `cutover rollback` with `rollback`.
inline event::RunResumed run_resumed(bool rollback = false) {
  event::RunResumed e;
  e.rollback = rollback;
  return e;
}

inline event::TaskStarted started(std::string task, std::string kind = "run", int attempt = 1) {
  return {std::move(task), attempt, std::move(kind), std::nullopt};
}

// The task's own process (no purpose), or a gate check's or rollback step's.
inline event::ProcessStarted process_started(std::string task, int pid, int attempt = 1,
                                             std::string purpose = {}) {
  return {std::move(task), attempt, std::move(purpose), pid};
}

// Exit code and duration are not recorded (a ProcessEnd of its defaults).
inline event::AttemptFailed attempt_failed(std::string task, std::string reason, int attempt = 1,
                                           std::int64_t retry_in_ms = 0) {
  return {std::move(task), attempt, std::move(reason), {}, retry_in_ms};
}

inline event::CheckFinished check_finished(std::string task, std::string check, bool passed) {
  return {std::move(task), std::move(check), 1, passed, std::nullopt, {}};
}

// The task's end as its executor records it (without the process's end).
inline event::TaskFinished finished(std::string task, TaskStatus status = TaskStatus::succeeded,
                                    std::string reason = {}, int attempt = 1) {
  return {std::move(task), std::nullopt, status, attempt, std::move(reason), std::nullopt};
}

// A person's verdict (`cutover mark`, a prompt's answer).
inline event::TaskFinished marked(std::string task, TaskStatus status, event::Person by,
                                  std::string reason = {}) {
  return {std::move(task), std::move(by), status, 1, std::move(reason), std::nullopt};
}

inline event::GateWaiting gate_waiting(std::string task, std::vector<std::string> approvers = {}) {
  return {std::move(task), std::move(approvers)};
}

// By the approver themselves, unless a person is given.
inline event::GateApproved approved(std::string task, std::string approver,
                                    std::optional<event::Person> by = std::nullopt) {
  event::Person who = by ? std::move(*by) : person(approver);
  return {std::move(task), std::move(who), std::move(approver)};
}

inline event::GateRejected rejected(std::string task, std::string approver,
                                    std::optional<event::Person> by = std::nullopt) {
  event::Person who = by ? std::move(*by) : person(approver);
  return {std::move(task), std::move(who), std::move(approver)};
}

// The note (the person's) says why.
inline event::GateHeld held(std::string task, std::string approver, std::string note,
                            std::optional<event::Person> by = std::nullopt) {
  event::Person who = by ? std::move(*by) : person(approver);
  who.note = std::move(note);
  return {std::move(task), std::move(who), std::move(approver)};
}

inline event::SignalReceived signal_received(std::string signal, std::string action) {
  return {std::move(signal), std::move(action)};
}

// After a failure: with a rollback to come or not.
inline event::RunStopping stopping(std::string reason, bool rollback = false) {
  return {std::move(reason), rollback, false, false};
}

// By a signal.
inline event::RunStopping interrupting(std::string reason = "interrupted by SIGINT") {
  return {std::move(reason), false, false, true};
}

inline event::RollbackStarted rollback_started() {
  return {std::nullopt, false};
}

inline event::RollbackStepStarted rollback_step_started(std::string task, bool manual = false) {
  return {std::move(task), manual, std::nullopt};
}

// By the executor, or by a person when one is given.
inline event::RollbackStepFinished rollback_step_finished(
    std::string task, bool ok = true, std::string reason = {},
    std::optional<event::Person> by = std::nullopt) {
  return {std::move(task), std::move(by), ok, std::move(reason), std::nullopt};
}

// The exit code that goes with the outcome, unless one is given.
inline event::RunFinished run_finished(RunOutcome outcome, std::optional<int> exit_code = {}) {
  return {outcome, exit_code.value_or(exit_code_of(outcome))};
}

// `resume` found the task started and unfinished: it waits for a person, or runs again
// (journaled as "action": "rerun").
inline event::TaskInDoubt in_doubt(std::string task, bool rerun = false, std::string reason = {}) {
  return {std::move(task), rerun, false, std::move(reason), std::nullopt, {}};
}

// The same for the task's rollback step.
inline event::TaskInDoubt rollback_in_doubt(std::string task, bool rerun = false,
                                            std::string reason = {}) {
  return {std::move(task), rerun, true, std::move(reason), std::nullopt, {}};
}

// Back to pending: the task (or, with `rollback`, its rollback step) runs again.
inline event::TaskReset reset(std::string task, std::string reason = {},
                              std::optional<event::Person> by = std::nullopt) {
  return {std::move(task), std::move(by), false, std::move(reason)};
}
inline event::TaskReset rollback_reset(std::string task) {
  return {std::move(task), std::nullopt, true, ""};
}

// A journal written by hand: each event gets the next seq, at the elapsed time given (the
// wall time is utc_at of that), or `step_ms` after the event before when no time is given.
class JournalBuilder {
 public:
  explicit JournalBuilder(std::int64_t step_ms = 0) : step_ms_(step_ms) {
    journal_.header.run_id = "test/20261128T170000Z";
    journal_.header.label = "rehearsal-1";
    journal_.header.host = "jump-1";
    journal_.header.user = "ops";
    journal_.header.time = utc_at(0);
  }
  JournalBuilder& add(std::int64_t elapsed_ms, EventBody event) {
    journal_.events.push_back(
        {journal_.events.size() + 1, utc_at(elapsed_ms) + down_, elapsed_ms, std::move(event)});
    return *this;
  }
  // For a test where the times do not matter.
  JournalBuilder& add(EventBody event) {
    const std::int64_t ms =
        journal_.events.empty() ? 0 : journal_.events.back().elapsed_ms + step_ms_;
    return add(ms, std::move(event));
  }
  // A line by its JSON, as a journal of another version or one edited by hand may have it: for
  // the tests of what the one decoder makes of such lines. Every other test adds typed events.
  JournalBuilder& add(std::int64_t elapsed_ms, std::string_view type,
                      const nlohmann::ordered_json& fields) {
    return add(elapsed_ms, decode_event(type, fields));
  }
  // No executor ran for `time`: the events after this are that much later by the clock than
  // their elapsed_ms says (elapsed_ms leaves a crash's downtime out).
  JournalBuilder& down_for(Duration time) {
    down_ += time;
    return *this;
  }
  JournalBuilder& started(std::int64_t ms, std::string task, std::string kind = "run",
                          int attempt = 1) {
    return add(ms, testing::started(std::move(task), std::move(kind), attempt));
  }
  JournalBuilder& finished(std::int64_t ms, std::string task, TaskStatus status,
                           std::string reason = {}, int attempt = 1) {
    return add(ms, testing::finished(std::move(task), status, std::move(reason), attempt));
  }
  // Started and finished succeeded (or failed), when the times do not matter.
  JournalBuilder& succeeded(const std::string& task) {
    return add(testing::started(task)).add(testing::finished(task));
  }
  JournalBuilder& failed(const std::string& task) {
    return add(testing::started(task)).add(testing::finished(task, TaskStatus::failed));
  }
  const Journal& journal() const { return journal_; }
  const std::vector<JournalEvent>& events() const { return journal_.events; }

 private:
  Journal journal_;
  Duration down_{0};
  std::int64_t step_ms_;
};

// A runbook with its graph and its journal folded, as `open_recorded_run` makes them. Not
// copied: the graph points into the runbook.
struct FoldedRun {
  Runbook runbook;
  RunGraph graph;
  Journal journal;
  RunState state;

  FoldedRun(Runbook book, const JournalBuilder& events)
      : runbook(std::move(book)), graph(make_run_graph(runbook)), journal(events.journal()) {
    state = fold(runbook, graph, journal.events);
  }
  FoldedRun(const FoldedRun&) = delete;
  FoldedRun& operator=(const FoldedRun&) = delete;
};

class TempDir {
 public:
  // on_ram_disk: under /dev/shm when there is one, for tests that fsync thousands of times and
  // test what cutover does with errors, not the disk's speed.
  enum Where { anywhere, on_ram_disk };
  explicit TempDir(Where where = anywhere) {
    std::random_device random;
    std::error_code error;
    const std::filesystem::path shm = "/dev/shm";
    const auto parent = where == on_ram_disk && std::filesystem::is_directory(shm, error)
                            ? shm
                            : std::filesystem::temp_directory_path();
    path_ = parent / ("cutover-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace cutover::testing
