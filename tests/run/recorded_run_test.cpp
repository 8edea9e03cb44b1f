#include "cutover/run/recorded_run.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "cutover/base/errors.hpp"
#include "cutover/run/lifecycle.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using cutover::testing::TempDir;

namespace {

constexpr std::string_view runbook_text = R"(version: 1
id: vars-demo
vars:
  env: test
tasks:
  - id: deploy
    run: echo ${env}
)";

std::filesystem::path started_run(const TempDir& temp, const EventBody& first) {
  const auto dir = temp.path() / "run";
  StartedRun run = start_run({std::string(runbook_text), "vars-demo", "", dir, {}, {}, "h", "u"});
  run.journal.append(first, Durability::now);
  return dir;
}

}  // namespace

TEST_CASE("a recorded run is read with the vars and jobs its run_started recorded") {
  TempDir temp;
  event::RunStarted started;
  started.jobs = 3;
  started.runbook_dir = "/srv/runbooks";
  started.vars = {{"env", "prod"}};
  const RecordedRun run = open_recorded_run(started_run(temp, started));
  CHECK(run.jobs == 3);
  CHECK(run.runbook_dir == "/srv/runbooks");
  CHECK(run.vars == NamedValues{{"env", "prod"}});
  REQUIRE(run.runbook);
  CHECK(run.runbook->id == "vars-demo");
  CHECK(run.state.last_seq == 1);
}

TEST_CASE("a folder that is not a run is refused - and a frozen runbook that no longer loads") {
  TempDir temp;
  CHECK_THROWS_WITH_AS(open_recorded_run(temp.path()), doctest::Contains("not a run directory"),
                       UsageError);
  const auto dir = started_run(temp, event::RunStarted{});
  std::filesystem::permissions(dir / "runbook.yaml", std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(dir / "runbook.yaml", std::ios::trunc) << "version: 1\nid: [\n";
  CHECK_THROWS_WITH_AS(open_recorded_run(dir),
                       doctest::Contains("the frozen runbook no longer loads"), EnvironmentError);
}
