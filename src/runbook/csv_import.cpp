#include "cutover/runbook/csv_import.hpp"

#include <fmt/format.h>
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>
#include <yaml-cpp/stlemitter.h>

#include <algorithm>
#include <map>
#include <optional>

#include "base/csv.hpp"
#include "base/text.hpp"
#include "cutover/base/time.hpp"

namespace cutover {

namespace {

constexpr std::string_view known_columns[] = {"id",        "title",      "phase", "owner",
                                              "estimate",  "depends_on", "run",   "manual",
                                              "approvals", "rollback"};

// Words separated by ',', ';' or white space: depends_on and approvals cells.
std::vector<std::string> words_of(std::string_view cell) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : cell) {
    if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// "15m", "1h30m", or a spreadsheet's "hh:mm" ("1:30").
std::optional<Duration> estimate_of(std::string_view cell) {
  if (auto duration = parse_duration(cell)) return duration;
  const auto colon = cell.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 3 || cell.size() - colon != 3) {
    return std::nullopt;
  }
  const std::string_view hours = cell.substr(0, colon);
  const std::string_view minutes = cell.substr(colon + 1);
  const auto digits = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(hours) || !digits(minutes) || std::stoi(std::string(minutes)) > 59) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(
      std::chrono::hours(std::stoi(std::string(hours))) +
      std::chrono::minutes(std::stoi(std::string(minutes))));
}

struct Row {
  int row = 0;
  std::string id;
  std::string title;
  std::string phase;
  std::string owner;
  std::optional<Duration> estimate;
  std::vector<std::string> depends_on;
  int depends_column = 0;
  std::string run;
  std::string manual;
  std::vector<std::string> approvals;
  std::string rollback;
};

class Importer {
 public:
  Importer(std::string_view source, std::string_view runbook_id)
      : source_(source), runbook_id_(runbook_id) {}

  ImportResult import(std::string_view text) {
    if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
    const CsvTable table = read_csv(text, guess_separator(text));
    if (table.unclosed_quote_row) {
      problem(*table.unclosed_quote_row, 0, "a quoted cell never ends (a \" is missing)");
      return done();
    }
    if (table.records.empty()) {
      problem(1, 0, "the file is empty: the first row names the columns (id, title, ...)");
      return done();
    }
    read_header(table.records.front());
    if (!problems_.empty()) return done();
    for (std::size_t i = 1; i < table.records.size(); ++i) read_row(table.records[i]);
    check_dependencies();
    if (rows_.empty() && problems_.empty()) problem(1, 0, "no task rows under the header");
    return done();
  }

 private:
  void problem(int row, int column, std::string message) {
    problems_.push_back({row, column, std::move(message)});
  }

  ImportResult done() {
    if (!problems_.empty()) return {{}, std::move(problems_)};
    return {emit(), {}};
  }

