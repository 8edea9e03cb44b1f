#include "runbook/runbook_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "cutover/runbook/template.hpp"
#include "runbook/yaml_reader.hpp"

namespace cutover {

namespace {

using yaml::Entry;
using yaml::KeyList;
using yaml::MappingKeys;
using yaml::Node;
using yaml::NodeIndex;
using yaml::NodeType;
using yaml::shown;

// The longest estimate, timeout or delay a runbook may give (no step of a cutover is longer),
// and the longest window: a larger number is a mistake in its units.
constexpr Duration max_duration = std::chrono::days{365};
constexpr Duration max_window = std::chrono::days{3653};

const MappingKeys top_level_keys = {
    {"version", "id", "title", "window", "vars", "secrets", "defaults", "phases", "tasks"}, true};
const MappingKeys window_keys = {{"start", "duration", "end"}};
const MappingKeys defaults_keys = {{"owner", "timeout", "retries", "retry_delay", "env", "workdir",
                                    "on_failure", "idempotent", "shell"}};
const MappingKeys task_keys = {
    {"id", "title", "phase", "owner", "estimate", "depends_on", "run", "manual", "gate", "timeout",
     "retries", "retry_delay", "env", "workdir", "rollback", "on_failure", "idempotent",
     "point_of_no_return", "shell"},
    false,
    {"checks", "approvals"}};
const MappingKeys gate_keys = {{"checks", "approvals"}};
const MappingKeys gate_check_keys = {
    {"name", "run", "expect", "retries", "retry_delay", "timeout"}};
const MappingKeys expect_keys = {{"exit_code", "stdout", "stderr"}};
const MappingKeys rollback_keys = {{"run", "timeout", "manual"}};
const KeyList on_failure_values = {"rollback", "stop", "continue"};

constexpr int max_retries = 1000;
constexpr std::size_t max_id_length = 128;

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > max_id_length) return false;
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!lower_or_digit(id.front())) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

// Sets each of `overrides` in `vars`: replaced where the name exists, else appended.
void override_vars(EnvVars& vars, const EnvVars& overrides) {
  if (vars.size() * overrides.size() <= 256) {  // a task's few env vars: a scan beats hashing
    for (const auto& override : overrides) {
      const auto existing = std::find_if(
          vars.begin(), vars.end(), [&](const auto& var) { return var.first == override.first; });
      if (existing != vars.end()) {
        existing->second = override.second;
      } else {
        vars.push_back(override);
      }
    }
    return;
  }
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < vars.size(); ++i) index.emplace(vars[i].first, i);
  for (const auto& override : overrides) {
    const auto [at, inserted] = index.try_emplace(override.first, vars.size());
    if (inserted) {
      vars.push_back(override);
    } else {
      vars[at->second].second = override.second;
    }
  }
}

// Task-level settings that `defaults` may also give.
struct TaskSettings {
  std::string owner;
  std::optional<Duration> timeout;
  int retries = 0;
  Duration retry_delay{0};
  EnvVars env;
  std::string workdir;
  OnFailure on_failure = OnFailure::rollback;
  bool idempotent = false;
  std::vector<std::string> shell = {"/bin/sh", "-c"};
};

// The runbook's meaning, on top of the generic YAML reading of MappingReader.
class Reader : private yaml::MappingReader {
 public:
  Reader(const yaml::Tree& tree, const LoadOptions& options, FileDiagnostics& diagnostics)
      : MappingReader(tree, diagnostics), options_(options), references_checked_(tree.size()) {}

