// The loader's YAML (loader.cpp, with its limits): syntax errors in words, keys, documents,
// nesting, anchors, aliases and merge keys.
#include "cutover/runbook/loader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <utility>
#include <variant>

#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

namespace {

const std::string merge_hint = "e.g. <<: *defaults, where &defaults names a mapping";

}  // namespace

// --- YAML syntax ---------------------------------------------------------------------------

TEST_CASE("a ': ' inside a value is located at that colon") {
  const auto result = load(header + "tasks:\n  - id: a\n    run: echo: x\n");
  CHECK(list(result) ==
        "error 5:14: a ': ' inside a value [quote the value, or check the indentation]\n");
  CHECK(result.runbook.tasks.empty());
}

// Syntax errors in a runbook author's words: each names the cause and points where to fix it.

TEST_CASE("syntax in words: an unclosed bracket is located where it opened") {
  CHECK(list(load(header + "tasks: [a, b\n")) ==
        "error 3:8: this '[' is never closed [the parser reached line 4 without finding its ']': "
        "close it, or check for a missing ',']\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    depends_on: {x: 1\n")) ==
        "error 5:17: this '{' is never closed [the parser reached line 6 without finding its '}': "
        "close it, or check for a missing ',']\n");
}

TEST_CASE("syntax in words: a tab used for indentation") {
  CHECK(list(load(header + "tasks:\n\t- id: a\n")) ==
        "error 4:1: tabs cannot indent YAML; use spaces "
        "[set your editor to insert spaces for the Tab key in YAML files]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n  \trun: x\n")) ==
        "error 5:3: tabs cannot indent YAML; use spaces "
        "[set your editor to insert spaces for the Tab key in YAML files]\n");
}

TEST_CASE("syntax in words: a key indented more than the one above it") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n      estimate: 1m\n")) ==
        "error 6:7: 'estimate' is indented more than 'run' above it (line 5), which has a value "
        "already [keys of one mapping line up: move it to column 5]\n");
}

TEST_CASE("syntax in words: a key indented less than its siblings - between two blocks") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n   estimate: 1m\n")) ==
        "error 6:4: 'estimate' at column 4 lines up with no block above it [it falls between "
        "'run' (line 5) at column 5 and the '-' of line 4 at column 3: line it up with the block "
        "it belongs to]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n  estimate: 1m\n")) ==
        "error 6:3: 'estimate' lines up with the '-' of line 4, but is not a list item "
        "[indent it to column 5 to belong to the item of line 4, or start a new item with '- ']\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n - id: b\n")) ==
        "error 6:2: this '-' at column 2 lines up with no block above it [it falls between the "
        "'-' of line 4 at column 3 and 'tasks' (line 3) at column 1: line it up with the block it "
        "belongs to]\n");
}

TEST_CASE("syntax in words: a key without its ':'") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    title database\n    run: x\n")) ==
        "error 5:5: 'title database' has no ':' after its key [a key is followed by ': ', a colon "
        "and a space; without it this line runs into the next one]\n");
  // yaml-cpp would read a lone word as a key with no value; it is refused instead.
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n    idempotent\n")) ==
        "error 6:5: 'idempotent' has no ':' after it [a key is followed by ': ', a colon and a "
        "space]\n");
}

TEST_CASE("syntax in words: no space after a key's ':'") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run:echo\n    estimate: 1m\n")) ==
        "error 5:8: no space after this ':' [a key is followed by ': ', a colon and a space, as "
        "in 'run: echo']\n");
}

TEST_CASE("syntax in words: an unclosed quote is located where it opened") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: \"echo hi\n")) ==
        "error 5:10: this \" is never closed [a quoted value ends at its closing quote: add the "
        "missing one]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: 'echo hi\n    estimate: '1m'\n")) ==
        "error 5:10: this quoted value runs on to the next line [is its closing quote missing? "
        "The text up to line 6 was read as part of it]\n");
}

TEST_CASE("syntax in words: a line after the top-level block that does not continue it") {
  CHECK(list(load("- id: a\n" + header)) ==
        "error 2:1: this line does not continue the block above it [a runbook is one mapping: "
        "check this line's indentation, and whether the lines above it are list items ('- ') or "
        "keys]\n");
}

