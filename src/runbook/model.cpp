#include "cutover/runbook/model.hpp"

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

std::string_view kind_name(const TaskKind& kind) {
  static constexpr std::string_view names[] = {"run", "manual", "gate"};
  static_assert(std::is_same_v<std::variant_alternative_t<0, TaskKind>, Command> &&
                std::is_same_v<std::variant_alternative_t<1, TaskKind>, Manual> &&
                std::is_same_v<std::variant_alternative_t<2, TaskKind>, Gate>);
  return names[kind.index()];
}

}  // namespace cutover
