// cutover import: a spreadsheet plan (CSV) as a runbook (SPEC §7).

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/base/file_system.hpp"
#include "cutover/runbook/csv_import.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/loader.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct ImportArguments {
  std::string csv;
  std::string output;  // empty: standard output
  std::string id;      // empty: from the output's (or the CSV's) file name
};

std::string runbook_id(const ImportArguments& arguments) {
  if (!arguments.id.empty()) return arguments.id;
  const std::string from = arguments.output.empty() ? arguments.csv : arguments.output;
  const std::string id = id_from_title(std::filesystem::path(from).stem().string());
  return id.empty() ? "imported" : id;
}

int import_plan(const ImportArguments& arguments) {
  const std::string text = read_runbook_bytes(arguments.csv);
  const std::string name = std::filesystem::path(arguments.csv).filename().string();
  const ImportResult result = import_plan_csv(text, name, runbook_id(arguments));
  if (!result.problems.empty()) {
    std::string report;
    for (const ImportProblem& problem : result.problems) {
      report += problem.column > 0
                    ? fmt::format("{}:{}:{}: error: {}\n", arguments.csv, problem.row,
                                  problem.column, printable(problem.message))
                    : fmt::format("{}:{}: error: {}\n", arguments.csv, problem.row,
                                  printable(problem.message));
    }
    report += fmt::format("{}: not imported ({} error{}); nothing was written\n", arguments.csv,
                          result.problems.size(), result.problems.size() == 1 ? "" : "s");
    write(stderr, report);
    return exit_invalid_runbook;
  }
  // What it wrote must load: a bad id or a cell the loader refuses is said here, not later.
  const std::string shown = arguments.output.empty() ? "the imported runbook" : arguments.output;
  const LoadResult loaded = load_runbook_text(result.yaml, shown, {});
  if (loaded.diagnostics.has_errors()) {
    write(stderr, render_text(loaded.diagnostics, {false}) +
                      fmt::format("{}: the runbook made from it does not validate; nothing was "
                                  "written\n",
                                  arguments.csv));
    return exit_invalid_runbook;
  }
  if (arguments.output.empty()) {
    write_output(result.yaml);
    return exit_success;
  }
  write_file_atomically(posix_file_system(), arguments.output, result.yaml);
  write_output(fmt::format("wrote {}: {} tasks from {}; check it with `cutover validate {}`\n",
                           arguments.output, loaded.runbook.tasks.size(), arguments.csv,
                           arguments.output));
  return exit_success;
}

}  // namespace

void add_import(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ImportArguments>();
  auto* command = app.add_subcommand("import", "Make a runbook from a spreadsheet plan (CSV)");
  command->add_option("csv", arguments->csv, "The plan, saved as CSV")
      ->required()
      ->type_name("FILE");
  command->add_option("-o,--output", arguments->output, "Write the runbook here (atomically)")
      ->type_name("RUNBOOK");
  command->add_option("--id", arguments->id, "The runbook's id (default: from the file name)")
      ->type_name("ID");
  command->footer(
      "Columns by name, any case, in any order: id (made from the title when empty), title,\n"
      "phase, owner, estimate (15m, 1h30m or hh:mm), depends_on (ids separated by , ; or\n"
      "spaces), run, manual, approvals (the row is a gate), rollback. Other columns are not\n"
      "imported (the header comment names them). A row with none of run, manual or approvals\n"
      "is a manual step: its title is the instruction. UTF-8 with or without a BOM, ',' or ';'\n"
      "separated, CRLF or LF, quoted cells with line breaks: as Excel and LibreOffice save it.\n"
      "The same CSV always gives the same bytes; `cutover plan --format csv` reads back the\n"
      "columns they share.\n"
      "Exit codes: 0 imported, 2 no such file, 3 a bad cell (each at FILE:ROW:COLUMN; nothing\n"
      "is written).");
  command->callback(
      [arguments, &action] { action = [arguments] { return import_plan(*arguments); }; });
}

}  // namespace cutover::cli
