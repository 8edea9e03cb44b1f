#pragma once
// The JSON Schema (draft 2020-12) of the runbook format, for editors (yaml-language-server)
// and CI linters. It describes structure only; `cutover validate` checks everything else.

#include <string_view>

namespace cutover {

// Pretty-printed JSON, 2-space indent, without a trailing newline; `cutover schema` prints it.
std::string_view runbook_json_schema();

}  // namespace cutover
