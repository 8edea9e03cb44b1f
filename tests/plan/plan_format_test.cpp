#include "cutover/plan/plan_format.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include "support/test_support.hpp"

#include <sstream>
#include <string>
#include <vector>

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

namespace {

Task with(Task task, std::string phase, std::string owner) {
  task.phase = std::move(phase);
  task.owner = std::move(owner);
  return task;
}

// backup (1h) and notify (manual, no estimate) feed the gate go, then the point of no return
// cutover.db (1h30m): 2h30m in a 3h window.
Runbook demo() {
  Runbook runbook;
  runbook.id = "demo";
  runbook.title = "Demo cutover";
  runbook.window = make_window(*parse_timestamp("2026-11-28T18:00:00+01:00"), 3h);
  runbook.phases = {"prep", "switch"};
  Task backup = with(make_task("backup", 1h), "prep", "dba");
  backup.title = "Back up \"prod\", then verify";
  backup.rollback = CommandRollback{"restore", std::nullopt, 20min};
  Task notify = with(make_task("notify", std::nullopt), "prep", "comms");
  notify.kind = Manual{"Tell everyone."};
  Task go = with(make_task("go", std::nullopt, {"backup", "notify"}), "switch", "");
  go.kind = Gate{{}, {"lead"}};
  Task switch_db = with(make_task("cutover.db", 90min, {"go"}), "switch", "dba");
  switch_db.point_of_no_return = true;
  runbook.tasks = {backup, notify, go, switch_db};
  return runbook;
}

std::string plan_output(const Runbook& runbook, PlanFormat format, bool colour = false,
                        std::optional<Timestamp> start = {}) {
  const Dag dag = build_dag(runbook);
  return render_plan(runbook, dag, make_plan(runbook, dag, start), format, colour);
}

std::string graph_output(const Runbook& runbook, GraphFormat format) {
  const Dag dag = build_dag(runbook);
  return render_graph(runbook, dag, make_plan(runbook, dag), format);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("text: summary - aligned table - critical path and the unestimated note") {
  CHECK(plan_output(demo(), PlanFormat::text) ==
        "Runbook:           demo — Demo cutover\n"
        "Start:             2026-11-28T18:00:00+01:00 (Sat 18:00)\n"
        "Window end:        2026-11-28T21:00:00+01:00 (Sat 21:00)\n"
        "Estimated length:  2h30m (the critical path)\n"
        "Estimated end:     2026-11-28T20:30:00+01:00 (Sat 20:30) — fits the window with 30m to "
        "spare\n"
        "\n"
        "lvl  phase   task        owner  start             estimate  slack  critical\n"
        "  0  prep    backup      dba    +00:00 Sat 18:00        1h     0s  *\n"
        "  0  prep    notify      comms  +00:00 Sat 18:00         ?     1h\n"
        "  1  switch  go                 +01:00 Sat 19:00         ?     0s  *\n"
        "  2  switch  cutover.db  dba    +01:00 Sat 19:00     1h30m     0s  *\n"
        "\n"
        "Critical path: backup -> go -> cutover.db (total 2h30m)\n"
        "Without an estimate, counted as 0: notify, go\n"
        "\n"
        "No-go deadlines (the latest moment a no-go can still be rolled back inside the window):\n"
        "  gate  planned start     no-go deadline    rollback  margin\n"
        "  go    +01:00 Sat 19:00  +02:40 Sat 20:40       20m  1h40m to spare\n");
}

TEST_CASE("text: a gate planned after its no-go deadline is LATE - in red") {
  Runbook runbook = demo();
  runbook.tasks[0].rollback = CommandRollback{"restore", std::nullopt, 2h + 30min};
  const auto text = plan_output(runbook, PlanFormat::text);
  CHECK(contains(text, "  go    +01:00 Sat 19:00  +00:30 Sat 18:30     2h30m  LATE by 30m\n"));
  const auto coloured = plan_output(runbook, PlanFormat::text, true);
  CHECK(contains(coloured, "\x1b[1m\x1b[31m  go    +01:00 Sat 19:00"));
}

TEST_CASE("text: no gate - no deadline table") {
  Runbook runbook = demo();
  runbook.tasks[2].kind = Manual{"Decide."};
  CHECK_FALSE(contains(plan_output(runbook, PlanFormat::text), "No-go deadlines"));
  CHECK(nlohmann::json::parse(plan_output(runbook, PlanFormat::json))["gates"].empty());
}

TEST_CASE("text: an overrun is said plainly") {
  Runbook runbook = demo();
  runbook.window->duration = 30min;
  const auto text = plan_output(runbook, PlanFormat::text);
  CHECK(contains(text,
                 "Estimated end:     2026-11-28T20:30:00+01:00 (Sat 20:30) — OVERRUNS the window "
                 "by 2h\n"));
}

TEST_CASE("text: --start moves the clock times - not the window's end") {
  const auto text =
      plan_output(demo(), PlanFormat::text, false, parse_timestamp("2026-11-28T20:00:00+01:00"));
  CHECK(contains(text, "Start:             2026-11-28T20:00:00+01:00 (Sat 20:00)\n"));
  CHECK(contains(text, "Window end:        2026-11-28T21:00:00+01:00 (Sat 21:00)\n"));
  CHECK(contains(text, "— OVERRUNS the window by 1h30m\n"));
  CHECK(contains(text, "  2  switch  cutover.db  dba    +01:00 Sat 21:00     1h30m     0s  *\n"));
}

TEST_CASE("text: without a window - offsets only and no verdict") {
  Runbook runbook = demo();
  runbook.window.reset();
  const auto lines = lines_of(plan_output(runbook, PlanFormat::text));
  REQUIRE(lines.size() >= 6);
  CHECK(lines[1] == "Start:             not set (the runbook has no window; use --start)");
  CHECK(lines.back() == "  go    +01:00         no window            20m");
  CHECK(lines[2] == "Estimated length:  2h30m (the critical path)");
  CHECK(lines[3] == "");
  CHECK(lines[4] == "lvl  phase   task        owner  start   estimate  slack  critical");
  CHECK(lines[5] == "  0  prep    backup      dba    +00:00        1h     0s  *");
}

TEST_CASE("text: empty phase and owner columns are left out") {
  Runbook runbook;
  runbook.id = "bare";
  runbook.tasks = {make_task("only", 45s)};
  const auto lines = lines_of(plan_output(runbook, PlanFormat::text));
  REQUIRE(lines.size() == 8);
  CHECK(lines[0] == "Runbook:           bare");
  CHECK(lines[4] == "lvl  task  start   estimate  slack  critical");
  CHECK(lines[5] == "  0  only  +00:00       45s     0s  *");
  CHECK(lines[7] == "Critical path: only (total 45s)");
}

TEST_CASE("text: an empty runbook still renders") {
  Runbook runbook;
  runbook.id = "empty";
  const auto text = plan_output(runbook, PlanFormat::text);
  CHECK(contains(text, "Critical path: none (no tasks)\n"));
  CHECK_FALSE(contains(text, "Without an estimate"));
}

TEST_CASE("text: columns align by characters - not bytes") {
  Runbook runbook;
  runbook.id = "utf8";
  runbook.tasks = {with(make_task("a", 1h), "", "Jürgen"), with(make_task("b", 1h), "", "ab")};
  const auto lines = lines_of(plan_output(runbook, PlanFormat::text));
  REQUIRE(lines.size() >= 7);
  CHECK(lines[4] == "lvl  task  owner   start   estimate  slack  critical");
  CHECK(lines[5] == "  0  a     Jürgen  +00:00        1h     0s  *");
  CHECK(lines[6] == "  0  b     ab      +00:00        1h     0s  *");
}

TEST_CASE("text: the unestimated note names ten tasks and counts the rest") {
  Runbook runbook;
  runbook.id = "many";
  for (int i = 0; i < 12; ++i) runbook.tasks.push_back(make_task("t" + std::to_string(i), {}));
  const auto text = plan_output(runbook, PlanFormat::text);
  CHECK(contains(text,
                 "Without an estimate, counted as 0: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 2 "
                 "more\n"));
}

TEST_CASE("text: colour only when asked - never across a line break") {
  Runbook runbook = demo();
  runbook.window->duration = 30min;
  CHECK_FALSE(contains(plan_output(runbook, PlanFormat::text, false), "\x1b["));
  const auto coloured = plan_output(runbook, PlanFormat::text, true);
  const auto lines = lines_of(coloured);
  REQUIRE(lines.size() >= 8);
  CHECK(contains(lines[4], "\x1b[31m"));  // the overrun warning
  CHECK(contains(lines[4], "OVERRUNS the window by 2h\x1b[0m"));
  CHECK(contains(lines[7], "\x1b[31m"));        // backup is critical
  CHECK_FALSE(contains(lines[8], "\x1b[31m"));  // notify is not
  for (const auto& line : lines) {
    CAPTURE(line);
    if (contains(line, "\x1b[")) CHECK(line.ends_with("\x1b[0m"));
  }
}

TEST_CASE("markdown: heading - summary list and a GitHub table") {
  CHECK(plan_output(demo(), PlanFormat::markdown) ==
        "## Cutover plan: demo — Demo cutover\n"
        "\n"
        "- **Start:** 2026-11-28T18:00:00+01:00 (Sat 18:00)\n"
        "- **Window end:** 2026-11-28T21:00:00+01:00 (Sat 21:00)\n"
        "- **Estimated length:** 2h30m (the critical path)\n"
        "- **Estimated end:** 2026-11-28T20:30:00+01:00 (Sat 20:30) — fits the window with 30m "
        "to spare\n"
        "\n"
        "| lvl | phase  | task       | owner | start            | estimate | slack | critical |\n"
        "| --: | ------ | ---------- | ----- | ---------------- | -------: | ----: | -------- |\n"
        "|   0 | prep   | backup     | dba   | +00:00 Sat 18:00 |       1h |    0s | yes      |\n"
        "|   0 | prep   | notify     | comms | +00:00 Sat 18:00 |        ? |    1h |          |\n"
        "|   1 | switch | go         |       | +01:00 Sat 19:00 |        ? |    0s | yes      |\n"
        "|   2 | switch | cutover.db | dba   | +01:00 Sat 19:00 |    1h30m |    0s | yes      |\n"
        "\n"
        "**Critical path:** backup -> go -> cutover.db (total 2h30m)\n"
        "\n"
        "**Without an estimate, counted as 0:** notify, go\n"
        "\n"
        "**No-go deadlines (the latest moment a no-go can still be rolled back inside the "
        "window):**\n"
        "\n"
        "| gate | planned start | no-go deadline | rollback | margin |\n"
        "| --- | --- | --- | ---: | --- |\n"
        "| go | +01:00 Sat 19:00 | +02:40 Sat 20:40 | 20m | 1h40m to spare |\n");
}

TEST_CASE("markdown: pipes in cells are escaped and an overrun is bold") {
  Runbook runbook = demo();
  runbook.tasks[0].owner = "ops|dba";
  runbook.window->duration = 30min;
  const auto markdown = plan_output(runbook, PlanFormat::markdown);
  CHECK(contains(markdown, "| ops\\|dba |"));
  CHECK(contains(markdown, " — **OVERRUNS the window by 2h**\n"));
}

TEST_CASE("csv: RFC 4180 with a header - seconds and timestamps") {
  const auto csv = plan_output(demo(), PlanFormat::csv);
  CHECK(csv ==
        "level,id,title,phase,owner,kind,estimate,estimate_s,earliest_start,earliest_start_s,"
        "earliest_finish_s,latest_start_s,latest_finish_s,slack,slack_s,critical,planned_start,"
        "planned_finish,depends_on,no_go_deadline_s,no_go_deadline\r\n"
        "0,backup,\"Back up \"\"prod\"\", then verify\",prep,dba,run,1h,3600,+00:00,0,3600,0,3600,"
        "0s,0,true,2026-11-28T18:00:00+01:00,2026-11-28T19:00:00+01:00,,,\r\n"
        "0,notify,,prep,comms,manual,,,+00:00,0,0,3600,3600,1h,3600,false,"
        "2026-11-28T18:00:00+01:00,2026-11-28T18:00:00+01:00,,,\r\n"
        "1,go,,switch,,gate,,,+01:00,3600,3600,3600,3600,0s,0,true,2026-11-28T19:00:00+01:00,"
        "2026-11-28T19:00:00+01:00,backup notify,9600,2026-11-28T20:40:00+01:00\r\n"
        "2,cutover.db,,switch,dba,run,1h30m,5400,+01:00,3600,9000,3600,9000,0s,0,true,"
        "2026-11-28T19:00:00+01:00,2026-11-28T20:30:00+01:00,go,,\r\n");
}

TEST_CASE("csv: line breaks inside a field are quoted - no start leaves timestamps empty") {
  Runbook runbook = demo();
  runbook.window.reset();
  runbook.tasks[1].title = "first line\nsecond line";
  const auto csv = plan_output(runbook, PlanFormat::csv);
  CHECK(contains(csv, "0,notify,\"first line\nsecond line\",prep,comms,manual,"));
  CHECK(contains(csv, ",0s,0,true,,,,,\r\n"));   // backup: no planned start or finish
  CHECK(contains(csv, ",backup notify,,\r\n"));  // go: no window, no deadline
}

TEST_CASE("json: the plan with stable key order") {
  const auto text = plan_output(demo(), PlanFormat::json);
  CHECK(text.starts_with(
      "{\n  \"runbook\": {\n    \"id\": \"demo\",\n    \"title\": \"Demo cutover\"\n"
      "  },\n  \"start\": \"2026-11-28T18:00:00+01:00\",\n"));
  CHECK(text.ends_with("}\n"));
  const auto json = nlohmann::ordered_json::parse(text);
  CHECK(json["window_end"] == "2026-11-28T21:00:00+01:00");
  CHECK(json["estimated_end"] == "2026-11-28T20:30:00+01:00");
  CHECK(json["total_s"] == 9000);
  CHECK(json["overrun_s"] == -1800);
  CHECK(json["critical_path"] == nlohmann::json::array({"backup", "go", "cutover.db"}));
  CHECK(json["levels"] == nlohmann::json::array({{"backup", "notify"}, {"go"}, {"cutover.db"}}));
  REQUIRE(json["tasks"].size() == 4);
  const auto& notify = json["tasks"][1];
  CHECK(notify["id"] == "notify");
  CHECK(notify["kind"] == "manual");
  CHECK(notify["estimate_s"].is_null());
  CHECK(notify["slack_s"] == 3600);
  CHECK(notify["latest_start_s"] == 3600);
  CHECK(notify["critical"] == false);
  const auto& go = json["tasks"][2];
  CHECK(go["depends_on"] == nlohmann::json::array({"backup", "notify"}));
  CHECK(go["owner"].is_null());
  std::vector<std::string> keys;
  for (const auto& item : go.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"id", "title", "phase", "owner", "kind", "level",
                                         "estimate_s", "earliest_start_s", "earliest_finish_s",
                                         "latest_start_s", "latest_finish_s", "slack_s", "critical",
                                         "depends_on"});
  CHECK(json["gates"] == nlohmann::ordered_json::parse(
                             R"([{"id": "go", "planned_start_s": 3600, "no_go_deadline_s": 9600,
                                  "rollback_s": 1200, "too_late": false}])"));
}

