#pragma once
// Signed decisions (SPEC §6, identities): a person's decision is signed with their OpenSSH key
// by the real `ssh-keygen -Y sign -n cutover`, and verified by `ssh-keygen -Y verify` against
// the run's frozen allowed_signers, before the executor acts and again by `cutover verify`.
// What is signed is a statement: one JSON line naming the run, the decision's unique id, what
// was decided and by whom, so that a signature is good for that one decision only.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "cutover/base/time.hpp"
#include "cutover/run/events.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// The run directory's frozen copy of identity.allowed_signers.
inline constexpr std::string_view frozen_signers_name = "allowed_signers";

struct Statement {
  std::string run_id;
  // When the run started (its journal header's time): two runs can share an id (the same
  // --run-dir name elsewhere), never this too.
  std::string run_started;
  std::string decision;  // the decision's unique id: its nonce
  std::string action;    // mark, approve, reject, hold, signoff, override-go-live
  std::string task;
  std::string verdict;  // a mark's
  std::string by;
  std::string note;
  UtcTime time{};
};

// The canonical text: always the same bytes for the same statement.
std::string statement_text(const Statement& statement);
std::optional<Statement> parse_statement(std::string_view text);

// ssh-keygen's path; EnvironmentError (exit 5) when it is not installed.
std::string require_ssh_keygen();

// Signs the text with `key`: a private key file, or a public key (.pub) whose private half
// ssh-agent holds (SSH_AUTH_SOCK). UsageError, with the reason, when it cannot.
std::string sign_text(const std::filesystem::path& key, std::string_view text);

// Why `signature` is not `name`'s signature of `text` under `allowed_signers` (the file's
// text); nothing when it is. Never throws: a check that cannot run says so as its reason.
std::optional<std::string> signature_problem(std::string_view allowed_signers,
                                             std::string_view name, std::string_view text,
                                             std::string_view signature);

// Signs a statement: the journal's record of it.
event::Signature sign_statement(const std::filesystem::path& key, const Statement& statement);

// A decision's signature under `identity`: made with `key` and checked as the executor and
// `verify` will check it (UsageError "refused: ..." when it is not statement.by's; a missing
// --key is a UsageError too). Without identities nothing is signed, and a --key is refused.
std::optional<event::Signature> sign_decision(const std::optional<Identity>& identity,
                                              const std::filesystem::path& key,
                                              const Statement& statement);

// --auto answers for people, but 'auto' has no key: a UsageError with identities.
void refuse_auto_answers(const std::optional<Identity>& identity);

// With identities, a run's frozen allowed_signers must be the file it started with (the
// header's SHA-256): EnvironmentError when it was changed.
void require_frozen_signers(const std::optional<Identity>& identity,
                            const std::string& header_sha256, const std::filesystem::path& run_dir);

}  // namespace cutover
