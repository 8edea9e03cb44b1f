#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/plan/plan_format.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct PlanOptions {
  std::string runbook;
  std::string format;
  std::string start;
  std::vector<std::string> vars;
  std::string cluster = "phase";  // graph only
};

// A plan from a start outside the window (`--start now` the day before) is still drawn, but
// nobody should read it as the night's plan by mistake.
void warn_outside_window(const Timestamp& start, const Window& window) {
  const Timestamp end = window.end();
  std::string_view where;
  if (start.utc < window.start.utc) where = "before the window opens";
  if (start.utc >= end.utc) where = "after the window has closed";
  if (where.empty()) return;
  write(stderr, fmt::format("warning: --start {} is {} ({} to {}): this plan starts outside the "
                            "window\n",
                            format_timestamp(start), where, format_timestamp(window.start),
                            format_timestamp(end)));
}

int run_plan(const PlanOptions& options) {
  std::optional<Timestamp> start = parse_start(options.start);
  const Runbook runbook = load_valid_runbook(options.runbook, parse_vars(options.vars));
  // One zone for every time shown: the one the team planned the window in.
  if (start && runbook.window) {
    start->offset_minutes = runbook.window->start.offset_minutes;
    warn_outside_window(*start, *runbook.window);
  }
  const Dag dag = build_dag(runbook);
  const Plan plan = make_plan(runbook, dag, start);
  static const std::map<std::string, PlanFormat> formats = {{"text", PlanFormat::text},
                                                            {"json", PlanFormat::json},
                                                            {"csv", PlanFormat::csv},
                                                            {"markdown", PlanFormat::markdown}};
  write_output(render_plan(runbook, dag, plan, formats.at(options.format), colour_enabled(stdout)));
  return exit_success;
}

int run_graph(const PlanOptions& options) {
  const Runbook runbook = load_valid_runbook(options.runbook, parse_vars(options.vars));
  const Dag dag = build_dag(runbook);
  const Plan plan = make_plan(runbook, dag);
  const GraphFormat format = options.format == "mermaid" ? GraphFormat::mermaid : GraphFormat::dot;
  const GraphCluster cluster = options.cluster == "file" ? GraphCluster::file : GraphCluster::phase;
  write_output(render_graph(runbook, dag, plan, format, cluster));
  return exit_success;
}

}  // namespace

void add_plan(CLI::App& app, Action& action) {
  auto options = std::make_shared<PlanOptions>();
  options->format = "text";
  auto* command = app.add_subcommand(
      "plan",
      "Order, parallel levels, slack and the critical path against the window, and each gate's "
      "no-go deadline");
  command->add_option("runbook", options->runbook, "Runbook file")
      ->required()
      ->type_name("RUNBOOK");
  command->add_option("--format", options->format, "Output: text, json, csv or markdown")
      ->check(CLI::IsMember({"text", "json", "csv", "markdown"}))
      ->capture_default_str();
  command
      ->add_option("--start", options->start,
                   "Plan from this time instead of the window's start (RFC 3339, or 'now'); the "
                   "window's end stays the deadline")
      ->type_name("TIME");
  add_var_option(*command, options->vars);
  command->footer(
      "A gate's no-go deadline is the latest moment a no-go there can still be rolled back\n"
      "inside the window: the window's end minus rolling back what is planned before it\n"
      "(docs/forecast.md).\n"
      "Exit codes: 0 planned, 2 usage error or missing file, 3 invalid runbook.");
  command->callback([options, &action] { action = [options] { return run_plan(*options); }; });
}

void add_graph(CLI::App& app, Action& action) {
  auto options = std::make_shared<PlanOptions>();
  options->format = "dot";
  auto* command = app.add_subcommand(
      "graph", "The task graph as Graphviz dot or Mermaid, critical path highlighted");
  command->add_option("runbook", options->runbook, "Runbook file")
      ->required()
      ->type_name("RUNBOOK");
  command->add_option("--format", options->format, "Output: dot or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->capture_default_str();
  command
      ->add_option("--cluster", options->cluster,
                   "Group tasks by phase, or by the file they are written in (the runbook and "
                   "its workstream files)")
      ->check(CLI::IsMember({"phase", "file"}))
      ->capture_default_str();
  add_var_option(*command, options->vars);
  command->footer("Render with: cutover graph RUNBOOK | dot -Tsvg > graph.svg");
  command->callback([options, &action] { action = [options] { return run_graph(*options); }; });
}

}  // namespace cutover::cli
