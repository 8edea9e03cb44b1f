#include "cutover/run/recorded_run.hpp"

#include <fmt/format.h>

#include <fstream>
#include <future>
#include <sstream>

#include "cutover/base/errors.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/runbook/loader.hpp"

namespace cutover {

namespace {

std::string read_frozen_runbook(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw EnvironmentError(fmt::format("{}: cannot be read", path.string()));
  return std::move(text).str();
}

const event::RunStarted* find_run_started(const Journal& journal) {
  for (const JournalEvent& event : journal.events) {
    if (const auto* started = event.as<event::RunStarted>()) return started;
  }
  return nullptr;
}

}  // namespace

RecordedRun open_recorded_run(const std::filesystem::path& run_dir) {
  const auto journal_path = run_dir / journal_file_name;
  std::error_code error;
  if (!std::filesystem::is_regular_file(journal_path, error)) {
    throw UsageError(
        fmt::format("{}: not a run directory (it has no {})", run_dir.string(), journal_file_name));
  }
  RecordedRun run;
  run.dir = run_dir;
  // Parsing the frozen runbook and reading the journal take about as long each for a large
  // run, and only the runbook's vars tie them: the runbook loads on a second thread.
  const auto frozen = run_dir / frozen_runbook_name;
  const auto load_frozen = [frozen](EnvVars vars) {
    return load_runbook_text(read_frozen_runbook(frozen), frozen.string(),
                             LoadOptions{std::move(vars)});
  };
  const std::optional<event::RunStarted> head = read_run_started(journal_path);
  const EnvVars head_vars = head ? head->vars : EnvVars{};
  std::future<LoadResult> loading = std::async(std::launch::async, load_frozen, head_vars);
  run.journal = read_journal(journal_path);
  if (const event::RunStarted* started = find_run_started(run.journal)) {
    run.vars = started->vars;
    if (started->jobs > 0) run.jobs = started->jobs;
    run.runbook_dir = started->runbook_dir;
  }
  LoadResult loaded = run.vars == head_vars ? loading.get() : load_frozen(run.vars);
  if (loaded.diagnostics.has_errors()) {
    throw EnvironmentError(fmt::format("{}: the frozen runbook no longer loads ({} error{})",
                                       frozen.string(), loaded.diagnostics.error_count(),
                                       loaded.diagnostics.error_count() == 1 ? "" : "s"));
  }
  if (run.runbook_dir.empty()) run.runbook_dir = std::filesystem::absolute(run_dir);
  run.runbook = std::make_unique<const Runbook>(std::move(loaded.runbook));
  run.graph = make_run_graph(*run.runbook);
  run.state = fold(*run.runbook, run.graph, run.journal.events);
  return run;
}

}  // namespace cutover
