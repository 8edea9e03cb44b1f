#pragma once
// The executor's insides, shared by its rooms (not the library's API: executor.hpp is):
//   executor.cpp            the loop, the journal, acting on the scheduler, taking a run up,
//                           signals
//   executor_processes.cpp  processes: tasks' attempts, gate checks, rollback steps
//   executor_people.cpp     questions at this terminal and decisions from other terminals
//   executor_terminal.cpp   stamps, notes and the live view
//   executor_notify.cpp     the communication plan: notices of what it journals, to hooks

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cutover/plan/run_forecast.hpp"
#include "cutover/run/decision.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/notifier.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/recovery.hpp"
#include "cutover/run/scheduler.hpp"
#include "cutover/run/task_output.hpp"
#include "cutover/run/timed_notices.hpp"
#include "run/live_view.hpp"
#include "run/terminal_questions.hpp"
#include "run/write_failure.hpp"

namespace cutover::detail {

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

class Executor {
 public:
  Executor(const ExecutorSetup& setup, const RunGraph& graph, WatchedRunner& runner,
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
        questions_(runbook_, options.operator_name),
        attempt_base_(runbook_.tasks.size(), 0),
        live_view_(runbook_, graph_) {
    for (const auto& [name, value] : setup_.secrets) secret_values_.push_back(value);
  }

  ExecutorResult run();

 private:
  static constexpr std::uint64_t tick_token = 0;
  static constexpr std::uint64_t timed_notices_token = 1;

  // ----- the journal ------------------------------------------------------------------

  void record(EventBody event, Durability durability);
  event::RunStarted run_started() const;
  // The journal header's time, which a signed decision names.
  const std::string& header_time() const;
  std::optional<std::string> unsigned_reason(const Decision& decision) const;
  event::Person person(std::string_view by) const;
  const std::string& id_of(TaskIndex task) const;

  // ----- acting on the scheduler's decisions -------------------------------------------

  void act(const StartTask& start);
  void show_what_would_run(const Task& task);
  void act(const StopRun& stop);
  void act(const BeginRollback&);
  void act(const StartRollbackStep& step);
  void act(const FinishRun& finish);

  // ----- taking up a run from its journal (resume, rollback) --------------------------

  void take_up();
  std::vector<int> leftover_processes(TaskIndex task, int process_group) const;
  void begin_requested_rollback();
  void run_failures_again();
  void settle_doubt(const InDoubt& doubt);
  void ask_waiting_again();

  // ----- processes ---------------------------------------------------------------------

  std::string expand(std::string_view text) const;
  std::string shown(std::string_view text) const;
  ProcessSpec make_spec(TaskIndex index, Purpose purpose, std::size_t check, int attempt) const;
  void start_process(TaskIndex task, Purpose purpose, std::size_t check, int attempt);
  std::string purpose_name(Purpose purpose, std::size_t check, TaskIndex task) const;
  void spawn_pending();
  std::filesystem::path log_path(TaskIndex task) const;
  void on(const ProcessStarted& started);
  void on(const ProcessOutput& output);
  void emit_lines(Activity& activity, bool is_out,
                  const std::function<void(const LineSplitter::LineHandler&)>& produce);
  void on(const ProcessEnded& ended);
  void task_process_ended(const Activity& activity, const ProcessEnded& ended);
  void finish_task(TaskIndex index, TaskStatus status, const std::string& reason,
                   const ProcessEnded* ended, std::string_view by = {});
  void retry_later(Duration delay, Delayed delayed);
  void start_delayed(const Delayed& delayed);
  void on(const Wakeup& wakeup);

  // ----- gates -------------------------------------------------------------------------

  void start_gate(TaskIndex task);
  void check_ended(const Activity& activity, const ProcessEnded& ended);
  void ask_approvals(TaskIndex task);
  void approve(TaskIndex task, const std::string& approver, std::string_view by);
  void reject(TaskIndex task, const std::string& approver);
  void hold(TaskIndex task, const std::string& approver);

  // ----- rollback ----------------------------------------------------------------------

  void rollback_process_ended(const Activity& activity, const ProcessEnded& ended);
  void finish_rollback(TaskIndex index, bool ok, const std::string& reason, std::string_view by,
                       const ProcessEnded* ended);

  // ----- people ------------------------------------------------------------------------

  bool asking_here() const;
  void ask_person(TaskIndex task);
  std::optional<OpenQuestion> open(TaskIndex task) const;
  std::vector<std::string> answer_lines(TaskIndex task) const;
  void show_answer_commands(TaskIndex task);
  void introduce(const OpenQuestion& question);
  void show_instructions(const Task& task);
  void show_text(std::string_view text);
  void answer_auto(TaskIndex task, const OpenQuestion& open_now);
  void ask_front();
  void on(const TerminalLine& line);
  void decide_at_terminal(const TerminalAnswer& answer);

  // ----- decisions from other terminals ----------------------------------------------

  void on(const InboxChanged&);
  void take_inbox(ExecutorPresence executor);
  void take(const Decision& decision, ExecutorPresence executor);
  void settle(TaskIndex task, const Decision& decision, const Effect& effect, bool from_inbox);
  void carry_out(TaskIndex, const Decision& decision, const effect::Refused& refused);
  void carry_out(TaskIndex task, const Decision& decision, const effect::FinishTask& finish);
  void carry_out(TaskIndex task, const Decision& decision, const effect::RunAgain&);
  void carry_out(TaskIndex task, const Decision& decision,
                 const effect::FinishRollbackStep& finish);
  void carry_out(TaskIndex task, const Decision& decision, const effect::RunRollbackStepAgain&);
  void carry_out(TaskIndex task, const Decision& decision, const effect::Approve&);
  void carry_out(TaskIndex task, const Decision& decision, const effect::Reject&);
  void carry_out(TaskIndex task, const Decision& decision, const effect::Hold&);
  void withdraw(TaskIndex task, const Decision& decision);
  void on(const TerminalClosed&);

  // ----- signals -----------------------------------------------------------------------

  void on(const SignalReceived& received);
  void terminate_everything();

  // ----- the terminal ------------------------------------------------------------------

  UtcTime now_utc() const;
  Duration elapsed() const;
  std::string stamp() const;
  std::string estimate_note(const Task& task) const;
  void note(std::string_view line);
  bool console_live() const;
  void show_status();

  // ----- the communication plan --------------------------------------------------------

  void start_notifier();
  void journal_lost_notices();
  void notify(const JournalEvent& recorded, const std::optional<OpenQuestion>& before);
  bool hook_occurrence(const Occurrence& occurrence);
  void arm_timed_notices();
  void send_timed_notices();
  void finish_notifications();

  // ----- stalls ------------------------------------------------------------------------

  [[noreturn]] void stalled() const;

  // ----- what it works with and keeps --------------------------------------------------

  const ExecutorSetup& setup_;
  const Runbook& runbook_;
  const RunGraph& graph_;
  WatchedRunner& runner_;
  EventSink& journal_;
  Console& console_;
  const ExecutorOptions& options_;
  RunState state_;
  std::vector<std::string> secret_values_;
  SteadyTime run_start_{};
  ProcessId next_process_ = 1;
  std::uint64_t next_token_ = 2;  // after tick_token and timed_notices_token
  std::map<ProcessId, std::unique_ptr<Activity>> activities_;
  std::vector<std::pair<ProcessId, ProcessSpec>> pending_spawns_;
  std::map<std::uint64_t, Delayed> delayed_;
  TerminalQuestions questions_;    // put to the person at this terminal, one at a time
  std::vector<int> attempt_base_;  // per task: attempts before this executor started it
  mutable std::optional<std::string> header_time_;  // header_time(), once read
  const Decision* deciding_ = nullptr;              // the inbox decision being carried out
  std::string terminal_note_;  // the note of one typed at the prompt, meanwhile
  bool terminating_ = false;
  bool terminal_closed_ = false;
  SteadyTime last_status_{};
  std::uint64_t status_seq_ = 0;  // the journal's last seq when the status line was drawn
  LiveView live_view_;
  std::optional<Notifier> notifier_;   // none in a dry run or without hooks
  std::optional<TimedNotices> timed_;  // when a hook hears overrun or deadline
  std::optional<SteadyTime> timed_wake_;
};

}  // namespace cutover::detail
