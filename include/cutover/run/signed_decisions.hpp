#pragma once
// `cutover verify` for runs with identities: every decision a person made is checked again,
// offline, against the allowed_signers the run froze when it started (whose SHA-256 the
// journal's header holds): the signature is that person's, and the statement signed is the
// one the journal line records, for this run.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cutover/run/journal.hpp"

namespace cutover {

struct CheckedDecision {
  std::size_t line = 0;  // in journal.jsonl, the header being line 1
  std::string action;    // approve, mark, signoff, override-go-live...
  std::string task;
  std::string verdict;
  std::string by;
};

struct SignaturesVerdict {
  bool identities = false;  // the run has them; nothing else is set otherwise
  std::vector<CheckedDecision> checked;
  std::size_t bad_line = 0;  // with `problem`
  std::optional<std::string> problem;
};

// `runbook_has_identity`: the frozen runbook asks for signatures, so a run whose header and
// frozen people file are gone is not taken for one without them.
SignaturesVerdict verify_signatures(const std::filesystem::path& run_dir, const Journal& journal,
                                    bool runbook_has_identity = false);

}  // namespace cutover
