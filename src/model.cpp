#include "cutover/model.hpp"

namespace cutover {

std::optional<std::size_t> Runbook::find_task(std::string_view id) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return i;
  }
  return std::nullopt;
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
  return names[kind.index()];
}

}  // namespace cutover
