#include "cutover/runbook/model.hpp"

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace cutover {

std::optional<std::size_t> Runbook::find_task(std::string_view id) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return i;
  }
  return std::nullopt;
}

std::string Runbook::heading() const {
  return title.empty() ? id : id + " — " + title;
}

std::string_view to_string(OnFailure policy) {
  switch (policy) {
    case OnFailure::rollback:
      return "rollback";
    case OnFailure::stop:
      return "stop";
    case OnFailure::continue_:
      return "continue";
  }
  return "rollback";
}

const std::vector<NotifyEvent>& notify_events() {
  static const std::vector<NotifyEvent> events = {
      NotifyEvent::run_started,      NotifyEvent::run_finished, NotifyEvent::task_failed,
      NotifyEvent::waiting,          NotifyEvent::gate_waiting, NotifyEvent::point_of_no_return,
      NotifyEvent::rollback_started, NotifyEvent::overrun,      NotifyEvent::deadline};
  return events;
}

std::string_view to_string(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::run_started:
      return "run_started";
    case NotifyEvent::run_finished:
      return "run_finished";
    case NotifyEvent::task_failed:
      return "task_failed";
    case NotifyEvent::waiting:
      return "waiting";
    case NotifyEvent::gate_waiting:
      return "gate_waiting";
    case NotifyEvent::point_of_no_return:
      return "point_of_no_return";
    case NotifyEvent::rollback_started:
      return "rollback_started";
    case NotifyEvent::overrun:
      return "overrun";
    case NotifyEvent::deadline:
      return "deadline";
    case NotifyEvent::test:
      return "test";
  }
  return "?";
}

bool valid_label(std::string_view label) {
  return !label.empty() && !label.starts_with('.') &&
         std::all_of(label.begin(), label.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

bool Identity::knows(std::string_view name) const {
  return std::any_of(signers.begin(), signers.end(),
                     [&](const Signer& signer) { return signer.name == name; });
}

bool NotifyHook::hears(NotifyEvent event) const {
  return event == NotifyEvent::test || std::find(on.begin(), on.end(), event) != on.end();
}

std::string_view kind_name(const TaskKind& kind) {
  static constexpr std::string_view names[] = {"run", "manual", "gate"};
  static_assert(std::is_same_v<std::variant_alternative_t<0, TaskKind>, Command> &&
                std::is_same_v<std::variant_alternative_t<1, TaskKind>, Manual> &&
                std::is_same_v<std::variant_alternative_t<2, TaskKind>, Gate>);
  return names[kind.index()];
}

}  // namespace cutover
