#include "cutover/runbook/schema.hpp"

#include <nlohmann/json.hpp>

namespace cutover {

namespace {

// The schema is src/runbook/runbook.schema.json, embedded at build time. Keep it in step with
// the format in SPEC §1 and the loader: tests/runbook/schema_test.cpp compares the key sets,
// and tests/e2e/schema.sh validates every example and runbook against it.
constexpr std::string_view schema_text =
#include "runbook/runbook_schema.inc"
    ;

}  // namespace

std::string_view runbook_json_schema() {
  return schema_text;
}

std::string workstream_json_schema() {
  nlohmann::ordered_json schema = nlohmann::ordered_json::parse(schema_text);
  schema["$id"] = "https://cutover.dev/schema/workstream-v1.json";
  schema["title"] = "cutover workstream file (format version 1)";
  schema["description"] =
      "A workstream file: tasks that a cutover runbook includes, with their own defaults over "
      "the runbook's. Its tasks use the runbook's vars, secrets and phases, and may depend on "
      "tasks in any file of the runbook. Run `cutover validate RUNBOOK` on the runbook that "
      "includes it for the full check.";
  schema.erase("required");
  nlohmann::ordered_json properties;
  for (const char* key : {"include", "defaults", "tasks"})
    properties[key] = schema["properties"][key];
  properties["defaults"]["description"] =
      "Values this file's tasks get unless they set their own, over the runbook's defaults.";
  schema["properties"] = std::move(properties);
  return schema.dump(2);
}

}  // namespace cutover
