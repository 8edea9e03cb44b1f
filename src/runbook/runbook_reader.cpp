#include "runbook/runbook_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "base/text.hpp"
#include "cutover/runbook/template.hpp"
#include "runbook/runbook_reader_impl.hpp"

namespace cutover {
namespace reader {

namespace {

// The longest window: a larger number is a mistake in its units.
constexpr Duration max_window = std::chrono::days{3653};

const MappingKeys window_keys = {.names = {"start", "duration", "end"}};
const MappingKeys defaults_keys = {.names = {"owner", "timeout", "retries", "retry_delay", "env",
                                             "workdir", "on_failure", "idempotent", "shell"}};
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

}  // namespace

const MappingKeys runbook_keys = {
    .names = {"version", "id", "title", "window", "vars", "secrets", "defaults", "phases",
              "include", "tasks", "notify", "go_live", "identity"},
    .extensions = true};

Reader::Reader(const yaml::Tree& tree, const LoadOptions& options, const RunbookContext& runbook,
               std::size_t file, FileDiagnostics& diagnostics)
    : Reader(tree, options, diagnostics) {
  file_ = file;
  defaults_ = runbook.defaults;
  set_names(runbook.names);
}

void Reader::set_names(std::vector<std::string> names) {
  names_ = std::move(names);
  name_set_ = std::unordered_set<std::string_view>(names_.begin(), names_.end());
}

RunbookFile Reader::read() {
  RunbookFile file;
  Runbook& runbook = file.runbook;
  if (tree_.empty()) {
    out_.error({1, 1}, "the file is empty", "a runbook is a mapping with version, id and tasks");
    return file;
  }
  const Node& root = tree_.node(tree_.root());
  if (root.type != NodeType::mapping) {
    out_.error(root.location, fmt::format("a runbook must be a mapping, found {}", found(root)),
               "a runbook is a mapping with version, id and tasks");
    return file;
  }
  const auto top = entries(tree_.root(), "the runbook");
  check_keys(top, runbook_keys, "the runbook");
  const Entry* include = find(top, "include");
  if (looks_like_workstream(top)) {
    out_.error(root.location,
               "this is a workstream file, not a runbook: it has no 'version' and no 'id'",
               "validate the runbook that includes it; a runbook starts with version: 1 and "
               "its id");
  } else {
    // Its tasks may all be in the files it includes.
    require(top, include ? KeyList{"version", "id"} : KeyList{"version", "id", "tasks"},
            root.location, "the runbook");
  }

  // vars and secrets first, wherever they stand: every template is checked against them.
  if (const Entry* vars = find(top, "vars")) runbook.vars = read_vars(*vars);
  override_vars(runbook.vars, options_.vars);
  if (const Entry* secrets = find(top, "secrets"))
    runbook.secrets = read_secrets(*secrets, runbook.vars);
  std::vector<std::string> names;
  for (const auto& [name, value] : runbook.vars) names.push_back(name);
  for (const auto& name : runbook.secrets) names.push_back(name);
  set_names(std::move(names));

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
  if (include) file.includes = read_includes(*include);
  if (const Entry* defaults = find(top, "defaults")) read_defaults(*defaults);
  if (const Entry* tasks = find(top, "tasks")) runbook.tasks = read_tasks(*tasks);
  if (const Entry* notify = find(top, "notify")) runbook.notify = read_notify(*notify);
  if (const Entry* go_live = find(top, "go_live")) runbook.go_live = read_go_live(*go_live);
  if (const Entry* identity = find(top, "identity")) runbook.identity = read_identity(*identity);
  file.context = {defaults_, names_};
  return file;
}

std::optional<std::string> Reader::template_text(const Entry& entry) {
  auto value = text(entry);
  if (value) check_references(*value, entry.value);
  return value;
}

std::optional<std::string> Reader::read_id(const Entry& entry, std::string_view what) {
  const Node& node = tree_.node(entry.value);
  if (node.type != NodeType::scalar) {
    wrong_type(entry, fmt::format("a {}", what));
    return std::nullopt;
  }
  const std::string id(tree_.scalar(node));
  if (!valid_id(id)) {
    const std::string lower = lower_case(id);
    out_.error(node.location, fmt::format("invalid {} {}", what, shown(id)),
               valid_id(lower) ? fmt::format("ids are lowercase: '{}'", lower)
                               : fmt::format("ids are 1 to {} characters of a-z, 0-9, '.', '_' "
                                             "and '-', starting with a letter or digit",
                                             max_id_length));
  }
  return id;  // kept even when invalid, so that its dependents do not cascade into errors
}

std::optional<std::vector<std::pair<std::string, Location>>> Reader::text_list(
    const Entry& entry, std::string_view expected, bool allow_single) {
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
      out_.error(item.location,
                 fmt::format("each item of '{}' must be a text, found {}", entry.key, found(item)));
      continue;
    }
    items.emplace_back(tree_.scalar(item), item.location);
  }
  return items;
}

