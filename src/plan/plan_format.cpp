#include "cutover/plan/plan_format.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include <fmt/color.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/csv.hpp"
#include "base/json_stream.hpp"
#include "plan/gate_format.hpp"

// The plan as tables: text for the terminal, markdown for the meeting notes, csv and json for
// spreadsheets and scripts.

namespace cutover {

namespace {

using namespace std::chrono;

// A go/no-go note listing 5,000 unestimated ids helps nobody; the count says the rest.
constexpr std::size_t max_listed_unestimated = 10;

std::int64_t whole_seconds(Duration duration) {
  return duration_cast<seconds>(duration).count();
}

std::string timestamp_with_clock(const Timestamp& timestamp) {
  return fmt::format("{} ({})", format_timestamp(timestamp), weekday_clock(timestamp));
}

// Table cells are one line each: a stray newline in an owner must not break the layout.
std::string one_line(std::string_view text) {
  std::string out{text};
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

// Columns are aligned by code points, not bytes, so "Prüfung" pads like "Pruefung" does.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::vector<std::string> ids_of(const Runbook& runbook, const std::vector<TaskIndex>& tasks) {
  std::vector<std::string> ids;
  ids.reserve(tasks.size());
  for (const TaskIndex task : tasks) ids.push_back(runbook.tasks[task].id);
  return ids;
}

// ---------------------------------------------------------------------------------------
// The summary above the table, shared by text and markdown.

struct SummaryLine {
  std::string label;
  std::string value;
  std::string verdict;  // "fits the window ..." / "OVERRUNS the window by ..."; may be empty
  bool alarming = false;
};

std::string window_verdict(Duration overrun) {
  if (overrun > Duration{0})
    return fmt::format("OVERRUNS the window by {}", format_duration(overrun));
  if (overrun == Duration{0}) return "fits the window exactly, with no time to spare";
  return fmt::format("fits the window with {} to spare", format_duration(-overrun));
}

// "Estimated length:" and two spaces: the values line up under each other.
constexpr std::size_t summary_label_width = 19;

std::vector<SummaryLine> summary_lines(const Runbook& runbook, const Plan& plan) {
  std::vector<SummaryLine> lines;
  lines.push_back({"Runbook", runbook.heading(), {}, false});
  if (plan.start) {
    lines.push_back({"Start", timestamp_with_clock(*plan.start), {}, false});
  } else {
    lines.push_back({"Start", "not set (the runbook has no window; use --start)", {}, false});
  }
  if (plan.window_end)
    lines.push_back({"Window end", timestamp_with_clock(*plan.window_end), {}, false});
  // Said to be the critical path's, so that it is not read as the window's length.
  lines.push_back(
      {"Estimated length", format_duration(plan.total) + " (the critical path)", {}, false});
  if (plan.estimated_end) {
    SummaryLine end{"Estimated end", timestamp_with_clock(*plan.estimated_end), {}, false};
    if (const auto overrun = plan.overrun()) {
      end.verdict = window_verdict(*overrun);
      end.alarming = *overrun > Duration{0};
    }
    lines.push_back(std::move(end));
  }
  return lines;
}

// What follows "Critical path:".
std::string critical_path_text(const Runbook& runbook, const Plan& plan) {
  if (plan.critical_path.empty()) return "none (no tasks)";
  return fmt::format("{} (total {})", fmt::join(ids_of(runbook, plan.critical_path), " -> "),
                     format_duration(plan.total));
}

// What follows "Without an estimate, counted as 0:"; empty when every task has one.
std::string unestimated_text(const Runbook& runbook, const Plan& plan) {
  std::vector<std::string> ids;
  std::size_t count = 0;
  for (TaskIndex i = 0; i < plan.tasks.size(); ++i) {
    if (plan.tasks[i].estimated) continue;
    if (++count <= max_listed_unestimated) ids.push_back(runbook.tasks[i].id);
  }
  if (count == 0) return {};
  std::string listed = fmt::format("{}", fmt::join(ids, ", "));
  if (count > ids.size()) listed += fmt::format(" and {} more", count - ids.size());
  return listed;
}

constexpr std::string_view critical_path_label = "Critical path:";
constexpr std::string_view unestimated_label = "Without an estimate, counted as 0:";

// ---------------------------------------------------------------------------------------
// The table, shared by text and markdown.

enum class Align { left, right };

struct Column {
  std::string header;
  Align align;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> critical;  // by row
};

bool any_task_has(const Runbook& runbook, std::string Task::*field) {
  return std::any_of(runbook.tasks.begin(), runbook.tasks.end(),
                     [&](const Task& task) { return !(task.*field).empty(); });
}

// "+01:30 Sat 19:30"; offsets are right-aligned among themselves so the clocks line up too.
std::vector<std::string> start_cells(const Plan& plan) {
  std::vector<std::string> offsets;
  std::size_t width = 0;
  for (const TaskIndex task : plan.order) {
    offsets.push_back(format_offset(plan.tasks[task].earliest_start));
    width = std::max(width, offsets.back().size());
  }
  if (!plan.start) return offsets;
  std::vector<std::string> cells;
  for (std::size_t row = 0; row < plan.order.size(); ++row) {
    const Duration offset = plan.tasks[plan.order[row]].earliest_start;
    cells.push_back(
        fmt::format("{:>{}} {}", offsets[row], width, weekday_clock(plan.start->later_by(offset))));
  }
  return cells;
}

// Phase and owner columns appear only when some task has one: no empty columns in the notes.
Table plan_table(const Runbook& runbook, const Dag& dag, const Plan& plan,
                 std::string_view critical_mark) {
  const bool with_phase = any_task_has(runbook, &Task::phase);
  const bool with_owner = any_task_has(runbook, &Task::owner);
  Table table;
  table.columns.push_back({"lvl", Align::right});
  if (with_phase) table.columns.push_back({"phase", Align::left});
  table.columns.push_back({"task", Align::left});
  if (with_owner) table.columns.push_back({"owner", Align::left});
  table.columns.push_back({"start", Align::left});
  table.columns.push_back({"estimate", Align::right});
  table.columns.push_back({"slack", Align::right});
  table.columns.push_back({"critical", Align::left});

  const auto starts = start_cells(plan);
  for (std::size_t row = 0; row < plan.order.size(); ++row) {
    const TaskIndex index = plan.order[row];
    const Task& task = runbook.tasks[index];
    const TaskSchedule& schedule = plan.tasks[index];
    std::vector<std::string> cells;
    cells.push_back(std::to_string(dag.level[index]));
    if (with_phase) cells.push_back(one_line(task.phase));
    cells.push_back(one_line(task.id));
    if (with_owner) cells.push_back(one_line(task.owner));
    cells.push_back(starts[row]);
    cells.push_back(schedule.estimated ? format_duration(schedule.estimate) : "?");
    cells.push_back(format_duration(schedule.slack));
    cells.push_back(schedule.critical ? std::string{critical_mark} : std::string{});
    table.rows.push_back(std::move(cells));
    table.critical.push_back(schedule.critical);
  }
  return table;
}

std::vector<std::size_t> column_widths(const Table& table) {
  std::vector<std::size_t> widths;
  for (const Column& column : table.columns) widths.push_back(display_width(column.header));
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  }
  return widths;
}

std::string padded(std::string_view cell, std::size_t width, Align align) {
  const std::string fill(width - std::min(width, display_width(cell)), ' ');
  return align == Align::right ? fill + std::string{cell} : std::string{cell} + fill;
}

std::string trim_right(std::string text) {
  text.erase(text.find_last_not_of(' ') + 1);
  return text;
}

// ---------------------------------------------------------------------------------------
// text

std::string styled(std::string_view text, fmt::text_style style, bool colour) {
  return colour ? fmt::format(style, "{}", text) : std::string{text};
}

std::string text_row(const std::vector<std::string>& cells, const Table& table,
                     const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) line += "  ";
    line += padded(cells[c], widths[c], table.columns[c].align);
  }
  return trim_right(std::move(line));
}

