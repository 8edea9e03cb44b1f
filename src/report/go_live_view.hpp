#pragma once
// How `status` and reports show the go-live rule's facts of a run: the sign-offs it was given,
// and what a go-live run relied on (or who overrode the rule), in words and in JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cutover/run/journal.hpp"
#include "cutover/run/run_state.hpp"

namespace cutover {

// "go-live after erp/1, erp/2; signed off by lead (erp/2)".
std::string go_live_words(const GoLiveBasis& basis);
// "go-live rule overridden by cio: board decision", or "" when it was not.
std::string override_words(const GoLiveBasis& basis);
// "lead (ann@jump-2), 2026-11-28 17:02:00: within 5%", the time in the given zone.
std::string signoff_words(const SignOff& signoff, int zone_offset_minutes);

// [{by, user, host, at, note}] and {rehearsals, signoffs: [{by, run}], override} (null: none).
nlohmann::ordered_json signoffs_json(const std::vector<SignOff>& signoffs);
nlohmann::ordered_json go_live_json(const std::optional<GoLiveBasis>& basis);

}  // namespace cutover
