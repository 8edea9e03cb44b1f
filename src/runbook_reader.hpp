#pragma once
// Walks the YAML tree into the model, reporting every structural problem it meets.

#include "cutover/diagnostics.hpp"
#include "cutover/load_options.hpp"
#include "cutover/model.hpp"
#include "cutover/yaml_tree.hpp"

namespace cutover {

// `diagnostics` must hold the source text: template references are located in it.
Runbook read_runbook(const yaml::Tree& tree, const LoadOptions& options,
                     FileDiagnostics& diagnostics);

}  // namespace cutover