std::string render_text(const Runbook& runbook, const Dag& dag, const Plan& plan,
                        const std::vector<GateDeadline>& gates, bool colour) {
  const auto alarm = fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
  std::string out;
  for (const SummaryLine& line : summary_lines(runbook, plan)) {
    out += fmt::format("{:<{}}{}", line.label + ":", summary_label_width, line.value);
    if (!line.verdict.empty()) {
      out += " — " + styled(line.verdict, line.alarming ? alarm : fmt::text_style{}, colour);
    }
    out += '\n';
  }
  out += '\n';

  const Table table = plan_table(runbook, dag, plan, "*");
  const auto widths = column_widths(table);
  std::vector<std::string> headers;
  for (const Column& column : table.columns) headers.push_back(column.header);
  out += styled(text_row(headers, table, widths), fmt::emphasis::bold, colour) + '\n';
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    const auto style = table.critical[row] ? fmt::fg(fmt::terminal_color::red) : fmt::text_style{};
    out += styled(text_row(table.rows[row], table, widths), style, colour) + '\n';
  }
  out += '\n';
  out += fmt::format("{} {}\n", critical_path_label, critical_path_text(runbook, plan));
  if (const auto unestimated = unestimated_text(runbook, plan); !unestimated.empty()) {
    out += fmt::format("{} {}\n", unestimated_label, unestimated);
  }
  if (!gates.empty()) out += '\n' + gates_text(runbook, plan, gates, colour);
  return out;
}