  Runbook read() {
    Runbook runbook;
    if (tree_.empty()) {
      out_.error({1, 1}, "the file is empty", "a runbook is a mapping with version, id and tasks");
      return runbook;
    }
    const Node& root = tree_.node(tree_.root());
    if (root.type != NodeType::mapping) {
      out_.error(root.location, fmt::format("a runbook must be a mapping, found {}", found(root)),
                 "a runbook is a mapping with version, id and tasks");
      return runbook;
    }
    const auto top = entries(tree_.root(), "the runbook");
    check_keys(top, top_level_keys, "the runbook");
    require(top, {"version", "id", "tasks"}, root.location, "the runbook");

    // vars and secrets first, wherever they stand: every template is checked against them.
    if (const Entry* vars = find(top, "vars")) runbook.vars = read_vars(*vars);
    override_vars(runbook.vars, options_.vars);
    if (const Entry* secrets = find(top, "secrets"))
      runbook.secrets = read_secrets(*secrets, runbook.vars);
    names_.clear();
    for (const auto& [name, value] : runbook.vars) names_.push_back(name);
    for (const auto& name : runbook.secrets) names_.push_back(name);
    name_set_ = std::unordered_set<std::string_view>(names_.begin(), names_.end());

    for (const auto& entry : top) {
      if (entry.key == "version") {
        read_version(entry, runbook);
      } else if (entry.key == "id") {
        if (auto id = read_id(entry, "runbook id")) runbook.id = *id;
      } else if (entry.key == "title") {
        if (auto title = template_text(entry)) runbook.title = *title;
        runbook.title_location = where_value(entry);
      } else if (entry.key == "window") {
        runbook.window = read_window(entry);
      } else if (entry.key == "phases") {
        runbook.phases = read_phases(entry);
      }
    }
    if (const Entry* defaults = find(top, "defaults")) read_defaults(*defaults);
    if (const Entry* tasks = find(top, "tasks")) runbook.tasks = read_tasks(*tasks);
    return runbook;
  }

 private:
  // --- scalars ---------------------------------------------------------------------------

  // A text that may hold {{ NAME }} references, each checked against vars and secrets.
  std::optional<std::string> template_text(const Entry& entry) {
    auto value = text(entry);
    if (value) check_references(*value, entry.value);
    return value;
  }

  std::optional<std::string> read_id(const Entry& entry, std::string_view what) {
    const Node& node = tree_.node(entry.value);
    if (node.type != NodeType::scalar) {
      wrong_type(entry, fmt::format("a {}", what));
      return std::nullopt;
    }
    const std::string id(tree_.scalar(node));
    if (!valid_id(id)) {
      std::string lower = id;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out_.error(node.location, fmt::format("invalid {} {}", what, shown(id)),
                 valid_id(lower) ? fmt::format("ids are lowercase: '{}'", lower)
                                 : fmt::format("ids are 1 to {} characters of a-z, 0-9, '.', '_' "
                                               "and '-', starting with a letter or digit",
                                               max_id_length));
    }
    return id;  // kept even when invalid, so that its dependents do not cascade into errors
  }

  // A list of texts; `allow_single` also takes one text for a one-item list.
  std::optional<std::vector<std::pair<std::string, Location>>> text_list(
      const Entry& entry, std::string_view expected, bool allow_single = false) {
    const Node& node = tree_.node(entry.value);
    std::vector<std::pair<std::string, Location>> items;
    if (allow_single && node.type == NodeType::scalar) {
      items.emplace_back(tree_.scalar(node), node.location);
      return items;
    }
    if (node.type != NodeType::sequence) {
      wrong_type(entry, expected);
      return std::nullopt;
    }
    for (const NodeIndex child : tree_.children(node)) {
      const Node& item = tree_.node(child);
      if (item.type != NodeType::scalar) {
        out_.error(item.location, fmt::format("each item of '{}' must be a text, found {}",
                                              entry.key, found(item)));
        continue;
      }
      items.emplace_back(tree_.scalar(item), item.location);
    }
    return items;
  }

