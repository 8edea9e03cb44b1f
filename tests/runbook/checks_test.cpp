#include "cutover/runbook/checks.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// Every diagnostic on its own line, "error 3:1: message [hint]", in the order reported.
std::string list(const FileDiagnostics& diagnostics) {
  std::string out;
  for (const auto& item : diagnostics.items()) {
    out += item.severity == Severity::error ? "error " : "warning ";
    out += std::to_string(item.location.line) + ":" + std::to_string(item.location.column) + ": ";
    out += item.message;
    if (!item.hint.empty()) out += " [" + item.hint + "]";
    out += "\n";
  }
  return out;
}

std::string check(const Runbook& runbook) {
  Diagnostics diagnostics("rb.yaml");
  check_runbook(runbook, diagnostics);
  return list(diagnostics.runbook());
}

// The task's id is written at line `line`, column 9 (as in "  - id: a").
Task at(Task task, int line) {
  task.location = {line, 9};
  return task;
}

// A dependency on `id`, written at `location`.
Task needs(Task task, std::string id, Location location = {}) {
  task.depends_on.push_back({std::move(id), location});
  return task;
}

Task point_of_no_return(Task task) {
  task.point_of_no_return = true;
  return task;
}

Task gate(std::string id, std::vector<std::string> depends_on = {}) {
  Task task = approval_gate(std::move(id), {"boss"}, std::move(depends_on));
  task.estimate = minutes(1);
  return task;
}

// A task drawing no diagnostic of its own: an estimate, a command.
Task quiet(std::string id, std::vector<std::string> depends_on = {}) {
  return make_task(std::move(id), minutes(1), std::move(depends_on));
}

const std::string ponr_hint =
    "add a rollback (a command or { manual: ... }) so that a no-go can undo it";
const std::string gate_hint = "make it depend on a go/no-go gate";
const std::string shown_hint =
    "it would be shown to a person; refer to where the secret is kept instead";

}  // namespace

// --- ids and dependencies ------------------------------------------------------------------

TEST_CASE("checks: a runbook without problems draws no diagnostic") {
  CHECK(check(make_runbook({quiet("a"), quiet("b", {"a"}), quiet("c", {"a", "b"})})) == "");
}

TEST_CASE("checks: a duplicate task id - at the repeat - naming the first one's line") {
  CHECK(check(make_runbook(
            {at(quiet("a"), 4), at(quiet("b"), 7), at(quiet("a"), 10), at(quiet("a"), 13)})) ==
        "error 10:9: duplicate task id 'a' [first defined at line 4]\n"
        "error 13:9: duplicate task id 'a' [first defined at line 4]\n");
}

TEST_CASE("checks: an unknown dependency (with a suggestion) and a task depending on itself") {
  const Task d =
      needs(needs(needs(quiet("d"), "load-dta", {10, 18}), "d", {10, 28}), "zzzzzz", {10, 31});
  CHECK(check(make_runbook({quiet("load-data"), d})) ==
        "error 10:18: task 'd' depends on 'load-dta', which is not a task "
        "[did you mean 'load-data'?]\n"
        "error 10:28: task 'd' depends on itself\n"
        "error 10:31: task 'd' depends on 'zzzzzz', which is not a task\n");
}

TEST_CASE("checks: suggestions for unknown dependencies stop after the first 50") {
  std::vector<Task> tasks = {quiet("load-data")};
  for (int i = 0; i < 52; ++i) {
    tasks.push_back(needs(quiet("t" + std::to_string(i)), "load-dta", {i + 10, 17}));
  }
  Diagnostics diagnostics;
  check_runbook(make_runbook(tasks), diagnostics);
  const auto& items = diagnostics.runbook().items();
  REQUIRE(items.size() == 52);
  CHECK(items[0].hint == "did you mean 'load-data'?");
  CHECK(items[49].hint == "did you mean 'load-data'?");
  CHECK(items[50].hint == "");
  CHECK(items[51].hint == "");
  CHECK(items[51].message == "task 't51' depends on 'load-dta', which is not a task");
  CHECK(items[51].location == Location{61, 17});
}

