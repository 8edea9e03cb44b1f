// Times the stages of `cutover status RUN_DIR` inside one process, so that reading the journal,
// parsing the frozen runbook, folding and formatting are seen apart:
//   ninja -C build status_bench && build/status_bench RUN_DIR [REPEATS]
// open_recorded_run reads the journal and parses the runbook on two threads, so its time is
// about the longer of the two, not their sum.

#include <fmt/format.h>
#include <sys/resource.h>

#include <string>

#include "best_of.hpp"
#include "cutover/report/run_status.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/runbook/loader.hpp"

int main(int argc, char** argv) {
  using namespace cutover;
  using bench::best_seconds;
  if (argc < 2) {
    fmt::print(stderr, "usage: status_bench RUN_DIR [REPEATS]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  const RecordedRun run = open_recorded_run(dir);
  const double journal =
      best_seconds(repeats, [&] { (void)read_journal(dir / journal_file_name); });
  const double runbook = best_seconds(
      repeats, [&] { (void)load_runbook(dir / frozen_runbook_name, LoadOptions{run.vars}); });
  const double open = best_seconds(repeats, [&] { (void)open_recorded_run(dir); });
  const double folding =
      best_seconds(repeats, [&] { (void)fold(*run.runbook, run.graph, run.journal.events); });
  RunStatus status;
  const double model =
      best_seconds(repeats, [&] { status = make_run_status(run, {}, UtcTime{}, std::nullopt); });
  std::size_t bytes = 0;
  const double text =
      best_seconds(repeats, [&] { bytes = render_status_text(status, false).size(); });
  const double json = best_seconds(repeats, [&] { bytes = status_json(status).size(); });
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("{}: {} tasks, {} journal events, best of {}\n", dir.string(),
             run.runbook->tasks.size(), run.journal.events.size(), repeats);
  fmt::print("  read the journal           {:8.3f} s\n", journal);
  fmt::print("  load the frozen runbook    {:8.3f} s\n", runbook);
  fmt::print("  open_recorded_run (both)   {:8.3f} s\n", open);
  fmt::print("  fold                       {:8.3f} s\n", folding);
  fmt::print("  status model               {:8.3f} s\n", model);
  fmt::print("  render text                {:8.3f} s\n", text);
  fmt::print("  render json                {:8.3f} s  ({} bytes)\n", json, bytes);
  fmt::print("  max RSS                    {:8.1f} MiB\n",
             static_cast<double>(usage.ru_maxrss) / 1024);
}
