// Task settings and their defaults (runbook_reader.cpp): owner, timeout, retries,
// retry_delay, env, workdir, on_failure, idempotent and shell, and the durations they take.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;
using namespace std::chrono_literals;

// --- defaults ------------------------------------------------------------------------------

TEST_CASE("unknown key in defaults") {
  CHECK(list(load(header + "defaults:\n  timeuot: 1h\n  qqqq: 1\ntasks:\n" + task_a)) ==
        "error 4:3: unknown key 'timeuot' in defaults [did you mean 'timeout'?]\n"
        "error 5:3: unknown key 'qqqq' in defaults [known keys: owner, timeout, retries, "
        "retry_delay, env, workdir, on_failure, idempotent, shell]\n");
}

TEST_CASE("defaults apply to every task - a task's own keys win - env is merged") {
  const auto result = load(header + R"(defaults:
  owner: ops
  timeout: 1h
  retries: 2
  retry_delay: 30s
  env: {A: '1', B: '2'}
  workdir: /srv
  on_failure: stop
  idempotent: true
  shell: [/bin/bash, -c]
tasks:
  - id: a
    run: echo
    estimate: 1m
    env: {B: '3', C: '4'}
  - id: b
    run: echo
    estimate: 1m
    owner: me
    timeout: 5m
    retries: 0
    retry_delay: 1s
    workdir: sub
    on_failure: continue
    idempotent: false
    shell: [/bin/zsh, -c]
)");
  CHECK(list(result) == "");
  const Task& a = task(result, "a");
  CHECK(a.owner == "ops");
  CHECK(a.timeout == 1h);
  CHECK(a.retries == 2);
  CHECK(a.retry_delay == 30s);
  CHECK(a.env == EnvVars{{"A", "1"}, {"B", "3"}, {"C", "4"}});
  CHECK(a.workdir == "/srv");
  CHECK(a.on_failure == OnFailure::stop);
  CHECK(a.idempotent);
  CHECK(a.shell == std::vector<std::string>{"/bin/bash", "-c"});
  const Task& b = task(result, "b");
  CHECK(b.owner == "me");
  CHECK(b.timeout == 5min);
  CHECK(b.retries == 0);
  CHECK(b.retry_delay == 1s);
  CHECK(b.env == EnvVars{{"A", "1"}, {"B", "2"}});
  CHECK(b.workdir == "sub");
  CHECK(b.on_failure == OnFailure::continue_);
  CHECK_FALSE(b.idempotent);
  CHECK(b.shell == std::vector<std::string>{"/bin/zsh", "-c"});
}

TEST_CASE("without defaults: the built-in ones") {
  const auto result = load(header + "tasks:\n" + task_a);
  CHECK(list(result) == "");
  const Task& a = task(result, "a");
  CHECK(a.shell == std::vector<std::string>{"/bin/sh", "-c"});
  CHECK(a.owner.empty());
  CHECK_FALSE(a.timeout.has_value());
  CHECK(a.retries == 0);
  CHECK(a.retry_delay == 0s);
  CHECK(a.env.empty());
  CHECK(a.workdir.empty());
  CHECK(a.on_failure == OnFailure::rollback);
  CHECK_FALSE(a.idempotent);
  CHECK_FALSE(a.point_of_no_return);
  CHECK_FALSE(a.rollback.has_value());
  CHECK(a.title.empty());
  CHECK(a.display_name() == "a");
}

TEST_CASE("defaults may come after the tasks in the file") {
  const auto result = load(header + "tasks:\n" + task_a + "defaults:\n  owner: ops\n");
  CHECK(list(result) == "");
  CHECK(task(result, "a").owner == "ops");
}

TEST_CASE("defaults.owner gives a manual task its owner - no warning for want of one") {
  const auto with_default = load(
      header + "defaults:\n  owner: ops\ntasks:\n  - id: m\n    manual: do\n    estimate: 1m\n");
  CHECK(list(with_default) == "");
  CHECK(task(with_default, "m").owner == "ops");
}

// --- durations -----------------------------------------------------------------------------

