#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signed_decisions.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

std::string describe(const CheckedDecision& decision) {
  std::string what = decision.action;
  if (!decision.task.empty()) what += " " + decision.task;
  if (!decision.verdict.empty()) what += " " + decision.verdict;
  return fmt::format("line {}: {} by {}", decision.line, printable(what), printable(decision.by));
}

// Whether the run's frozen runbook asks for signed decisions (a runbook that no longer loads
// leaves it to the journal's header).
bool frozen_runbook_signs(const std::filesystem::path& run_dir) {
  try {
    return open_recorded_run(run_dir).runbook->identity.has_value();
  } catch (const Error&) {
    return false;
  }
}

// With identities: every signed decision again, offline, against the frozen allowed_signers.
int verify_decisions(const std::filesystem::path& run_dir, const std::filesystem::path& journal) {
  const SignaturesVerdict verdict =
      verify_signatures(run_dir, read_journal(journal), frozen_runbook_signs(run_dir));
  if (!verdict.identities) return exit_success;
  if (verdict.problem) {
    write_output(fmt::format("{}:{}: signature refused: {}\n", journal.string(), verdict.bad_line,
                             printable(*verdict.problem)));
    return exit_run_failed;
  }
  std::string text = fmt::format(
      "signatures: {} signed decision{} verified against the run's frozen allowed_signers\n",
      verdict.checked.size(), verdict.checked.size() == 1 ? "" : "s");
  for (const CheckedDecision& decision : verdict.checked) {
    text += fmt::format("  {}\n", describe(decision));
  }
  write_output(text);
  return exit_success;
}

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
  return verify_decisions(run_dir, journal);
}

}  // namespace

void add_verify(CLI::App& app, Action& action) {
  auto run_dir = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "verify",
      "Check a run's journal: every line's JSON, sequence and SHA-256 chain, and every signed "
      "decision");
  command->add_option("run", *run_dir, run_help)->type_name("RUN");
  command->footer(
      "With identities (identity.allowed_signers) every decision by a person is verified again,\n"
      "offline, with ssh-keygen against the run's frozen copy of that file (its SHA-256 is in\n"
      "the journal's header), and listed.\n"
      "Exit codes: 0 intact, 1 broken (the first bad line is named, or a signature that does\n"
      "not verify), 2 no such run, 5 ssh-keygen is missing for a run with signatures.\n"
      "An incomplete last line, left by a crash during a write, is ignored with a warning.");
  command->callback([run_dir, &action] { action = [run_dir] { return run_verify(*run_dir); }; });
}

}  // namespace cutover::cli
