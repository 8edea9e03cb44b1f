#include "cutover/runbook/csv_import.hpp"

#include <doctest/doctest.h>

#include <string>

#include "cutover/runbook/loader.hpp"

using namespace cutover;

namespace {

// "row:column: message" per problem.
std::string problems_of(const ImportResult& result) {
  std::string out;
  for (const ImportProblem& problem : result.problems) {
    out += std::to_string(problem.row) + ":" + std::to_string(problem.column) + ": " +
           problem.message + "\n";
  }
  return out;
}

ImportResult imported(std::string_view text) {
  return import_plan_csv(text, "plan.csv", "erp");
}

}  // namespace

TEST_CASE("import: every column - the runbook loads - its tasks are the rows") {
  const std::string text =
      "id,title,phase,owner,estimate,depends_on,run,manual,approvals,rollback\n"
      "freeze,Freeze postings,prepare,finance,30m,,,Freeze them in SAP.,,\n"
      "export,Export orders,migrate,ops,1h30m,freeze,./export.sh,,,./unexport.sh\n"
      "go,Go or no-go,migrate,lead,0:15,export freeze,,,\"lead, owner\",\n";
  const ImportResult result = imported(text);
  REQUIRE(problems_of(result) == "");
  const LoadResult loaded = load_runbook_text(result.yaml, "erp.yaml", {});
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  const Runbook& runbook = loaded.runbook;
  CHECK(runbook.id == "erp");
  CHECK(runbook.phases == std::vector<std::string>{"prepare", "migrate"});
  REQUIRE(runbook.tasks.size() == 3);
  CHECK(std::get<Manual>(runbook.tasks[0].kind).instructions == "Freeze them in SAP.");
  CHECK(runbook.tasks[0].owner == "finance");
  CHECK(std::get<Command>(runbook.tasks[1].kind).run == "./export.sh");
  CHECK(runbook.tasks[1].estimate == Duration(std::chrono::minutes(90)));
  CHECK(runbook.tasks[1].rollback.has_value());
  CHECK(std::get<Gate>(runbook.tasks[2].kind).approvals ==
        std::vector<std::string>{"lead", "owner"});
  CHECK(runbook.tasks[2].estimate == Duration(std::chrono::minutes(15)));
  REQUIRE(runbook.tasks[2].depends_on.size() == 2);
  CHECK(runbook.tasks[2].depends_on[0].id == "export");
  CHECK(runbook.tasks[2].depends_on[1].id == "freeze");
}

TEST_CASE("import: the same CSV gives the same bytes - and says where it came from") {
  const std::string text = "Title;Estimate\r\nFreeze postings;1:00\r\n";
  const ImportResult first = imported(text);
  CHECK(first.yaml == imported(text).yaml);
  CHECK(first.yaml.starts_with("# Imported with `cutover import` from plan.csv (1 task)."));
  // An id made from the title; a row with nothing but a title is a manual step.
  CHECK(first.yaml.find("  - id: freeze-postings\n") != std::string::npos);
  CHECK(first.yaml.find("    manual: Freeze postings\n") != std::string::npos);
  CHECK(first.yaml.find("    estimate: 1h\n") != std::string::npos);
}

TEST_CASE("import: columns it does not know are named in the header comment") {
  const ImportResult result = imported("id,Status,Comments\na,done,looks fine\n");
  REQUIRE(problems_of(result) == "");
  CHECK(result.yaml.find("Columns not imported: Status, Comments.") != std::string::npos);
}

TEST_CASE("import: {{ NAME }} in a cell becomes a var to fill in") {
  const ImportResult result = imported("id,title\nclose,Close {{ PERIOD }} in {{ERP}}\n");
  REQUIRE(problems_of(result) == "");
  CHECK(result.yaml.find("vars:\n  PERIOD: \"\"\n  ERP: \"\"\n") != std::string::npos);
  CHECK_FALSE(load_runbook_text(result.yaml, "erp.yaml", {}).diagnostics.has_errors());
}

TEST_CASE("import: each bad cell at its row and column - and no runbook") {
  const std::string text =
      "id,estimate,depends_on,run,manual\n"
      "a,1.5h,,echo a,\n"          // row 2: not a duration
      "b,10m,a x,,\n"              // row 3: x is nobody's id
      "a,5m,,,\n"                  // row 4: a twice
      "c,25:99,,echo c,Do it.\n";  // row 5: not hh:mm, and two kinds
  const ImportResult result = imported(text);
  CHECK(result.yaml.empty());
  CHECK(problems_of(result) ==
        "2:2: '1.5h' is not a duration: 15m, 1h30m or hh:mm like 1:30\n"
        "4:1: the id 'a' is also row 2's: ids are unique\n"
        "5:2: '25:99' is not a duration: 15m, 1h30m or hh:mm like 1:30\n"
        "5:5: a task is one kind: a 'run' command or 'manual' instructions, not both\n"
        "3:3: 'b' depends on 'x', which is no row's id\n");
}

TEST_CASE("import: a header with neither id nor title - an unclosed quote - no rows") {
  CHECK(problems_of(imported("name,estimate\nx,5m\n"))
            .starts_with("1:0: there is no 'id' column, nor a 'title' to make ids from"));
  CHECK(problems_of(imported("id,title\na,\"open\n")) ==
        "2:0: a quoted cell never ends (a \" is missing)\n");
  CHECK(problems_of(imported("id,title\n")) == "1:0: no task rows under the header\n");
  CHECK(problems_of(imported("")) ==
        "1:0: the file is empty: the first row names the columns (id, title, ...)\n");
  CHECK(problems_of(imported("id,ID\na,b\n")) ==
        "1:2: the column 'id' is there twice (column 1 too)\n");
}

TEST_CASE("id_from_title: lower case - one dash for each run of other characters") {
  CHECK(id_from_title("Freeze postings (SAP)") == "freeze-postings-sap");
  CHECK(id_from_title("  Go / no-go  ") == "go-no-go");
  CHECK(id_from_title("v2.1_final") == "v2.1_final");
  CHECK(id_from_title("!!!") == "");
}
