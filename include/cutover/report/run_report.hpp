#pragma once
// `cutover report` of one run: what it did against its plan, task by task, rebuilt from its
// journal and frozen runbook alone, so it works while the run goes on, after a crash and after
// the end. The model is built here (run_report.cpp, pure but for the log tails read by
// read_log_tails); report_text.cpp and report_data.cpp format it. docs/reports.md documents
// every format.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/run/events.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover {

struct ReportTask {
  TaskIndex index = 0;
  std::string id;
  std::string title;
  std::string phase;
  std::string owner;
  std::string kind;  // run, manual or gate
  std::optional<Duration> estimate;
  // From the plan at the run's start (unlimited parallelism, like `plan`), from the start.
  Duration planned_start{0};
  Duration planned_finish{0};
  // As the journal counts time (monotonic, a crash's downtime left out), from the start.
  std::optional<Duration> actual_start;
  std::optional<Duration> actual_finish;
  std::optional<UtcTime> started;
  std::optional<UtcTime> finished;
  // From the first attempt's start to the end: a retried task counts its whole time.
  std::optional<Duration> duration;
  std::optional<Duration> variance;  // duration - estimate
  std::optional<double> variance_percent;
  int attempts = 0;
  TaskStatus status = TaskStatus::pending;
  bool in_doubt = false;  // started, and nobody knows how it ended
  std::string by;         // who marked it, or rejected the gate
  std::string reason;     // why it failed
  bool planned_critical = false;
  bool actual_critical = false;
  RollbackStatus rollback = RollbackStatus::none;
};

struct ReportPhase {
  std::string name;  // "" for the tasks without a phase
  std::size_t tasks = 0;
  Duration planned_start{0};
  Duration planned_finish{0};
  std::optional<Duration> actual_start;
  std::optional<Duration> actual_finish;  // set once every task of the phase has ended
};

struct ReportCheck {
  std::string gate;
  std::string check;
  int attempt = 1;
  bool passed = false;
  UtcTime time{};
  std::string reason;  // why it did not pass
};

// An approval or a rejection of a gate.
struct ReportDecision {
  std::string gate;
  std::string verdict;   // approved or rejected
  std::string approver;  // the name it counts for
  event::Person person;  // --by, the OS user and host, the note
  UtcTime time{};
};

struct ReportRollbackStep {
  std::string task;
  std::string status;  // started, succeeded, failed
  std::optional<UtcTime> started;
  std::optional<UtcTime> finished;
  std::string by;
  std::string reason;
};

struct ReportOverrun {
  TaskIndex task = 0;                 // into RunReport::tasks
  std::vector<std::string> log_tail;  // the last lines of logs/<task>.log (already redacted)
};

struct ReportCounts {
  std::size_t total = 0, succeeded = 0, failed = 0, skipped = 0, in_doubt = 0, not_started = 0,
              active = 0;
};

struct RunReport {
  std::string run_dir;
  std::string run_id;
  std::string label;
  std::string runbook_id;
  std::string runbook_title;
  std::string status;  // the outcome (succeeded, failed, ...), or running, or interrupted
  UtcTime started{};
  std::optional<UtcTime> finished;
  int zone_offset_minutes = 0;        // the window's zone; UTC without a window
  Duration elapsed{0};                // by the clock, from the start to the last event
  Duration executor_down{0};          // of that, the time no executor ran (RunState)
  Duration planned_total{0};          // the plan's estimated length
  std::optional<Duration> window;     // the window's length
  std::optional<UtcTime> window_end;  // the window's end
  ReportCounts counts;
  std::vector<std::string> people;  // who started, resumed, marked, approved or rejected
  std::vector<ReportTask> tasks;    // in file order
  std::vector<TaskIndex> order;     // the plan's order (by planned start): how tables list them
  std::vector<ReportPhase> phases;  // in the runbook's order of phases
  std::vector<TaskIndex> planned_critical_path;
  std::vector<TaskIndex> actual_critical_path;  // first to last
  std::vector<ReportOverrun> overruns;          // the largest, most first
  std::vector<ReportCheck> checks;
  std::vector<ReportDecision> decisions;
  std::optional<TaskIndex> point_of_no_return;  // the first such task that started
  std::vector<ReportRollbackStep> rollback;
  std::vector<std::string> warnings;   // a torn last line, a broken hash chain
  std::vector<SignOff> signoffs;       // of a succeeded rehearsal, for the go-live rule
  std::optional<GoLiveBasis> go_live;  // of a go-live run: what it relied on, or its override
};

inline constexpr std::size_t report_overrun_count = 10;
inline constexpr std::size_t report_log_tail_lines = 10;

// `executor_alive`: whether an executor holds the run (lock_holder); a task running without one
// was cut off by a crash and is in doubt.
RunReport make_run_report(const Runbook& runbook, const RunGraph& graph, const Journal& journal,
                          const RunState& state, bool executor_alive);
RunReport make_run_report(const RecordedRun& run, bool executor_alive);

// SPEC §4: the chain that set the run's end, backwards from the task that finished last
// through, at each step, the dependency that finished last. First to last.
std::vector<TaskIndex> actual_critical_path(const Dag& dag, const std::vector<TaskState>& tasks);

// Fills each overrun's log tail from RUN_DIR/logs/ (missing logs leave it empty).
void read_log_tails(RunReport& report, const std::filesystem::path& run_dir);

}  // namespace cutover
