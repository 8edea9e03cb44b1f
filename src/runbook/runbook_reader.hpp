#pragma once
// Walks the YAML tree into the model, reporting every structural problem it meets.

#include <optional>
#include <string>
#include <vector>

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"
#include "runbook/yaml_tree.hpp"

namespace cutover {

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

// One path of an `include` list, as written, and where.
struct Include {
  std::string path;
  Location location;
};

// What a workstream file's tasks are read against: the runbook's defaults, under the file's
// own, and the names (vars, --vars, secrets) their templates may use.
struct RunbookContext {
  TaskSettings defaults;
  std::vector<std::string> names;
};

struct RunbookFile {
  Runbook runbook;  // its own tasks only
  std::vector<Include> includes;
  RunbookContext context;
};

struct WorkstreamFile {
  std::vector<Task> tasks;
  std::vector<Include> includes;
};

// `diagnostics` must hold the source text: template references are located in it.
RunbookFile read_runbook(const yaml::Tree& tree, const LoadOptions& options,
                         FileDiagnostics& diagnostics);
// A file that a runbook includes: `include`, `defaults` and `tasks`, its tasks counted as the
// runbook's `file`th file.
WorkstreamFile read_workstream(const yaml::Tree& tree, const LoadOptions& options,
                               const RunbookContext& runbook, std::size_t file,
                               FileDiagnostics& diagnostics);

}  // namespace cutover
