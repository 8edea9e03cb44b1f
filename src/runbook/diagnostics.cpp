#include "cutover/runbook/diagnostics.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "runbook/diagnostics_shared.hpp"

namespace cutover {

namespace {

// Columns count characters; a UTF-8 continuation byte belongs to the character before it.
bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

void FileDiagnostics::add(Diagnostic diagnostic) {
  if (items_.size() >= max_kept) {
    ++(diagnostic.severity == Severity::error ? omitted_errors_ : omitted_warnings_);
    return;
  }
  items_.push_back(std::move(diagnostic));
}

void FileDiagnostics::error(Location location, std::string message, std::string hint) {
  add({Severity::error, location, std::move(message), std::move(hint)});
}

void FileDiagnostics::warning(Location location, std::string message, std::string hint) {
  add({Severity::warning, location, std::move(message), std::move(hint)});
}

void FileDiagnostics::promote_warnings() {
  for (auto& item : items_) item.severity = Severity::error;
  omitted_errors_ += std::exchange(omitted_warnings_, 0);
}

void FileDiagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.location < b.location;
  });
  // Content reached through several aliases would otherwise say the same thing each time.
  const auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.location == b.location && a.severity == b.severity && a.message == b.message;
  };
  items_.erase(std::unique(items_.begin(), items_.end(), same), items_.end());
  while (items_.size() > max_items) {
    ++(items_.back().severity == Severity::error ? omitted_errors_ : omitted_warnings_);
    items_.pop_back();
  }
}

