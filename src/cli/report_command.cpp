// cutover report: a run's timings against its plan, from its journal (the lock is never taken).

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/base/file_system.hpp"
#include "cutover/report/report_format.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct ReportArguments {
  std::vector<std::string> run_dirs;
  std::string format = "text";
  std::string output;
};

std::string render(const RunReport& report, const std::string& format) {
  if (format == "markdown") return render_report_markdown(report);
  if (format == "csv") return report_csv(report);
  if (format == "json") return report_json(report);
  if (format == "html") return render_report_html(report);
  return render_report_text(report);
}

// One run's report, warnings on stderr and in the report.
RunReport report_of(const std::string& given) {
  const auto dir = run_argument(given);
  const RecordedRun run = open_recorded_run(dir);
  RunReport report = make_run_report(run, lock_holder(dir).has_value());
  report.run_dir = shown_path(dir);
  // A broken chain is said, and what can be read is still reported.
  const ChainVerdict& chain = run.journal.chain;
  if (!chain.intact) {
    report.warnings.push_back(fmt::format("the journal's hash chain is broken at line {}: {}",
                                          chain.bad_line, chain.problem));
  }
  read_log_tails(report, dir);
  for (const std::string& warning : report.warnings) {
    write(stderr, fmt::format("warning: {}: {}\n", report.run_dir, warning));
  }
  return report;
}

std::string render(const RunComparison& comparison, const std::string& format) {
  if (format == "markdown") return render_comparison_markdown(comparison);
  if (format == "csv") return comparison_csv(comparison);
  if (format == "json") return comparison_json(comparison).dump(2) + "\n";
  if (format == "html") return render_comparison_html(comparison);
  return render_comparison_text(comparison);
}

int run_report(const ReportArguments& arguments) {
  std::string text;
  if (arguments.run_dirs.size() < 2) {
    text = render(report_of(arguments.run_dirs.empty() ? "" : arguments.run_dirs.front()),
                  arguments.format);
  } else {
    std::vector<RunReport> reports;
    for (const std::string& dir : arguments.run_dirs) reports.push_back(report_of(dir));
    text = render(compare_runs(std::move(reports)), arguments.format);
  }
  if (arguments.output.empty()) {
    write_output(text);
  } else {
    write_file_atomically(posix_file_system(), arguments.output, text);
  }
  return exit_success;
}

}  // namespace

void add_report(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ReportArguments>();
  auto* command = app.add_subcommand(
      "report",
      "A run's timings against its plan (tasks, phases, critical paths, overruns, gates), or "
      "several runs of one runbook compared");
  command
      ->add_option("run", arguments->run_dirs,
                   std::string(run_help) + ". Several: compared, task by task")
      ->type_name("RUN...");
  command->add_option("--format", arguments->format, "Output: text, markdown, csv, json or html")
      ->check(CLI::IsMember({"text", "markdown", "csv", "json", "html"}))
      ->capture_default_str();
  command
      ->add_option("-o,--output", arguments->output,
                   "Write to FILE (replaced whole, never half written) instead of stdout")
      ->type_name("FILE");
  command->footer(
      "Works while the executor runs, after it crashed and after it finished: it reads the\n"
      "journal and the frozen runbook, never taking the run's lock. Formats: docs/reports.md.\n"
      "Several runs: each task's durations side by side, the trend, the spread and a suggested\n"
      "estimate (the P80 of the measurements, rounded); runs of another runbook are refused.\n"
      "Exit codes: 0 reported, 2 no such run or runs of different runbooks, 5 an unreadable\n"
      "journal or frozen runbook, or FILE cannot be written.");
  command->callback(
      [arguments, &action] { action = [arguments] { return run_report(*arguments); }; });
}

}  // namespace cutover::cli