TEST_CASE("syntax in words: a flow collection closed but unreadable says so - not 'never closed'") {
  // Valid YAML that yaml-cpp 0.7 cannot read: a flow mapping's key on a line of its own.
  CHECK(list(load(header + "x-a: {\"k\"\n  : v}\n")) ==
        "error 3:6: the '{ ... }' that starts here cannot be read [the parser stopped at line 3, "
        "column 7: write it on one line with ',' between items, or as a block]\n");
}

TEST_CASE("a YAML directive for a version yaml-cpp does not read is refused") {
  CHECK(list(load("%YAML 2.0\n---\n" + header + "tasks:\n" + task_a)) ==
        "error 1:1: YAML syntax error: YAML major version too large\n");
  CHECK(list(load("%YAML 1.3\n---\n" + header + "tasks:\n" + task_a)) == "");
  CHECK(list(load("%YAML 1.1\n---\n" + header + "tasks:\n" + task_a)) == "");
}

// --- documents and nesting -----------------------------------------------------------------

TEST_CASE("a second document is refused at its start") {
  CHECK(list(load(header + "tasks:\n" + task_a + "---\nfoo: 1\n")) ==
        "error 7:1: a second YAML document in one file "
        "[a runbook is a single document: remove the '---' or split the file]\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "...\n---\n")) ==
        "error 8:1: a second YAML document in one file "
        "[a runbook is a single document: remove the '---' or split the file]\n");
}

TEST_CASE("one document with explicit start and end markers is fine") {
  CHECK(list(load("---\n" + header + "tasks:\n" + task_a + "...\n")) == "");
}

TEST_CASE("block nesting deeper than 64 levels is refused where it goes too deep") {
  std::string text = header + "x:\n";
  for (int i = 0; i < 70; ++i) {
    text += std::string(2 * static_cast<std::size_t>(i + 1), ' ') + "k" + std::to_string(i) + ":\n";
  }
  // The mapping that starts with k63 is the 65th level (the top one is the 1st).
  CHECK(list(load(text)) ==
        "error 67:129: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
}

TEST_CASE("flow nesting deeper than 64 levels is refused at the 65th bracket") {
  const std::string expected =
      "error 3:67: nesting deeper than 64 levels "
      "[a runbook needs a handful of levels; this input is not one]\n";
  CHECK(list(load(header + "x: " + std::string(70, '[') + std::string(70, ']') + "\n")) ==
        expected);
  CHECK(list(load(header + "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n")) ==
        expected);
  // Unclosed, yaml-cpp reads each '[' after the first as a flow mapping's key holding the
  // next: two levels a bracket, so the limit is crossed at the 33rd.
  CHECK(list(load(header + "x: " + std::string(5000, '[') + "\n")) ==
        "error 3:36: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
  CHECK(list(load(header + "x: " + std::string(5000, '{') + "\n")) ==
        "error 3:67: nesting deeper than 64 levels "
        "[a runbook needs a handful of levels; this input is not one]\n");
}

TEST_CASE("exactly 64 levels are accepted") {
  // The top mapping plus 63 lists.
  CHECK(list(load(header + "tasks:\n" + task_a + "x: " + std::string(63, '[') +
                  std::string(63, ']') + "\n")) ==
        "error 7:1: unknown key 'x' in the runbook [known keys: version, id, title, window, "
        "vars, secrets, defaults, phases, include, tasks, notify, go_live, identity]\n");
}

// --- duplicate keys, and keys that are not texts -------------------------------------------

TEST_CASE("duplicate keys are errors at every level - the first value kept") {
  SUBCASE("top level") {
    const auto result = load(header + "id: other\ntasks:\n" + task_a);
    CHECK(list(result) == "error 3:1: duplicate key 'id' in the runbook [first given at line 2]\n");
    CHECK(result.runbook.id == "rb");
  }
  SUBCASE("quoted and plain spellings of a key are the same key") {
    CHECK(list(load(header + "\"id\": other\ntasks:\n" + task_a)) ==
          "error 3:1: duplicate key 'id' in the runbook [first given at line 2]\n");
  }
  SUBCASE("window") {
    CHECK(list(load(header + R"(window:
  start: 2026-11-28T18:00:00+01:00
  duration: 48h
  start: 2026-11-29T18:00:00+01:00
tasks:
)" + task_a)) == "error 6:3: duplicate key 'start' in window [first given at line 4]\n");
  }
  SUBCASE("vars") {
    const auto result = load(header + "vars:\n  A: '1'\n  A: '2'\ntasks:\n" + task_a);
    CHECK(list(result) == "error 5:3: duplicate key 'A' in 'vars' [first given at line 4]\n");
    CHECK(result.runbook.vars == EnvVars{{"A", "1"}});
  }
  SUBCASE("defaults") {
    const auto result = load(header + "defaults:\n  owner: x\n  owner: y\ntasks:\n" + task_a);
    CHECK(list(result) == "error 5:3: duplicate key 'owner' in defaults [first given at line 4]\n");
    CHECK(task(result, "a").owner == "x");
  }
  SUBCASE("task") {
    const auto result = load(header + "tasks:\n" + task_a + "    run: other\n");
    CHECK(list(result) == "error 7:5: duplicate key 'run' in task 'a' [first given at line 5]\n");
    CHECK(std::get<Command>(task(result, "a").kind).run == "echo");
  }
  SUBCASE("task env") {
    CHECK(list(load(header + "tasks:\n" + task_a + "    env: {A: 1, A: 2}\n")) ==
          "error 7:17: duplicate key 'A' in 'env' [first given at line 7]\n");
  }
  SUBCASE("gate") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      approvals: [x]
      approvals: [y]
)")) == "error 8:7: duplicate key 'approvals' in the gate of task 'a' [first given at line 7]\n");
  }
  SUBCASE("gate check") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          name: m
)")) == "error 10:11: duplicate key 'name' in check 1 of the gate of task 'a' "
        "[first given at line 8]\n");
  }
  SUBCASE("expect") {
    CHECK(list(load(header + R"(tasks:
  - id: a
    estimate: 1m
    gate:
      checks:
        - name: n
          run: r
          expect: {stdout: a, stdout: b}
)")) == "error 10:31: duplicate key 'stdout' in the expectations of check 1 of the gate of "
        "task 'a' [first given at line 10]\n");
  }
  SUBCASE("rollback") {
    CHECK(
        list(load(header + "tasks:\n" + task_a + "    rollback:\n      run: x\n      run: y\n")) ==
        "error 9:7: duplicate key 'run' in the rollback of task 'a' [first given at line 8]\n");
  }
}

