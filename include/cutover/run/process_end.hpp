#pragma once
// How a process ended, as people read it, as the journal records it, and as a gate check's
// expectations judge it.

#include <optional>
#include <string>
#include <string_view>

#include "cutover/run/events.hpp"
#include "cutover/run/process_runner.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// "SIGTERM", "SIGKILL", ..., or "signal 42".
std::string signal_name(int signal);

// "exit code 3", "killed by SIGKILL", "timed out after 10m (killed by SIGTERM)",
// "could not start: ...".
std::string describe_end(const ProcessEnded& ended, std::optional<Duration> timeout);

// As the journal records it: duration, then an exit code or a signal (never both), or the
// error that kept it from starting.
event::ProcessEnd end_of(const ProcessEnded& ended);

// Why a gate check's attempt is a no-go, or nothing when every expectation holds. The
// patterns are searched in the whole output (RE2; `(?m)` for line anchors).
std::optional<std::string> unmet_expectation(const Expect& expect, const ProcessEnded& ended,
                                             std::optional<Duration> timeout, std::string_view out,
                                             std::string_view err);

}  // namespace cutover
