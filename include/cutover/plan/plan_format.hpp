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

// Phases as clusters (dot) or subgraphs (mermaid); the critical path highlighted.
std::string render_graph(const Runbook& runbook, const Dag& dag, const Plan& plan,
                         GraphFormat format);

}  // namespace cutover