TEST_CASE("json: no window means nulls - not zeros") {
  Runbook runbook = demo();
  runbook.window.reset();
  const auto json = nlohmann::json::parse(plan_output(runbook, PlanFormat::json));
  CHECK(json["start"].is_null());
  CHECK(json["window_end"].is_null());
  CHECK(json["estimated_end"].is_null());
  CHECK(json["overrun_s"].is_null());
  CHECK(json["total_s"] == 9000);
  CHECK(json["gates"][0]["no_go_deadline_s"].is_null());
  CHECK(json["gates"][0]["too_late"] == false);
}

TEST_CASE("dot: phases as clusters - shapes by kind - the critical path in red") {
  CHECK(graph_output(demo(), GraphFormat::dot) ==
        "digraph \"demo\" {\n"
        "  label=\"demo — Demo cutover\";\n"
        "  labelloc=t;\n"
        "  node [shape=box];\n"
        "\n"
        "  subgraph cluster_0 {\n"
        "    label=\"prep\";\n"
        "    \"backup\" [label=\"backup\\n1h\", color=red, fontcolor=red, penwidth=2];\n"
        "    \"notify\" [label=\"notify\\nno estimate\", style=\"rounded,dashed\"];\n"
        "  }\n"
        "\n"
        "  subgraph cluster_1 {\n"
        "    label=\"switch\";\n"
        "    \"go\" [label=\"go\\nno estimate\", shape=diamond, color=red, fontcolor=red, "
        "penwidth=2];\n"
        "    \"cutover.db\" [label=\"cutover.db\\n1h30m\\npoint of no return\", peripheries=2, "
        "color=red, fontcolor=red, penwidth=2];\n"
        "  }\n"
        "\n"
        "  \"backup\" -> \"go\" [color=red, penwidth=2];\n"
        "  \"notify\" -> \"go\";\n"
        "  \"go\" -> \"cutover.db\" [color=red, penwidth=2];\n"
        "}\n");
}