  // Names (secrets, phases, approvers): a list of unique texts.
  std::vector<std::string> read_names(const Entry& entry, std::string_view expected,
                                      bool identifiers = true) {
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    const auto items = text_list(entry, expected);
    if (!items) return names;
    for (const auto& [name, location] : *items) {
      if (identifiers && !is_identifier(name)) {
        out_.error(location, fmt::format("invalid name {} in '{}'", shown(name), entry.key),
                   "names are letters, digits and '_', not starting with a digit");
      } else if (name.empty()) {
        out_.error(location, fmt::format("an empty name in '{}'", entry.key));
      } else if (!seen.insert(name).second) {
        out_.error(location, fmt::format("{} is listed twice in '{}'", shown(name), entry.key));
      } else {
        names.push_back(name);
      }
    }
    return names;
  }

  // --- templates -------------------------------------------------------------------------

  void check_references(std::string_view value, NodeIndex index) {
    const auto references = find_references(value);
    const NodeIndex written_at = tree_.resolve(index);
    if (references.empty() || !first_visit(references_checked_, written_at)) return;
    const Location node_location = tree_.node(written_at).location;
    std::size_t search_from = std::string::npos;  // found when a reference is first unknown
    std::size_t search_end = 0;
    for (const auto& reference : references) {
      if (name_set_.contains(reference.name)) continue;
      if (out_.full()) return;  // nothing more would be shown
      if (search_from == std::string::npos) {
        // The text between this node and the next one in the file is where it is written.
        search_from = out_.offset_of(node_location);
        search_end =
            std::min(out_.source().size(), out_.offset_of(tree_.next_location(written_at)));
      }
      const std::string_view written = value.substr(reference.offset, reference.length);
      Location location = node_location;
      if (search_from < search_end) {
        const std::string_view span = out_.source().substr(search_from, search_end - search_from);
        if (const std::size_t at = span.find(written); at != std::string_view::npos) {
          location = out_.location_at(search_from + at, location_hint_);
          location_hint_ = {search_from + at, location};
          search_from += at + written.size();
        }
      }
      const std::string suggestion =
          suggest(reference.name, std::vector<std::string_view>(names_.begin(), names_.end()));
      out_.error(location, fmt::format("'{}' is not a var, a secret or a --var", reference.name),
                 suggestion.empty()
                     ? fmt::format("define it under 'vars:' or pass --var {}=VALUE", reference.name)
                     : fmt::format("did you mean '{}'?", suggestion));
    }
  }

  void read_version(const Entry& entry, Runbook& runbook) {
    const Node& node = tree_.node(entry.value);
    if (node.type == NodeType::scalar && node.plain && tree_.scalar(node) == "1") {
      runbook.version = 1;
      return;
    }
    if (node.type == NodeType::scalar && node.plain) {
      out_.error(node.location,
                 fmt::format("unsupported format version {}", shown(tree_.scalar(node))),
                 "this cutover reads version 1");
      return;
    }
    wrong_type(entry, "the format version, 1");
  }

  EnvVars read_vars(const Entry& entry) { return read_env(entry, "var"); }

  EnvVars read_env(const Entry& entry, std::string_view what) {
    EnvVars result;
    const Node& node = tree_.node(entry.value);
    if (node.type != NodeType::mapping) {
      wrong_type(entry, "a mapping of NAME: value");
      return result;
    }
    for (const Entry& item : entries(entry.value, fmt::format("'{}'", entry.key))) {
      if (!is_identifier(item.key)) {
        out_.error(item.key_location, fmt::format("invalid {} name {}", what, shown(item.key)),
                   "names are letters, digits and '_', not starting with a digit");
        continue;
      }
      const Node& value = tree_.node(item.value);
      if (value.type == NodeType::null) {
        result.emplace_back(item.key, "");
        continue;
      }
      auto read = what == "var" ? text(item) : template_text(item);
      if (read) result.emplace_back(item.key, std::move(*read));
    }
    return result;
  }

