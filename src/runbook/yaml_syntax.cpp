#include "runbook/yaml_syntax.hpp"

#include <fmt/format.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

#include <algorithm>
#include <vector>

namespace cutover::yaml {

namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

int characters(std::string_view bytes) {
  return static_cast<int>(
      std::count_if(bytes.begin(), bytes.end(), [](char c) { return !is_continuation_byte(c); }));
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// One line of the text, without its line break.
struct Line {
  std::size_t start = 0;
  std::size_t end = 0;
  int number = 0;  // 1-based
};

class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}

  Line containing(std::size_t offset, int number) const {
    offset = std::min(offset, text_.size());
    const std::size_t newline =
        offset == 0 ? std::string_view::npos : text_.rfind('\n', offset - 1);
    Line line{newline == std::string_view::npos ? 0 : newline + 1, 0, number};
    line.end = std::min(text_.find('\n', line.start), text_.size());
    if (line.end > line.start && text_[line.end - 1] == '\r') --line.end;
    return line;
  }

  std::optional<Line> previous(const Line& line) const {
    if (line.start == 0) return std::nullopt;
    return containing(line.start - 1, line.number - 1);
  }

  // The nearest line above that holds more than blanks and a comment.
  std::optional<Line> previous_content(const Line& line) const {
    for (auto above = previous(line); above; above = previous(*above)) {
      if (has_content(*above)) return above;
    }
    return std::nullopt;
  }

  std::string_view view(const Line& line) const {
    return text_.substr(line.start, line.end - line.start);
  }

  bool has_content(const Line& line) const {
    const std::string_view text = view(line);
    const std::size_t first = text.find_first_not_of(" \t");
    return first != std::string_view::npos && text[first] != '#';
  }

  // Bytes of spaces (and tabs) before the line's content.
  std::size_t indent(const Line& line) const {
    const std::size_t first = view(line).find_first_not_of(" \t");
    return first == std::string_view::npos ? view(line).size() : first;
  }

  // Where a key on this line starts: after the indentation and any "- " of list items.
  std::size_t key_indent(const Line& line) const {
    const std::string_view text = view(line);
    std::size_t at = indent(line);
    while (at + 1 < text.size() && text[at] == '-' && is_blank(text[at + 1])) {
      at = text.find_first_not_of(" \t", at + 1);
      if (at == std::string_view::npos) return text.size();
    }
    return at;
  }

  bool is_item(const Line& line) const {
    const std::string_view text = view(line).substr(indent(line));
    return text == "-" || (text.size() > 1 && text[0] == '-' && is_blank(text[1]));
  }

  // The word a person would call this line by: its key, or its first word.
  std::string_view word(const Line& line) const {
    const std::string_view text = view(line).substr(key_indent(line));
    const std::size_t end = text.find_first_of(" \t:#");
    return text.substr(0, end);
  }

  Location at(const Line& line, std::size_t offset) const {
    return {line.number, 1 + characters(text_.substr(line.start, offset - line.start))};
  }

 private:
  std::string_view text_;
};

// Where the first ':' that ends a key stands on the line (followed by a blank or the end).
std::optional<std::size_t> key_colon(std::string_view line) {
  for (std::size_t at = line.find(':'); at != std::string_view::npos; at = line.find(':', at + 1)) {
    if (at + 1 == line.size() || is_blank(line[at + 1])) return at;
  }
  return std::nullopt;
}

std::string quote(std::string_view text) {
  return fmt::format("'{}'", text);
}

// A tab in the indentation of the line yaml-cpp stopped at or of the line above it. A tab on
// a blank line counts only when yaml-cpp names it.
std::optional<SyntaxError> tab_indentation(const Lines& lines, const Line& line,
                                           bool parser_saw_tab) {
  std::vector<Line> candidates{line};
  if (auto above = lines.previous_content(line)) candidates.push_back(*above);
  for (const Line& candidate : candidates) {
    const std::size_t tab = lines.view(candidate).substr(0, lines.indent(candidate)).find('\t');
    const bool counts =
        lines.has_content(candidate) || (parser_saw_tab && candidate.start == line.start);
    if (tab != std::string_view::npos && counts) {
      return SyntaxError{lines.at(candidate, candidate.start + tab),
                         "tabs cannot indent YAML; use spaces",
                         "set your editor to insert spaces for the Tab key in YAML files"};
    }
  }
  return std::nullopt;
}

// A line above that opens a block at some column: the key or item a misplaced line may
// belong to.
struct Block {
  std::size_t column = 0;  // bytes of indentation
  Line line;
  bool item = false;  // the '-' of a list item rather than a key
};