TEST_CASE(
    "checks: tasks in included files - each problem in its own file - places in others named") {
  Task b = needs(at(make_task("b"), 3), "c", {4, 17});
  b.file = 1;
  Task c = needs(at(make_task("c"), 8), "b", {9, 17});
  c.file = 2;
  Task again = at(make_task("a"), 12);
  again.file = 2;
  Runbook runbook = make_runbook({at(make_task("a"), 4), b, c, again});
  runbook.included = {"ws/b.yaml", "ws/c.yaml"};
  Diagnostics diagnostics("rb.yaml");
  diagnostics.add_file("ws/b.yaml");
  diagnostics.add_file("ws/c.yaml");
  check_runbook(runbook, diagnostics);
  CHECK(list(diagnostics.runbook()) == "");
  CHECK(list(diagnostics.of(1)) == "");
  CHECK(list(diagnostics.of(2)) ==
        "error 12:9: duplicate task id 'a' [first defined at rb.yaml:4]\n");

  diagnostics = Diagnostics("rb.yaml");
  diagnostics.add_file("ws/b.yaml");
  diagnostics.add_file("ws/c.yaml");
  runbook.tasks.pop_back();
  check_runbook(runbook, diagnostics);
  CHECK(list(diagnostics.of(1)) ==
        "error 3:9: dependency cycle: b -> c -> b [b at line 3, c at ws/c.yaml:8]\n");
  CHECK(list(diagnostics.of(2)) == "");
}

TEST_CASE("checks: a dependency cycle - as its path - at its first task") {
  const Runbook runbook = make_runbook({at(quiet("a", {"b"}), 4), at(quiet("b", {"c"}), 8),
                                        at(quiet("c", {"a"}), 12), at(quiet("d"), 16)});
  CHECK(check(runbook) ==
        "error 4:9: dependency cycle: a -> b -> c -> a [a at line 4, b at line 8, c at line "
        "12]\n");
}

TEST_CASE("checks: a cycle entered from outside - and two separate cycles") {
  CHECK(check(make_runbook(
            {at(quiet("z"), 4), at(quiet("b", {"z", "a"}), 7), at(quiet("a", {"b"}), 11)})) ==
        "error 7:9: dependency cycle: b -> a -> b [b at line 7, a at line 11]\n");
  CHECK(check(make_runbook({at(quiet("a", {"b"}), 4), at(quiet("b", {"a"}), 7),
                            at(quiet("c", {"d"}), 10), at(quiet("d", {"c"}), 13)})) ==
        "error 4:9: dependency cycle: a -> b -> a [a at line 4, b at line 7]\n"
        "error 10:9: dependency cycle: c -> d -> c [c at line 10, d at line 13]\n");
}

TEST_CASE("checks: a cycle among known tasks is reported beside an unknown dependency") {
  const Runbook runbook =
      make_runbook({at(quiet("a", {"b"}), 4), at(needs(quiet("b", {"a"}), "nope", {8, 20}), 7)});
  CHECK(check(runbook) ==
        "error 8:20: task 'b' depends on 'nope', which is not a task\n"
        "error 4:9: dependency cycle: a -> b -> a [a at line 4, b at line 7]\n");
}

TEST_CASE("checks: a task depending on itself is not also a cycle") {
  CHECK(check(make_runbook({at(needs(quiet("a"), "a", {5, 17}), 4)})) ==
        "error 5:17: task 'a' depends on itself\n");
}

TEST_CASE("checks: with duplicate ids no cycle is looked for - the graph would not mean the file") {
  CHECK(check(make_runbook(
            {at(quiet("a", {"b"}), 4), at(quiet("b", {"a"}), 7), at(quiet("a"), 10)})) ==
        "error 10:9: duplicate task id 'a' [first defined at line 4]\n");
}

// --- phases ----------------------------------------------------------------------------------

TEST_CASE("checks: a task's phase must be listed - with a suggestion - at the phase") {
  Runbook runbook = make_runbook({quiet("a"), quiet("b"), quiet("c"), quiet("d")});
  runbook.phases = {"prepare", "cutover"};
  runbook.tasks[0].phase = "cutovr";
  runbook.tasks[0].phase_location = {8, 12};
  runbook.tasks[1].phase = "zzzzzzz";
  runbook.tasks[1].phase_location = {12, 12};
  runbook.tasks[2].phase = "prepare";
  CHECK(check(runbook) ==
        "error 8:12: task 'a' has phase 'cutovr', which is not in 'phases' [did you mean "
        "'cutover'?]\n"
        "error 12:12: task 'b' has phase 'zzzzzzz', which is not in 'phases' "
        "[phases: prepare, cutover]\n");
}

