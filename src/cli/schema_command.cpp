#include "commands.hpp"
#include "cutover/runbook/schema.hpp"
#include "terminal.hpp"

namespace cutover::cli {

void add_schema(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "schema", "Print the JSON Schema of the runbook format, for editors and CI");
  command->footer(
      "For VS Code's YAML extension: cutover schema > .cutover-schema.json, then start a runbook "
      "with\n# yaml-language-server: $schema=.cutover-schema.json");
  command->callback([&action] {
    action = [] {
      write_output(std::string(runbook_json_schema()) + "\n");
      return 0;
    };
  });
}

}  // namespace cutover::cli