// The blocks that enclose the line, nearest first: walking up, each line less indented
// than everything seen below it, and for list items both the '-' and the key after it.
std::vector<Block> enclosing_blocks(const Lines& lines, const Line& line) {
  std::vector<Block> blocks;
  std::size_t shallowest = std::string_view::npos;
  for (auto above = lines.previous_content(line); above; above = lines.previous_content(*above)) {
    const std::size_t indent = lines.indent(*above);
    if (indent >= shallowest) continue;
    const std::size_t key = lines.key_indent(*above);
    if (lines.is_item(*above) && key < shallowest && key > indent) {
      blocks.push_back({key, *above, false});
    }
    blocks.push_back({indent, *above, lines.is_item(*above)});
    shallowest = indent;
    if (indent == 0) break;
  }
  return blocks;
}

std::string describe(const Lines& lines, const Block& block) {
  if (block.item) return fmt::format("the '-' of line {}", block.line.number);
  return fmt::format("{} (line {})", quote(lines.word(block.line)), block.line.number);
}

// A line whose indentation matches no block above it (found when yaml-cpp expected a block
// to end or go on).
std::optional<SyntaxError> misaligned(const Lines& lines, const Line& line) {
  const std::size_t column = lines.indent(line);
  const std::vector<Block> blocks = enclosing_blocks(lines, line);
  const std::string what = lines.is_item(line) ? "this '-'" : quote(lines.word(line));
  const Location location = lines.at(line, line.start + column);
  for (const Block& block : blocks) {
    if (block.column != column) continue;
    if (!block.item || lines.is_item(line)) return std::nullopt;  // lines up; not the problem
    return SyntaxError{
        location,
        fmt::format("{} lines up with {}, but is not a list item", what, describe(lines, block)),
        fmt::format("indent it to column {} to belong to the item of line {}, or start a new "
                    "item with '- '",
                    lines.key_indent(block.line) + 1, block.line.number)};
  }
  const Block* deeper = nullptr;
  const Block* shallower = nullptr;
  for (const Block& block : blocks) {
    if (block.column > column && (!deeper || block.column < deeper->column)) deeper = &block;
    if (block.column < column && (!shallower || block.column > shallower->column)) {
      shallower = &block;
    }
  }
  if (!deeper && !shallower) return std::nullopt;
  std::string hint;
  if (deeper && shallower) {
    hint = fmt::format(
        "it falls between {} at column {} and {} at column {}: line it up with the block it "
        "belongs to",
        describe(lines, *deeper), deeper->column + 1, describe(lines, *shallower),
        shallower->column + 1);
  } else {
    const Block& only = deeper ? *deeper : *shallower;
    hint = fmt::format("{} is at column {}: line it up with the block it belongs to",
                       describe(lines, only), only.column + 1);
  }
  return SyntaxError{
      location, fmt::format("{} at column {} lines up with no block above it", what, column + 1),
      std::move(hint)};
}

// yaml-cpp found a ':' it cannot take as a key's: on this line after a key (a value holding
// ": "), or because the line above was not finished as a key and value should be.
std::optional<SyntaxError> stray_colon(const Lines& lines, const Line& line, std::size_t offset) {
  const std::string_view text = lines.view(line);
  const auto first = key_colon(text);
  if (first && line.start + *first < offset) {
    return SyntaxError{lines.at(line, offset), "a ': ' inside a value",
                       "quote the value, or check the indentation"};
  }
  const auto above = lines.previous_content(line);
  if (!above) return std::nullopt;
  const std::string_view above_text = lines.view(*above);
  const std::size_t key = lines.key_indent(*above);
  if (key < lines.indent(line)) {
    if (!key_colon(above_text)) return std::nullopt;
    return SyntaxError{
        lines.at(line, line.start + lines.indent(line)),
        fmt::format("{} is indented more than {} above it (line {}), which has a value already",
                    quote(lines.word(line)), quote(lines.word(*above)), above->number),
        fmt::format("keys of one mapping line up: move it to column {}", key + 1)};
  }
  if (key != lines.key_indent(line) || key_colon(above_text)) return std::nullopt;
  const std::string_view content = above_text.substr(key);
  if (const std::size_t colon = content.find(':'); colon != std::string_view::npos) {
    return SyntaxError{lines.at(*above, above->start + key + colon), "no space after this ':'",
                       fmt::format("a key is followed by ': ', a colon and a space, as in '{}: {}'",
                                   content.substr(0, colon), content.substr(colon + 1))};
  }
  return SyntaxError{lines.at(*above, above->start + key),
                     fmt::format("{} has no ':' after its key", quote(content)),
                     "a key is followed by ': ', a colon and a space; without it this line "
                     "runs into the next one"};
}

std::optional<SyntaxError> unclosed_quote(const QuotedSpan& quoted, const Line& line) {
  const bool closed_on_this_line = quoted.close >= line.start && quoted.close <= line.end;
  const bool opened_on_this_line = quoted.open >= line.start;
  if (!closed_on_this_line || opened_on_this_line) return std::nullopt;
  return SyntaxError{quoted.location, "this quoted value runs on to the next line",
                     fmt::format("is its closing quote missing? The text up to line {} was read "
                                 "as part of it",
                                 line.number)};
}