// ---------------------------------------------------------------------------------------
// markdown

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char c : one_line(text)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_row(const std::vector<std::string>& cells,
                         const std::vector<std::size_t>& widths, const Table& table) {
  std::string line = "|";
  for (std::size_t c = 0; c < cells.size(); ++c) {
    line += ' ' + padded(cells[c], widths[c], table.columns[c].align) + " |";
  }
  return line;
}

std::string markdown_rule(const std::vector<std::size_t>& widths, const Table& table) {
  std::string line = "|";
  for (std::size_t c = 0; c < widths.size(); ++c) {
    const std::size_t width = std::max<std::size_t>(widths[c], 3);
    line += table.columns[c].align == Align::right ? ' ' + std::string(width - 1, '-') + ": |"
                                                   : ' ' + std::string(width, '-') + " |";
  }
  return line;
}

std::string render_markdown(const Runbook& runbook, const Dag& dag, const Plan& plan,
                            const std::vector<GateDeadline>& gates) {
  std::string out = fmt::format("## Cutover plan: {}\n\n", markdown_cell(runbook.heading()));
  for (const SummaryLine& line : summary_lines(runbook, plan)) {
    if (line.label == "Runbook") continue;  // already the heading
    out += fmt::format("- **{}:** {}", line.label, markdown_cell(line.value));
    if (!line.verdict.empty()) {
      out += line.alarming ? fmt::format(" — **{}**", line.verdict) : " — " + line.verdict;
    }
    out += '\n';
  }
  out += '\n';

  Table table = plan_table(runbook, dag, plan, "yes");
  for (auto& row : table.rows) {
    for (auto& cell : row) cell = markdown_cell(cell);
  }
  auto widths = column_widths(table);
  for (auto& width : widths) width = std::max<std::size_t>(width, 3);  // room for the rule
  std::vector<std::string> headers;
  for (const Column& column : table.columns) headers.push_back(column.header);
  out += markdown_row(headers, widths, table) + '\n';
  out += markdown_rule(widths, table) + '\n';
  for (const auto& row : table.rows) out += markdown_row(row, widths, table) + '\n';
  out += '\n';

  out += fmt::format("**{}** {}\n", critical_path_label,
                     markdown_cell(critical_path_text(runbook, plan)));
  if (const auto unestimated = unestimated_text(runbook, plan); !unestimated.empty()) {
    out += fmt::format("\n**{}** {}\n", unestimated_label, markdown_cell(unestimated));
  }
  if (!gates.empty()) out += '\n' + gates_markdown(runbook, plan, gates);
  return out;
}

// ---------------------------------------------------------------------------------------
// csv (RFC 4180)

