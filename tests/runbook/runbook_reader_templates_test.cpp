// Template references {{ NAME }} (runbook_reader.cpp): each checked against the vars, the
// secrets and the --vars, and located where it is written.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;

// --- template references -------------------------------------------------------------------

TEST_CASE("an unknown template name - located at its reference in a plain scalar") {
  CHECK(list(load(R"(version: 1
id: rb
vars:
  LEGACY_DB: db
tasks:
  - id: a
    run: ./x --host {{ LEGACY_BD }} --y {{ ZZZZZZZ }}
    estimate: 1m
)")) == "error 7:21: 'LEGACY_BD' is not a var, a secret or a --var [did you mean 'LEGACY_DB'?]\n"
        "error 7:41: 'ZZZZZZZ' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var ZZZZZZZ=VALUE]\n");
}

TEST_CASE("an unknown template name in a quoted scalar") {
  CHECK(list(load(R"(version: 1
id: rb
vars:
  LEGACY_DB: db
tasks:
  - id: a
    run: "./x --host {{ LEGACY_BD }}"
    estimate: 1m
)")) == "error 7:22: 'LEGACY_BD' is not a var, a secret or a --var "
        "[did you mean 'LEGACY_DB'?]\n");
}

TEST_CASE("an unknown template name in a block scalar - on its own line") {
  CHECK(list(load(R"(version: 1
id: rb
vars:
  LEGACY_DB: db
tasks:
  - id: a
    run: |
      echo start
      ./x --host {{ LEGACY_BD }}
    estimate: 1m
)")) == "error 9:18: 'LEGACY_BD' is not a var, a secret or a --var "
        "[did you mean 'LEGACY_DB'?]\n");
}

TEST_CASE("the same unknown name twice in one value: each occurrence located") {
  CHECK(
      list(load(header + "tasks:\n  - id: a\n    run: x {{ B }} y {{ B }}\n    estimate: 1m\n")) ==
      "error 5:12: 'B' is not a var, a secret or a --var "
      "[define it under 'vars:' or pass --var B=VALUE]\n"
      "error 5:22: 'B' is not a var, a secret or a --var "
      "[define it under 'vars:' or pass --var B=VALUE]\n");
}

TEST_CASE("Go templates and other non-references pass through") {
  const auto result = load(header +
                           "tasks:\n  - id: a\n    run: docker ps --format '{{.Names}}' {{ 1X }} "
                           "{{X\n    estimate: 1m\n");
  CHECK(list(result) == "");
  CHECK(std::get<Command>(task(result, "a").kind).run ==
        "docker ps --format '{{.Names}}' {{ 1X }} {{X");
}

TEST_CASE("templates are checked in every text that may hold them") {
  CHECK(list(load(header + R"(vars:
  A: x
defaults:
  env: { D1: '{{ DE }}' }
  workdir: '{{ DW }}'
tasks:
  - id: a
    run: echo
    estimate: 1m
    env: { P: '{{ B }}' }
    title: 'T {{ C }}'
    workdir: '{{ D }}'
    rollback: 'u {{ E }}'
  - id: m
    manual: 'do {{ F }}'
    owner: o
    estimate: 1m
    rollback: { manual: 'undo {{ G }}' }
  - id: g
    estimate: 1m
    gate:
      checks:
        - name: 'check {{ H }}'
          run: 'r {{ I }}'
  - id: r
    run: echo
    estimate: 1m
    rollback: { run: 'u {{ J }}' }
)")) == "error 6:15: 'DE' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "DE=VALUE]\n"
        "error 7:13: 'DW' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "DW=VALUE]\n"
        "error 12:16: 'B' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "B=VALUE]\n"
        "error 13:15: 'C' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "C=VALUE]\n"
        "error 14:15: 'D' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "D=VALUE]\n"
        "error 15:18: 'E' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "E=VALUE]\n"
        "error 17:17: 'F' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "F=VALUE]\n"
        "error 20:31: 'G' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "G=VALUE]\n"
        "error 25:24: 'H' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "H=VALUE]\n"
        "error 26:19: 'I' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "I=VALUE]\n"
        "error 30:25: 'J' is not a var, a secret or a --var [define it under 'vars:' or pass --var "
        "J=VALUE]\n");
}

TEST_CASE("secrets may be referenced in commands and env") {
  CHECK(list(load(header + R"(secrets: [PW]
tasks:
  - id: a
    run: psql --password {{ PW }}
    env: { PGPASSWORD: '{{PW}}' }
    estimate: 1m
)")) == "");
}

// A reference split across lines by folding is searched for only within its own value, not
// found at another task's reference further down.
TEST_CASE("a folded reference is located in its own value") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo {{
      B }}
    estimate: 1m
  - id: b
    run: echo {{ B }}
    estimate: 1m
)");
  REQUIRE(result.diagnostics.runbook().items().size() == 2);
  CHECK(result.diagnostics.runbook().items()[0].location.line == 5);
  CHECK(result.diagnostics.runbook().items()[1].location == Location{9, 15});
}

// Content reached through an alias is reported once: an unknown reference in an anchored
// command is not repeated for each alias.
TEST_CASE("a problem in aliased content is reported once") {
  CHECK(list(load(header + R"(tasks:
  - id: a
    run: &cmd echo {{ B }}
    estimate: 1m
  - id: b
    run: *cmd
    estimate: 1m
)")) == "error 5:20: 'B' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var B=VALUE]\n");
}

TEST_CASE("the runbook's title may use vars - an unknown name in it is an error") {
  CHECK(list(load(header + "title: 'Run {{ X }}'\ntasks:\n" + task_a)) ==
        "error 3:13: 'X' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var X=VALUE]\n");
  LoadOptions options;
  options.vars = {{"X", "1"}};
  CHECK(list(load(header + "title: 'Run {{ X }}'\ntasks:\n" + task_a, options)) == "");
}
