#pragma once
// The runbook reader's one class, shared by the files that define it: runbook_reader.cpp (the
// top level, task settings and templates), runbook_reader_workstream.cpp, runbook_reader_tasks.cpp,
// runbook_reader_gates.cpp, runbook_reader_go_live.cpp and runbook_reader_notify.cpp. Internal to
// the loader; the rest of the code calls read_runbook.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"
#include "runbook/runbook_reader.hpp"
#include "runbook/yaml_reader.hpp"

namespace cutover::reader {

using yaml::Entry;
using yaml::KeyList;
using yaml::MappingKeys;
using yaml::Node;
using yaml::NodeIndex;
using yaml::NodeType;
using yaml::shown;

// The longest estimate, timeout or delay a runbook may give (no step of a cutover is longer).
constexpr Duration max_duration = std::chrono::days{365};

// The keys of a runbook's top level.
extern const MappingKeys runbook_keys;

// The runbook's meaning, on top of the generic YAML reading of MappingReader.
class Reader : private yaml::MappingReader {
 public:
  Reader(const yaml::Tree& tree, const LoadOptions& options, FileDiagnostics& diagnostics)
      : MappingReader(tree, diagnostics), options_(options), references_checked_(tree.size()) {}
  // A workstream file's reader: its tasks are the `file`th file's, read against the runbook's.
  Reader(const yaml::Tree& tree, const LoadOptions& options, const RunbookContext& runbook,
         std::size_t file, FileDiagnostics& diagnostics);

  RunbookFile read();
  WorkstreamFile read_workstream();

 private:
  // --- workstream files, and the `include` entries of either kind of file:
  // runbook_reader_workstream.cpp
  std::vector<Include> read_includes(const Entry& entry);
  // A workstream file given where a runbook was expected.
  static bool looks_like_workstream(const std::vector<Entry>& top);

  void set_names(std::vector<std::string> names);

  // --- the runbook, its settings and its templates: runbook_reader.cpp
  // A text that may hold {{ NAME }} references, each checked against vars and secrets.
  std::optional<std::string> template_text(const Entry& entry);
  std::optional<std::string> read_id(const Entry& entry, std::string_view what);
  // A list of texts; `allow_single` also takes one text for a one-item list.
  std::optional<std::vector<std::pair<std::string, Location>>> text_list(const Entry& entry,
                                                                         std::string_view expected,
                                                                         bool allow_single = false);
  // Names (secrets, phases, approvers): a list of unique texts.
  std::vector<std::string> read_names(const Entry& entry, std::string_view expected,
                                      bool identifiers = true);
  void check_references(std::string_view value, NodeIndex index);
  void read_version(const Entry& entry, Runbook& runbook);
  EnvVars read_vars(const Entry& entry);
  EnvVars read_env(const Entry& entry, std::string_view what);
  // A secret's value comes from the environment; a var of the same name would shadow it.
  std::vector<std::string> read_secrets(const Entry& entry, const EnvVars& vars);
  std::optional<Window> read_window(const Entry& entry);
  std::vector<std::string> read_phases(const Entry& entry);
  void read_defaults(const Entry& entry);
  // The settings `defaults` may give and a task may override; false for any other key.
  bool read_setting(const Entry& field, TaskSettings& settings);
  std::optional<Duration> positive_duration(const Entry& entry);
  std::optional<int> read_retries(const Entry& entry);
  std::optional<OnFailure> read_on_failure(const Entry& entry);
  std::optional<std::vector<std::string>> read_shell(const Entry& entry);

  // --- tasks: runbook_reader_tasks.cpp
  std::vector<Task> read_tasks(const Entry& entry);
  std::optional<Task> read_task(NodeIndex index, std::size_t position);
  // Settings that a task's kind ignores are said so, rather than silently dropped. A gate's
  // timeout, env, workdir and shell apply to its checks.
  void warn_inapplicable_keys(const std::vector<Entry>& fields, const Task& task,
                              const std::string& where);
  // How messages name a task: by its id when it has a readable one, else by position.
  std::string name_task(const Node& node, std::size_t position) const;
  static void apply(TaskSettings settings, Task& task);
  void read_kind(const Entry& field, Task& task, const std::string& where);
  // A blank command, instruction or name does nothing, silently; it is refused instead.
  std::optional<std::string> non_empty(const Entry& field, std::optional<std::string> value);
  void read_task_field(const Entry& field, Task& task, const std::string& where);
  void read_dependencies(const Entry& field, Task& task);
  std::optional<Rollback> read_rollback(const Entry& field, const std::string& where);

  // --- gates: runbook_reader_gates.cpp
  std::optional<Gate> read_gate(const Entry& field, const std::string& where);
  void read_approvals(const Entry& entry, Gate& gate, const std::string& context);
  std::vector<GateCheck> read_checks(const Entry& field, const std::string& context);
  std::optional<GateCheck> read_check(NodeIndex index, const std::string& where);
  void read_expect(const Entry& field, Expect& expect, const std::string& where);
  // Compiled now so that a bad pattern fails validation, not the go/no-go meeting.
  std::optional<std::string> pattern(const Entry& entry);

  // --- the go-live rule and identities: runbook_reader_go_live.cpp
  std::optional<GoLiveRule> read_go_live(const Entry& entry);
  std::vector<std::string> read_labels(const Entry& entry);
  std::optional<Identity> read_identity(const Entry& entry);

  // --- the communication plan: runbook_reader_notify.cpp
  std::vector<NotifyHook> read_notify(const Entry& entry);
  std::optional<NotifyHook> read_hook(NodeIndex index, const std::string& where);
  std::vector<NotifyEvent> read_hook_events(const Entry& entry);

  const LoadOptions& options_;
  std::size_t file_ = 0;  // Task::file of the tasks read
  TaskSettings defaults_;
  std::vector<std::string> names_;  // vars, --vars and secrets: what templates may name
  std::unordered_set<std::string_view> name_set_;
  LocationHint location_hint_;  // references are located in file order, so resume from here
  std::vector<bool> references_checked_;  // by node index: templates checked once
};

}  // namespace cutover::reader