TEST_CASE("durations: d - h - m - s in that order - timeouts longer than 0s") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1h30m
    retry_delay: 90
    timeout: 30m1h
  - id: b
    run: echo
    estimate: 2d
    retry_delay: 1.5h
    timeout: ''
  - id: c
    run: echo
    estimate: 1d12h
    retry_delay: 1h1h
    timeout: -5m
  - id: d
    run: echo
    estimate: 45s
    retry_delay: 0s
    timeout: 0s
)");
  const std::string hint = " [" + duration_hint + "]\n";
  CHECK(list(result) == "error 7:18: 'retry_delay' must be a duration, found '90'" + hint +
                            "error 8:14: 'timeout' must be a duration, found '30m1h'" + hint +
                            "error 12:18: 'retry_delay' must be a duration, found '1.5h'" + hint +
                            "error 13:14: 'timeout' must be a duration, found the quoted text ''" +
                            hint + "error 17:18: 'retry_delay' must be a duration, found '1h1h'" +
                            hint + "error 18:14: 'timeout' must be a duration, found '-5m'" + hint +
                            "error 23:14: 'timeout' must be longer than 0s\n");
  CHECK(task(result, "a").estimate == 90min);
  CHECK(task(result, "b").estimate == 48h);
  CHECK(task(result, "c").estimate == 36h);
  CHECK(task(result, "d").estimate == 45s);
  CHECK(task(result, "d").retry_delay == 0s);
  CHECK_FALSE(task(result, "d").timeout.has_value());
}

TEST_CASE("syntax in words: a duration too large says the limit - not the format") {
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n    estimate: 400d\n")) ==
        "error 6:15: 'estimate' is too long: a duration is at most 365 days "
        "[check the units: d, h, m, s]\n");
  CHECK(
      list(load(header + "tasks:\n  - id: a\n    run: x\n    estimate: 99999999999999999999s\n")) ==
      "error 6:15: 'estimate' is too long: a duration is at most 365 days "
      "[check the units: d, h, m, s]\n");
  CHECK(list(load(header + "tasks:\n  - id: a\n    run: x\n    estimate: 365d\n")) == "");
  // A window may be longer than a step, up to ten years.
  const std::string window = "window:\n  start: 2026-11-28T18:00:00+01:00\n  duration: ";
  CHECK(list(load(header + window + "3654d\ntasks:\n" + task_a)) ==
        "error 5:13: 'duration' is too long: a duration is at most 3653 days "
        "[check the units: d, h, m, s]\n");
  CHECK(list(load(header + window + "3653d\ntasks:\n" + task_a)) == "");
}

TEST_CASE("a timeout of 0s is refused in defaults - gate checks and rollbacks too") {
  CHECK(list(load(header + R"(defaults:
  timeout: 0s
tasks:
  - id: a
    run: echo
    estimate: 1m
    rollback: { run: undo, timeout: 0s }
  - id: g
    estimate: 1m
    gate:
      checks:
        - { name: n, run: r, timeout: 0s }
)")) == "error 4:12: 'timeout' must be longer than 0s\n"
        "error 9:37: 'timeout' must be longer than 0s\n"
        "error 14:39: 'timeout' must be longer than 0s\n");
}

// --- retries, booleans, policies, shells and env -------------------------------------------

TEST_CASE("retries: a whole number from 0 to 1000 - written plainly") {
  const auto result = load(header + R"(defaults:
  retries: -1
tasks:
  - id: a
    run: echo
    estimate: 1m
    retries: 1001
  - id: b
    run: echo
    estimate: 1m
    retries: 1000
  - id: c
    run: echo
    estimate: 1m
    retries: '3'
  - id: d
    run: echo
    estimate: 1m
    retries: 2.5
  - id: e
    run: echo
    estimate: 1m
    retries: 0x10
  - id: f
    run: echo
    estimate: 1m
    retries: +3
  - id: g
    run: echo
    estimate: 1m
    retries: 0
  - id: h
    estimate: 1m
    gate:
      checks:
        - { name: n, run: r, retries: 1001 }
)");
  const std::string expected = " must be a whole number from 0 to 1000, found ";
  CHECK(list(result) == "error 4:12: 'retries'" + expected + "'-1'\n" + "error 9:14: 'retries'" +
                            expected + "'1001'\n" + "error 17:14: 'retries'" + expected +
                            "the quoted text '3' [write it without quotes]\n" +
                            "error 21:14: 'retries'" + expected + "'2.5'\n" +
                            "error 25:14: 'retries'" + expected + "'0x10'\n" +
                            "error 29:14: 'retries'" + expected + "'+3'\n" +
                            "error 38:39: 'retries'" + expected + "'1001'\n");
  CHECK(task(result, "b").retries == 1000);
  CHECK(task(result, "g").retries == 0);
  CHECK(task(result, "a").retries == 0);
}

TEST_CASE("booleans: true/True/TRUE and false/False/FALSE - yes - quoted and lists refused") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    idempotent: yes
    point_of_no_return: 'true'
  - id: b
    run: echo
    estimate: 1m
    idempotent: True
    point_of_no_return: false
  - id: c
    run: echo
    estimate: 1m
    idempotent: TRUE
    point_of_no_return: FALSE
  - id: d
    run: echo
    estimate: 1m
    idempotent: [true]
    point_of_no_return:
  - id: e
    run: echo
    estimate: 1m
    idempotent: on
    point_of_no_return: False
)");
  const std::string hint = " [YAML 1.2 booleans are written true or false]\n";
  CHECK(list(result) ==
        "error 7:17: 'idempotent' must be true or false, found 'yes'" + hint +
            "error 8:25: 'point_of_no_return' must be true or false, found the quoted "
            "text 'true' [write it without quotes]\n" +
            "error 22:17: 'idempotent' must be true or false, found a list\n"
            "error 23:5: 'point_of_no_return' must be true or false, found "
            "nothing\n"
            "error 27:17: 'idempotent' must be true or false, found 'on'" +
            hint);
  CHECK(task(result, "b").idempotent);
  CHECK_FALSE(task(result, "b").point_of_no_return);
  CHECK(task(result, "c").idempotent);
  CHECK_FALSE(task(result, "a").idempotent);
}

