#pragma once
// The JSON Schemas (draft 2020-12) of the runbook format and of workstream files, for editors
// (yaml-language-server) and CI linters. They describe structure only; `cutover validate`
// checks everything else.

#include <string>
#include <string_view>

namespace cutover {

// Pretty-printed JSON, 2-space indent, without a trailing newline; `cutover schema` prints it.
std::string_view runbook_json_schema();

// The schema of a workstream file (`include`, `defaults`, `tasks`), made from the runbook's so
// that the two share every definition; `cutover schema --workstream` prints it.
std::string workstream_json_schema();

}  // namespace cutover
