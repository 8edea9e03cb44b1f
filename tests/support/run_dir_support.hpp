#pragma once
// Shared by the tests of what reads and appends to finished runs on disk (go_live, signoff):
// real run directories under a temporary runs root, made by start_run and a few events.

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/run/lifecycle.hpp"

namespace cutover::testing {

// A runbook with a go-live rule: two rehearsals, signed off by lead and owner.
inline constexpr std::string_view go_live_runbook = R"(version: 1
id: erp
tasks:
  - id: a
    run: "true"
go_live:
  rehearsals: 2
  signoffs: [lead, owner]
)";

// A run of `text` under `root`, started at `hour` with `label`, ending with `outcome` (nothing:
// it never finished) and signed off by `signed_by`. Its run id.
inline std::string make_run(const std::filesystem::path& root, std::string_view text,
                            std::string label, std::optional<RunOutcome> outcome,
                            const std::vector<std::string>& signed_by = {}, int hour = 1) {
  StartedRun run = start_run({std::string(text),
                              "erp",
                              std::move(label),
                              {},
                              root,
                              UtcTime{std::chrono::hours(hour)},
                              "jump-1",
                              "ops"});
  run.journal.append(event::RunStarted{}, Durability::now);
  if (outcome) run.journal.append(event::RunFinished{*outcome, 0}, Durability::now);
  for (const std::string& name : signed_by) {
    run.journal.append(event::SignedOff{{name, "ops", "jump-1", {}, {}}}, Durability::now);
  }
  return run.dir.run_id;
}

}  // namespace cutover::testing
