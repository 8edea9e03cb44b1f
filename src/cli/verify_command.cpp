#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/run_dir.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

int run_verify(const std::string& given) {
  const auto run_dir = run_argument(given);
  const auto journal = run_dir / journal_file_name;
  const ChainVerdict verdict = verify_journal(journal);
  if (verdict.warning)
    write(stderr, fmt::format("warning: {}: {}\n", journal.string(), *verdict.warning));
  if (!verdict.intact) {
    write_output(
        fmt::format("{}:{}: broken: {}\n", journal.string(), verdict.bad_line, verdict.problem));
    return exit_run_failed;
  }
  write_output(
      fmt::format("{}: intact ({} lines, hash chain verified)\n", journal.string(), verdict.lines));
  return exit_success;
}

}  // namespace

void add_verify(CLI::App& app, Action& action) {
  auto run_dir = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "verify", "Check a run's journal: every line's JSON, sequence and SHA-256 chain");
  command->add_option("run", *run_dir, run_help)->type_name("RUN");
  command->footer(
      "Exit codes: 0 intact, 1 broken (the first bad line is named), 2 no such run.\n"
      "An incomplete last line, left by a crash during a write, is ignored with a warning.");
  command->callback([run_dir, &action] { action = [run_dir] { return run_verify(*run_dir); }; });
}

}  // namespace cutover::cli
