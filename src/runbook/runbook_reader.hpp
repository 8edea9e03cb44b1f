#pragma once
// Walks the YAML tree into the model, reporting every structural problem it meets.

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"
#include "runbook/yaml_tree.hpp"

namespace cutover {

// `diagnostics` must hold the source text: template references are located in it.
Runbook read_runbook(const yaml::Tree& tree, const LoadOptions& options,
                     FileDiagnostics& diagnostics);

}  // namespace cutover
