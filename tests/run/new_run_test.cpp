#include "cutover/run/new_run.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "cutover/base/errors.hpp"
#include "cutover/report/timing.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
#include "cutover/runbook/loader.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using cutover::testing::make_runbook;
using cutover::testing::make_task;
using cutover::testing::TempDir;

namespace {

UtcTime at_five() {
  return std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(17);
}

}  // namespace

TEST_CASE("a label is a folder name's part: letters - digits - dot - dash and underscore") {
  CHECK_NOTHROW(check_label("rehearsal-2.b_1"));
  CHECK_THROWS_WITH_AS(check_label("go live"), doctest::Contains("--label 'go live'"), UsageError);
  CHECK_THROWS_AS(check_label("../up"), UsageError);
  CHECK_THROWS_AS(check_label(".hidden"), UsageError);
}

TEST_CASE("create_run_dir names the folder by time and label and never reuses one") {
  TempDir root;
  const NewRunDir first = create_run_dir(root.path(), "erp", at_five(), "go-live");
  CHECK(first.run_id == "erp/20261128T170000Z-go-live");
  CHECK(std::filesystem::is_directory(first.dir / "logs"));
  const NewRunDir second = create_run_dir(root.path(), "erp", at_five(), "go-live");
  CHECK(second.run_id == "erp/20261128T170000Z-go-live-2");
  CHECK(create_run_dir(root.path(), "erp", at_five(), "").run_id == "erp/20261128T170000Z");
}

TEST_CASE("require_unused refuses a folder that holds a run or anything else") {
  TempDir root;
  const NewRunDir dir = given_run_dir(root.path() / "mine", "erp");
  CHECK(dir.run_id == "erp/mine");
  CHECK_NOTHROW(require_unused(dir.dir));
  std::ofstream(dir.dir / "notes.txt") << "x";
  CHECK_THROWS_WITH_AS(require_unused(dir.dir), doctest::Contains("notes.txt is there"),
                       UsageError);
  std::ofstream(dir.dir / "journal.jsonl") << "{}";
  CHECK_THROWS_WITH_AS(require_unused(dir.dir), doctest::Contains("already holds a run"),
                       UsageError);
}

TEST_CASE("freeze_file writes the exact bytes once - read-only") {
  TempDir root;
  const std::string text = "version: 1\r\nid: x\r\n# é\n";
  freeze_file(root.path(), "runbook.yaml", text);
  std::ifstream in(root.path() / "runbook.yaml", std::ios::binary);
  const std::string frozen((std::istreambuf_iterator<char>(in)), {});
  CHECK(frozen == text);
  CHECK_THROWS_AS(freeze_file(root.path(), "runbook.yaml", text), EnvironmentError);
}

TEST_CASE("read_secrets names every missing secret - or gives them the placeholder") {
  Runbook runbook = make_runbook({make_task("a")});
  runbook.secrets = {"CUTOVER_TEST_SET_SECRET", "CUTOVER_TEST_MISSING_1", "CUTOVER_TEST_MISSING_2"};
  ::setenv("CUTOVER_TEST_SET_SECRET", "s3cr3t", 1);
  CHECK_THROWS_WITH_AS(read_secrets(runbook),
                       doctest::Contains("CUTOVER_TEST_MISSING_1, CUTOVER_TEST_MISSING_2"),
                       EnvironmentError);
  const NamedValues shown = read_secrets(runbook, "***");
  REQUIRE(shown.size() == 3);
  CHECK(shown[0].second == "s3cr3t");  // redacted wherever it is shown
  CHECK(shown[1] == std::pair<std::string, std::string>{"CUTOVER_TEST_MISSING_1", "***"});
  ::unsetenv("CUTOVER_TEST_SET_SECRET");
}

TEST_CASE("new run: every name a run folder keeps for itself is refused as an include's start") {
  // Included files are frozen at their paths in the run folder (runbook/loader.hpp); the
  // runbook layer keeps its own list of the run folder's names, and this keeps the two in step.
  const auto refused = [](std::string_view name) {
    return std::find(std::begin(run_folder_names), std::end(run_folder_names), name) !=
           std::end(run_folder_names);
  };
  for (const std::string_view name :
       {frozen_runbook_name, journal_file_name, timing_file_name, lock_file_name, inbox_dir_name,
        frozen_signers_name, std::string_view("logs")}) {
    CHECK_MESSAGE(refused(name), name);
  }
}
