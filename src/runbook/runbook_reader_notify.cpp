// The runbook's communication plan: `notify`, a list of hooks and the events each hears.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "runbook/runbook_reader_impl.hpp"

namespace cutover::reader {

namespace {

const MappingKeys hook_keys = {.names = {"on", "run", "timeout"}};

// A run waits for its hooks at its end at most this long, so a hook may not ask for more.
constexpr Duration longest_hook_timeout = std::chrono::minutes{10};

std::vector<std::string_view> event_names() {
  std::vector<std::string_view> names;
  for (const NotifyEvent event : notify_events()) names.push_back(to_string(event));
  return names;
}

}  // namespace

std::vector<NotifyHook> Reader::read_notify(const Entry& entry) {
  std::vector<NotifyHook> hooks;
  const Node& node = tree_.node(entry.value);
  if (node.type != NodeType::sequence) {
    wrong_type(entry, "a list of hooks, each with `on` and `run`");
    return hooks;
  }
  const auto items = tree_.children(node);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (auto hook = read_hook(items[i], fmt::format("notify hook #{}", i + 1))) {
      hooks.push_back(std::move(*hook));
    }
  }
  return hooks;
}

std::optional<NotifyHook> Reader::read_hook(NodeIndex index, const std::string& where) {
  const Node& node = tree_.node(index);
  if (node.type != NodeType::mapping) {
    out_.error(node.location, fmt::format("{} must be a mapping, found {}", where, found(node)),
               "a hook is a mapping with `on` (events) and `run` (a command)");
    return std::nullopt;
  }
  const auto fields = entries(index, where);
  check_keys(fields, hook_keys, where);
  require(fields, {"on", "run"}, node.location, where);
  NotifyHook hook;
  hook.location = node.location;
  hook.shell = defaults_.shell;
  for (const Entry& field : fields) {
    if (field.key == "on") {
      hook.on = read_hook_events(field);
    } else if (field.key == "run") {
      if (auto run = non_empty(field, template_text(field))) hook.run = *run;
    } else if (field.key == "timeout") {
      if (auto timeout = positive_duration(field)) {
        if (*timeout > longest_hook_timeout) {
          out_.error(tree_.node(field.value).location,
                     fmt::format("{}'s timeout is longer than 10m", where),
                     "a run waits for its hooks at its end, so a hook gets at most 10m");
        } else {
          hook.timeout = *timeout;
        }
      }
    }
  }
  return hook;
}

std::vector<NotifyEvent> Reader::read_hook_events(const Entry& entry) {
  std::vector<NotifyEvent> events;
  const auto items = text_list(entry, "a list of events, like [run_started, task_failed]", true);
  if (!items) return events;
  const std::vector<std::string_view> names = event_names();
  for (const auto& [name, location] : *items) {
    const auto known = std::find(names.begin(), names.end(), name);
    if (known == names.end()) {
      const std::string suggestion = suggest(name, names);
      out_.error(location, fmt::format("unknown notify event {}", shown(name)),
                 suggestion.empty() ? fmt::format("events are: {}", fmt::join(names, ", "))
                                    : fmt::format("did you mean '{}'?", suggestion));
      continue;
    }
    const NotifyEvent event = notify_events()[known - names.begin()];
    if (std::find(events.begin(), events.end(), event) != events.end()) {
      out_.error(location, fmt::format("{} is listed twice in 'on'", shown(name)));
      continue;
    }
    events.push_back(event);
  }
  if (items->empty()) {
    out_.error(tree_.node(entry.value).location, "a hook with no events never runs",
               fmt::format("events are: {}", fmt::join(names, ", ")));
  }
  return events;
}

}  // namespace cutover::reader
