#pragma once
// `cutover status`: what a run is doing, as its journal and its lock say, at a given moment.
// Pure: built from a recorded run, its inbox, the time now and who holds the lock (never
// taken here), so it works while the executor runs, after it crashed and after it finished.
// The model is built here (run_status.cpp); status_text.cpp and status_json.cpp format it. The JSON
// form is documented in docs/journal-format.md ("cutover status --format json").

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cutover/run/decision.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

struct TaskStatusView {
  TaskIndex index = 0;
  std::string id;
  std::string kind;  // run, manual or gate
  TaskStatus status = TaskStatus::pending;
  // Started and nobody knows how it ended: `interrupted`, or `running` (not between two
  // attempts) while no executor holds the lock and the run has not finished: it crashed.
  bool in_doubt = false;
  bool between_attempts = false;  // a failed attempt; the next one is due
  int attempts = 0;
  std::optional<UtcTime> started;
  std::optional<UtcTime> finished;
  std::optional<Duration> elapsed;  // by the clock: finished, its duration; active, so far
  std::optional<Duration> estimate;
  bool overrun = false;  // elapsed beyond the estimate
  WaitingFor waiting_for = WaitingFor::nothing;
  // Whom it waits on: the manual task's owner, the approvers still due; empty: anyone.
  std::vector<std::string> waiting_on;
  std::optional<UtcTime> since;  // when the waiting began (in doubt: when it was last heard of)
  std::vector<std::string> commands;  // what a person types, one line each
  std::vector<GateHold> holds;        // a gate waiting for approvals: who holds it and why
  // In doubt, but `resume` settles it by itself: a person's task is asked again, a gate's
  // checks and an idempotent command run again (not while rolling back).
  bool resume_reruns = false;
  std::string reason;  // why it failed (or the last attempt did)
  RollbackStatus rollback = RollbackStatus::none;
  bool rollback_in_doubt = false;
  // A failed task's, or a running one's past its estimate: the last lines of its log and where
  // the log is (read_status_log_tails).
  std::vector<std::string> log_tail;
  std::string log_path;
};

// The forecast end of what is left (plan/run_forecast.hpp), from `now`.
struct StatusForecast {
  std::size_t samples = 0;
  Duration p50_remaining{0};
  Duration p90_remaining{0};
  UtcTime p50_end{};
  UtcTime p90_end{};
  std::optional<Timestamp> window_end;
  std::optional<double> p_fit;  // the chance of ending inside the window
};

// The next gate's no-go deadline: after it, a no-go there could not be rolled back inside the
// window (docs/forecast.md).
struct StatusGate {
  std::string id;
  UtcTime no_go_deadline{};
  Duration left{0};  // from now; negative once it has passed
};

struct StatusCounts {
  std::size_t total = 0;
  std::size_t done = 0;  // succeeded or skipped
  std::size_t pending = 0, running = 0, waiting = 0, succeeded = 0, failed = 0, skipped = 0,
              interrupted = 0, in_doubt = 0;
};

struct RefusedDecision {
  UtcTime time{};
  event::DecisionRefused refusal;
};

struct RunStatus {
  std::string run_dir;  // as given or resolved, for the commands shown
  std::string run_id;
  std::string label;
  std::string runbook_id;
  std::string started_by;    // the header's user
  std::string started_host;  // the header's host
  UtcTime started{};         // the header's time
  UtcTime now{};
  int zone_offset_minutes = 0;  // the window's zone; UTC without a window
  RunPhase phase = RunPhase::running;
  std::optional<RunOutcome> outcome;
  std::string stop_reason;
  bool interrupted = false;
  bool point_of_no_return_passed = false;
  bool track = false;
  std::optional<LockHolder> executor;  // the live executor, if any
  // By the clock, from the run's start to now (a live or crashed run) or to its end: the time no
  // executor ran included, and also told apart.
  Duration elapsed{0};
  Duration executor_down{0};        // RunState::executor_down
  std::optional<UtcTime> finished;  // the run_finished event's time
  UtcTime last_event{};             // the last journal event's time (the header's without one)
  StatusCounts counts;
  std::vector<TaskStatusView> tasks;       // every task, in file order
  std::optional<StatusForecast> forecast;  // only while the run starts tasks
  std::optional<StatusGate> next_gate;     // the same, and only with a window and a gate ahead
  std::optional<std::string> warning;      // the journal's (a torn last line)
  std::string next_step;  // once it has ended: what to type now (lifecycle's next_step)
  std::string take_up;    // the command that applies queued decisions (take_up_command)
  // Decisions waiting in RUN_DIR/inbox/ for the executor, or for the next `resume`.
  std::vector<Decision> queued;
  // Decisions the executor did not carry out, with why (the latest ten, oldest first): a
  // person who queued one while no executor ran learns here what `resume` made of it.
  std::vector<RefusedDecision> refused;
  std::vector<SignOff> signoffs;       // of a succeeded rehearsal, for the go-live rule
  std::optional<GoLiveBasis> go_live;  // of a go-live run: what it relied on, or its override

  bool finished_run() const { return phase == RunPhase::finished; }
};

// `now_ms` for a run that has not finished: the last event's elapsed_ms plus the wall time
// since that event (never negative).
std::int64_t status_now_ms(const Journal& journal, const RunState& state, UtcTime now);

RunStatus make_run_status(const std::string& run_dir, const Runbook& runbook, const RunGraph& graph,
                          const Journal& journal, const RunState& state, UtcTime now,
                          const std::optional<LockHolder>& executor);

// With the decisions read from the run's inbox (read_inbox), for `queued`.
RunStatus make_run_status(const RecordedRun& run, const std::vector<InboxItem>& inbox, UtcTime now,
                          const std::optional<LockHolder>& executor);

inline constexpr std::size_t status_log_tail_lines = 5;

// Fills the log tails of failed tasks and of running ones past their estimate from
// RUN_DIR/logs/ (a missing log leaves them empty): the one read of files beside the journal.
void read_status_log_tails(RunStatus& status, const std::filesystem::path& run_dir);

// For people; colour (ANSI) only when asked.
std::string render_status_text(const RunStatus& status, bool colour);

// For scripts: the object documented in docs/journal-format.md.
// Streamed a task at a time, as dump(2) would print it, or on one line with `one_line`.
std::string status_json(const RunStatus& status, bool one_line = false);

}  // namespace cutover
