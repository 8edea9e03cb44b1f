#pragma once
// The journal's events, one struct each: the one owner of the schema in docs/journal-format.md.
// The executor records these, the fold (run_state.cpp) visits them, and only events.cpp knows
// their JSON. Decoding is tolerant, as a journal of an older or newer version must read: a
// missing field takes its default, and an event type this version does not know is kept as
// `Unknown` (the fold ignores it).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cutover/base/time.hpp"

namespace cutover {

// How a task ended, as run_finished and the fold know it.
enum class TaskStatus {
  pending,  // not started
  running,  // started: a process, a gate's checks, or a retry delay between attempts
  waiting,  // on a person: a manual task, or a gate's approvals
  succeeded,
  failed,
  skipped,  // counts as done for its dependents; nothing to roll back
  // Terminated by a second Ctrl-C, or found started-but-unfinished by `resume`. It holds back
  // its dependents until it is run again or a person marks it. Journaled as "interrupted".
  in_doubt,
};

// How a run ended, as `run_finished` records it.
enum class RunOutcome { succeeded, failed, rolled_back, rollback_failed, interrupted };

std::string_view to_string(TaskStatus status);
std::string_view to_string(RunOutcome outcome);
std::optional<RunOutcome> parse_run_outcome(std::string_view text);

namespace event {

// How a process ended: duration, then an exit code or a signal (never both), or the error that
// kept it from starting.
struct ProcessEnd {
  std::int64_t duration_ms = 0;
  std::optional<std::string> error;
  std::optional<std::string> signal;
  std::optional<int> exit_code;
  bool timed_out = false;
};

// Who decided: the name given, and the OS user and host of the terminal it came from; the
// inbox decision it carried out, when it came from another terminal.
// A decision signed with the person's key (identities): the statement signed, and the
// ssh-keygen signature of it (the armored SSHSIG text).
struct Signature {
  std::string statement;
  std::string sshsig;
};

struct Person {
  std::string by;
  std::string user;
  std::string host;
  std::string decision;  // the inbox decision's id
  std::string note;
  std::optional<Signature> signature{};
};

struct RunStarted {
  std::string runbook_id;
  std::string runbook_dir;
  std::size_t tasks = 0;
  std::size_t jobs = 1;
  bool auto_people = false;
  bool dry_run = false;
  std::vector<std::pair<std::string, std::string>> vars;  // secrets redacted
  bool non_interactive = false;
  bool track = false;
};

struct RunResumed {
  bool rollback = false;  // `cutover rollback` rather than `resume`
  std::size_t jobs = 1;
  bool auto_people = false;
  bool non_interactive = false;
  int pid = 0;
  std::string user;
  std::string host;
};

struct TaskStarted {
  std::string task;
  int attempt = 1;                     // 0 when a journal did not record it: one more than before
  std::string kind;                    // run, manual, gate
  std::optional<std::string> command;  // as shown: secrets redacted
};

// A process of a task's attempt, a gate check or a rollback step.
struct ProcessStarted {
  std::string task;
  int attempt = 1;
  std::string purpose;  // empty for the task's own process; "check" or "rollback"
  int pid = 0;
};

struct AttemptFailed {
  std::string task;
  int attempt = 1;
  std::string reason;
  ProcessEnd end;
  std::int64_t retry_in_ms = 0;
};

struct CheckFinished {
  std::string task;
  std::string check;
  int attempt = 1;
  bool passed = false;
  std::optional<std::string> reason;
  ProcessEnd end;
};

struct GateWaiting {
  std::string task;
  std::vector<std::string> approvers;
};

struct GateApproved {
  std::string task;
  Person person;
  std::string approver;
};

struct GateRejected {
  std::string task;
  Person person;
  std::string approver;
};

// An approver keeps the gate waiting, neither go nor no-go yet; the note says why.
struct GateHeld {
  std::string task;
  Person person;
  std::string approver;
};

struct TaskFinished {
  std::string task;
  std::optional<Person> person;  // a person's verdict, not a process's end
  TaskStatus status = TaskStatus::succeeded;
  int attempt = 1;
  std::string reason;
  std::optional<ProcessEnd> end;
};

struct SignalReceived {
  std::string signal;
  std::string action;  // continue, drain, terminate
};

struct RunStopping {
  std::string reason;
  bool rollback = false;
  bool fix_forward = false;  // a point of no return has started
  bool interrupt = false;    // by a signal
};

struct RollbackStarted {
  std::optional<Person> person;  // `cutover rollback`, not the failure policy
  bool forced = false;           // past a point of no return
};

struct RollbackStepStarted {
  std::string task;
  bool manual = false;
  std::optional<std::string> command;
};

struct RollbackStepFinished {
  std::string task;
  std::optional<Person> person;
  bool ok = false;
  std::string reason;
  std::optional<ProcessEnd> end;
};

struct RunFinished {
  RunOutcome outcome = RunOutcome::failed;
  int exit_code = 1;
};

// `resume` found a task (or its rollback step) started and unfinished.
struct TaskInDoubt {
  std::string task;
  bool rerun = false;  // it runs again; else it waits for a person
  bool rollback = false;
  std::string reason;
  std::optional<int> pid;
  std::vector<int> alive;  // its processes still running
};

// Back to pending: a task runs again (a rollback step, with `rollback`).
struct TaskReset {
  std::string task;
  std::optional<Person> person;
  bool rollback = false;
  std::string reason;
};

// A decision the executor did not carry out, with why: an inbox file it could not read, or a
// decision the state of the moment refused.
struct DecisionRefused {
  std::string file;  // an unreadable inbox file
  std::string run_id;
  std::string kind;
  std::string task;
  std::string verdict;
  Person person;
  std::string reason;
};

// A notify hook's attempt at one event: hook number `hook` (1-based, in file order) ran and
// ended well (`notify_sent`) or not (`notify_failed`, with why). The fold ignores both: a hook
// never changes the run.
struct NotifySent {
  std::size_t hook = 0;
  std::string notice;  // the notify event: task_failed, waiting...
  std::string task;
  std::int64_t duration_ms = 0;
};

struct NotifyFailed {
  std::size_t hook = 0;
  std::string notice;
  std::string task;
  std::string reason;
};

// A person signed off the run, a succeeded rehearsal, for the go-live rule (`cutover signoff`).
// Appended after run_finished; like the notify events, it does not move the run's clock.
struct SignedOff {
  Person person;
};

// An event type of a later version of the format.
struct Unknown {
  std::string type;
  nlohmann::ordered_json fields;
};

}  // namespace event

using EventBody =
    std::variant<event::RunStarted, event::RunResumed, event::TaskStarted, event::ProcessStarted,
                 event::AttemptFailed, event::CheckFinished, event::GateWaiting,
                 event::GateApproved, event::GateRejected, event::GateHeld, event::TaskFinished,
                 event::SignalReceived, event::RunStopping, event::RollbackStarted,
                 event::RollbackStepStarted, event::RollbackStepFinished, event::RunFinished,
                 event::TaskInDoubt, event::TaskReset, event::DecisionRefused, event::NotifySent,
                 event::NotifyFailed, event::SignedOff, event::Unknown>;

// One line of the journal after its header.
struct JournalEvent {
  std::uint64_t seq = 0;  // 1 for the first event after the header
  UtcTime time{};
  std::int64_t elapsed_ms = 0;  // monotonic, from the start of the run
  EventBody body;

  std::string_view type() const;
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
};

// "task_started", ...: the `event` field of its line.
std::string_view event_type(const EventBody& body);

// The event's own fields, in the order docs/journal-format.md shows them.
nlohmann::ordered_json encode_fields(const EventBody& body);

// Never throws: what does not fit the schema takes the field's default.
EventBody decode_event(std::string_view type, const nlohmann::ordered_json& fields);

// A signature as the journal holds it, on a person's decision or the header's go-live override:
// {"statement", "sshsig"}. Decoding is tolerant: what is not such an object is nothing.
nlohmann::ordered_json encode_signature(const event::Signature& signature);
std::optional<event::Signature> decode_signature(const nlohmann::ordered_json* value);

// The inbox decision an event took in (applied or refused), or nullptr.
const std::string* decision_of(const EventBody& body);

}  // namespace cutover
