// libFuzzer target: any bytes given to the loader must produce diagnostics or a runbook that
// plans and renders, never a crash, a hang or a sanitizer report. Run with scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>

#include "cutover/plan/plan.hpp"
#include "cutover/plan/plan_format.hpp"
#include "cutover/runbook/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cutover;
  std::string text(reinterpret_cast<const char*>(data), size);
  LoadResult loaded = load_runbook_text(std::move(text), "fuzz.yaml", {});
  (void)render_text(loaded.diagnostics, {true});
  (void)render_json({loaded.diagnostics});
  (void)render_junit({loaded.diagnostics});
  (void)render_github({loaded.diagnostics});
  if (loaded.diagnostics.has_errors()) return 0;
  const Dag dag = build_dag(loaded.runbook);
  const Plan plan = make_plan(loaded.runbook, dag);
  for (const auto format :
       {PlanFormat::text, PlanFormat::json, PlanFormat::csv, PlanFormat::markdown}) {
    (void)render_plan(loaded.runbook, dag, plan, format, true);
  }
  (void)render_graph(loaded.runbook, dag, plan, GraphFormat::dot);
  (void)render_graph(loaded.runbook, dag, plan, GraphFormat::mermaid);
  return 0;
}
