#pragma once
// The plan as a table for the go/no-go meeting notes, and the DAG as a picture.

#include <string>

#include "cutover/plan/plan.hpp"

namespace cutover {

enum class PlanFormat { text, json, csv, markdown };
enum class GraphFormat { dot, mermaid };

// `colour` only affects the text format (critical rows, warnings).
std::string render_plan(const Runbook& runbook, const Dag& dag, const Plan& plan, PlanFormat format,
                        bool colour);

// What the graph's clusters (dot) or subgraphs (mermaid) group: tasks by phase, or by the
// file they are written in (the runbook's own and each workstream file it includes).
enum class GraphCluster { phase, file };

// The critical path highlighted.
std::string render_graph(const Runbook& runbook, const Dag& dag, const Plan& plan,
                         GraphFormat format, GraphCluster cluster = GraphCluster::phase);

}  // namespace cutover