TEST_CASE("checks: without phases - any phase is accepted") {
  Runbook runbook = make_runbook({quiet("a")});
  runbook.tasks[0].phase = "anything";
  CHECK(check(runbook) == "");
}

// --- warnings ------------------------------------------------------------------------------

TEST_CASE("checks: warnings are left out while there are errors") {
  const Runbook runbook = make_runbook({at(make_task("a"), 4), at(manual_task("m"), 7)});
  SUBCASE("an error found before the checks") {
    Diagnostics diagnostics;
    diagnostics.runbook().error({5, 15}, "'estimate' must be a duration");
    check_runbook(runbook, diagnostics);
    CHECK(list(diagnostics.runbook()) == "error 5:15: 'estimate' must be a duration\n");
  }
  SUBCASE("an unknown dependency") {
    Runbook broken = runbook;
    broken.tasks[0] = needs(broken.tasks[0], "nope", {6, 17});
    CHECK(check(broken) == "error 6:17: task 'a' depends on 'nope', which is not a task\n");
  }
  SUBCASE("without errors - the warnings") {
    CHECK(check(runbook) ==
          "warning 4:9: task 'a' has no estimate [the plan counts it as 0; add e.g. estimate: "
          "15m]\n"
          "warning 7:9: task 'm' has no estimate [the plan counts it as 0; add e.g. estimate: "
          "15m]\n"
          "warning 7:9: manual task 'm' has no owner [say who does it: owner: <team or "
          "person>]\n");
  }
}

TEST_CASE("checks: only a manual task needs an owner") {
  Task owned = manual_task("m", minutes(1));
  owned.owner = "ops";
  CHECK(check(make_runbook({owned, quiet("a"), gate("g")})) == "");
}

TEST_CASE("checks: tasks before a point of no return without a rollback - naming it") {
  // a -> m -> g (gate) -> b (rollback) -> p (point of no return) -> after. Found walking back
  // from p: m first (the loader sorts them into file order).
  Task m = manual_task("m", minutes(1), {"a"});
  m.owner = "o";
  const Runbook runbook =
      make_runbook({at(quiet("a"), 4), at(m, 7), gate("g", {"m"}), with_rollback(quiet("b", {"g"})),
                    at(point_of_no_return(quiet("p", {"b"})), 20), quiet("after", {"p"})});
  CHECK(check(runbook) ==
        "warning 7:9: task 'm' comes before the point of no return 'p' but has no rollback [" +
            ponr_hint + "]\n" +
            "warning 4:9: task 'a' comes before the point of no return 'p' but has no "
            "rollback [" +
            ponr_hint + "]\n");
}

TEST_CASE("checks: a task before two points of no return is named once - for the first") {
  const Runbook runbook =
      make_runbook({gate("g"), at(quiet("a", {"g"}), 7), point_of_no_return(quiet("p2", {"a"})),
                    point_of_no_return(quiet("p1", {"a"}))});
  CHECK(check(runbook) ==
        "warning 7:9: task 'a' comes before the point of no return 'p2' but has no rollback [" +
            ponr_hint + "]\n");
}

TEST_CASE("checks: a point of no return before another needs no rollback") {
  const Runbook runbook = make_runbook(
      {gate("g"), point_of_no_return(quiet("p1", {"g"})), point_of_no_return(quiet("p2", {"p1"}))});
  CHECK(check(runbook) == "");
}

TEST_CASE("checks: a point of no return not preceded by a gate") {
  SUBCASE("no gate at all") {
    CHECK(check(make_runbook(
              {with_rollback(quiet("a")), at(point_of_no_return(quiet("p", {"a"})), 8)})) ==
          "warning 8:9: point of no return 'p' is not preceded by a gate [" + gate_hint + "]\n");
  }
  SUBCASE("no dependencies at all") {
    CHECK(check(make_runbook({at(point_of_no_return(quiet("a")), 4)})) ==
          "warning 4:9: point of no return 'a' is not preceded by a gate [" + gate_hint + "]\n");
  }
  SUBCASE("a gate directly before it") {
    CHECK(check(make_runbook({gate("g"), point_of_no_return(quiet("p", {"g"}))})) == "");
  }
  SUBCASE("a gate before it through other tasks") {
    CHECK(check(make_runbook({gate("g"), with_rollback(quiet("x", {"g"})),
                              with_rollback(quiet("y", {"x"})),
                              point_of_no_return(quiet("p", {"y"}))})) == "");
  }
  SUBCASE("a gate on another branch only") {
    CHECK(check(make_runbook({gate("g"), with_rollback(quiet("x")),
                              at(point_of_no_return(quiet("p", {"x"})), 11),
                              quiet("q", {"g", "p"})})) ==
          "warning 11:9: point of no return 'p' is not preceded by a gate [" + gate_hint + "]\n");
  }
}

