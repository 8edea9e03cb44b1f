// Signing off a rehearsal (signoff.cpp): who may, which runs, twice, and never while an
// executor holds the run.
#include "cutover/run/signoff.hpp"

#include <doctest/doctest.h>

#include <string>

#include "cutover/base/errors.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "support/run_dir_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

const UtcTime now{std::chrono::hours(30)};

std::filesystem::path dir_of(const std::filesystem::path& root, const std::string& run_id) {
  return root / run_id;
}

}  // namespace

TEST_CASE("signoff: a named person signs a succeeded run off once - the chain goes on") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const auto dir = dir_of(root, make_run(root, go_live_runbook, "r1", RunOutcome::succeeded));
  CHECK(sign_off(dir, {"lead", "smoke tests green", "ann", "jump-2"}, now) ==
        SignOffResult::signed_off);
  CHECK(sign_off(dir, {"lead", "again", "ann", "jump-2"}, now) == SignOffResult::already_signed);
  CHECK(sign_off(dir, {"owner", "", "bob", "jump-3"}, now) == SignOffResult::signed_off);
  const RecordedRun run = open_recorded_run(dir);
  REQUIRE(run.state.signoffs.size() == 2);
  CHECK(run.state.signoffs[0].by == "lead");
  CHECK(run.state.signoffs[0].user == "ann");
  CHECK(run.state.signoffs[0].host == "jump-2");
  CHECK(run.state.signoffs[0].note == "smoke tests green");
  CHECK(run.state.signoffs[1].by == "owner");
  CHECK(verify_journal(dir / journal_file_name).intact);
  // What is said about a run does not make it longer.
  CHECK(run.state.last_elapsed_ms == run.journal.events[1].elapsed_ms);
}

TEST_CASE("signoff: refused for a name not listed - a run that did not succeed - no rule") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const auto good = dir_of(root, make_run(root, go_live_runbook, "r1", RunOutcome::succeeded));
  CHECK_THROWS_WITH_AS(sign_off(good, {"mallory", "", "m", "h"}, now),
                       "mallory does not sign off runs of erp: its go_live rule names lead, owner",
                       UsageError);
  const auto failed =
      dir_of(root, make_run(root, go_live_runbook, "r2", RunOutcome::failed, {}, 2));
  CHECK_THROWS_WITH_AS(sign_off(failed, {"lead", "", "a", "h"}, now),
                       doctest::Contains("failed: only a succeeded rehearsal is signed off"),
                       UsageError);
  const auto unfinished = dir_of(root, make_run(root, go_live_runbook, "r3", std::nullopt, {}, 3));
  CHECK_THROWS_WITH_AS(sign_off(unfinished, {"lead", "", "a", "h"}, now),
                       doctest::Contains("has not finished: only a succeeded rehearsal"),
                       UsageError);
  const auto plain = dir_of(root, make_run(root,
                                           "version: 1\nid: erp\ntasks:\n  - id: a\n    "
                                           "run: \"true\"\n",
                                           "r4", RunOutcome::succeeded, {}, 4));
  CHECK_THROWS_WITH_AS(sign_off(plain, {"lead", "", "a", "h"}, now),
                       doctest::Contains("its runbook has no go_live rule"), UsageError);
  for (const auto& dir : {good, failed, unfinished, plain}) {
    CHECK(open_recorded_run(dir).state.signoffs.empty());
  }
}

TEST_CASE("signoff: refused while an executor holds the run") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const auto dir = dir_of(root, make_run(root, go_live_runbook, "r1", RunOutcome::succeeded));
  const RunLock held = RunLock::acquire(dir, now);
  CHECK_THROWS_AS(sign_off(dir, {"lead", "", "a", "h"}, now), EnvironmentError);
}
