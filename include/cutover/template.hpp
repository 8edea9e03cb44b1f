#pragma once
// `{{ NAME }}` references in commands and texts.

#include <string>
#include <string_view>
#include <vector>

#include "cutover/model.hpp"

namespace cutover {

struct TemplateReference {
  std::string_view name;
  std::size_t offset = 0;  // of the opening "{{"
  std::size_t length = 0;  // through the closing "}}"
};

// Only `{{ NAME }}` with NAME an identifier ([A-Za-z_][A-Za-z0-9_]*) is a reference, so that
// Go templates in commands (`docker ps --format '{{.Names}}'`) pass through untouched.
std::vector<TemplateReference> find_references(std::string_view text);

bool is_identifier(std::string_view name);

}  // namespace cutover
