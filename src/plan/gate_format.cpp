#include "plan/gate_format.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include "base/table.hpp"

namespace cutover {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

constexpr std::string_view heading =
    "No-go deadlines (the latest moment a no-go can still be rolled back inside the window):";

// "+00:45 Sat 22:45" when the plan has a start, else the offset alone.
std::string when(const Plan& plan, Duration offset) {
  const std::string text = format_offset(offset);
  return plan.start ? fmt::format("{} {}", text, weekday_clock(plan.start->later_by(offset)))
                    : text;
}

std::string margin(const GateDeadline& gate) {
  if (!gate.no_go_deadline) return {};
  const Duration left = *gate.no_go_deadline - gate.planned_start;
  if (left < Duration{0}) return fmt::format("LATE by {}", format_duration(-left));
  return fmt::format("{} to spare", format_duration(left));
}

Table gate_table(const Runbook& runbook, const Plan& plan, const std::vector<GateDeadline>& gates) {
  Table table({"gate", "planned start", "no-go deadline", "rollback", "margin"}, "lllr");
  for (const GateDeadline& gate : gates) {
    table.add({runbook.tasks[gate.gate].id, when(plan, gate.planned_start),
               gate.no_go_deadline ? when(plan, *gate.no_go_deadline) : "no window",
               format_duration(gate.rollback), margin(gate)});
  }
  return table;
}

}  // namespace

std::string gates_text(const Runbook& runbook, const Plan& plan,
                       const std::vector<GateDeadline>& gates, bool colour) {
  if (gates.empty()) return {};
  const std::string table = gate_table(runbook, plan, gates).text("  ");
  // Line 0 is the header; line i + 1 is gate i.
  std::string out = fmt::format("{}\n", heading);
  std::size_t begin = 0;
  for (std::size_t line = 0; begin < table.size(); ++line) {
    const std::size_t end = table.find('\n', begin);
    const std::string_view text = std::string_view{table}.substr(begin, end - begin);
    const bool late = line > 0 && gates[line - 1].too_late();
    if (colour && line == 0) {
      out += fmt::format(fmt::emphasis::bold, "{}", text);
    } else if (colour && late) {
      out += fmt::format(fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold, "{}", text);
    } else {
      out += text;
    }
    out += '\n';
    begin = end + 1;
  }
  return out;
}

std::string gates_markdown(const Runbook& runbook, const Plan& plan,
                           const std::vector<GateDeadline>& gates) {
  if (gates.empty()) return {};
  return fmt::format("**{}**\n\n{}", heading, gate_table(runbook, plan, gates).markdown());
}

nlohmann::ordered_json gates_json(const Runbook& runbook, const std::vector<GateDeadline>& gates) {
  using Json = nlohmann::ordered_json;
  const auto whole_seconds = [](Duration d) { return duration_cast<seconds>(d).count(); };
  Json out = Json::array();
  for (const GateDeadline& gate : gates) {
    Json entry;
    entry["id"] = runbook.tasks[gate.gate].id;
    entry["planned_start_s"] = whole_seconds(gate.planned_start);
    entry["no_go_deadline_s"] =
        gate.no_go_deadline ? Json(whole_seconds(*gate.no_go_deadline)) : Json(nullptr);
    entry["rollback_s"] = whole_seconds(gate.rollback);
    entry["too_late"] = gate.too_late();
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace cutover