TEST_CASE("on_failure: rollback - stop or continue - with a suggestion") {
  const auto result = load(header + R"(defaults:
  on_failure: stopp
tasks:
  - id: a
    run: echo
    estimate: 1m
    on_failure: rolback
  - id: b
    run: echo
    estimate: 1m
    on_failure: explode
  - id: c
    run: echo
    estimate: 1m
    on_failure: [stop]
  - id: d
    run: echo
    estimate: 1m
    on_failure: continue
)");
  CHECK(list(result) ==
        "error 4:15: invalid on_failure 'stopp' [did you mean 'stop'?]\n"
        "error 9:17: invalid on_failure 'rolback' [did you mean 'rollback'?]\n"
        "error 13:17: invalid on_failure 'explode' [one of: rollback, stop, "
        "continue]\n"
        "error 17:17: 'on_failure' must be one of rollback, stop, continue, "
        "found a list\n");
  CHECK(task(result, "d").on_failure == OnFailure::continue_);
}

TEST_CASE("shell: a non-empty list of texts") {
  const auto result = load(header + R"(tasks:
  - id: a
    run: echo
    estimate: 1m
    shell: []
  - id: b
    run: echo
    estimate: 1m
    shell: /bin/bash
  - id: c
    run: echo
    estimate: 1m
    shell:
  - id: d
    run: echo
    estimate: 1m
    shell: [/bin/bash, [x]]
)");
  CHECK(list(result) ==
        "error 7:12: 'shell' is an empty list "
        "[e.g. [/bin/bash, -euo, pipefail, -c]; the command is appended]\n"
        "error 11:12: 'shell' must be a list like [/bin/bash, -euo, pipefail, -c], "
        "found '/bin/bash'\n"
        "error 15:5: 'shell' must be a list like [/bin/bash, -euo, pipefail, -c], found nothing\n"
        "error 19:24: each item of 'shell' must be a text, found a list\n");
  CHECK(task(result, "a").shell == std::vector<std::string>{"/bin/sh", "-c"});
}

TEST_CASE("env: names are identifiers - an empty value is the empty text") {
  const auto result = load(header + "tasks:\n" + task_a + "    env: {1X: a, 'A B': c, OK: ~}\n");
  CHECK(list(result) == "error 7:11: invalid environment variable name '1X' [" + name_hint + "]\n" +
                            "error 7:18: invalid environment variable name 'A B' [" + name_hint +
                            "]\n");
  CHECK(task(result, "a").env == EnvVars{{"OK", ""}});
}