std::vector<std::string> Reader::read_names(const Entry& entry, std::string_view expected,
                                            bool identifiers) {
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

void Reader::check_references(std::string_view value, NodeIndex index) {
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
      search_end = std::min(out_.source().size(), out_.offset_of(tree_.next_location(written_at)));
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

void Reader::read_version(const Entry& entry, Runbook& runbook) {
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

EnvVars Reader::read_vars(const Entry& entry) {
  return read_env(entry, "var");
}

EnvVars Reader::read_env(const Entry& entry, std::string_view what) {
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

std::vector<std::string> Reader::read_secrets(const Entry& entry, const EnvVars& vars) {
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

std::optional<Window> Reader::read_window(const Entry& entry) {
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
    out_.error(end_entry->key_location, "window has both 'duration' and 'end'", "give one of them");
  } else if (!duration_entry && !end_entry) {
    out_.error(node.location, "window has neither 'duration' nor 'end'");
  }
  const Entry* start_entry = find(fields, "start");
  std::optional<Timestamp> start;
  if (start_entry) start = timestamp(*start_entry);
  std::optional<Duration> length;
  if (duration_entry && !end_entry) length = duration(*duration_entry, max_window);
  if (end_entry && !duration_entry) {
    const std::optional<Timestamp> end = timestamp(*end_entry);
    if (start && end) length = end->utc - start->utc;
  }
  if (!start || !length) return std::nullopt;
  if (length->count() <= 0) {
    out_.error(where_value(duration_entry ? *duration_entry : *end_entry),
               duration_entry ? "the window's duration must be longer than 0s"
                              : "the window ends before it starts");
    return std::nullopt;
  }
  return Window{*start, *length, node.location};
}

std::vector<std::string> Reader::read_phases(const Entry& entry) {
  return read_names(entry, "a list of phase names", false);
}

void Reader::read_defaults(const Entry& entry) {
  if (tree_.node(entry.value).type != NodeType::mapping) {
    wrong_type(entry, "a mapping of task settings");
    return;
  }
  const auto fields = entries(entry.value, "defaults");
  check_keys(fields, defaults_keys, "defaults");
  for (const Entry& field : fields) read_setting(field, defaults_);
}

bool Reader::read_setting(const Entry& field, TaskSettings& settings) {
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

std::optional<Duration> Reader::positive_duration(const Entry& entry) {
  auto value = duration(entry, max_duration);
  if (value && value->count() == 0) {
    out_.error(where_value(entry), fmt::format("'{}' must be longer than 0s", entry.key));
    return std::nullopt;
  }
  return value;
}

std::optional<int> Reader::read_retries(const Entry& entry) {
  return integer(entry, 0, max_retries, fmt::format("a whole number from 0 to {}", max_retries));
}

std::optional<OnFailure> Reader::read_on_failure(const Entry& entry) {
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

std::optional<std::vector<std::string>> Reader::read_shell(const Entry& entry) {
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
}  // namespace reader

RunbookFile read_runbook(const yaml::Tree& tree, const LoadOptions& options,
                         FileDiagnostics& diagnostics) {
  return reader::Reader(tree, options, diagnostics).read();
}

}  // namespace cutover
