#pragma once
// What a command line adds to a runbook as it is loaded.

#include <filesystem>
#include <map>
#include <string>

#include "cutover/runbook/model.hpp"

namespace cutover {

struct LoadOptions {
  EnvVars vars;  // --var K=V, overriding the runbook's vars
  // A run's frozen copy of identity.allowed_signers, read instead of the runbook's; empty: the
  // runbook's own.
  std::filesystem::path allowed_signers{};
  // Included files to read from here rather than from disk, by their path relative to the
  // runbook's folder: edits checked before anything is written.
  std::map<std::string, std::string> included_texts{};
};

}  // namespace cutover
