#pragma once
// The YAML text beside yaml-cpp's parser: its marks turned into people's locations, the checks
// yaml-cpp leaves out, and its refusals told in a runbook author's words.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "runbook/yaml_tree.hpp"

namespace YAML {
struct Mark;
}

namespace cutover::yaml {

// A quoted scalar's extent in the text: from its opening quote to its closing one.
struct QuotedSpan {
  std::size_t open = 0;
  std::size_t close = 0;
  Location location;  // of the opening quote
};

class SourceText {
 public:
  explicit SourceText(std::string_view text) : text_(text) {}

  // The byte a mark points at, within the text.
  std::size_t offset_of(const YAML::Mark& mark) const;
  // yaml-cpp's marks are 0-based and count bytes; a Location is 1-based and counts characters.
  Location locate(const YAML::Mark& mark) const;
  // An offset at or after the mark's, counting lines from the mark: cheap when it is near.
  Location locate_from(const YAML::Mark& mark, std::size_t offset) const;

  // Plain `~`, `null`, `Null` or `NULL` is written at the mark (not an empty value).
  bool is_null_word_at(const YAML::Mark& mark) const;
  // Right after the last ':', '-', '[', ',' (anything not a comment or blank) before the mark.
  Location after_previous_indicator(const YAML::Mark& mark) const;
  // The name of the alias written at the mark (`*name`).
  std::string_view alias_name(const YAML::Mark& mark) const;
  // The offset of the '[' or '{' of the flow collection at the mark (after its properties).
  std::optional<std::size_t> bracket_at(const YAML::Mark& mark) const;
  // A scalar yaml-cpp did not read as plain: when it is quoted, where its quotes are. Throws a
  // SyntaxError for a quote never closed, which yaml-cpp 0.7 accepts up to the end of the file.
  std::optional<QuotedSpan> quoted_span(const YAML::Mark& mark) const;

  std::string_view text() const { return text_; }

 private:
  // The mark is a node's, before any anchor or tag: where its content starts.
  std::size_t content_at(const YAML::Mark& mark) const;

  std::string_view text_;
  // The last mark located: the next one on its line counts on from it (see locate).
  struct Located {
    int line = -1;
    std::size_t offset = 0;
    int column = 1;
  };
  mutable Located last_;
};

struct OpenFlow {
  std::size_t offset = 0;  // of its '[' or '{'
  Location location;
};

// What the parser knew when it gave up.
struct ParseContext {
  std::optional<OpenFlow> open_flow;      // the innermost '[' or '{' still open
  std::optional<QuotedSpan> last_quoted;  // the last quoted scalar read
};

// yaml-cpp's refusal (its message at its mark), explained: tabs, indentation, a missing ':' or
// space after it, unclosed quotes and brackets. Anything else keeps the parser's message.
SyntaxError explain(const SourceText& source, const YAML::Mark& mark, const std::string& message,
                    const ParseContext& context);

// A second document: after '---' a runbook author split the file; without one, a line at the
// left margin does not fit the block above it.
SyntaxError second_document(const SourceText& source, const YAML::Mark& mark);

}  // namespace cutover::yaml