  // A secret's value comes from the environment; a var of the same name would shadow it.
  std::vector<std::string> read_secrets(const Entry& entry, const EnvVars& vars) {
    std::vector<std::string> secrets = read_names(entry, "a list of environment variable names");
    std::unordered_set<std::string_view> var_names;
    for (const auto& var : vars) var_names.insert(var.first);
    std::unordered_set<std::string_view> command_line;
    for (const auto& var : options_.vars) command_line.insert(var.first);
    for (const NodeIndex item : tree_.children(tree_.node(entry.value))) {
      const Node& node = tree_.node(item);
      if (node.type != NodeType::scalar) continue;
      const std::string_view name = tree_.scalar(node);
      if (var_names.contains(name)) {
        out_.error(node.location,
                   fmt::format("'{}' is both a {} and a secret", name,
                               command_line.contains(name) ? "--var" : "var"),
                   "a secret's value comes from the environment; do not give it as a var");
      }
    }
    return secrets;
  }

  static std::optional<Duration> window_length(const std::optional<Timestamp>& start,
                                               const std::optional<Timestamp>& end) {
    if (!start || !end) return std::nullopt;
    return end->utc - start->utc;
  }

  std::optional<Window> read_window(const Entry& entry) {
    const Node& node = tree_.node(entry.value);
    if (node.type != NodeType::mapping) {
      wrong_type(entry, "a mapping with start and duration (or end)");
      return std::nullopt;
    }
    const auto fields = entries(entry.value, "window");
    check_keys(fields, window_keys, "window");
    require(fields, {"start"}, node.location, "window");
    const Entry* duration_entry = find(fields, "duration");
    const Entry* end_entry = find(fields, "end");
    if (duration_entry && end_entry) {
      out_.error(end_entry->key_location, "window has both 'duration' and 'end'",
                 "give one of them");
    } else if (!duration_entry && !end_entry) {
      out_.error(node.location, "window has neither 'duration' nor 'end'");
    }
    const Entry* start_entry = find(fields, "start");
    const std::optional<Timestamp> start = start_entry ? timestamp(*start_entry) : std::nullopt;
    std::optional<Duration> length;
    if (duration_entry && !end_entry) length = duration(*duration_entry, max_window);
    if (end_entry && !duration_entry) length = window_length(start, timestamp(*end_entry));
    if (!start || !length) return std::nullopt;
    if (length->count() <= 0) {
      out_.error(where_value(duration_entry ? *duration_entry : *end_entry),
                 duration_entry ? "the window's duration must be longer than 0s"
                                : "the window ends before it starts");
      return std::nullopt;
    }
    return Window{*start, *length, node.location};
  }

  std::vector<std::string> read_phases(const Entry& entry) {
    return read_names(entry, "a list of phase names", false);
  }

  void read_defaults(const Entry& entry) {
    if (tree_.node(entry.value).type != NodeType::mapping) {
      wrong_type(entry, "a mapping of task settings");
      return;
    }
    const auto fields = entries(entry.value, "defaults");
    check_keys(fields, defaults_keys, "defaults");
    for (const Entry& field : fields) read_setting(field, defaults_);
  }

  // The settings `defaults` may give and a task may override; false for any other key.
  bool read_setting(const Entry& field, TaskSettings& settings) {
    const std::string_view key = field.key;
    if (key == "owner") {
      if (auto owner = text(field)) settings.owner = *owner;
    } else if (key == "timeout") {
      if (auto timeout = positive_duration(field)) settings.timeout = timeout;
    } else if (key == "retries") {
      if (auto retries = read_retries(field)) settings.retries = *retries;
    } else if (key == "retry_delay") {
      if (auto delay = duration(field, max_duration)) settings.retry_delay = *delay;
    } else if (key == "env") {
      override_vars(settings.env, read_env(field, "environment variable"));
    } else if (key == "workdir") {
      if (auto workdir = non_empty(field, template_text(field))) settings.workdir = *workdir;
    } else if (key == "on_failure") {
      if (auto policy = read_on_failure(field)) settings.on_failure = *policy;
    } else if (key == "idempotent") {
      if (auto idempotent = boolean(field)) settings.idempotent = *idempotent;
    } else if (key == "shell") {
      if (auto shell = read_shell(field)) settings.shell = *shell;
    } else {
      return false;
    }
    return true;
  }

