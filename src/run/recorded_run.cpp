#include "cutover/run/recorded_run.hpp"

#include <fmt/format.h>

#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "cutover/base/errors.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
#include "cutover/runbook/loader.hpp"

namespace cutover {

namespace {

const event::RunStarted* find_run_started(const Journal& journal) {
  for (const JournalEvent& event : journal.events) {
    if (const auto* started = event.as<event::RunStarted>()) return started;
  }
  return nullptr;
}

}  // namespace

namespace {

void require_journal(const std::filesystem::path& run_dir) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(run_dir / journal_file_name, error)) {
    throw UsageError(
        fmt::format("{}: not a run directory (it has no {})", run_dir.string(), journal_file_name));
  }
}

std::shared_ptr<const Runbook> load_frozen(const std::filesystem::path& run_dir, EnvVars vars) {
  const auto frozen = run_dir / frozen_runbook_name;
  LoadOptions options{std::move(vars)};
  // Identities are checked against the people file as it was when the run started.
  std::error_code error;
  if (std::filesystem::exists(run_dir / frozen_signers_name, error)) {
    options.allowed_signers = run_dir / frozen_signers_name;
  }
  LoadResult loaded = load_runbook_text(read_file(frozen), frozen.string(), options);
  if (loaded.diagnostics.has_errors()) {
    throw EnvironmentError(fmt::format("{}: the frozen runbook no longer loads ({} error{})",
                                       frozen.string(), loaded.diagnostics.error_count(),
                                       loaded.diagnostics.error_count() == 1 ? "" : "s"));
  }
  return std::make_shared<const Runbook>(std::move(loaded.runbook));
}

// The journal and what its run_started says; the runbook comes separately.
RecordedRun read_recorded_journal(const std::filesystem::path& run_dir) {
  RecordedRun run;
  run.dir = run_dir;
  run.journal = read_journal(run_dir / journal_file_name);
  if (const event::RunStarted* started = find_run_started(run.journal)) {
    run.vars = started->vars;
    if (started->jobs > 0) run.jobs = started->jobs;
    run.runbook_dir = started->runbook_dir;
  }
  if (run.runbook_dir.empty()) run.runbook_dir = std::filesystem::absolute(run_dir);
  return run;
}

void complete(RecordedRun& run, std::shared_ptr<const Runbook> runbook) {
  run.runbook = std::move(runbook);
  run.graph = make_run_graph(*run.runbook);
  run.state = fold(*run.runbook, run.graph, run.journal.events);
}

}  // namespace

RecordedRun open_recorded_run(const std::filesystem::path& run_dir) {
  require_journal(run_dir);
  // Parsing the frozen runbook and reading the journal take about as long each for a large
  // run, and only the runbook's vars tie them: the runbook loads on a second thread.
  const std::optional<event::RunStarted> head = read_run_started(run_dir / journal_file_name);
  const EnvVars head_vars = head ? head->vars : EnvVars{};
  auto loading = std::async(std::launch::async, load_frozen, run_dir, head_vars);
  RecordedRun run = read_recorded_journal(run_dir);
  complete(run, run.vars == head_vars ? loading.get() : load_frozen(run_dir, run.vars));
  return run;
}

std::vector<RecordedRun> open_recorded_runs(const std::vector<std::filesystem::path>& run_dirs) {
  for (const auto& dir : run_dirs) require_journal(dir);
  std::vector<std::future<RecordedRun>> reading;
  for (const auto& dir : run_dirs) {
    reading.push_back(std::async(std::launch::async, read_recorded_journal, dir));
  }
  std::vector<RecordedRun> runs;
  for (auto& read : reading) runs.push_back(read.get());
  // Rehearsals of one version of a runbook freeze the same text: parse it once.
  std::map<std::pair<std::string, EnvVars>, std::shared_future<std::shared_ptr<const Runbook>>>
      runbooks;
  for (const RecordedRun& run : runs) {
    const auto key = std::make_pair(run.journal.header.runbook_sha256, run.vars);
    if (runbooks.contains(key)) continue;
    runbooks.emplace(key, std::async(std::launch::async, load_frozen, run.dir, run.vars).share());
  }
  for (RecordedRun& run : runs) {
    complete(run, runbooks.at({run.journal.header.runbook_sha256, run.vars}).get());
  }
  return runs;
}

}  // namespace cutover