TEST_CASE("dot: quotes and backslashes are escaped - tasks without a phase stay outside") {
  Runbook runbook = demo();
  runbook.phases.clear();
  runbook.tasks[0].phase = "C:\\temp \"x\"";
  runbook.tasks[1].phase.clear();
  const auto dot = graph_output(runbook, GraphFormat::dot);
  CHECK(contains(dot, "    label=\"C:\\\\temp \\\"x\\\"\";\n"));
  CHECK(contains(dot, "\n  \"notify\" [label="));  // top level, not in a cluster
  CHECK_FALSE(contains(dot, "cluster_3"));
  CHECK(contains(dot, "subgraph cluster_1 {\n    label=\"switch\";"));
}

TEST_CASE("mermaid: safe node ids - subgraphs - classes and link styles") {
  CHECK(graph_output(demo(), GraphFormat::mermaid) ==
        "flowchart TD\n"
        "  subgraph phase0 [\"prep\"]\n"
        "    n0[\"backup<br/>1h\"]\n"
        "    n1[/\"notify<br/>no estimate\"/]\n"
        "  end\n"
        "  subgraph phase1 [\"switch\"]\n"
        "    n2{\"go<br/>no estimate\"}\n"
        "    n3[\"cutover.db<br/>1h30m<br/>point of no return\"]\n"
        "  end\n"
        "  n0 --> n2\n"
        "  n1 --> n2\n"
        "  n2 --> n3\n"
        "  classDef critical stroke:#d00,stroke-width:3px,color:#d00\n"
        "  class n0,n2,n3 critical\n"
        "  classDef pointOfNoReturn stroke-dasharray:6 3,fill:#fff4e5\n"
        "  class n3 pointOfNoReturn\n"
        "  linkStyle 0,2 stroke:#d00,stroke-width:3px\n");
}

