// Times the stages of `validate` and `plan` inside one process, so that the planner's own cost
// is seen apart from parsing:  ninja -C build plan_bench && build/plan_bench RUNBOOK [REPEATS]

#include <fmt/format.h>
#include <sys/resource.h>

#include <string>

#include "best_of.hpp"
#include "cutover/plan/plan.hpp"
#include "cutover/plan/plan_format.hpp"
#include "cutover/runbook/loader.hpp"

int main(int argc, char** argv) {
  using namespace cutover;
  using bench::best_seconds;
  if (argc < 2) {
    fmt::print(stderr, "usage: plan_bench RUNBOOK [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  LoadResult loaded = load_runbook(argv[1], {});
  if (loaded.diagnostics.has_errors()) {
    fmt::print(stderr, "{}", render_text(loaded.diagnostics, {}));
    return 3;
  }
  const Runbook& runbook = loaded.runbook;
  const double load = best_seconds(repeats, [&] { (void)load_runbook(argv[1], {}); });
  Dag dag;
  const double graph = best_seconds(repeats, [&] { dag = build_dag(runbook); });
  Plan plan;
  const double cpm = best_seconds(repeats, [&] { plan = make_plan(runbook, dag); });
  std::size_t bytes = 0;
  const double text = best_seconds(
      repeats, [&] { bytes = render_plan(runbook, dag, plan, PlanFormat::text, false).size(); });
  const double json = best_seconds(
      repeats, [&] { bytes = render_plan(runbook, dag, plan, PlanFormat::json, false).size(); });
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("{} tasks, best of {}\n", runbook.tasks.size(), repeats);
  fmt::print("  load + check (validate)   {:8.3f} s\n", load);
  fmt::print("  build_dag                 {:8.3f} s\n", graph);
  fmt::print("  make_plan (CPM)           {:8.3f} s\n", cpm);
  fmt::print("  plan: dag + CPM           {:8.3f} s\n", graph + cpm);
  fmt::print("  render text               {:8.3f} s\n", text);
  fmt::print("  render json               {:8.3f} s  ({} bytes)\n", json, bytes);
  fmt::print("  max RSS                   {:8.1f} MiB\n", usage.ru_maxrss / 1024.0);
}