// yaml-cpp's remaining messages, said plainly.
std::string plain_words(const std::string& message) {
  static const std::pair<std::string_view, std::string_view> words[] = {
      {YAML::ErrorMsg::END_OF_MAP, "this line does not continue the mapping above it"},
      {YAML::ErrorMsg::END_OF_SEQ, "this line does not continue the list above it"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a '- ' list item cannot start here"},
      {YAML::ErrorMsg::MAP_VALUE, "a ':' that follows no key"},
      {YAML::ErrorMsg::MAP_KEY, "a key cannot start here"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "this character cannot start a value: quote the value"},
      {YAML::ErrorMsg::TAB_IN_INDENTATION, "a tab where indentation is expected: use spaces"},
      {YAML::ErrorMsg::DOC_IN_SCALAR, "a '---' or '...' inside a value"},
  };
  for (const auto& [said, meant] : words) {
    if (message == said) return std::string(meant);
  }
  return message;
}

// Where the bracket opened at `open` is closed, counting nested brackets and stepping over
// quoted text and comments; nothing when it never is.
std::optional<std::size_t> closing_bracket(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t at = open; at < text.size(); ++at) {
    const char c = text[at];
    if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return at;
    } else if (c == '"' || c == '\'') {
      for (++at; at < text.size() && text[at] != c; ++at) {
        if (c == '"' && text[at] == '\\') ++at;
      }
    } else if (c == '#' && is_blank(text[at - 1])) {
      at = std::min(text.find('\n', at), text.size());
    }
  }
  return std::nullopt;
}

SyntaxError unfinished_flow(const SourceText& source, const OpenFlow& flow, Location stopped) {
  const char bracket = source.text()[flow.offset];
  const char closer = bracket == '[' ? ']' : '}';
  if (!closing_bracket(source.text(), flow.offset)) {
    return {flow.location, fmt::format("this '{}' is never closed", bracket),
            fmt::format("the parser reached line {} without finding its '{}': close it, or "
                        "check for a missing ','",
                        stopped.line, closer)};
  }
  return {flow.location,
          fmt::format("the '{} ... {}' that starts here cannot be read", bracket, closer),
          fmt::format("the parser stopped at line {}, column {}: write it on one line with "
                      "',' between items, or as a block",
                      stopped.line, stopped.column)};
}

}  // namespace

std::size_t SourceText::offset_of(const YAML::Mark& mark) const {
  return std::min(static_cast<std::size_t>(std::max(mark.pos, 0)), text_.size());
}

Location SourceText::locate(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.pos < 0) return {};
  const std::size_t offset = offset_of(mark);
  const std::size_t line_start = offset - std::min(offset, static_cast<std::size_t>(mark.column));
  // Marks arrive in file order: counting on from the last one on the same line keeps a long
  // line (a flow list of a million items) linear, where counting from its start would not be.
  std::size_t from = line_start;
  int column = 1;
  if (last_.line == mark.line && last_.offset >= line_start && last_.offset <= offset) {
    from = last_.offset;
    column = last_.column;
  }
  column += characters(text_.substr(from, offset - from));
  last_ = {mark.line, offset, column};
  return {mark.line + 1, column};
}

Location SourceText::locate_from(const YAML::Mark& mark, std::size_t offset) const {
  const Location start = locate(mark);
  const std::size_t from = offset_of(mark);
  const std::string_view between = text_.substr(from, std::max(offset, from) - from);
  const std::size_t last_newline = between.rfind('\n');
  if (last_newline == std::string_view::npos) {
    return {start.line, start.column + characters(between)};
  }
  const auto newlines = std::count(between.begin(), between.end(), '\n');
  return {start.line + static_cast<int>(newlines),
          1 + characters(between.substr(last_newline + 1))};
}

bool SourceText::is_null_word_at(const YAML::Mark& mark) const {
  const std::string_view rest = text_.substr(offset_of(mark));
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (rest.starts_with(word)) return true;
  }
  return false;
}

Location SourceText::after_previous_indicator(const YAML::Mark& mark) const {
  const std::size_t offset = offset_of(mark);
  if (offset < text_.size() && (text_[offset] == '&' || text_[offset] == '!')) return locate(mark);
  // On the mark's own line, what comes before it is content: a comment would run to the end.
  std::size_t at = offset;
  while (at > 0 && (is_blank(text_[at - 1]) || text_[at - 1] == '\r')) --at;
  if (at > 0 && text_[at - 1] != '\n') {
    const Location here = locate(mark);
    return {here.line, here.column - characters(text_.substr(at, offset - at))};
  }
  const Lines lines(text_);
  for (auto line = lines.previous(lines.containing(offset, mark.line + 1)); line;
       line = lines.previous(*line)) {
    std::string_view content = lines.view(*line);
    if (const std::size_t hash = content.find(" #"); hash != std::string_view::npos) {
      content = content.substr(0, hash);
    }
    if (!content.empty() && content[0] == '#') content = {};
    const std::size_t last = content.find_last_not_of(" \t");
    if (last != std::string_view::npos) return lines.at(*line, line->start + last + 1);
  }
  return locate(mark);
}

