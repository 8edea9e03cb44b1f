#include "cutover/runbook/estimate_edit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "cutover/base/errors.hpp"

namespace cutover {

namespace {

// One line of the file: where it starts, and its length without the line end.
struct Line {
  std::size_t begin = 0;
  std::size_t length = 0;
  std::string_view end;  // "\n", "\r\n" or "" (the last line)
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t newline = text.find('\n', begin);
    if (newline == std::string_view::npos) {
      lines.push_back({begin, text.size() - begin, ""});
      break;
    }
    const bool crlf = newline > begin && text[newline - 1] == '\r';
    lines.push_back({begin, newline - begin - (crlf ? 1 : 0), crlf ? "\r\n" : "\n"});
    begin = newline + 1;
  }
  return lines;
}

// The byte offset of a 1-based column that counts characters (UTF-8 lead bytes).
std::optional<std::size_t> byte_of_column(std::string_view line, int column) {
  int seen = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (++seen == column) return i;
  }
  return std::nullopt;
}

// A node starts at its anchor (&name) or tag (!tag), if it has them: its value follows.
std::size_t skip_anchor_and_tag(std::string_view line, std::size_t at) {
  while (at < line.size() && (line[at] == '&' || line[at] == '!')) {
    at = line.find_first_not_of(' ', line.find(' ', at));
    if (at == std::string_view::npos) return line.size();
  }
  return at;
}

// An edit of the text: `length` bytes at `offset` become `replacement`.
struct Splice {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string replacement;
  std::size_t line = 0;  // 0-based: the line replaced, or the one inserted after
  bool inserts_line = false;
};

class Editor {
 public:
  Editor(std::string_view text, std::string_view file_name)
      : text_(text), file_name_(file_name), lines_(split_lines(text)) {}

  void replace(const Task& task, Duration to) {
    const Location at = task.estimate_location;
    const auto line = line_text(at.line);
    const auto node = line ? byte_of_column(*line, at.column) : std::nullopt;
    if (!node) return refuse(at, task, "its estimate is not where the loader found it");
    const std::size_t begin = skip_anchor_and_tag(*line, *node);
    const char quote = begin < line->size() && ((*line)[begin] == '"' || (*line)[begin] == '\'')
                           ? (*line)[begin]
                           : 0;
    std::size_t value_begin = begin + (quote ? 1 : 0);
    std::size_t value_end =
        quote ? line->find(quote, value_begin) : line->find_first_of(",}]#", value_begin);
    if (quote && value_end == std::string_view::npos) {
      return refuse(at, task, "its estimate is written over several lines");
    }
    if (value_end == std::string_view::npos) value_end = line->size();
    if (!quote) {
      while (value_end > value_begin &&
             ((*line)[value_end - 1] == ' ' || (*line)[value_end - 1] == '\t')) {
        --value_end;
      }
    }
    const std::string_view written = line->substr(value_begin, value_end - value_begin);
    if (parse_duration(written) != task.estimate) {
      return refuse(at, task,
                    fmt::format("its estimate is not written as one plain value ('{}')", written));
    }
    Splice splice;
    splice.offset = lines_[static_cast<std::size_t>(at.line - 1)].begin + value_begin;
    splice.length = written.size();
    splice.replacement = format_duration(to);
    splice.line = static_cast<std::size_t>(at.line - 1);
    splices_.push_back(std::move(splice));
  }

  void insert(const Task& task, Duration to) {
    const Location at = task.id_key_location;
    const auto line = line_text(at.line);
    const auto key = line ? byte_of_column(*line, at.column) : std::nullopt;
    if (!key) return refuse(at, task, "its id is not where the loader found it");
    if (line->substr(0, *key).find_first_not_of(" -") != std::string_view::npos) {
      return refuse(at, task,
                    "it is written as a flow mapping ({ ... }) without an estimate: add "
                    "`estimate:` to it by hand");
    }
    const Line& id_line = lines_[static_cast<std::size_t>(at.line - 1)];
    const std::string_view line_end = id_line.end.empty() ? first_line_end() : id_line.end;
    Splice splice;
    splice.offset = id_line.begin + id_line.length + id_line.end.size();
    const std::string new_line =
        fmt::format("{}estimate: {}", std::string(*key, ' '), format_duration(to));
    // A last line without a line end gets one before the new line.
    splice.replacement = std::string(id_line.end.empty() ? line_end : "") + new_line +
                         std::string(id_line.end.empty() ? "" : line_end);
    splice.line = static_cast<std::size_t>(at.line - 1);
    splice.inserts_line = true;
    splices_.push_back(std::move(splice));
  }

  void refuse(Location at, const Task& task, std::string_view why) {
    refusals_.push_back(fmt::format("{}:{}:{}: the estimate of task '{}' cannot be placed: {}",
                                    file_name_, at.line, at.column, task.id, why));
  }

