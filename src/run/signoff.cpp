#include "cutover/run/signoff.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"

namespace cutover {

namespace {

// Why a run cannot be signed off, or nothing when it can.
void require_signable(const RecordedRun& run, const std::string& by) {
  const Runbook& runbook = *run.runbook;
  const std::string& id = run.journal.header.run_id;
  if (!runbook.go_live) {
    throw UsageError(fmt::format(
        "run {}: its runbook has no go_live rule, so nobody signs its rehearsals off", id));
  }
  const std::vector<std::string>& names = runbook.go_live->signoffs;
  if (std::find(names.begin(), names.end(), by) == names.end()) {
    throw UsageError(
        names.empty()
            ? fmt::format("{} does not sign off runs of {}: its go_live rule names nobody in "
                          "'signoffs'",
                          by, runbook.id)
            : fmt::format("{} does not sign off runs of {}: its go_live rule names {}", by,
                          runbook.id, fmt::join(names, ", ")));
  }
  if (run.state.outcome != RunOutcome::succeeded) {
    std::string outcome(run.state.outcome ? to_string(*run.state.outcome) : "");
    std::replace(outcome.begin(), outcome.end(), '_', ' ');  // "rolled back"
    throw UsageError(
        run.state.outcome
            ? fmt::format("run {} {}: only a succeeded rehearsal is signed off", id, outcome)
            : fmt::format("run {} has not finished: only a succeeded rehearsal is signed off", id));
  }
}

// With identities, the sign-off's signature, checked as `verify` will check it; else nothing.
std::optional<event::Signature> signature_for(const RecordedRun& run, const SignOffRequest& request,
                                              const std::string& nonce, UtcTime now) {
  const auto& identity = run.runbook->identity;
  require_frozen_signers(identity, run.journal.header.allowed_signers_sha256, run.dir);
  return sign_decision(identity, request.key,
                       {run.journal.header.run_id, format_utc_ms(run.journal.header.time), nonce,
                        "signoff", "", "", request.by, request.note, now});
}

}  // namespace

SignOffResult sign_off(const std::filesystem::path& run_dir, const SignOffRequest& request,
                       UtcTime now) {
  open_recorded_run(run_dir);  // a folder that is not a run is refused before it is locked
  const RunLock lock = RunLock::acquire(run_dir, now);
  const RecordedRun run = open_recorded_run(run_dir);  // as it is now that nobody else writes
  require_signable(run, request.by);
  const auto& signoffs = run.state.signoffs;
  if (std::any_of(signoffs.begin(), signoffs.end(),
                  [&](const SignOff& signoff) { return signoff.by == request.by; })) {
    return SignOffResult::already_signed;
  }
  event::Person person{request.by, request.user, request.host, new_decision_id(now), request.note};
  person.signature = signature_for(run, request, person.decision, now);
  JournalWriter journal = JournalWriter::reopen(run_dir / journal_file_name);
  journal.append(event::SignedOff{std::move(person)}, Durability::now);
  return SignOffResult::signed_off;
}

}  // namespace cutover
