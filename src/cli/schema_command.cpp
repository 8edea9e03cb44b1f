#include <memory>

#include "commands.hpp"
#include "cutover/runbook/schema.hpp"
#include "terminal.hpp"

namespace cutover::cli {

void add_schema(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "schema", "Print the JSON Schema of the runbook format, for editors and CI");
  auto workstream = std::make_shared<bool>(false);
  command->add_flag("--workstream", *workstream,
                    "The schema of a workstream file (include, defaults, tasks) instead");
  command->footer(
      "For VS Code's YAML extension: cutover schema > .cutover-schema.json, then start a runbook "
      "with\n# yaml-language-server: $schema=.cutover-schema.json\n"
      "and a workstream file with a schema from cutover schema --workstream.");
  command->callback([workstream, &action] {
    action = [workstream] {
      write_output((*workstream ? workstream_json_schema() : std::string(runbook_json_schema())) +
                   "\n");
      return 0;
    };
  });
}

}  // namespace cutover::cli