std::size_t FileDiagnostics::error_count() const {
  return omitted_errors_ + static_cast<std::size_t>(std::count_if(
                               items_.begin(), items_.end(),
                               [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

std::size_t FileDiagnostics::warning_count() const {
  return items_.size() + omitted() - error_count();
}

Diagnostics::Diagnostics(std::string runbook_file) {
  files_.emplace_back(std::move(runbook_file));
}

FileDiagnostics& Diagnostics::add_file(std::string file) {
  return files_.emplace_back(std::move(file));
}

std::size_t Diagnostics::error_count() const {
  std::size_t count = 0;
  for (const auto& file : files_) count += file.error_count();
  return count;
}

std::size_t Diagnostics::warning_count() const {
  std::size_t count = 0;
  for (const auto& file : files_) count += file.warning_count();
  return count;
}

bool Diagnostics::empty() const {
  return std::all_of(files_.begin(), files_.end(), [](const FileDiagnostics& file) {
    return file.items().empty() && file.omitted() == 0;
  });
}

void Diagnostics::promote_warnings() {
  for (auto& file : files_) file.promote_warnings();
}

void Diagnostics::sort() {
  for (auto& file : files_) file.sort();
}

void FileDiagnostics::set_source(std::string text) {
  source_ = std::move(text);
  line_starts_.assign(1, 0);
  const char* begin = source_.data();
  const char* end = begin + source_.size();
  for (const char* at = begin; (at = static_cast<const char*>(std::memchr(at, '\n', end - at)));) {
    ++at;
    line_starts_.push_back(static_cast<std::uint32_t>(at - begin));
  }
}

std::string_view FileDiagnostics::source_line(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[static_cast<std::size_t>(line) - 1];
  std::size_t end = source_.find('\n', begin);
  if (end == std::string::npos) end = source_.size();
  if (end > begin && source_[end - 1] == '\r') --end;
  return std::string_view(source_).substr(begin, end - begin);
}

std::size_t FileDiagnostics::offset_of(Location location) const {
  if (location.line < 1 || static_cast<std::size_t>(location.line) > line_starts_.size()) {
    return std::string::npos;
  }
  std::size_t offset = line_starts_[static_cast<std::size_t>(location.line) - 1];
  for (int column = 1; column < location.column && offset < source_.size(); ++column) {
    ++offset;
    while (offset < source_.size() && is_continuation_byte(source_[offset])) ++offset;
  }
  return offset;
}

Location FileDiagnostics::location_at(std::size_t offset, const LocationHint& hint) const {
  if (hint.offset > offset || line_starts_.empty()) return location_at(offset);
  const std::size_t line_start = line_starts_[static_cast<std::size_t>(hint.location.line) - 1];
  if (static_cast<std::size_t>(hint.location.line) < line_starts_.size() &&
      offset >= line_starts_[static_cast<std::size_t>(hint.location.line)]) {
    return location_at(offset);  // a later line: its own start is near
  }
  int column = hint.location.column;
  for (std::size_t i = std::max(hint.offset, line_start); i < offset && i < source_.size(); ++i) {
    if (!is_continuation_byte(source_[i])) ++column;
  }
  return {hint.location.line, column};
}

Location FileDiagnostics::location_at(std::size_t offset) const {
  if (line_starts_.empty()) return {};
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<int>(after - line_starts_.begin());
  int column = 1;
  for (std::size_t i = *(after - 1); i < offset && i < source_.size(); ++i) {
    if (!is_continuation_byte(source_[i])) ++column;
  }
  return {line, column};
}

namespace {

std::string styled(bool colour, const fmt::text_style& style, std::string_view text) {
  return colour ? fmt::format(style, "{}", text) : std::string(text);
}

}  // namespace

// What a terminal can show safely: control characters (escape sequences from a hostile file
// among them) and broken UTF-8 become '?', one per byte, so that columns still line up.
std::string printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += (byte < 0x20 && byte != '\t' && !(keep_newlines && (byte == '\n' || byte == '\r'))) ||
                     byte == 0x7F
                 ? '?'
                 : text[i];
      ++i;
      continue;
    }
    const std::size_t length = (byte & 0xE0) == 0xC0   ? 2
                               : (byte & 0xF0) == 0xE0 ? 3
                               : (byte & 0xF8) == 0xF0 ? 4
                                                       : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) valid = is_continuation_byte(text[i + k]);
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

namespace {

// Walks a line by characters, remembering where it stopped, so that the many diagnostics of
// one long line (they come sorted) cost one pass over it, not one each.
class LineCursor {
 public:
  // Byte offset of the character at `index` (0-based) of `line`, which is `number`.
  std::size_t byte_of(std::string_view line, int number, std::size_t index) {
    if (number != line_ || index < character_) {
      line_ = number;
      character_ = 0;
      byte_ = 0;
    }
    for (; byte_ < line.size() && character_ < index; ++character_) {
      ++byte_;
      while (byte_ < line.size() && is_continuation_byte(line[byte_])) ++byte_;
    }
    return byte_;
  }

 private:
  int line_ = 0;
  std::size_t character_ = 0;
  std::size_t byte_ = 0;
};

// A long line is cut to a window around the column, so that the caret stays on screen.
constexpr std::size_t excerpt_context = 60;

struct Excerpt {
  std::string text;
  int column = 0;  // of the caret within `text`
};

Excerpt excerpt(std::string_view line, Location location, LineCursor& cursor) {
  const auto target = static_cast<std::size_t>(std::max(location.column, 1) - 1);
  const std::size_t first = target > excerpt_context ? target - excerpt_context : 0;
  const std::size_t begin = cursor.byte_of(line, location.line, first);
  std::size_t end = begin;
  for (std::size_t characters = 0;
       end < line.size() && characters < target + excerpt_context - first; ++characters) {
    ++end;
    while (end < line.size() && is_continuation_byte(line[end])) ++end;
  }
  Excerpt result;
  if (begin > 0) result.text = "...";
  result.text += printable(line.substr(begin, end - begin));
  if (end < line.size()) result.text += "...";
  result.column = static_cast<int>(target - first + (begin > 0 ? 3 : 0)) + 1;
  return result;
}

// The caret goes under the column's character: one space per preceding character, tabs kept
// so that it lines up.
std::string caret_line(std::string_view line, int column) {
  std::string prefix;
  int characters = 0;
  for (std::size_t i = 0; i < line.size() && characters < column - 1; ++i) {
    if (is_continuation_byte(line[i])) continue;
    prefix += line[i] == '\t' ? '\t' : ' ';
    ++characters;
  }
  return prefix;
}

}  // namespace

std::string_view severity_name(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string location_prefix(const std::string& file, Location location) {
  if (location.line <= 0) return file;
  if (location.column <= 0) return fmt::format("{}:{}", file, location.line);
  return fmt::format("{}:{}:{}", file, location.line, location.column);
}

std::string render_text(const FileDiagnostics& diagnostics, const RenderOptions& options) {
  const bool colour = options.colour;
  std::string out;
  LineCursor cursor;
  for (const auto& item : diagnostics.items()) {
    const auto severity_style = item.severity == Severity::error
                                    ? fmt::emphasis::bold | fg(fmt::terminal_color::bright_red)
                                    : fmt::emphasis::bold | fg(fmt::terminal_color::bright_magenta);
    out += fmt::format("{}: {}: {}\n",
                       styled(colour, fmt::emphasis::bold,
                              printable(location_prefix(diagnostics.file(), item.location))),
                       styled(colour, severity_style, severity_name(item.severity)),
                       styled(colour, fmt::emphasis::bold, printable(item.message)));
    const std::string_view line = diagnostics.source_line(item.location.line);
    if (!line.empty()) {
      const Excerpt shown = excerpt(line, item.location, cursor);
      const std::string gutter = fmt::format("{:>5}", item.location.line);
      out += fmt::format("{} | {}\n", gutter, shown.text);
      if (item.location.column > 0) {
        out += fmt::format("{} | {}{}\n", std::string(gutter.size(), ' '),
                           caret_line(shown.text, shown.column),
                           styled(colour, fg(fmt::terminal_color::bright_green), "^"));
      }
    }
    if (!item.hint.empty()) {
      out += fmt::format("{} {}\n", styled(colour, fg(fmt::terminal_color::cyan), "hint:"),
                         printable(item.hint));
    }
  }
  if (diagnostics.omitted() > 0) {
    out += fmt::format("{}: {} more problem{} not shown (the first {} are)\n",
                       printable(diagnostics.file()), diagnostics.omitted(),
                       diagnostics.omitted() == 1 ? "" : "s", FileDiagnostics::max_items);
  }
  return out;
}

std::string render_text(const Diagnostics& diagnostics, const RenderOptions& options) {
  std::string out;
  for (const auto& file : diagnostics.files()) out += render_text(file, options);
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// `depends-on`, `Depends_On` and `depends_on` are the same intent.
std::string normalised(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c == '-' || c == ' ') c = '_';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string wanted = normalised(word);
  const std::size_t limit = wanted.size() <= 3 ? 1 : (wanted.size() <= 6 ? 2 : 3);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (const auto candidate : candidates) {
    const auto length_gap = candidate.size() > wanted.size() ? candidate.size() - wanted.size()
                                                             : wanted.size() - candidate.size();
    if (length_gap >= best_distance) continue;  // cannot win: skip the quadratic part
    const std::size_t distance = edit_distance(wanted, normalised(candidate));
    // Replacing every letter of a short word is not a typo.
    if (distance < best_distance && distance < wanted.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

std::string no_such_task(const Runbook& runbook, std::string_view id) {
  std::vector<std::string_view> ids;
  ids.reserve(runbook.tasks.size());
  for (const Task& task : runbook.tasks) ids.push_back(task.id);
  const std::string closest = closest_match(id, ids);
  return fmt::format("runbook {} has no task '{}'{}", runbook.id, id,
                     closest.empty() ? "" : fmt::format("; did you mean '{}'?", closest));
}

}  // namespace cutover
