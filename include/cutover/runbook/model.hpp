#pragma once
// The runbook as cutover understands it, after loading and applying `defaults`.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cutover/base/time.hpp"

namespace cutover {

// 1-based position in the runbook file; 0 means unknown.
struct Location {
  int line = 0;
  int column = 0;

  friend auto operator<=>(const Location&, const Location&) = default;
};

enum class OnFailure { rollback, stop, continue_ };

struct Command {
  std::string run;
};

struct Manual {
  std::string instructions;
};

struct Expect {
  std::optional<int> exit_code;  // unset: 0
  std::optional<std::string> stdout_pattern;
  std::optional<std::string> stderr_pattern;
};

struct GateCheck {
  std::string name;
  std::string run;
  Expect expect;
  int retries = 0;
  Duration retry_delay{0};
  std::optional<Duration> timeout;
  Location location;
};

struct Gate {
  std::vector<GateCheck> checks;
  std::vector<std::string> approvals;
  // Four eyes: any `min_approvals` of `approvals` (`{ by: [...], min: N }`); 0: every name.
  std::size_t min_approvals = 0;

  // How many approvals make a go.
  std::size_t approvals_needed() const {
    return min_approvals == 0 ? approvals.size() : min_approvals;
  }
};

using TaskKind = std::variant<Command, Manual, Gate>;

// A rollback step's estimate feeds the no-go deadline; without one it counts as its task's.
struct CommandRollback {
  std::string run;
  std::optional<Duration> timeout;
  std::optional<Duration> estimate{};
};

struct ManualRollback {
  std::string instructions;
  std::optional<Duration> estimate{};
};

using Rollback = std::variant<CommandRollback, ManualRollback>;

struct Dependency {
  std::string id;
  Location location;
};

using EnvVars = std::vector<std::pair<std::string, std::string>>;

struct Task {
  std::string id;
  Location location;  // of the id's value
  std::string title;
  std::string phase;
  Location phase_location;
  std::string owner;
  std::optional<Duration> estimate{};
  // Where the file says it, for tools that edit the file in place (`estimates --write`): the
  // `id` key (its column is the mapping's indentation) and the estimate's value (0 if none).
  Location id_key_location;
  Location estimate_location;
  std::vector<Dependency> depends_on;
  TaskKind kind;
  std::optional<Duration> timeout;
  int retries = 0;
  Duration retry_delay{0};
  EnvVars env;
  std::string workdir;  // as written; relative paths are relative to the runbook's folder
  std::optional<Rollback> rollback;
  OnFailure on_failure = OnFailure::rollback;
  bool idempotent = false;
  bool point_of_no_return = false;
  std::vector<std::string> shell;  // the command is appended as the last argument
  std::size_t file = 0;            // where it is written: an index of Runbook::file_name

  const std::string& display_name() const { return title.empty() ? id : title; }
  bool is_command() const { return std::holds_alternative<Command>(kind); }
  bool is_manual() const { return std::holds_alternative<Manual>(kind); }
  bool is_gate() const { return std::holds_alternative<Gate>(kind); }
};

// What a notify hook hears about (SPEC §6). `test` is sent only by `cutover notify test`, to
// every hook.
enum class NotifyEvent {
  run_started,
  run_finished,
  task_failed,
  waiting,  // anything now waits on a person
  gate_waiting,
  point_of_no_return,  // one has started
  rollback_started,
  overrun,   // a task has run 50% past its estimate
  deadline,  // 15 minutes before the next gate's no-go deadline, and when it passes
  test,
};

// The events a runbook's `on:` may name, in the order of the list above.
const std::vector<NotifyEvent>& notify_events();
std::string_view to_string(NotifyEvent event);

// One entry of `notify`: a command the communication plan runs for some events.
struct NotifyHook {
  std::vector<NotifyEvent> on;
  std::string run;  // a shell command, as a task's; the event's JSON on stdin
  Duration timeout{30'000};
  std::vector<std::string> shell;  // defaults.shell; the command is appended
  Location location;

  bool hears(NotifyEvent event) const;
};

// A run label (`--label`, go_live.labels): letters, digits, '.', '_' and '-', not starting with
// '.', since it becomes part of a run folder's name.
bool valid_label(std::string_view label);

// The go-live rule (SPEC §6): a run with one of `labels` is the real thing, and needs
// `rehearsals` succeeded runs of the same runbook, signed off by every name in `signoffs`.
struct GoLiveRule {
  std::vector<std::string> labels = {"go-live"};
  int rehearsals = 1;
  std::vector<std::string> signoffs;
  Location location;
};

// One person's public key in `identity.allowed_signers` (OpenSSH's allowed_signers format).
struct Signer {
  std::string name;
  std::string key;  // "type base64", as the file gives it
  int line = 0;     // in the allowed_signers file
};

// Identities (SPEC §6): every decision by a person is signed with an OpenSSH key that
// `allowed_signers` lists under that person's name.
struct Identity {
  std::string allowed_signers;  // as the runbook gives it: relative to the runbook's folder
  std::string file;             // where it was read (a run's frozen copy, for a recorded run)
  std::string text;             // its content, which each run freezes
  std::vector<Signer> signers;
  Location location;

  bool knows(std::string_view name) const;
};

struct Window {
  Timestamp start;
  Duration duration{0};
  Location location;

  Timestamp end() const { return {start.utc + duration, start.offset_minutes}; }
};

struct Runbook {
  std::string file;  // the path it was loaded from, as given
  // The workstream files it includes, in include order, each once: relative to the runbook's
  // folder, '/'-separated.
  std::vector<std::string> included;
  int version = 1;
  std::string id;
  std::string title;
  Location title_location;
  std::optional<Window> window;
  EnvVars vars;  // in file order, with --var applied
  std::vector<std::string> secrets;
  std::vector<std::string> phases;
  std::vector<Task> tasks;
  std::vector<NotifyHook> notify;
  std::optional<GoLiveRule> go_live;
  std::optional<Identity> identity;

  // The runbook's file (0) or an included one (1 and up), as Task::file counts them.
  const std::string& file_name(std::size_t index) const {
    return index == 0 ? file : included[index - 1];
  }
  // Index of the task with this id, if any.
  std::optional<std::size_t> find_task(std::string_view id) const;
  // "id — title", or the id alone: how plans, graphs and reports name the runbook.
  std::string heading() const;
};

std::string_view to_string(OnFailure policy);
std::string_view kind_name(const TaskKind& kind);  // "run", "manual" or "gate"

}  // namespace cutover