  std::optional<Duration> positive_duration(const Entry& entry) {
    auto value = duration(entry, max_duration);
    if (value && value->count() == 0) {
      out_.error(where_value(entry), fmt::format("'{}' must be longer than 0s", entry.key));
      return std::nullopt;
    }
    return value;
  }

  std::optional<int> read_retries(const Entry& entry) {
    return integer(entry, 0, max_retries, fmt::format("a whole number from 0 to {}", max_retries));
  }

  std::optional<OnFailure> read_on_failure(const Entry& entry) {
    const Node& node = tree_.node(entry.value);
    if (node.type == NodeType::scalar) {
      const std::string_view value = tree_.scalar(node);
      if (value == "rollback") return OnFailure::rollback;
      if (value == "stop") return OnFailure::stop;
      if (value == "continue") return OnFailure::continue_;
      const std::string suggestion = closest_match(value, on_failure_values);
      out_.error(node.location, fmt::format("invalid on_failure {}", shown(value)),
                 suggestion.empty() ? "one of: rollback, stop, continue"
                                    : fmt::format("did you mean '{}'?", suggestion));
      return std::nullopt;
    }
    wrong_type(entry, "one of rollback, stop, continue");
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> read_shell(const Entry& entry) {
    const auto items = text_list(entry, "a list like [/bin/bash, -euo, pipefail, -c]");
    if (!items) return std::nullopt;
    if (items->empty()) {
      out_.error(where_value(entry), "'shell' is an empty list",
                 "e.g. [/bin/bash, -euo, pipefail, -c]; the command is appended");
      return std::nullopt;
    }
    std::vector<std::string> shell;
    for (const auto& [program, location] : *items) {
      if (program.empty()) {
        out_.error(location, "an empty item in 'shell'", "e.g. [/bin/bash, -euo, pipefail, -c]");
        return std::nullopt;
      }
      shell.push_back(program);
    }
    return shell;
  }

  // --- tasks -----------------------------------------------------------------------------

  std::vector<Task> read_tasks(const Entry& entry) {
    std::vector<Task> tasks;
    const Node& node = tree_.node(entry.value);
    if (node.type != NodeType::sequence) {
      wrong_type(entry, "a list of tasks");
      return tasks;
    }
    const auto items = tree_.children(node);
    if (items.empty()) out_.error(node.location, "'tasks' is empty", "a runbook needs a task");
    tasks.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Node& item = tree_.node(items[i]);
      if (item.type != NodeType::mapping) {
        out_.error(item.location,
                   fmt::format("task {} must be a mapping, found {}", i + 1, found(item)));
        continue;
      }
      if (auto task = read_task(items[i], i)) tasks.push_back(std::move(*task));
    }
    return tasks;
  }

  std::optional<Task> read_task(NodeIndex index, std::size_t position) {
    const Node& node = tree_.node(index);
    Task task;
    task.location = node.location;
    std::string where = name_task(node, position);
    const auto fields = entries(index, where);
    const Entry* id_entry = find(fields, "id");
    bool has_id = false;
    if (id_entry) {
      if (auto id = read_id(*id_entry, "task id")) {
        task.id = *id;
        task.location = tree_.node(id_entry->value).location;
        has_id = true;
      }
    } else {
      out_.error(node.location, fmt::format("{} has no 'id'", where));
    }
    check_keys(fields, task_keys, where);
    TaskSettings settings = defaults_;

    const Entry* kind_entry = nullptr;
    for (const Entry& field : fields) {
      if (field.key == "run" || field.key == "manual" || field.key == "gate") {
        if (kind_entry) {
          out_.error(field.key_location,
                     fmt::format("{} has both '{}' and '{}'", where, kind_entry->key, field.key),
                     "a task is exactly one of run, manual or gate");
          continue;
        }
        kind_entry = &field;
        read_kind(field, task, where);
      } else {
        if (!read_setting(field, settings)) read_task_field(field, task, where);
      }
    }
    apply(std::move(settings), task);
    if (!kind_entry) {
      out_.error(task.location, fmt::format("{} has none of run, manual or gate", where),
                 "a task is exactly one of them: a command, instructions for a person, or a "
                 "go/no-go gate");
    }
    if (task.rollback && task.is_gate()) {
      out_.error(find(fields, "rollback")->key_location,
                 fmt::format("{} is a gate and has nothing to roll back", where),
                 "put the rollback on the tasks the gate guards");
    }
    warn_inapplicable_keys(fields, task, where);
    if (!has_id) return std::nullopt;
    return task;
  }

