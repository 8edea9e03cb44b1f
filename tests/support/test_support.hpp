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

// A journal line written by hand as docs/journal-format.md shows it, read as read_journal reads
// it: through the events' one decoder.
inline JournalEvent journal_event(std::uint64_t seq, std::int64_t elapsed_ms, std::string_view type,
                                  const nlohmann::ordered_json& fields, UtcTime time = {}) {
  return {seq, time, elapsed_ms, decode_event(type, fields)};
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

// A journal written by hand: each event gets the next seq, at the elapsed time given (the
// wall time is utc_at of that).
class JournalBuilder {
 public:
  JournalBuilder() {
    journal_.header.run_id = "test/20261128T170000Z";
    journal_.header.label = "rehearsal-1";
    journal_.header.host = "jump-1";
    journal_.header.user = "ops";
    journal_.header.time = utc_at(0);
  }
  JournalBuilder& add(std::int64_t elapsed_ms, std::string type,
                      nlohmann::ordered_json fields = nlohmann::ordered_json::object()) {
    journal_.events.push_back(journal_event(journal_.events.size() + 1, elapsed_ms, type, fields,
                                            utc_at(elapsed_ms) + down_));
    return *this;
  }
  // No executor ran for `time`: the events after this are that much later by the clock than
  // their elapsed_ms says (elapsed_ms leaves a crash's downtime out).
  JournalBuilder& down_for(Duration time) {
    down_ += time;
    return *this;
  }
  JournalBuilder& started(std::int64_t ms, const std::string& task, const std::string& kind = "run",
                          int attempt = 1) {
    return add(ms, "task_started", {{"task", task}, {"attempt", attempt}, {"kind", kind}});
  }
  JournalBuilder& finished(std::int64_t ms, const std::string& task, const std::string& status,
                           const std::string& reason = "", int attempt = 1) {
    nlohmann::ordered_json fields = {{"task", task}, {"status", status}, {"attempt", attempt}};
    if (!reason.empty()) fields["reason"] = reason;
    return add(ms, "task_finished", std::move(fields));
  }
  const Journal& journal() const { return journal_; }

 private:
  Journal journal_;
  Duration down_{0};
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
