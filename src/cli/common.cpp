#include <fmt/format.h>

#include "commands.hpp"
#include "cutover/errors.hpp"
#include "cutover/template.hpp"
#include "terminal.hpp"

namespace cutover::cli {

EnvVars parse_vars(const std::vector<std::string>& assignments) {
  EnvVars vars;
  for (const auto& assignment : assignments) {
    const auto equals = assignment.find('=');
    const std::string name = assignment.substr(0, equals);
    if (equals == std::string::npos || !is_identifier(name)) {
      throw UsageError(
          fmt::format("--var {}: expected NAME=VALUE with NAME made of letters, "
                      "digits and '_'",
                      assignment));
    }
    vars.emplace_back(name, assignment.substr(equals + 1));
  }
  return vars;
}

void add_var_option(CLI::App& command, std::vector<std::string>& vars) {
  command.add_option("--var", vars, "Set a var: NAME=VALUE (repeatable); overrides the runbook's")
      ->type_name("NAME=VALUE");
}

Runbook load_valid_runbook(const std::string& path, const EnvVars& vars) {
  return require_valid(load_runbook(path, LoadOptions{vars}), path);
}

Runbook require_valid(LoadResult loaded, const std::string& path) {
  const auto& diagnostics = loaded.diagnostics;
  if (!diagnostics.items().empty()) {
    write(stderr, render_text(diagnostics, {colour_enabled(stderr)}));
  }
  if (diagnostics.has_errors()) {
    throw Error(exit_invalid_runbook,
                fmt::format("{} is not a valid runbook ({} error{})", path,
                            diagnostics.error_count(), diagnostics.error_count() == 1 ? "" : "s"));
  }
  return std::move(loaded.runbook);
}

}  // namespace cutover::cli
