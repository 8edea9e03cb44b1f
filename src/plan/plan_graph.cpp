#include "cutover/plan/plan_format.hpp"

#include <filesystem>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

// The DAG as a picture: dot for Graphviz, mermaid for wikis and pull requests.

namespace cutover {

namespace {

constexpr TaskIndex no_task = std::numeric_limits<TaskIndex>::max();

// What dot and mermaid share.

// The clusters, each with its tasks in file order; tasks in no cluster come last.
struct TaskGroups {
  std::vector<std::string> names;
  std::vector<std::vector<TaskIndex>> members;
  std::vector<TaskIndex> ungrouped;
};

// Phases in declared order, then any undeclared ones in order of first use. Tasks without a
// phase are in none.
TaskGroups group_by_phase(const Runbook& runbook) {
  TaskGroups groups;
  std::unordered_map<std::string_view, std::size_t> group_of;
  const auto group_for = [&](const std::string& phase) {
    const auto [it, inserted] = group_of.try_emplace(phase, groups.names.size());
    if (inserted) {
      groups.names.push_back(phase);
      groups.members.emplace_back();
    }
    return it->second;
  };
  for (const std::string& phase : runbook.phases) group_for(phase);
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) {
    const std::string& phase = runbook.tasks[i].phase;
    if (phase.empty()) {
      groups.ungrouped.push_back(i);
    } else {
      groups.members[group_for(phase)].push_back(i);
    }
  }
  return groups;
}

// The runbook's own file (by its name), then the included files in include order.
TaskGroups group_by_file(const Runbook& runbook) {
  TaskGroups groups;
  groups.names.push_back(std::filesystem::path(runbook.file).filename().string());
  groups.names.insert(groups.names.end(), runbook.included.begin(), runbook.included.end());
  groups.members.resize(groups.names.size());
  for (TaskIndex i = 0; i < runbook.tasks.size(); ++i) {
    groups.members[runbook.tasks[i].file].push_back(i);
  }
  return groups;
}

TaskGroups group_tasks(const Runbook& runbook, GraphCluster cluster) {
  return cluster == GraphCluster::file ? group_by_file(runbook) : group_by_phase(runbook);
}

// next_on_path[a] == b when a -> b is a step of the critical path.
std::vector<TaskIndex> critical_successors(const Runbook& runbook, const Plan& plan) {
  std::vector<TaskIndex> next(runbook.tasks.size(), no_task);
  for (std::size_t k = 1; k < plan.critical_path.size(); ++k) {
    next[plan.critical_path[k - 1]] = plan.critical_path[k];
  }
  return next;
}

std::vector<bool> on_critical_path(const Runbook& runbook, const Plan& plan) {
  std::vector<bool> on_path(runbook.tasks.size(), false);
  for (const TaskIndex task : plan.critical_path) on_path[task] = true;
  return on_path;
}

std::string estimate_label(const TaskSchedule& schedule) {
  return schedule.estimated ? format_duration(schedule.estimate) : "no estimate";
}

constexpr std::string_view point_of_no_return_label = "point of no return";

// ---------------------------------------------------------------------------------------
// dot

// Inside a DOT double-quoted string a backslash starts an escape in labels (\n, \l), so a
// literal one is doubled; a quote is escaped; line breaks become \n.
std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out + '"';
}

std::string dot_node(const Runbook& runbook, const Plan& plan, const std::vector<bool>& on_path,
                     TaskIndex index) {
  const Task& task = runbook.tasks[index];
  std::string label = task.id + '\n' + estimate_label(plan.tasks[index]);
  std::vector<std::string> attributes;
  if (task.point_of_no_return) label += fmt::format("\n{}", point_of_no_return_label);
  attributes.push_back("label=" + dot_quoted(label));
  if (task.is_gate()) attributes.push_back("shape=diamond");
  // A dashed outline, not a slanted shape: long ids make parallelograms sprawl in dot.
  if (task.is_manual()) attributes.push_back("style=\"rounded,dashed\"");
  if (task.point_of_no_return) attributes.push_back("peripheries=2");
  if (on_path[index]) attributes.push_back("color=red, fontcolor=red, penwidth=2");
  return fmt::format("{} [{}];", dot_quoted(task.id), fmt::join(attributes, ", "));
}