TEST_CASE("a mapping of more than 64 keys (the hashed path) still finds a duplicate key") {
  std::string text = header + "tasks:\n" + task_a + "vars:\n";
  for (int i = 0; i < 100; ++i) text += "  V" + std::to_string(i) + ": x\n";
  SUBCASE("unique keys") {
    const auto result = load(text);
    CHECK(list(result) == "");
    CHECK(result.runbook.vars.size() == 100);
  }
  SUBCASE("one duplicate") {
    // V50 is on line 7 + 1 + 50 = 58; the duplicate after the 100 keys on line 108.
    const auto result = load(text + "  V50: y\n");
    CHECK(list(result) == "error 108:3: duplicate key 'V50' in 'vars' [first given at line 58]\n");
    CHECK(result.runbook.vars.size() == 100);
    CHECK(result.runbook.vars[50] == std::pair<std::string, std::string>{"V50", "x"});
  }
}

TEST_CASE("a key that is not a text is refused") {
  CHECK(list(load(header + "? [a]\n: 1\n~: 2\ntasks:\n" + task_a)) ==
        "error 3:3: a key in the runbook must be a plain name, found a list\n"
        "error 5:1: a key in the runbook must be a plain name, found nothing\n");
}

// --- anchors, aliases and merge keys -------------------------------------------------------

TEST_CASE("anchors and aliases: a rollback given once - used twice") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: &undo ./undo.sh
  - id: b
    run: echo
    estimate: 1m
    rollback: *undo
)");
  CHECK(list(result) == "");
  CHECK(std::get<CommandRollback>(*task(result, "b").rollback).run == "./undo.sh");
}

TEST_CASE("merge keys: <<: *base in a task - explicit keys win") {
  const auto result = load(header + R"(tasks:
  - &base
    id: a
    run: echo
    estimate: 1m
    owner: ops
    retries: 2
  - <<: *base
    id: b
    retries: 3
)");
  CHECK(list(result) == "");
  const Task& b = task(result, "b");
  CHECK(b.owner == "ops");
  CHECK(b.retries == 3);
  CHECK(b.estimate == 1min);
  CHECK(std::get<Command>(b.kind).run == "echo");
  CHECK(b.location == Location{11, 9});
}

