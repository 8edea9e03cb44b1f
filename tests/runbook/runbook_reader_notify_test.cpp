// The runbook reader's communication plan (runbook_reader_notify.cpp): `notify` hooks, the
// events each hears, their timeouts, and every mistake located.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cutover/runbook/model.hpp"
#include "support/loader_support.hpp"

using namespace cutover;
using namespace cutover::testing;

TEST_CASE("notify: hooks with their events - command - timeout and the default shell") {
  const LoadResult result = load(header + R"(defaults:
  shell: [/bin/bash, -c]
tasks:
)" + task_a + R"(notify:
  - on: [run_started, task_failed, deadline]
    run: ./post.sh
    timeout: 5s
  - on: waiting
    run: mail -s "{{ who }}" ops
vars:
  who: ann
)");
  REQUIRE(list(result) == "");
  REQUIRE(result.runbook.notify.size() == 2);
  const NotifyHook& chat = result.runbook.notify[0];
  CHECK(chat.on ==
        std::vector{NotifyEvent::run_started, NotifyEvent::task_failed, NotifyEvent::deadline});
  CHECK(chat.run == "./post.sh");
  CHECK(chat.timeout == std::chrono::seconds{5});
  CHECK(chat.shell == std::vector<std::string>{"/bin/bash", "-c"});
  CHECK(chat.location.line == 10);
  const NotifyHook& mail = result.runbook.notify[1];
  CHECK(mail.on == std::vector{NotifyEvent::waiting});
  CHECK(mail.run == "mail -s \"{{ who }}\" ops");  // expanded when it runs
  CHECK(mail.timeout == std::chrono::seconds{30});
  CHECK(mail.hears(NotifyEvent::waiting));
  CHECK(mail.hears(NotifyEvent::test));
  CHECK_FALSE(mail.hears(NotifyEvent::run_started));
}

TEST_CASE("notify: every event name is accepted") {
  std::string names;
  for (const NotifyEvent event : notify_events()) {
    names += (names.empty() ? "" : ", ") + std::string(to_string(event));
  }
  const LoadResult result =
      load(header + "tasks:\n" + task_a + "notify:\n  - on: [" + names + "]\n    run: x\n");
  REQUIRE(list(result) == "");
  CHECK(result.runbook.notify[0].on == notify_events());
  CHECK(result.runbook.notify[0].hears(NotifyEvent::test));
}

TEST_CASE("notify: unknown - repeated and missing events are located") {
  CHECK(list(load(header + "tasks:\n" + task_a + R"(notify:
  - on: [run_started, task_faild, run_started, nonsense]
    run: x
  - on: []
    run: x
  - run: x
  - on: test
    run: x
)")) == "error 8:23: unknown notify event 'task_faild' [did you mean 'task_failed'?]\n"
        "error 8:35: 'run_started' is listed twice in 'on'\n"
        "error 8:48: unknown notify event 'nonsense' [events are: run_started, run_finished, "
        "task_failed, waiting, gate_waiting, point_of_no_return, rollback_started, overrun, "
        "deadline]\n"
        "error 10:9: a hook with no events never runs [events are: run_started, run_finished, "
        "task_failed, waiting, gate_waiting, point_of_no_return, rollback_started, overrun, "
        "deadline]\n"
        "error 12:5: notify hook #3 has no 'on'\n"
        "error 13:9: unknown notify event 'test' [events are: run_started, run_finished, "
        "task_failed, waiting, gate_waiting, point_of_no_return, rollback_started, overrun, "
        "deadline]\n");
}

TEST_CASE("notify: wrong shapes - unknown keys - empty command - timeouts") {
  const std::string hooks = R"(notify:
  - on: [run_started]
    run: ""
    timout: 5s
  - on: [run_started]
    run: x
    timeout: 11m
  - on: [run_started]
    run: x
    timeout: 0s
  - just a text
)";
  CHECK(list(load(header + "tasks:\n" + task_a + hooks)) ==
        "error 9:10: 'run' is empty [give the command to run]\n"
        "error 10:5: unknown key 'timout' in notify hook #1 [did you mean 'timeout'?]\n"
        "error 13:14: notify hook #2's timeout is longer than 10m "
        "[a run waits for its hooks at its end, so a hook gets at most 10m]\n"
        "error 16:14: 'timeout' must be longer than 0s\n"
        "error 17:5: notify hook #4 must be a mapping, found 'just a text' "
        "[a hook is a mapping with `on` (events) and `run` (a command)]\n");
  CHECK(list(load(header + "tasks:\n" + task_a + "notify: ./post.sh\n")) ==
        "error 7:9: 'notify' must be a list of hooks, each with `on` and `run`, found "
        "'./post.sh'\n");
}

TEST_CASE("notify: the command of a hook may name only vars and secrets") {
  const std::string hook = R"(notify:
  - on: [run_started]
    run: post {{ webhook }}
)";
  CHECK(list(load(header + "tasks:\n" + task_a + hook)) ==
        "error 9:15: 'webhook' is not a var, a secret or a --var "
        "[define it under 'vars:' or pass --var webhook=VALUE]\n");
  CHECK(list(load(header + "secrets: [webhook]\ntasks:\n" + task_a + hook)) == "");
}
