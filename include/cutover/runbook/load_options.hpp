#pragma once
// What a command line adds to a runbook as it is loaded.

#include <filesystem>

#include "cutover/runbook/model.hpp"

namespace cutover {

struct LoadOptions {
  EnvVars vars;  // --var K=V, overriding the runbook's vars
  // A run's frozen copy of identity.allowed_signers, read instead of the runbook's; empty: the
  // runbook's own.
  std::filesystem::path allowed_signers{};
};

}  // namespace cutover
