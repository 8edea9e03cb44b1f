#include "cutover/runbook/schema.hpp"

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

}  // namespace cutover
