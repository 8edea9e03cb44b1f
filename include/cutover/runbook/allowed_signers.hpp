#pragma once
// `identity.allowed_signers`: OpenSSH's allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS),
// read at load so that a typo fails `validate`, not the go/no-go meeting. ssh-keygen itself
// verifies the signatures; this only checks the file is one cutover can rely on: every line a
// key, each key one person's, each person who decides in the runbook listed.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// The namespace every cutover signature is made in (`ssh-keygen -Y sign -n cutover`).
inline constexpr std::string_view signature_namespace = "cutover";

struct SignersProblem {
  int line = 0;
  std::string message;
  std::string hint;
};

struct ParsedSigners {
  std::vector<Signer> signers;  // one per name and key, in file order
  std::vector<SignersProblem> problems;
};

// Pure: the file's text to its signers. Patterns and certificate authorities are refused (one
// key must be one person, or four eyes are two), as is one key listed under two names.
ParsedSigners parse_allowed_signers(std::string_view text);

// Reads the runbook's allowed_signers (relative to `runbook_file`'s folder, or the run's frozen
// copy that `options` names) into `runbook.identity`, and checks that every approver and
// sign-off name has a key. Problems are located at the runbook's `allowed_signers`, naming the
// file's line.
void load_identity(Runbook& runbook, const std::filesystem::path& runbook_file,
                   const LoadOptions& options, Diagnostics& diagnostics);

}  // namespace cutover
