// The runbook reader's go-live rule (runbook_reader_go_live.cpp): labels, rehearsals and
// sign-offs, their defaults, and every mistake located.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;

TEST_CASE("go_live: labels - rehearsals and sign-offs - with their defaults") {
  const std::string rule = R"(go_live:
  labels: [go-live, prod.cutover]
  rehearsals: 2
  signoffs: [cutover-lead, business owner]
)";
  const LoadResult result = load(header + "tasks:\n" + task_a + rule);
  REQUIRE(list(result) == "");
  REQUIRE(result.runbook.go_live);
  CHECK(result.runbook.go_live->labels == std::vector<std::string>{"go-live", "prod.cutover"});
  CHECK(result.runbook.go_live->rehearsals == 2);
  CHECK(result.runbook.go_live->signoffs ==
        std::vector<std::string>{"cutover-lead", "business owner"});
  CHECK(result.runbook.go_live->location.line == 8);

  const LoadResult defaults = load(header + "tasks:\n" + task_a + "go_live: {}\n");
  REQUIRE(list(defaults) == "");
  REQUIRE(defaults.runbook.go_live);
  CHECK(defaults.runbook.go_live->labels == std::vector<std::string>{"go-live"});
  CHECK(defaults.runbook.go_live->rehearsals == 1);
  CHECK(defaults.runbook.go_live->signoffs.empty());
  CHECK_FALSE(load(header + "tasks:\n" + task_a).runbook.go_live);
}

TEST_CASE("go_live: wrong shapes - bad labels - counts - repeated names") {
  const std::string rule = R"(go_live:
  labels: [go live, .hidden, go-live, go-live]
  rehearsals: 0
  signoffs: [ann, ann]
  signof: [bob]
)";
  CHECK(list(load(header + "tasks:\n" + task_a + rule)) ==
        "error 8:12: invalid label 'go live' in 'labels' [labels are letters, digits, '.', '_' "
        "and '-', as --label takes them]\n"
        "error 8:21: invalid label '.hidden' in 'labels' [labels are letters, digits, '.', '_' "
        "and '-', as --label takes them]\n"
        "error 8:39: 'go-live' is listed twice in 'labels'\n"
        "error 9:15: 'rehearsals' must be a number of rehearsals from 1 to 100, found '0'\n"
        "error 10:19: 'ann' is listed twice in 'signoffs'\n"
        "error 11:3: unknown key 'signof' in go_live [did you mean 'signoffs'?]\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "go_live: [go-live]\n")) ==
        "error 7:10: 'go_live' must be a mapping of labels, rehearsals and signoffs, found a "
        "list\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "go_live:\n  labels: []\n")) ==
        "error 8:11: 'labels' of go_live is an empty list [name the labels of the real thing, "
        "or leave 'labels' out for [go-live]]\n");
}