  void read_header(const CsvRecord& header) {
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name = lower_case(trimmed(header.fields[i]));
      const int column = static_cast<int>(i) + 1;
      if (std::find(std::begin(known_columns), std::end(known_columns), name) ==
          std::end(known_columns)) {
        if (!name.empty()) ignored_.push_back(trimmed(header.fields[i]));
        continue;
      }
      if (columns_.contains(name)) {
        problem(1, column,
                fmt::format("the column '{}' is there twice (column {} too)", name,
                            columns_[name] + 1));
        continue;
      }
      columns_[name] = i;
    }
    if (!columns_.contains("id") && !columns_.contains("title")) {
      problem(1, 0,
              "there is no 'id' column, nor a 'title' to make ids from; the first row names the "
              "columns: id, title, phase, owner, estimate, depends_on, run, manual, approvals, "
              "rollback");
    }
  }

  // The cell of `name` in the record, trimmed; empty when the column or the cell is missing.
  std::string cell(const CsvRecord& record, std::string_view name) const {
    const auto it = columns_.find(std::string(name));
    if (it == columns_.end() || it->second >= record.fields.size()) return {};
    return trimmed(record.fields[it->second]);
  }

  int column_of(std::string_view name) const {
    const auto it = columns_.find(std::string(name));
    return it == columns_.end() ? 0 : static_cast<int>(it->second) + 1;
  }

  void read_row(const CsvRecord& record) {
    const bool blank = std::all_of(record.fields.begin(), record.fields.end(),
                                   [](const std::string& f) { return trimmed(f).empty(); });
    if (blank) return;
    Row row;
    row.row = record.row;
    row.title = cell(record, "title");
    row.id = cell(record, "id");
    if (row.id.empty()) row.id = id_from_title(row.title);
    if (row.id.empty()) {
      problem(record.row, column_of("id") ? column_of("id") : column_of("title"),
              "a task without an id, and no title to make one from");
      return;
    }
    if (const auto seen = ids_.find(row.id); seen != ids_.end()) {
      problem(record.row, column_of("id"),
              fmt::format("the id '{}' is also row {}'s: ids are unique", row.id, seen->second));
      return;
    }
    ids_[row.id] = record.row;
    row.phase = cell(record, "phase");
    row.owner = cell(record, "owner");
    if (const std::string estimate = cell(record, "estimate"); !estimate.empty()) {
      row.estimate = estimate_of(estimate);
      if (!row.estimate) {
        problem(record.row, column_of("estimate"),
                fmt::format("'{}' is not a duration: 15m, 1h30m or hh:mm like 1:30", estimate));
      }
    }
    row.depends_on = words_of(cell(record, "depends_on"));
    row.run = cell(record, "run");
    row.manual = cell(record, "manual");
    row.approvals = words_of(cell(record, "approvals"));
    row.rollback = cell(record, "rollback");
    if (!row.run.empty() && !row.manual.empty()) {
      problem(record.row, column_of("manual"),
              "a task is one kind: a 'run' command or 'manual' instructions, not both");
    }
    if (!row.approvals.empty() && (!row.run.empty() || !row.manual.empty())) {
      problem(record.row, column_of("approvals"),
              "a row with approvals is a gate: it has no 'run' or 'manual' of its own");
    }
    rows_.push_back(std::move(row));
  }

  void check_dependencies() {
    for (const Row& row : rows_) {
      for (const std::string& dependency : row.depends_on) {
        if (!ids_.contains(dependency)) {
          problem(row.row, column_of("depends_on"),
                  fmt::format("'{}' depends on '{}', which is no row's id", row.id, dependency));
        }
      }
    }
  }

  // The {{ NAME }} references of every cell: the runbook declares them as vars to fill in.
  std::vector<std::string> referenced_names() const {
    std::vector<std::string> names;
    const auto scan = [&](std::string_view text) {
      for (std::size_t at = text.find("{{"); at != std::string_view::npos;
           at = text.find("{{", at + 2)) {
        const auto end = text.find("}}", at);
        if (end == std::string_view::npos) return;
        const std::string name = trimmed(text.substr(at + 2, end - at - 2));
        const bool identifier = !name.empty() &&
                                !std::isdigit(static_cast<unsigned char>(name[0])) &&
                                std::all_of(name.begin(), name.end(), [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                                });
        if (identifier && std::find(names.begin(), names.end(), name) == names.end()) {
          names.push_back(name);
        }
      }
    };
    for (const Row& row : rows_) {
      for (const std::string* text : {&row.title, &row.run, &row.manual, &row.rollback}) {
        scan(*text);
      }
    }
    return names;
  }

  std::vector<std::string> phases() const {
    std::vector<std::string> phases;
    for (const Row& row : rows_) {
      if (!row.phase.empty() &&
          std::find(phases.begin(), phases.end(), row.phase) == phases.end()) {
        phases.push_back(row.phase);
      }
    }
    return phases;
  }

  void emit_task(YAML::Emitter& out, const Row& row) const {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << row.id;
    if (!row.title.empty()) out << YAML::Key << "title" << YAML::Value << row.title;
    if (!row.phase.empty()) out << YAML::Key << "phase" << YAML::Value << row.phase;
    if (!row.owner.empty()) out << YAML::Key << "owner" << YAML::Value << row.owner;
    if (row.estimate) {
      out << YAML::Key << "estimate" << YAML::Value << format_duration(*row.estimate);
    }
    if (!row.depends_on.empty()) {
      out << YAML::Key << "depends_on" << YAML::Value << YAML::Flow << row.depends_on;
    }
    if (!row.approvals.empty()) {
      out << YAML::Key << "gate" << YAML::Value << YAML::BeginMap << YAML::Key << "approvals"
          << YAML::Value << YAML::Flow << row.approvals << YAML::EndMap;
    } else if (!row.run.empty()) {
      out << YAML::Key << "run" << YAML::Value << row.run;
    } else {
      // A row that says nothing else is a step people do: its title is the instruction.
      const std::string& text = !row.manual.empty()  ? row.manual
                                : !row.title.empty() ? row.title
                                                     : row.id;
      out << YAML::Key << "manual" << YAML::Value
          << (text.find('\n') != std::string::npos ? YAML::Literal : YAML::Auto) << text;
    }
    if (!row.rollback.empty()) out << YAML::Key << "rollback" << YAML::Value << row.rollback;
    out << YAML::EndMap;
  }

  std::string emit() const {
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::Comment(fmt::format(
               "Imported with `cutover import` from {} ({} task{}).{}{}", source_, rows_.size(),
               rows_.size() == 1 ? "" : "s",
               referenced_names().empty() ? "" : " Fill in the vars its cells name ({{ NAME }}).",
               ignored_.empty()
                   ? std::string()
                   : fmt::format(" Columns not imported: {}.", fmt::join(ignored_, ", "))))
        << YAML::Newline;
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << 1;
    out << YAML::Key << "id" << YAML::Value << runbook_id_;
    if (const auto names = referenced_names(); !names.empty()) {
      out << YAML::Key << "vars" << YAML::Value << YAML::BeginMap;
      for (const std::string& name : names) out << YAML::Key << name << YAML::Value << "";
      out << YAML::EndMap;
    }
    if (const auto listed = phases(); !listed.empty()) {
      out << YAML::Key << "phases" << YAML::Value << YAML::Flow << listed;
    }
    out << YAML::Key << "tasks" << YAML::Value << YAML::BeginSeq;
    for (const Row& row : rows_) emit_task(out, row);
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

  std::string source_;
  std::string runbook_id_;
  std::map<std::string, std::size_t> columns_;  // known column -> field index
  std::vector<std::string> ignored_;            // other columns, as the header names them
  std::map<std::string, int> ids_;              // id -> row
  std::vector<Row> rows_;
  std::vector<ImportProblem> problems_;
};

}  // namespace

std::string id_from_title(std::string_view title) {
  std::string id;
  for (const char raw : title) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
    if (keep) {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && (id.back() == '-' || id.back() == '.')) id.pop_back();
  if (id.size() > 64) id.resize(64);
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

ImportResult import_plan_csv(std::string_view text, std::string_view source,
                             std::string_view runbook_id) {
  return Importer(source, runbook_id).import(text);
}

}  // namespace cutover
