#pragma once
// `cutover estimates --write`: new `estimate:` values written into a runbook's own text at the
// places the loader located, byte for byte elsewhere (comments, quoting, order, line ends). The
// YAML is never re-emitted.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

struct EstimateChange {
  std::string task;
  std::optional<Duration> from;  // nothing: the estimate line was added
  Duration to{0};
};

struct EditedRunbook {
  std::string text;
  std::vector<EstimateChange> changes;  // in the file's order
  std::string diff;                     // unified, 3 lines of context; "" when nothing changed
};

// `runbook` is `text` as loaded (its tasks' locations); `wanted` the new estimate per task id
// (tasks whose estimate already is that value are left alone). An estimate is replaced where
// its value is written, keeping its quotes; a missing one is added on a line after the task's
// `id:` line, indented as that key. Where neither can be done (a task written as a flow
// mapping without an estimate, an estimate given through an alias, a value over several
// lines), a UsageError names every such place as FILE:LINE:COLUMN and nothing is edited.
// `text` is the runbook's `file`th file (Runbook::file_name): only the tasks written there are
// edited.
EditedRunbook edit_estimates(std::string_view text, const Runbook& runbook,
                             const std::vector<std::pair<std::string, Duration>>& wanted,
                             std::string_view file_name, std::size_t file = 0);

}  // namespace cutover
