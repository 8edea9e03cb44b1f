#include "cutover/run_dir.hpp"

#include <doctest/doctest.h>

#include "cutover/errors.hpp"
#include "test_support.hpp"

using namespace cutover;
using cutover::testing::TempDir;
using cutover::testing::write_text;

namespace {

void make_run(const std::filesystem::path& dir, const std::string& time) {
  std::filesystem::create_directories(dir);
  write_text(dir / "journal.jsonl",
             R"({"format":"cutover-journal","version":1,"time":")" + time + "\"}\n");
}

}  // namespace

TEST_CASE("latest_run is the most recently started run - across runbooks") {
  TempDir root;
  CHECK_FALSE(latest_run(root.path()));
  make_run(root / "erp/20261128T170000Z-rehearsal-1", "2026-11-28T17:00:00.000Z");
  make_run(root / "dns/20261127T090000Z", "2026-11-27T09:00:00.000Z");
  make_run(root / "erp/20261129T080000Z", "2026-11-29T08:00:00.000Z");
  std::filesystem::create_directories(root / "erp/not-a-run");
  CHECK(latest_run(root.path()) == root / "erp/20261129T080000Z");
}

TEST_CASE("resolve_run_dir refuses what is not a run directory") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(resolve_run_dir(dir / "missing"),
                       ((dir / "missing").string() + ": not a run directory").c_str(), UsageError);
  CHECK_THROWS_AS(resolve_run_dir(dir.path()), UsageError);
  make_run(dir / "run", "2026-11-28T17:00:00.000Z");
  CHECK(resolve_run_dir(dir / "run") == dir / "run");
}