std::string render_dot(const Runbook& runbook, const Dag& dag, const Plan& plan,
                       GraphCluster clusters) {
  const auto on_path = on_critical_path(runbook, plan);
  const auto next_on_path = critical_successors(runbook, plan);
  std::string out = fmt::format("digraph {} {{\n", dot_quoted(runbook.id));
  out += fmt::format("  label={};\n  labelloc=t;\n", dot_quoted(runbook.heading()));
  out += "  node [shape=box];\n";

  const TaskGroups groups = group_tasks(runbook, clusters);
  std::size_t cluster = 0;
  for (std::size_t g = 0; g < groups.names.size(); ++g) {
    if (groups.members[g].empty()) continue;
    out += fmt::format("\n  subgraph cluster_{} {{\n    label={};\n", cluster++,
                       dot_quoted(groups.names[g]));
    for (const TaskIndex task : groups.members[g]) {
      out += "    " + dot_node(runbook, plan, on_path, task) + '\n';
    }
    out += "  }\n";
  }
  if (!groups.ungrouped.empty()) out += '\n';
  for (const TaskIndex task : groups.ungrouped) {
    out += "  " + dot_node(runbook, plan, on_path, task) + '\n';
  }

  bool first_edge = true;
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    for (const TaskIndex dependency : dag.dependencies[task]) {
      if (std::exchange(first_edge, false)) out += '\n';
      out += fmt::format("  {} -> {}", dot_quoted(runbook.tasks[dependency].id),
                         dot_quoted(runbook.tasks[task].id));
      if (next_on_path[dependency] == task) out += " [color=red, penwidth=2]";
      out += ";\n";
    }
  }
  out += "}\n";
  return out;
}

// ---------------------------------------------------------------------------------------
// mermaid

// Mermaid labels are HTML: entity codes keep quotes, angle brackets and '#' literal.
std::string mermaid_label(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '&':
        out += "#amp;";
        break;
      case '\n':
        out += "<br/>";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string mermaid_id(TaskIndex index) {
  return fmt::format("n{}", index);
}

std::string mermaid_node(const Runbook& runbook, const Plan& plan, TaskIndex index) {
  const Task& task = runbook.tasks[index];
  std::string label =
      mermaid_label(task.id) + "<br/>" + mermaid_label(estimate_label(plan.tasks[index]));
  if (task.point_of_no_return) label += fmt::format("<br/>{}", point_of_no_return_label);
  if (task.is_gate()) return fmt::format("{}{{\"{}\"}}", mermaid_id(index), label);
  if (task.is_manual()) return fmt::format("{}[/\"{}\"/]", mermaid_id(index), label);
  return fmt::format("{}[\"{}\"]", mermaid_id(index), label);
}

std::string render_mermaid(const Runbook& runbook, const Dag& dag, const Plan& plan,
                           GraphCluster clusters) {
  const auto next_on_path = critical_successors(runbook, plan);
  std::string out = "flowchart TD\n";
  const TaskGroups groups = group_tasks(runbook, clusters);
  std::size_t subgraph = 0;
  for (std::size_t g = 0; g < groups.names.size(); ++g) {
    if (groups.members[g].empty()) continue;
    out +=
        fmt::format("  subgraph {}{} [\"{}\"]\n", clusters == GraphCluster::file ? "file" : "phase",
                    subgraph++, mermaid_label(groups.names[g]));
    for (const TaskIndex task : groups.members[g]) {
      out += "    " + mermaid_node(runbook, plan, task) + '\n';
    }
    out += "  end\n";
  }
  for (const TaskIndex task : groups.ungrouped)
    out += "  " + mermaid_node(runbook, plan, task) + '\n';

  // linkStyle addresses edges by the order they are written in.
  std::vector<std::string> critical_edges;
  std::size_t edge = 0;
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    for (const TaskIndex dependency : dag.dependencies[task]) {
      out += fmt::format("  {} --> {}\n", mermaid_id(dependency), mermaid_id(task));
      if (next_on_path[dependency] == task) critical_edges.push_back(std::to_string(edge));
      ++edge;
    }
  }

  std::vector<std::string> critical_nodes;
  for (const TaskIndex task : plan.critical_path) critical_nodes.push_back(mermaid_id(task));
  std::vector<std::string> no_return_nodes;
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    if (runbook.tasks[task].point_of_no_return) no_return_nodes.push_back(mermaid_id(task));
  }
  if (!critical_nodes.empty()) {
    out += "  classDef critical stroke:#d00,stroke-width:3px,color:#d00\n";
    out += fmt::format("  class {} critical\n", fmt::join(critical_nodes, ","));
  }
  if (!no_return_nodes.empty()) {
    out += "  classDef pointOfNoReturn stroke-dasharray:6 3,fill:#fff4e5\n";
    out += fmt::format("  class {} pointOfNoReturn\n", fmt::join(no_return_nodes, ","));
  }
  if (!critical_edges.empty()) {
    out += fmt::format("  linkStyle {} stroke:#d00,stroke-width:3px\n",
                       fmt::join(critical_edges, ","));
  }
  return out;
}

}  // namespace

std::string render_graph(const Runbook& runbook, const Dag& dag, const Plan& plan,
                         GraphFormat format, GraphCluster cluster) {
  switch (format) {
    case GraphFormat::dot:
      return render_dot(runbook, dag, plan, cluster);
    case GraphFormat::mermaid:
      return render_mermaid(runbook, dag, plan, cluster);
  }
  return {};
}

}  // namespace cutover