TEST_CASE("merge keys: a list of mappings - earlier ones win - explicit keys over all") {
  const auto result = load(header + R"(tasks:
  - id: a
    <<: [{owner: o1, retries: 1}, {owner: o2, retries: 2, estimate: 2m, title: t2}]
    run: x
    title: mine
)");
  CHECK(list(result) == "");
  const Task& a = task(result, "a");
  CHECK(a.owner == "o1");
  CHECK(a.retries == 1);
  CHECK(a.estimate == 2min);
  CHECK(a.title == "mine");
}

TEST_CASE("x- keys at the top level are extensions: a home for anchors - otherwise ignored") {
  const auto result = load(header + "x-common: &common {owner: ops}\nx-notes: [anything, 1]\n" +
                           "defaults:\n  <<: *common\ntasks:\n" + task_a);
  CHECK(list(result) == "");
  CHECK(task(result, "a").owner == "ops");
}

TEST_CASE("x- keys are extensions only at the top level") {
  CHECK(list(load(header + "tasks:\n" + task_a + "    x-note: hi\n")) ==
        "error 7:5: unknown key 'x-note' in task 'a' [" + known_task_keys + "]\n");
  CHECK(list(load(header + "x: 1\ntasks:\n" + task_a)) ==
        "error 3:1: unknown key 'x' in the runbook [known keys: version, id, title, window, "
        "vars, secrets, defaults, phases, include, tasks, notify, go_live, identity]\n");
}

TEST_CASE("a merge of something other than mappings is refused") {
  const std::string hint = " [" + merge_hint + "]\n";
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<: hello\n")) ==
        "error 7:9: a merge key '<<' in task 'a' needs a mapping or a list of mappings, "
        "found 'hello'" +
            hint);
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<: [{owner: x}, 3]\n")) ==
        "error 7:9: a merge key '<<' in task 'a' needs a mapping or a list of mappings" + hint);
  CHECK(list(load(header + "tasks:\n" + task_a + "    <<:\n")) ==
        "error 7:8: a merge key '<<' in task 'a' needs a mapping or a list of mappings, "
        "found nothing" +
            hint);
}

TEST_CASE("a quoted '<<' is an ordinary key") {
  CHECK(list(load(header + "tasks:\n" + task_a + "    '<<': {owner: x}\n")) ==
        "error 7:5: unknown key '<<' in task 'a' [" + known_task_keys + "]\n");
}

// A duplicate (or unknown) key inside a mapping that others merge is reported once, where it
// is written, not again for each mapping merging it.
TEST_CASE("a problem inside a merged mapping is reported once") {
  CHECK(list(load(header + R"(tasks:
  - &base
    id: a
    run: echo
    estimate: 1m
    owner: x
    owner: y
  - <<: *base
    id: b
)")) == "error 9:5: duplicate key 'owner' in task 'a' [first given at line 8]\n");
}

TEST_CASE("an alias to an undefined anchor") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: echo\n    rollback: *undo\n")) ==
        "error 6:15: the alias *undo names no anchor defined before it\n");
}

TEST_CASE("a recursive alias") {
  CHECK(list(load(header + "tasks: &t\n  - id: a\n    run: echo\n    x: *t\n")) ==
        "error 6:8: the alias *t is inside the node it names [a recursive alias would expand "
        "forever]\n");
}

TEST_CASE("an alias bomb (billion laughs) is refused promptly") {
  std::string text = header + "tasks:\n" + task_a + "a0: &a0 [lol]\n";
  for (int level = 1; level <= 9; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *a" : "*a") + std::to_string(level - 1);
    text += "]\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = load(text);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  // a6's fourth alias takes the expansion past 1,000,000 nodes.
  CHECK(list(result) ==
        "error 13:25: aliases expand this document by more than 1000000 nodes "
        "[this looks like an alias bomb; write the content out or use fewer aliases]\n");
}

// The alias limit counts bytes as well as nodes: one large anchored text aliased many times
// would be copied into every task that names it. 100 aliases of 1 MiB, more than the 64 MiB a
// whole runbook file may hold, are refused like an alias bomb.
TEST_CASE("aliases of a large text are bounded by the bytes they expand to") {
  std::string text = header + "x-big: &big " + std::string(1u << 20, 'x') + "\ntasks:\n";
  for (int i = 0; i < 100; ++i) {
    text += "  - {id: t" + std::to_string(i) + ", run: *big, estimate: 1m}\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto result = load(text);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  REQUIRE(result.diagnostics.runbook().items().size() == 1);
  CHECK(result.diagnostics.runbook().items()[0].message.find("aliases expand") !=
        std::string::npos);
}