  // Settings that a task's kind ignores are said so, rather than silently dropped. A gate's
  // timeout, env, workdir and shell apply to its checks.
  void warn_inapplicable_keys(const std::vector<Entry>& fields, const Task& task,
                              const std::string& where) {
    static const KeyList command_only = {"timeout", "retries", "retry_delay",
                                         "env",     "workdir", "shell"};
    static const KeyList check_level = {"retries", "retry_delay"};
    const KeyList* ignored = task.is_manual() ? &command_only
                             : task.is_gate() ? &check_level
                                              : nullptr;
    if (!ignored) return;
    for (const Entry& field : fields) {
      if (std::find(ignored->begin(), ignored->end(), field.key) == ignored->end()) continue;
      out_.warning(field.key_location,
                   fmt::format("'{}' has no effect on {}, a {}", field.key, where,
                               task.is_manual() ? "manual task" : "gate"),
                   task.is_manual() ? "a person does this task; nothing is run"
                                    : "set retries and retry_delay on each check");
    }
  }

  // How messages name a task: by its id when it has a readable one, else by position.
  std::string name_task(const Node& node, std::size_t position) const {
    const auto children = tree_.children(node);
    for (std::size_t i = 0; i + 1 < children.size(); i += 2) {
      const Node& key = tree_.node(children[i]);
      const Node& value = tree_.node(children[i + 1]);
      if (key.type == NodeType::scalar && tree_.scalar(key) == "id" &&
          value.type == NodeType::scalar) {
        return fmt::format("task {}", shown(tree_.scalar(value)));
      }
    }
    return fmt::format("task {}", position + 1);
  }

  static void apply(TaskSettings settings, Task& task) {
    task.owner = std::move(settings.owner);
    task.timeout = settings.timeout;
    task.retries = settings.retries;
    task.retry_delay = settings.retry_delay;
    task.env = std::move(settings.env);
    task.workdir = std::move(settings.workdir);
    task.on_failure = settings.on_failure;
    task.idempotent = settings.idempotent;
    task.shell = std::move(settings.shell);
  }

  void read_kind(const Entry& field, Task& task, const std::string& where) {
    if (field.key == "run") {
      if (auto run = non_empty(field, template_text(field))) task.kind = Command{*run};
    } else if (field.key == "manual") {
      if (auto instructions = non_empty(field, template_text(field))) {
        task.kind = Manual{*instructions};
      }
    } else if (auto gate = read_gate(field, where)) {
      task.kind = std::move(*gate);
    }
  }

  // A blank command, instruction or name does nothing, silently; it is refused instead.
  std::optional<std::string> non_empty(const Entry& field, std::optional<std::string> value) {
    if (value && value->find_first_not_of(" \t\r\n") == std::string::npos) {
      const std::string_view hint = field.key == "manual" ? "say what the person has to do"
                                    : field.key == "run"  ? "give the command to run"
                                    : field.key == "workdir"
                                        ? "leave it out for the runbook's folder"
                                        : "";
      out_.error(where_value(field), fmt::format("'{}' is empty", field.key), std::string(hint));
      return std::nullopt;
    }
    return value;
  }

