#include "cutover/run/go_live.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cutover/base/errors.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"

namespace cutover {

namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Enough of a hash to tell two versions of a runbook apart.
std::string short_hash(std::string_view sha256) {
  return std::string(sha256.substr(0, 12));
}

std::string describe(const Rehearsal& run, std::string_view sha256) {
  if (!run.problem.empty()) return fmt::format("  {}  cannot be read: {}", run.run_id, run.problem);
  std::string line =
      fmt::format("  {}  {}  sha256 {}", run.run_id,
                  run.outcome ? to_string(*run.outcome) : "not finished", short_hash(run.sha256));
  if (run.sha256 != sha256) line += " (another version of the runbook)";
  if (!run.signed_by.empty())
    line += fmt::format("  signed off by {}", fmt::join(run.signed_by, ", "));
  if (!run.not_counted.empty()) {
    line += fmt::format("  sign-offs not counted: {}", fmt::join(run.not_counted, "; "));
  }
  return line;
}

std::string refusal(const Runbook& runbook, std::string_view label, std::string_view sha256,
                    const std::vector<Rehearsal>& runs, const GoLiveVerdict& verdict) {
  const GoLiveRule& rule = *runbook.go_live;
  const std::string_view key = runbook.identity ? " --key FILE" : "";
  std::string text = fmt::format(
      "a run labelled '{}' is the real thing: the runbook's go_live rule asks for {} succeeded "
      "rehearsal{} of this exact runbook (sha256 {})",
      label, rule.rehearsals, rule.rehearsals == 1 ? "" : "s", short_hash(sha256));
  if (!rule.signoffs.empty()) {
    text += fmt::format(", signed off by {}", fmt::join(rule.signoffs, ", "));
  }
  text += "\nmissing:";
  if (verdict.missing_rehearsals > 0) {
    text += fmt::format("\n  {} more succeeded rehearsal{}", verdict.missing_rehearsals,
                        verdict.missing_rehearsals == 1 ? "" : "s");
  }
  for (const std::string& name : verdict.missing_signoffs) {
    text += fmt::format("\n  a sign-off by {}", name);
  }
  text += "\nruns of this runbook:";
  if (runs.empty()) text += "\n  none";
  for (const Rehearsal& run : runs) text += "\n" + describe(run, sha256);
  text += fmt::format(
      "\nrehearse again, or sign a succeeded rehearsal off with `cutover signoff RUN "
      "--by NAME{}`; `--override-go-live REASON --by NAME{}` starts anyway and "
      "journals who and why",
      key, key);
  return text;
}

// Why a sign-off does not count under `identity`, or nothing when it does.
std::optional<std::string> unproven(const SignOff& signoff, const std::string& run_id,
                                    const Identity& identity) {
  if (!signoff.signature) return "not signed";
  const auto statement = parse_statement(signoff.signature->statement);
  if (!statement || statement->run_id != run_id || statement->action != "signoff" ||
      statement->by != signoff.by) {
    return "its signature is for another decision";
  }
  if (signature_problem(identity.text, signoff.by, signoff.signature->statement,
                        signoff.signature->sshsig)) {
    return fmt::format("not signed with a key {} lists now", identity.allowed_signers);
  }
  return std::nullopt;
}

}  // namespace

std::vector<Rehearsal> find_rehearsals(const std::filesystem::path& runs_root,
                                       std::string_view runbook_id,
                                       const std::optional<Identity>& identity) {
  std::vector<Rehearsal> rehearsals;
  for (const ListedRun& listed : list_runs(runs_root)) {
    if (listed.dir.parent_path().filename() != runbook_id) continue;
    Rehearsal rehearsal{listed.header.run_id,
                        listed.header.label,
                        listed.header.runbook_sha256,
                        std::nullopt,
                        {},
                        {}};
    try {
      const RecordedRun run = open_recorded_run(listed.dir);
      rehearsal.outcome = run.state.outcome;
      for (const SignOff& signoff : run.state.signoffs) {
        const auto why_not =
            identity ? unproven(signoff, rehearsal.run_id, *identity) : std::nullopt;
        if (why_not) {
          rehearsal.not_counted.push_back(fmt::format("{}: {}", signoff.by, *why_not));
        } else {
          rehearsal.signed_by.push_back(signoff.by);
        }
      }
    } catch (const Error& error) {
      rehearsal.problem = error.what();
    }
    rehearsals.push_back(std::move(rehearsal));
  }
  return rehearsals;
}

GoLiveVerdict judge_go_live(const GoLiveRule& rule, std::string_view sha256,
                            const std::vector<Rehearsal>& rehearsals) {
  GoLiveVerdict verdict;
  for (const Rehearsal& run : rehearsals) {
    if (!run.problem.empty() || run.sha256 != sha256 || run.outcome != RunOutcome::succeeded ||
        contains(rule.labels, run.label)) {
      continue;
    }
    verdict.basis.rehearsals.push_back(run.run_id);
    for (const std::string& name : run.signed_by) {
      const bool wanted = contains(rule.signoffs, name);
      const bool counted = std::any_of(verdict.basis.signoffs.begin(), verdict.basis.signoffs.end(),
                                       [&](const auto& signoff) { return signoff.first == name; });
      if (wanted && !counted) verdict.basis.signoffs.emplace_back(name, run.run_id);
    }
  }
  verdict.missing_rehearsals =
      std::max(0, rule.rehearsals - static_cast<int>(verdict.basis.rehearsals.size()));
  for (const std::string& name : rule.signoffs) {
    const bool found = std::any_of(verdict.basis.signoffs.begin(), verdict.basis.signoffs.end(),
                                   [&](const auto& signoff) { return signoff.first == name; });
    if (!found) verdict.missing_signoffs.push_back(name);
  }
  return verdict;
}

std::optional<GoLiveBasis> require_go_live(const Runbook& runbook, std::string_view sha256,
                                           const std::filesystem::path& runs_root,
                                           std::string_view label,
                                           const std::optional<GoLiveOverride>& override_by) {
  if (!runbook.go_live || !contains(runbook.go_live->labels, label)) return std::nullopt;
  const std::vector<Rehearsal> runs = find_rehearsals(runs_root, runbook.id, runbook.identity);
  GoLiveVerdict verdict = judge_go_live(*runbook.go_live, sha256, runs);
  if (override_by) {
    verdict.basis.override_by = override_by;
    return verdict.basis;
  }
  if (!verdict.holds()) {
    throw EnvironmentError(refusal(runbook, label, sha256, runs, verdict) +
                           "; nothing was started");
  }
  return verdict.basis;
}

}  // namespace cutover
