#pragma once
// What a command line adds to a runbook as it is loaded.

#include "cutover/runbook/model.hpp"

namespace cutover {

struct LoadOptions {
  EnvVars vars;  // --var K=V, overriding the runbook's vars
};

}  // namespace cutover