  void read_task_field(const Entry& field, Task& task, const std::string& where) {
    const std::string_view key = field.key;
    if (key == "title") {
      if (auto title = template_text(field)) task.title = *title;
    } else if (key == "phase") {
      if (auto phase = text(field)) {
        task.phase = *phase;
        task.phase_location = tree_.node(field.value).location;
      }
    } else if (key == "estimate") {
      task.estimate = duration(field, max_duration);
    } else if (key == "depends_on") {
      read_dependencies(field, task);
    } else if (key == "rollback") {
      task.rollback = read_rollback(field, where);
    } else if (key == "point_of_no_return") {
      if (auto ponr = boolean(field)) task.point_of_no_return = *ponr;
    }
  }

  void read_dependencies(const Entry& field, Task& task) {
    const auto items = text_list(field, "a task id or a list of task ids", true);
    if (!items) return;
    std::unordered_set<std::string_view> seen;
    for (const auto& [id, location] : *items) {
      if (!seen.insert(id).second) {
        out_.warning(location, fmt::format("'{}' is listed twice in 'depends_on'", id),
                     "a dependency counts once; remove the repeat");
        continue;
      }
      task.depends_on.push_back({id, location});
    }
  }

  std::optional<Rollback> read_rollback(const Entry& field, const std::string& where) {
    const Node& node = tree_.node(field.value);
    if (node.type == NodeType::scalar) {
      if (auto run = non_empty(field, template_text(field))) {
        return CommandRollback{*run, std::nullopt};
      }
      return std::nullopt;
    }
    if (node.type != NodeType::mapping) {
      wrong_type(field, "a command, or a mapping with run (and timeout) or manual");
      return std::nullopt;
    }
    const std::string context = "the rollback of " + where;
    const auto fields = entries(field.value, context);
    check_keys(fields, rollback_keys, context);
    const Entry* run = find(fields, "run");
    const Entry* manual = find(fields, "manual");
    const Entry* timeout = find(fields, "timeout");
    if (run && manual) {
      out_.error(manual->key_location, fmt::format("{} has both 'run' and 'manual'", context),
                 "a rollback is a command or instructions for a person, not both");
      return std::nullopt;
    }
    if (manual) {
      if (timeout) {
        out_.error(timeout->key_location,
                   fmt::format("{} is manual: 'timeout' applies only to commands", context));
      }
      if (auto instructions = non_empty(*manual, template_text(*manual))) {
        return ManualRollback{*instructions};
      }
      return std::nullopt;
    }
    if (!run) {
      out_.error(node.location, fmt::format("{} has neither 'run' nor 'manual'", context));
      return std::nullopt;
    }
    auto command = non_empty(*run, template_text(*run));
    std::optional<Duration> limit = timeout ? positive_duration(*timeout) : std::nullopt;
    if (!command) return std::nullopt;
    return CommandRollback{*command, limit};
  }

  // --- gates -----------------------------------------------------------------------------

  std::optional<Gate> read_gate(const Entry& field, const std::string& where) {
    const Node& node = tree_.node(field.value);
    if (node.type != NodeType::mapping) {
      wrong_type(field, "a mapping with checks and/or approvals");
      return std::nullopt;
    }
    const std::string context = "the gate of " + where;
    const auto fields = entries(field.value, context);
    check_keys(fields, gate_keys, context);
    Gate gate;
    if (const Entry* checks = find(fields, "checks")) gate.checks = read_checks(*checks, context);
    if (const Entry* approvals = find(fields, "approvals")) {
      gate.approvals = read_names(*approvals, "a list of approver names", false);
      const Node& list = tree_.node(approvals->value);
      if (list.type == NodeType::sequence && tree_.children(list).empty()) {
        out_.error(list.location, fmt::format("'approvals' of {} is an empty list", context),
                   "name who must approve, or leave 'approvals' out");
      }
    }
    if (!find(fields, "checks") && !find(fields, "approvals")) {
      out_.error(node.location, fmt::format("{} has neither checks nor approvals", context),
                 "a gate needs checks to run, approvers to ask, or both");
    }
    return gate;
  }

