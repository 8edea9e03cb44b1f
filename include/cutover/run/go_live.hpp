#pragma once
// The go-live rule (SPEC §6): a run whose label the runbook's `go_live` lists is the real
// thing. It starts only after `rehearsals` succeeded runs of the very same runbook file (the
// SHA-256 of its bytes) and a sign-off of one of them by every name in `signoffs`; or when a
// person overrides the rule, saying why.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/run/events.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// A run of the runbook, as the rule looks at it.
struct Rehearsal {
  std::string run_id;
  std::string label;
  std::string sha256;
  std::optional<RunOutcome> outcome;  // nothing: it has not finished
  std::vector<std::string> signed_by;
  std::vector<std::string> not_counted{};  // sign-offs refused, with why: "bob: not signed"
  std::string problem{};                   // why it could not be read, if it could not
};

// The runs of `runbook_id` under `runs_root`, newest first. With `identity` (the go-live
// runbook's), a sign-off counts only when it is signed, for that run, by a key the people file
// lists now under that name.
std::vector<Rehearsal> find_rehearsals(const std::filesystem::path& runs_root,
                                       std::string_view runbook_id,
                                       const std::optional<Identity>& identity = std::nullopt);

struct GoLiveVerdict {
  GoLiveBasis basis;  // the rehearsals that count, and who signed off which
  int missing_rehearsals = 0;
  std::vector<std::string> missing_signoffs;

  bool holds() const { return missing_rehearsals == 0 && missing_signoffs.empty(); }
};

// What the rule finds among `rehearsals` for a runbook whose bytes hash to `sha256`. A run
// counts when it succeeded, has that hash, and is not itself labelled as the real thing; only
// sign-offs of such runs count.
GoLiveVerdict judge_go_live(const GoLiveRule& rule, std::string_view sha256,
                            const std::vector<Rehearsal>& rehearsals);

// For `run` and `track` with `label`: nothing when the label is not one of the rule's; the
// basis to journal in the header when the rule holds, or when `override_by` is given (then
// with it); else an EnvironmentError (exit 5) that lists what the rule needs, the runs there
// are, and what is missing.
std::optional<GoLiveBasis> require_go_live(const Runbook& runbook, std::string_view sha256,
                                           const std::filesystem::path& runs_root,
                                           std::string_view label,
                                           const std::optional<GoLiveOverride>& override_by);

}  // namespace cutover
