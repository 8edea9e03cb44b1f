#pragma once
// Small text helpers shared by the readers of files people write (runbooks, people files,
// spreadsheet plans).

#include <string>
#include <string_view>

namespace cutover {

// Editors and spreadsheets may start UTF-8 files with it; readers skip it.
inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// ASCII letters in lower case; other bytes as they are.
std::string lower_case(std::string_view text);

// Without leading and trailing spaces, tabs and line breaks.
std::string trimmed(std::string_view text);

}  // namespace cutover
