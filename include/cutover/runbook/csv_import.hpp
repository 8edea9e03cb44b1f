#pragma once
// `cutover import plan.csv`: a spreadsheet plan (SPEC §7) as a runbook. Pure: CSV text in, YAML
// text out (through yaml-cpp's emitter), or every bad cell at its row and column.

#include <string>
#include <string_view>
#include <vector>

namespace cutover {

struct ImportProblem {
  int row = 0;     // the spreadsheet's row, 1 for the header
  int column = 0;  // 1-based; 0 when the whole row is meant
  std::string message;
};

struct ImportResult {
  std::string yaml;  // empty when there are problems
  std::vector<ImportProblem> problems;
};

// `source` names the CSV in the header comment; `runbook_id` becomes the runbook's id.
ImportResult import_plan_csv(std::string_view text, std::string_view source,
                             std::string_view runbook_id);

// An id made from a title: lower case, runs of anything but [a-z0-9._-] as one '-'.
std::string id_from_title(std::string_view title);

}  // namespace cutover
