#pragma once
// `cutover signoff`: a person signs off a succeeded rehearsal, one of what the go-live rule of
// its runbook (`go_live`, SPEC §6) asks for before the real thing.

#include <filesystem>
#include <string>

#include "cutover/base/time.hpp"

namespace cutover {

struct SignOffRequest {
  std::string by;    // one of go_live.signoffs
  std::string note;  // optional
  std::string user;  // the OS user and host it came from
  std::string host;
  std::filesystem::path key{};  // with identities: the key that signs it
};

enum class SignOffResult { signed_off, already_signed };

// Appends `signed_off` to the run's journal (the hash chain goes on), holding the run's lock for
// the append: refused (EnvironmentError, exit 5) while an executor holds it, and (UsageError,
// exit 2) for a run that did not succeed, a runbook without a go-live rule, or a name not in its
// `signoffs`. A name that signed off already changes nothing. With identities the sign-off is
// signed with `key` and checked against the run's frozen allowed_signers first (UsageError when
// it does not verify; nothing is appended).
SignOffResult sign_off(const std::filesystem::path& run_dir, const SignOffRequest& request,
                       UtcTime now);

}  // namespace cutover
