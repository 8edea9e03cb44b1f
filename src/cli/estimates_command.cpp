// cutover estimates: what rehearsals measured, task by task, and the estimates they suggest;
// --write puts them into the runbook file (runbook/estimate_edit.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/base/file_system.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/runbook/estimate_edit.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct EstimatesArguments {
  std::vector<std::string> run_dirs;
  std::string runbook;
  int percentile = default_estimate_percentile;
  bool write = false;
  std::string format = "text";
  std::vector<std::string> vars;
};

// The suggestions that differ from the runbook's estimates.
std::vector<std::pair<std::string, Duration>> wanted(const LearnedEstimates& learned) {
  std::vector<std::pair<std::string, Duration>> values;
  for (const TaskEstimate& task : learned.tasks) {
    if (task.suggested && task.suggested != task.current) {
      values.emplace_back(task.id, *task.suggested);
    }
  }
  return values;
}

// One file of the runbook with its estimates edited.
struct EditedFile {
  std::string path;      // as messages name it
  std::string relative;  // an included file's path relative to the runbook; "" for the runbook
  EditedRunbook edited;
};

// --runbook as loaded, with the bytes of each of its files: the estimates are written where
// the loader located them in these very bytes, not in a second read of the files.
struct LoadedRunbook {
  Runbook runbook;
  std::string text;
  std::vector<IncludedFile> included;
};

LoadedRunbook load_for_writing(const std::string& path, const EnvVars& vars) {
  std::string text = read_runbook_bytes(path);
  LoadResult loaded = load_runbook_text(text, path, LoadOptions{vars});
  std::vector<IncludedFile> included = std::move(loaded.included);
  return {require_valid(std::move(loaded), path), std::move(text), std::move(included)};
}

// Each file of the runbook with the new estimates of the tasks written in it.
std::vector<EditedFile> edit_files(const LoadedRunbook& loaded, const std::string& path,
                                   const std::vector<std::pair<std::string, Duration>>& values) {
  std::vector<EditedFile> files;
  const auto folder = std::filesystem::path(path).parent_path();
  files.push_back({path, "", edit_estimates(loaded.text, loaded.runbook, values, path, 0)});
  for (std::size_t file = 1; file <= loaded.included.size(); ++file) {
    const IncludedFile& included = loaded.included[file - 1];
    const std::string shown = (folder / included.path).string();
    files.push_back(
        {shown, included.path, edit_estimates(included.text, loaded.runbook, values, shown, file)});
  }
  return files;
}

std::size_t count_changes(const std::vector<EditedFile>& files) {
  std::size_t count = 0;
  for (const EditedFile& file : files) count += file.edited.changes.size();
  return count;
}

// The edited files must load as a valid runbook with exactly the new estimates, else nothing is
// written.
void require_edit_valid(const std::vector<EditedFile>& files, const std::string& path,
                        const EnvVars& vars) {
  LoadOptions options{vars};
  for (const EditedFile& file : files) {
    if (!file.relative.empty()) options.included_texts.emplace(file.relative, file.edited.text);
  }
  LoadResult reloaded = load_runbook_text(files.front().edited.text, path, options);
  std::string problem;
  if (reloaded.diagnostics.has_errors()) {
    problem = fmt::format("it would not load ({} error{})", reloaded.diagnostics.error_count(),
                          reloaded.diagnostics.error_count() == 1 ? "" : "s");
  }
  for (const EditedFile& file : files) {
    for (const EstimateChange& change : file.edited.changes) {
      const auto index = reloaded.runbook.find_task(change.task);
      if (problem.empty() && (!index || reloaded.runbook.tasks[*index].estimate != change.to)) {
        problem = fmt::format("task '{}' would not read as estimate {}", change.task,
                              format_duration(change.to));
      }
    }
  }
  if (!problem.empty()) {
    throw Error(exit_invalid_runbook,
                fmt::format("{}: the runbook with the new estimates is not right: {}; nothing was "
                            "written",
                            path, problem));
  }
}

// A runbook of one file gets its diff alone, as `diff -u` prints it after its two header
// lines; with includes, each changed file's diff comes after the headers naming it.
std::string diffs(const std::vector<EditedFile>& files) {
  if (files.size() == 1) return files.front().edited.diff;
  std::string out;
  for (const EditedFile& file : files) {
    if (file.edited.diff.empty()) continue;
    out += fmt::format("--- {}\n+++ {}\n{}", file.path, file.path, file.edited.diff);
  }
  return out;
}