TEST_CASE("mermaid: labels escape quotes and HTML") {
  Runbook runbook = demo();
  runbook.tasks[0].phase = "say \"hi\" <now> #1 & go";
  const auto mermaid = graph_output(runbook, GraphFormat::mermaid);
  CHECK(contains(mermaid, "[\"say #quot;hi#quot; #lt;now#gt; #35;1 #amp; go\"]\n"));
  CHECK_FALSE(contains(mermaid, "\"hi\""));
}

TEST_CASE("mermaid: undeclared phases follow declared ones in order of first use") {
  Runbook runbook = demo();
  runbook.phases = {"switch"};
  runbook.tasks[1].phase = "extra";
  const auto lines = lines_of(graph_output(runbook, GraphFormat::mermaid));
  REQUIRE(lines.size() >= 10);
  CHECK(lines[1] == "  subgraph phase0 [\"switch\"]");
  CHECK(lines[5] == "  subgraph phase1 [\"prep\"]");
  CHECK(lines[8] == "  subgraph phase2 [\"extra\"]");
}

TEST_CASE("dot and mermaid: --cluster file groups tasks by the file they are written in") {
  Runbook runbook = demo();
  runbook.file = "runbooks/erp.yaml";
  runbook.included = {"ws/finance.yaml", "ws/empty.yaml"};
  runbook.tasks[1].file = 1;
  runbook.tasks[3].file = 1;
  const Dag dag = build_dag(runbook);
  const Plan plan = make_plan(runbook, dag);
  const auto mermaid =
      lines_of(render_graph(runbook, dag, plan, GraphFormat::mermaid, GraphCluster::file));
  REQUIRE(mermaid.size() >= 9);
  CHECK(mermaid[1] == "  subgraph file0 [\"erp.yaml\"]");
  CHECK(mermaid[2] == "    n0[\"backup<br/>1h\"]");
  CHECK(mermaid[3] == "    n2{\"go<br/>no estimate\"}");
  CHECK(mermaid[5] == "  subgraph file1 [\"ws/finance.yaml\"]");
  CHECK(mermaid[6] == "    n1[/\"notify<br/>no estimate\"/]");
  CHECK(mermaid[8] == "  end");
  // A file without tasks (it only includes others) draws no empty box.
  CHECK_FALSE(contains(render_graph(runbook, dag, plan, GraphFormat::mermaid, GraphCluster::file),
                       "ws/empty.yaml"));
  const std::string dot = render_graph(runbook, dag, plan, GraphFormat::dot, GraphCluster::file);
  CHECK(contains(dot, "  subgraph cluster_1 {\n    label=\"ws/finance.yaml\";\n"));
  CHECK_FALSE(contains(dot, "label=\"prep\""));
}