TEST_CASE("checks: the estimated critical path longer than the window - at the window") {
  Runbook runbook = make_runbook({make_task("a", minutes(20)), make_task("b", minutes(20), {"a"}),
                                  make_task("c", minutes(30))});
  runbook.window = make_window({utc_at(0), 60}, minutes(30));
  runbook.window->location = {4, 3};
  CHECK(check(runbook) ==
        "warning 4:3: the estimated critical path (40m) is longer than the window (30m) "
        "[it overruns by 10m; see `cutover plan`]\n");
  runbook.window->duration = minutes(40);  // exactly as long: it fits
  CHECK(check(runbook) == "");
}

TEST_CASE("checks: a gate planned after its no-go deadline - at the gate") {
  // a (20m, undone in 25m) -> g (1m) -> b (5m): a no-go at +20m needs 25m to roll back.
  Task a = quiet("a");
  a.estimate = minutes(20);
  a.rollback = CommandRollback{"./undo", {}, minutes(25)};
  Runbook runbook = make_runbook({a, at(gate("g", {"a"}), 7), quiet("b", {"g"})});
  runbook.window = make_window({utc_at(0), 60}, minutes(40));
  CHECK(check(runbook) ==
        "warning 7:9: a no-go at gate 'g' could not be rolled back inside the window [it is "
        "planned at +00:20, 5m after its no-go deadline +00:15 (rolling back what comes before "
        "it takes 25m); see `cutover plan`]\n");
  runbook.window->duration = minutes(45);  // the deadline is the gate's start: in time
  CHECK(check(runbook) == "");
  runbook.window.reset();  // no window, no deadline
  CHECK(check(runbook) == "");
}

TEST_CASE("checks: a secret in a text shown to people - not in a command") {
  Task manual = at(manual_task("m", minutes(1)), 5);
  manual.owner = "o";
  manual.kind = Manual{"type {{ PW }}"};
  manual.rollback = ManualRollback{"again {{PW}}"};
  Task titled = at(quiet("t"), 9);
  titled.title = "T {{ PW }} and {{ HOST }}";
  Task gated = at(gate("g"), 12);
  std::get<Gate>(gated.kind)
      .checks.push_back({"n {{ PW }}", "r {{ PW }}", {}, 0, Duration{0}, {}, {}});
  Task command = quiet("r");
  command.kind = Command{"x {{ PW }}"};
  command.rollback = CommandRollback{"undo {{ PW }}", {}};
  command.env = {{"PASSWORD", "{{ PW }}"}};
  Runbook runbook = make_runbook({manual, titled, gated, command});
  runbook.secrets = {"PW"};
  runbook.vars = {{"HOST", "db1"}};
  runbook.title = "Cutover {{ PW }}";
  runbook.title_location = {3, 8};
  CHECK(check(runbook) ==
        "warning 3:8: the runbook's title uses the secret 'PW' [it would be shown to everyone "
        "who sees the plan]\n"
        "warning 5:9: the manual text of task 'm' uses the secret 'PW' [" +
            shown_hint + "]\n" +
            "warning 5:9: the manual rollback of task 'm' uses the secret 'PW' [" + shown_hint +
            "]\n" + "warning 9:9: the title of task 't' uses the secret 'PW' [" + shown_hint +
            "]\n" + "warning 12:9: the check name of task 'g' uses the secret 'PW' [" + shown_hint +
            "]\n");
}

TEST_CASE("checks: without secrets texts are not searched for them") {
  Task titled = quiet("t");
  titled.title = "T {{ PW }}";
  Runbook runbook = make_runbook({titled});
  runbook.title = "{{ PW }}";
  CHECK(check(runbook) == "");
  runbook.secrets = {"OTHER"};
  CHECK(check(runbook) == "");
}