// A gate's row ends with its no-go deadline; other rows leave those cells empty.
std::string render_csv(const Runbook& runbook, const Dag& dag, const Plan& plan,
                       const std::vector<GateDeadline>& gates) {
  std::vector<std::optional<Duration>> deadline(runbook.tasks.size());
  for (const GateDeadline& gate : gates) deadline[gate.gate] = gate.no_go_deadline;
  std::string out = csv_record({"level",
                                "id",
                                "title",
                                "phase",
                                "owner",
                                "kind",
                                "estimate",
                                "estimate_s",
                                "earliest_start",
                                "earliest_start_s",
                                "earliest_finish_s",
                                "latest_start_s",
                                "latest_finish_s",
                                "slack",
                                "slack_s",
                                "critical",
                                "planned_start",
                                "planned_finish",
                                "depends_on",
                                "no_go_deadline_s",
                                "no_go_deadline"});
  for (const TaskIndex index : plan.order) {
    const Task& task = runbook.tasks[index];
    const TaskSchedule& s = plan.tasks[index];
    const auto planned = [&](Duration offset) {
      return plan.start ? format_timestamp(plan.start->later_by(offset)) : std::string{};
    };
    const std::optional<Duration>& no_go = deadline[index];
    out += csv_record({
        std::to_string(dag.level[index]),
        task.id,
        task.title,
        task.phase,
        task.owner,
        std::string{kind_name(task.kind)},
        s.estimated ? format_duration(s.estimate) : std::string{},
        s.estimated ? std::to_string(whole_seconds(s.estimate)) : std::string{},
        format_offset(s.earliest_start),
        std::to_string(whole_seconds(s.earliest_start)),
        std::to_string(whole_seconds(s.earliest_finish)),
        std::to_string(whole_seconds(s.latest_start)),
        std::to_string(whole_seconds(s.latest_finish)),
        format_duration(s.slack),
        std::to_string(whole_seconds(s.slack)),
        s.critical ? "true" : "false",
        planned(s.earliest_start),
        planned(s.earliest_finish),
        fmt::format("{}", fmt::join(ids_of(runbook, dag.dependencies[index]), " ")),
        no_go ? std::to_string(whole_seconds(*no_go)) : std::string{},
        no_go ? planned(*no_go) : std::string{},
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// json

using Json = nlohmann::ordered_json;

Json string_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json timestamp_or_null(const std::optional<Timestamp>& timestamp) {
  return timestamp ? Json(format_timestamp(*timestamp)) : Json(nullptr);
}

Json levels_json(const Runbook& runbook, const Dag& dag) {
  Json levels = Json::array();
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) {
    if (dag.level[i] < 0) continue;  // not ordered: in a cycle
    const auto level = static_cast<std::size_t>(dag.level[i]);
    while (levels.size() <= level) levels.push_back(Json::array());
    levels[level].push_back(runbook.tasks[i].id);
  }
  return levels;
}

Json task_json(const Runbook& runbook, const Dag& dag, const Plan& plan, TaskIndex index) {
  const Task& task = runbook.tasks[index];
  const TaskSchedule& s = plan.tasks[index];
  Json out;
  out["id"] = task.id;
  out["title"] = string_or_null(task.title);
  out["phase"] = string_or_null(task.phase);
  out["owner"] = string_or_null(task.owner);
  out["kind"] = kind_name(task.kind);
  out["level"] = dag.level[index];
  out["estimate_s"] = s.estimated ? Json(whole_seconds(s.estimate)) : Json(nullptr);
  out["earliest_start_s"] = whole_seconds(s.earliest_start);
  out["earliest_finish_s"] = whole_seconds(s.earliest_finish);
  out["latest_start_s"] = whole_seconds(s.latest_start);
  out["latest_finish_s"] = whole_seconds(s.latest_finish);
  out["slack_s"] = whole_seconds(s.slack);
  out["critical"] = s.critical;
  out["depends_on"] = ids_of(runbook, dag.dependencies[index]);
  return out;
}

// Streamed: a plan of 100,000 tasks as one tree would take several times its text.
std::string render_json(const Runbook& runbook, const Dag& dag, const Plan& plan,
                        const std::vector<GateDeadline>& gates) {
  JsonObjectStream out;
  out.member("runbook", {{"id", runbook.id}, {"title", string_or_null(runbook.title)}});
  out.member("start", timestamp_or_null(plan.start));
  out.member("window_end", timestamp_or_null(plan.window_end));
  out.member("estimated_end", timestamp_or_null(plan.estimated_end));
  out.member("total_s", whole_seconds(plan.total));
  const auto overrun = plan.overrun();
  out.member("overrun_s", overrun ? Json(whole_seconds(*overrun)) : Json(nullptr));
  out.member("critical_path", ids_of(runbook, plan.critical_path));
  out.member("levels", levels_json(runbook, dag));
  out.begin_array("tasks");
  for (const TaskIndex index : plan.order) out.element(task_json(runbook, dag, plan, index));
  out.end_array();
  out.member("gates", gates_json(runbook, gates));
  return std::move(out).finish();
}

}  // namespace

std::string render_plan(const Runbook& runbook, const Dag& dag, const Plan& plan, PlanFormat format,
                        bool colour) {
  const std::vector<GateDeadline> gates = gate_deadlines(runbook, dag, plan);
  switch (format) {
    case PlanFormat::text:
      return render_text(runbook, dag, plan, gates, colour);
    case PlanFormat::markdown:
      return render_markdown(runbook, dag, plan, gates);
    case PlanFormat::csv:
      return render_csv(runbook, dag, plan, gates);
    case PlanFormat::json:
      return render_json(runbook, dag, plan, gates);
  }
  return {};
}

}  // namespace cutover