  EditedRunbook finish(std::vector<EstimateChange> changes) {
    if (!refusals_.empty()) {
      throw UsageError(fmt::format("cannot write the estimates, nothing was changed:\n{}",
                                   fmt::join(refusals_, "\n")));
    }
    std::sort(splices_.begin(), splices_.end(),
              [](const Splice& a, const Splice& b) { return a.offset < b.offset; });
    EditedRunbook edited;
    std::size_t copied = 0;
    for (const Splice& splice : splices_) {
      edited.text.append(text_.substr(copied, splice.offset - copied));
      edited.text += splice.replacement;
      copied = splice.offset + splice.length;
    }
    edited.text.append(text_.substr(copied));
    edited.diff = diff(edited.text);
    edited.changes = std::move(changes);
    return edited;
  }

 private:
  std::optional<std::string_view> line_text(int number) const {
    if (number < 1 || static_cast<std::size_t>(number) > lines_.size()) return std::nullopt;
    const Line& line = lines_[static_cast<std::size_t>(number - 1)];
    return text_.substr(line.begin, line.length);
  }

  std::string_view first_line_end() const {
    return lines_.empty() || lines_.front().end.empty() ? "\n" : lines_.front().end;
  }

  // The unified diff from the text to `edited` (the splices applied).
  std::string diff(std::string_view edited) const;

  std::string_view text_;
  std::string_view file_name_;
  std::vector<Line> lines_;
  std::vector<Splice> splices_;
  std::vector<std::string> refusals_;
};

// The unified diff of the splices (each replaces or adds one whole line): hunks with three
// lines of context, merged when their context would touch.
std::string Editor::diff(std::string_view edited) const {
  if (splices_.empty()) return {};
  constexpr std::size_t context = 3;
  struct Entry {
    char sign;  // ' ', '-', '+'
    std::string text;
    std::size_t old_line;  // 0-based: the old line it is, or comes after
  };
  // Old line i is followed, in the new text, by itself (changed or not) and then by the
  // lines inserted after it; several splices may fall on one line.
  std::vector<bool> changed(lines_.size(), false);
  std::vector<std::size_t> inserted(lines_.size(), 0);
  for (const Splice& splice : splices_) {
    if (splice.inserts_line) {
      ++inserted[splice.line];
    } else {
      changed[splice.line] = true;
    }
  }
  const std::vector<Line> new_lines = split_lines(edited);
  const auto new_text = [&](std::size_t j) {
    return std::string(edited.substr(new_lines[j].begin, new_lines[j].length));
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0, j = 0; i < lines_.size(); ++i) {
    const std::string old(text_.substr(lines_[i].begin, lines_[i].length));
    if (changed[i]) {
      entries.push_back({'-', old, i});
      entries.push_back({'+', new_text(j++), i});
    } else {
      entries.push_back({' ', old, i});
      ++j;
    }
    for (std::size_t k = 0; k < inserted[i]; ++k) entries.push_back({'+', new_text(j++), i});
  }
  std::string out = fmt::format("--- {}\n+++ {}\n", file_name_, file_name_);
  std::size_t i = 0;
  while (i < entries.size()) {
    if (entries[i].sign == ' ') {
      ++i;
      continue;
    }
    const std::size_t first = i >= context ? i - context : 0;
    std::size_t last = i;  // the last changed entry of the hunk
    for (std::size_t j = i; j < entries.size() && j <= last + 2 * context; ++j) {
      if (entries[j].sign != ' ') last = j;
    }
    const std::size_t end = std::min(entries.size(), last + context + 1);
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (std::size_t j = first; j < end; ++j) {
      if (entries[j].sign != '+') ++old_count;
      if (entries[j].sign != '-') ++new_count;
    }
    std::size_t old_start = entries[first].old_line + 1;
    std::size_t new_start = old_start;
    for (std::size_t j = 0; j < first; ++j) {
      if (entries[j].sign == '+') ++new_start;
      if (entries[j].sign == '-') --new_start;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", old_start, old_count, new_start, new_count);
    for (std::size_t j = first; j < end; ++j) {
      out += entries[j].sign + entries[j].text + "\n";
    }
    i = end;
  }
  return out;
}

}  // namespace

EditedRunbook edit_estimates(std::string_view text, const Runbook& runbook,
                             const std::vector<std::pair<std::string, Duration>>& wanted,
                             std::string_view file_name, std::size_t file) {
  std::unordered_map<std::string_view, Duration> new_value;
  for (const auto& [id, value] : wanted) new_value.emplace(id, value);
  // A value written once for several tasks (merged from an anchor) is not one task's to edit.
  std::map<Location, int> written_by;
  for (const Task& task : runbook.tasks) {
    if (task.file == file && task.estimate_location.line > 0) ++written_by[task.estimate_location];
  }
  Editor editor(text, file_name);
  std::vector<EstimateChange> changes;
  for (const Task& task : runbook.tasks) {
    const auto found = new_value.find(task.id);
    if (task.file != file || found == new_value.end() || task.estimate == found->second) continue;
    changes.push_back({task.id, task.estimate, found->second});
    if (task.estimate_location.line > 0) {
      if (written_by[task.estimate_location] > 1) {
        editor.refuse(task.estimate_location, task,
                      "its value is shared with other tasks (a merge key): change it by hand");
      } else {
        editor.replace(task, found->second);
      }
    } else if (task.estimate) {
      editor.refuse(task.location, task,
                    "it is given through an alias: change it where the anchor is");
    } else {
      editor.insert(task, found->second);
    }
  }
  return editor.finish(std::move(changes));
}

}  // namespace cutover
