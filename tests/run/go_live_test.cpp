// The go-live rule (go_live.cpp): which runs count as rehearsals, whose sign-offs count, the
// refusal that lists what is missing, and what a go-live run's header records.
#include "cutover/run/go_live.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/sha256.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/runbook/loader.hpp"
#include "support/run_dir_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

Rehearsal rehearsal(std::string id, std::string sha, std::optional<RunOutcome> outcome,
                    std::vector<std::string> signed_by = {}, std::string label = "rehearsal") {
  return {std::move(id), std::move(label), std::move(sha), outcome, std::move(signed_by), {}};
}

GoLiveRule rule(int rehearsals, std::vector<std::string> signoffs) {
  GoLiveRule made;
  made.rehearsals = rehearsals;
  made.signoffs = std::move(signoffs);
  return made;
}

Runbook loaded(std::string_view text) {
  LoadResult result = load_runbook_text(std::string(text), "erp.yaml", {});
  REQUIRE_FALSE(result.diagnostics.has_errors());
  return result.runbook;
}

}  // namespace

TEST_CASE("go-live: only succeeded runs of the same bytes count - and only their sign-offs") {
  const std::vector<Rehearsal> runs = {
      rehearsal("erp/4", "aaa", RunOutcome::succeeded, {"lead"}),
      rehearsal("erp/3", "bbb", RunOutcome::succeeded, {"owner"}),  // another version
      rehearsal("erp/2", "aaa", RunOutcome::failed, {"owner"}),
      rehearsal("erp/1", "aaa", std::nullopt),
      rehearsal("erp/0", "aaa", RunOutcome::succeeded, {"owner"}, "go-live"),  // the real thing
  };
  const GoLiveVerdict verdict = judge_go_live(rule(2, {"lead", "owner"}), "aaa", runs);
  CHECK(verdict.basis.rehearsals == std::vector<std::string>{"erp/4"});
  CHECK(verdict.basis.signoffs ==
        std::vector<std::pair<std::string, std::string>>{{"lead", "erp/4"}});
  CHECK(verdict.missing_rehearsals == 1);
  CHECK(verdict.missing_signoffs == std::vector<std::string>{"owner"});
  CHECK_FALSE(verdict.holds());

  std::vector<Rehearsal> more = runs;
  more.push_back(rehearsal("erp/5", "aaa", RunOutcome::succeeded, {"owner", "someone"}));
  const GoLiveVerdict enough = judge_go_live(rule(2, {"lead", "owner"}), "aaa", more);
  CHECK(enough.holds());
  CHECK(enough.basis.rehearsals == std::vector<std::string>{"erp/4", "erp/5"});
  CHECK(enough.basis.signoffs ==
        std::vector<std::pair<std::string, std::string>>{{"lead", "erp/4"}, {"owner", "erp/5"}});
  CHECK(judge_go_live(rule(1, {}), "aaa", {}).missing_rehearsals == 1);
}

TEST_CASE("go-live: a run with a go-live label is refused - listing what is missing") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const Runbook runbook = loaded(go_live_runbook);
  const std::string sha = sha256_hex(go_live_runbook);
  CHECK_FALSE(require_go_live(runbook, sha, root, "rehearsal-1", std::nullopt));

  const std::string good =
      make_run(root, go_live_runbook, "rehearsal-1", RunOutcome::succeeded, {"lead"}, 1);
  make_run(root, go_live_runbook, "rehearsal-2", RunOutcome::failed, {}, 2);
  make_run(root, std::string(go_live_runbook) + "# edited\n", "rehearsal-3", RunOutcome::succeeded,
           {"owner"}, 3);
  try {
    require_go_live(runbook, sha, root, "go-live", std::nullopt);
    FAIL("the go-live run was not refused");
  } catch (const EnvironmentError& error) {
    const std::string message = error.what();
    CHECK(
        message.starts_with("a run labelled 'go-live' is the real thing: the runbook's go_live "
                            "rule asks for 2 succeeded rehearsals of this exact runbook (sha256 " +
                            sha.substr(0, 12) +
                            "), signed off by lead, owner\nmissing:\n"
                            "  1 more succeeded rehearsal\n  a sign-off by owner\n"
                            "runs of this runbook:\n"));
    CHECK(message.find("  " + good + "  succeeded  sha256 " + sha.substr(0, 12) +
                       "  signed off by lead\n") != std::string::npos);
    CHECK(message.find("failed  sha256 " + sha.substr(0, 12)) != std::string::npos);
    CHECK(message.find("(another version of the runbook)  signed off by owner") !=
          std::string::npos);
    CHECK(message.ends_with("starts anyway and journals who and why; nothing was started"));
  }

  const auto overridden =
      require_go_live(runbook, sha, root, "go-live", GoLiveOverride{"cio", "board decision"});
  REQUIRE(overridden);
  CHECK(overridden->rehearsals == std::vector<std::string>{good});
  REQUIRE(overridden->override_by);
  CHECK(overridden->override_by->by == "cio");
  CHECK(overridden->override_by->reason == "board decision");

  const std::string second =
      make_run(root, go_live_runbook, "rehearsal-4", RunOutcome::succeeded, {"owner"}, 4);
  const auto basis = require_go_live(runbook, sha, root, "go-live", std::nullopt);
  REQUIRE(basis);
  CHECK(basis->rehearsals == std::vector<std::string>{second, good});  // newest first
  CHECK(basis->signoffs ==
        std::vector<std::pair<std::string, std::string>>{{"owner", second}, {"lead", good}});
  CHECK_FALSE(basis->override_by);
}

TEST_CASE("go-live: start_run checks the rule first - and its header records the basis") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const Runbook runbook = loaded(go_live_runbook);
  RunStart start{std::string(go_live_runbook),   "erp",    "go-live", {}, root,
                 UtcTime{std::chrono::hours(9)}, "jump-1", "ops"};
  start.runbook = &runbook;
  CHECK_THROWS_AS(start_run(start), EnvironmentError);
  CHECK_FALSE(std::filesystem::exists(root / "erp"));  // nothing was started

  start.override_go_live = GoLiveOverride{"cio", "rehearsed on paper"};
  const StartedRun started = start_run(start);
  const auto header = read_journal_header(started.dir.dir / journal_file_name);
  REQUIRE(header);
  REQUIRE(header->go_live);
  CHECK(header->go_live->rehearsals.empty());
  REQUIRE(header->go_live->override_by);
  CHECK(header->go_live->override_by->reason == "rehearsed on paper");
}

TEST_CASE("go-live: with identities only signed sign-offs count - the others say why") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  make_run(root, go_live_runbook, "rehearsal-1", RunOutcome::succeeded, {"lead"}, 1);
  Identity identity;
  identity.allowed_signers = "people.allowed_signers";
  identity.text =
      "lead ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHM3vR+YoEcMH5hmC2dbu12v+s1AIkuk7cKJTfZnBP6v\n";
  const std::vector<Rehearsal> signed_only = find_rehearsals(root, "erp", identity);
  REQUIRE(signed_only.size() == 1);
  CHECK(signed_only[0].signed_by.empty());
  CHECK(signed_only[0].not_counted == std::vector<std::string>{"lead: not signed"});
  const std::vector<Rehearsal> any = find_rehearsals(root, "erp");
  REQUIRE(any.size() == 1);
  CHECK(any[0].signed_by == std::vector<std::string>{"lead"});
  CHECK(any[0].not_counted.empty());
}