  std::vector<GateCheck> read_checks(const Entry& field, const std::string& context) {
    std::vector<GateCheck> checks;
    const Node& node = tree_.node(field.value);
    if (node.type != NodeType::sequence || tree_.children(node).empty()) {
      wrong_type(field, "a non-empty list of checks");
      return checks;
    }
    const auto items = tree_.children(node);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Node& item = tree_.node(items[i]);
      const std::string where = fmt::format("check {} of {}", i + 1, context);
      if (item.type != NodeType::mapping) {
        out_.error(item.location, fmt::format("{} must be a mapping with name and run, found {}",
                                              where, found(item)));
        continue;
      }
      if (auto check = read_check(items[i], where)) checks.push_back(std::move(*check));
    }
    return checks;
  }

  std::optional<GateCheck> read_check(NodeIndex index, const std::string& where) {
    const Node& node = tree_.node(index);
    const auto fields = entries(index, where);
    check_keys(fields, gate_check_keys, where);
    require(fields, {"name", "run"}, node.location, where);
    GateCheck check;
    check.location = node.location;
    for (const Entry& field : fields) {
      if (field.key == "name") {
        if (auto name = non_empty(field, template_text(field))) check.name = *name;
      } else if (field.key == "run") {
        if (auto run = non_empty(field, template_text(field))) check.run = *run;
      } else if (field.key == "expect") {
        read_expect(field, check.expect, where);
      } else if (field.key == "retries") {
        if (auto retries = read_retries(field)) check.retries = *retries;
      } else if (field.key == "retry_delay") {
        if (auto delay = duration(field, max_duration)) check.retry_delay = *delay;
      } else if (field.key == "timeout") {
        check.timeout = positive_duration(field);
      }
    }
    return check;
  }

  void read_expect(const Entry& field, Expect& expect, const std::string& where) {
    if (tree_.node(field.value).type != NodeType::mapping) {
      wrong_type(field, "a mapping of exit_code, stdout and stderr");
      return;
    }
    const std::string context = "the expectations of " + where;
    const auto fields = entries(field.value, context);
    check_keys(fields, expect_keys, context);
    for (const Entry& item : fields) {
      if (item.key == "exit_code") {
        expect.exit_code = integer(item, 0, 255, "an exit code from 0 to 255");
      } else if (item.key == "stdout") {
        expect.stdout_pattern = pattern(item);
      } else if (item.key == "stderr") {
        expect.stderr_pattern = pattern(item);
      }
    }
  }

  // Compiled now so that a bad pattern fails validation, not the go/no-go meeting.
  std::optional<std::string> pattern(const Entry& entry) {
    auto value = text(entry);
    if (!value) return std::nullopt;
    RE2::Options options;
    options.set_log_errors(false);
    const RE2 compiled(*value, options);
    if (!compiled.ok()) {
      out_.error(tree_.node(entry.value).location,
                 fmt::format("invalid regular expression {}: {}", shown(*value), compiled.error()),
                 "patterns use RE2 syntax (like Perl's, without backreferences)");
      return std::nullopt;
    }
    return value;
  }

  const LoadOptions& options_;
  TaskSettings defaults_;
  std::vector<std::string> names_;  // vars, --vars and secrets: what templates may name
  std::unordered_set<std::string_view> name_set_;
  LocationHint location_hint_;  // references are located in file order, so resume from here
  std::vector<bool> references_checked_;  // by node index: templates checked once
};

}  // namespace

Runbook read_runbook(const yaml::Tree& tree, const LoadOptions& options,
                     FileDiagnostics& diagnostics) {
  return Reader(tree, options, diagnostics).read();
}

}  // namespace cutover
