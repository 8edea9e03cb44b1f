#pragma once
// Text inside XML (JUnit reports) and HTML (the HTML reports).

#include <string>
#include <string_view>

namespace cutover {

// &, <, >, " and ' as entities, so that the text is safe in content and in quoted attributes;
// control characters other than tab and line ends as '?', since neither language can write
// them.
std::string markup_escape(std::string_view text);

}  // namespace cutover
