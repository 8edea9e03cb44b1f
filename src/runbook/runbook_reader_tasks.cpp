// The reader's tasks: their fields, kinds, dependencies and rollback steps.
#include <fmt/format.h>

#include <algorithm>

#include "runbook/runbook_reader_impl.hpp"

namespace cutover::reader {

namespace {

const MappingKeys task_keys = {
    .names = {"id", "title", "phase", "owner", "estimate", "depends_on", "run", "manual", "gate",
              "timeout", "retries", "retry_delay", "env", "workdir", "rollback", "on_failure",
              "idempotent", "point_of_no_return", "shell"},
    .belong_under_gate = {"checks", "approvals"}};
const MappingKeys rollback_keys = {.names = {"run", "timeout", "manual", "estimate"}};

}  // namespace

std::vector<Task> Reader::read_tasks(const Entry& entry) {
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

std::optional<Task> Reader::read_task(NodeIndex index, std::size_t position) {
  const Node& node = tree_.node(index);
  Task task;
  task.file = file_;
  task.location = node.location;
  std::string where = name_task(node, position);
  const auto fields = entries(index, where);
  const Entry* id_entry = find(fields, "id");
  bool has_id = false;
  if (id_entry) {
    if (auto id = read_id(*id_entry, "task id")) {
      task.id = *id;
      task.location = tree_.node(id_entry->value).location;
      task.id_key_location = id_entry->key_location;
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

void Reader::warn_inapplicable_keys(const std::vector<Entry>& fields, const Task& task,
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

std::string Reader::name_task(const Node& node, std::size_t position) const {
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

void Reader::apply(TaskSettings settings, Task& task) {
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

void Reader::read_kind(const Entry& field, Task& task, const std::string& where) {
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

std::optional<std::string> Reader::non_empty(const Entry& field, std::optional<std::string> value) {
  if (value && value->find_first_not_of(" \t\r\n") == std::string::npos) {
    const std::string_view hint = field.key == "manual"    ? "say what the person has to do"
                                  : field.key == "run"     ? "give the command to run"
                                  : field.key == "workdir" ? "leave it out for the runbook's folder"
                                                           : "";
    out_.error(where_value(field), fmt::format("'{}' is empty", field.key), std::string(hint));
    return std::nullopt;
  }
  return value;
}

void Reader::read_task_field(const Entry& field, Task& task, const std::string& where) {
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
    // Through an alias the value is written elsewhere, perhaps for several tasks: not this
    // task's own to edit.
    if (task.estimate && !tree_.is_alias(field.value)) {
      task.estimate_location = tree_.node(field.value).location;
    }
  } else if (key == "depends_on") {
    read_dependencies(field, task);
  } else if (key == "rollback") {
    task.rollback = read_rollback(field, where);
  } else if (key == "point_of_no_return") {
    if (auto ponr = boolean(field)) task.point_of_no_return = *ponr;
  }
}

void Reader::read_dependencies(const Entry& field, Task& task) {
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

std::optional<Rollback> Reader::read_rollback(const Entry& field, const std::string& where) {
  const Node& node = tree_.node(field.value);
  if (node.type == NodeType::scalar) {
    if (auto run = non_empty(field, template_text(field))) {
      return CommandRollback{*run, std::nullopt, std::nullopt};
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
  const Entry* estimate_entry = find(fields, "estimate");
  const std::optional<Duration> estimate =
      estimate_entry ? duration(*estimate_entry, max_duration) : std::nullopt;
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
      return ManualRollback{*instructions, estimate};
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
  return CommandRollback{*command, limit, estimate};
}
}  // namespace cutover::reader