std::string written_summary(const std::vector<EditedFile>& files, const std::string& path) {
  const std::size_t changes = count_changes(files);
  if (changes == 0) return fmt::format("{}: every estimate already is its suggestion\n", path);
  std::string summary;
  for (const EditedFile& file : files) {
    const std::size_t count = file.edited.changes.size();
    if (count == 0) continue;
    summary += fmt::format("{}: {} estimate{} written\n", file.path, count, count == 1 ? "" : "s");
  }
  return summary;
}

int run_estimates(const EstimatesArguments& arguments) {
  if (arguments.write && arguments.runbook.empty()) {
    throw UsageError(
        "--write needs --runbook FILE: the file to write the estimates into (a run's frozen "
        "runbook is never changed)");
  }
  const EnvVars vars = parse_vars(arguments.vars);
  std::vector<MeasuredRun> measured = measure_run_dirs(arguments.run_dirs);
  const auto newest = std::max_element(
      measured.begin(), measured.end(),
      [](const MeasuredRun& a, const MeasuredRun& b) { return a.started < b.started; });
  std::optional<LoadedRunbook> given;
  if (!arguments.runbook.empty()) given = load_for_writing(arguments.runbook, vars);
  const Runbook reference = given ? given->runbook : *newest->runbook;
  const LearnedEstimates learned =
      learn_estimates(std::move(measured), reference, arguments.percentile);
  if (!arguments.write) {
    write_output(arguments.format == "json" ? estimates_json(learned).dump(2) + "\n"
                                            : render_estimates_text(learned));
    return exit_success;
  }
  const std::vector<EditedFile> edited = edit_files(*given, arguments.runbook, wanted(learned));
  if (count_changes(edited) > 0) {
    require_edit_valid(edited, arguments.runbook, vars);
    for (const EditedFile& file : edited) {
      if (file.edited.changes.empty()) continue;
      write_file_atomically(posix_file_system(), file.path, file.edited.text);
    }
  }
  if (arguments.format == "json") {
    auto json = estimates_json(learned);
    json["written"] = count_changes(edited);
    json["diff"] = diffs(edited);
    write_output(json.dump(2) + "\n");
  } else {
    write_output(render_estimates_text(learned) + "\n" + diffs(edited) +
                 written_summary(edited, arguments.runbook));
  }
  return exit_success;
}

}  // namespace

void add_estimates(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<EstimatesArguments>();
  auto* command = app.add_subcommand(
      "estimates",
      "Estimates learned from rehearsals: each task's measured durations, their median and "
      "spread, and a suggested estimate; --write puts them into the runbook");
  command->add_option("run_dir", arguments->run_dirs, "Run directories of one runbook")
      ->type_name("RUN_DIR...")
      ->required();
  command
      ->add_option("--runbook", arguments->runbook,
                   "The runbook file to compare with and to --write (default: the frozen runbook "
                   "of the newest run given)")
      ->type_name("FILE");
  command
      ->add_option("--percentile", arguments->percentile,
                   "Suggest the P-th percentile of each task's measurements")
      ->type_name("P")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_flag("--write", arguments->write,
                    "Write the suggestions into --runbook FILE (only the estimate: values change; "
                    "the diff is printed)");
  command->add_option("--format", arguments->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  add_var_option(*command, arguments->vars);
  command->footer(
      "A measurement is a task's time from its first start to its end in a run where it\n"
      "succeeded. The suggestion is the P-th percentile of a task's measurements, rounded up:\n"
      "whole seconds below 1m, whole minutes below 1h, then 5-minute steps. Estimates more than\n"
      "25% from their suggestion are marked off. Runs of an edited runbook count task by task,\n"
      "by id. --write keeps the file byte for byte but for the estimates (comments, quoting,\n"
      "order, line ends), adds a missing estimate after the task's id line, checks that the\n"
      "result is a valid runbook and replaces the file whole. Statistics: docs/forecast.md.\n"
      "Exit codes: 0 done, 2 bad arguments, runs of another runbook, nothing measured or an\n"
      "estimate that cannot be placed, 3 --runbook is not valid, 5 a run cannot be read.");
  command->callback(
      [arguments, &action] { action = [arguments] { return run_estimates(*arguments); }; });
}

}  // namespace cutover::cli