std::string_view SourceText::alias_name(const YAML::Mark& mark) const {
  std::string_view rest = text_.substr(offset_of(mark));
  if (rest.starts_with('*')) rest.remove_prefix(1);
  return rest.substr(0, rest.find_first_of(" \t\r\n,]}"));
}

std::size_t SourceText::content_at(const YAML::Mark& mark) const {
  std::size_t at = offset_of(mark);
  while (at < text_.size() && (text_[at] == '&' || text_[at] == '!')) {
    at = std::min(text_.find_first_of(" \t\r\n", at), text_.size());
    at = std::min(text_.find_first_not_of(" \t\r\n", at), text_.size());
  }
  return at;
}

std::optional<std::size_t> SourceText::bracket_at(const YAML::Mark& mark) const {
  const std::size_t at = content_at(mark);
  if (at < text_.size() && (text_[at] == '[' || text_[at] == '{')) return at;
  return std::nullopt;
}

std::optional<QuotedSpan> SourceText::quoted_span(const YAML::Mark& mark) const {
  const std::size_t at = content_at(mark);
  if (at >= text_.size() || (text_[at] != '"' && text_[at] != '\'')) return std::nullopt;
  const char quote_mark = text_[at];
  for (std::size_t i = at + 1; i < text_.size(); ++i) {
    if (quote_mark == '"' && text_[i] == '\\') {
      ++i;
    } else if (text_[i] == quote_mark) {
      if (quote_mark == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
        ++i;
        continue;
      }
      return QuotedSpan{at, i, locate_from(mark, at)};
    }
  }
  throw SyntaxError{locate_from(mark, at), fmt::format("this {} is never closed", quote_mark),
                    "a quoted value ends at its closing quote: add the missing one"};
}

SyntaxError explain(const SourceText& source, const YAML::Mark& mark, const std::string& message,
                    const ParseContext& context) {
  const Lines lines(source.text());
  const std::size_t offset = source.offset_of(mark);
  const Line line = lines.containing(offset, mark.line + 1);
  const Location location = source.locate(mark);
  if (auto tab = tab_indentation(lines, line, message == YAML::ErrorMsg::TAB_IN_INDENTATION)) {
    return *tab;
  }
  if (message == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
    return {location,
            fmt::format("the alias *{} names no anchor defined before it", source.alias_name(mark)),
            {}};
  }
  if (context.last_quoted) {
    if (auto quoted = unclosed_quote(*context.last_quoted, line)) return *quoted;
  }
  if ((message == YAML::ErrorMsg::END_OF_SEQ_FLOW || message == YAML::ErrorMsg::END_OF_MAP_FLOW) &&
      context.open_flow) {
    return unfinished_flow(source, *context.open_flow, location);
  }
  if (message == YAML::ErrorMsg::MAP_VALUE) {
    if (auto colon = stray_colon(lines, line, offset)) return *colon;
  }
  if (message == YAML::ErrorMsg::MAP_VALUE || message == YAML::ErrorMsg::END_OF_MAP ||
      message == YAML::ErrorMsg::END_OF_SEQ || message == YAML::ErrorMsg::BLOCK_ENTRY) {
    if (auto indentation = misaligned(lines, line)) return *indentation;
  }
  if (message == YAML::ErrorMsg::FLOW_END && offset < source.text().size()) {
    return {location, fmt::format("this '{}' closes nothing", source.text()[offset]),
            "remove it, or look for the '[' or '{' it was meant to close"};
  }
  return {location, "YAML syntax error: " + plain_words(message), {}};
}

SyntaxError second_document(const SourceText& source, const YAML::Mark& mark) {
  const std::string_view rest = source.text().substr(source.offset_of(mark));
  const Lines lines(source.text());
  const auto above =
      lines.previous_content(lines.containing(source.offset_of(mark), mark.line + 1));
  const bool ended = above && lines.view(*above).starts_with("...");
  if (rest.starts_with("---") || rest.starts_with('%') || ended) {
    return {source.locate(mark), "a second YAML document in one file",
            "a runbook is a single document: remove the '---' or split the file"};
  }
  return {source.locate(mark), "this line does not continue the block above it",
          "a runbook is one mapping: check this line's indentation, and whether the lines "
          "above it are list items ('- ') or keys"};
}

}  // namespace cutover::yaml
