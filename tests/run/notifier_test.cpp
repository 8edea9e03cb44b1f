// The Notifier (notifier.cpp) on its own, with a virtual runner: hooks prepared from the
// runbook, notices queued per hook, what is journaled, the log and its faults.
#include "cutover/run/notifier.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cutover/run/virtual_runner.hpp"
#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

NotifyHook hook_for(std::vector<NotifyEvent> on, std::string run) {
  NotifyHook hook;
  hook.on = std::move(on);
  hook.run = std::move(run);
  hook.shell = {"/bin/bash", "-c"};
  return hook;
}

Notice notice(NotifyEvent event, std::string task = {}) {
  Notice made;
  made.event = event;
  made.task = std::move(task);
  made.message = "m";
  return made;
}

// A notifier over a virtual runner, keeping what it journals and shows.
struct Fixture {
  Runbook runbook = make_runbook({make_task("a")});
  VirtualRunner runner;
  std::vector<EventBody> journaled;
  std::vector<std::string> shown;

  explicit Fixture(VirtualRunner::Script script = {}) : runner(std::move(script)) {}

  Notifier make(NotifierSetup setup = {}) {
    setup.hooks = prepare_hooks(runbook, "/srv/runbooks", {{"PATH", "/bin"}},
                                [](std::string_view text) { return std::string(text); });
    return Notifier(
        std::move(setup), runner, [this](EventBody event) { journaled.push_back(event); },
        [this](std::string_view line) { shown.emplace_back(line); });
  }
  std::vector<std::string> types() const {
    std::vector<std::string> names;
    for (const EventBody& body : journaled) names.emplace_back(event_type(body));
    return names;
  }
};

}  // namespace

TEST_CASE("notifier: hooks are prepared from the runbook - named by their place") {
  Runbook runbook = make_runbook({make_task("a")});
  runbook.notify = {hook_for({NotifyEvent::run_started}, "post {{ HOST }}"),
                    hook_for({NotifyEvent::run_finished}, "mail")};
  runbook.notify[1].timeout = std::chrono::seconds{5};
  const auto hooks =
      prepare_hooks(runbook, "/srv/runbooks", {{"PATH", "/bin"}}, [](std::string_view text) {
        std::string expanded(text);
        const auto at = expanded.find("{{ HOST }}");
        if (at != std::string::npos) expanded.replace(at, 10, "db-1");
        return expanded;
      });
  REQUIRE(hooks.size() == 2);
  CHECK(hooks[0].number == 1);
  CHECK(hooks[0].spec.name == "notify hook #1");
  CHECK(hooks[0].spec.argv == std::vector<std::string>{"/bin/bash", "-c", "post db-1"});
  CHECK(hooks[0].spec.workdir == "/srv/runbooks");
  CHECK(hooks[0].spec.env == std::vector<std::pair<std::string, std::string>>{{"PATH", "/bin"}});
  CHECK(hooks[1].spec.timeout == std::chrono::seconds{5});
}

TEST_CASE("notifier: the secrets the hooks name") {
  Runbook runbook = make_runbook({make_task("a")});
  runbook.secrets = {"WEBHOOK", "DB_PASSWORD", "SMTP"};
  runbook.vars = {{"HOST", "db-1"}};
  runbook.notify = {hook_for({NotifyEvent::run_started}, "post {{ WEBHOOK }} {{ HOST }}"),
                    hook_for({NotifyEvent::run_finished}, "mail {{ SMTP }} {{ WEBHOOK }}")};
  CHECK(secrets_of_hooks(runbook) == std::vector<std::string>{"SMTP", "WEBHOOK"});
  runbook.notify.clear();
  CHECK(secrets_of_hooks(runbook).empty());
}

TEST_CASE("notifier: each hook hears only its events - one at a time - and drops on request") {
  Fixture fixture([](const ProcessSpec&) {
    VirtualOutcome outcome;
    outcome.duration = std::chrono::seconds{10};
    return outcome;
  });
  fixture.runbook.notify = {hook_for({NotifyEvent::task_failed, NotifyEvent::run_finished}, "x"),
                            hook_for({NotifyEvent::run_finished}, "y")};
  Notifier notifier = fixture.make();
  CHECK(notifier.hears(NotifyEvent::task_failed));
  CHECK_FALSE(notifier.hears(NotifyEvent::waiting));
  CHECK(notifier.longest_timeout() == std::chrono::seconds{30});
  notifier.send({notice(NotifyEvent::task_failed, "a"), notice(NotifyEvent::waiting, "a"),
                 notice(NotifyEvent::run_finished)});
  // One process per hook at a time: hook #1's second notice waits for its first.
  REQUIRE(fixture.runner.started().size() == 2);
  CHECK(fixture.runner.started()[0].name == "notify hook #1");
  CHECK(fixture.runner.started()[1].name == "notify hook #2");
  CHECK(notifier.busy());
  notifier.drop_queued("not sent: gone");
  REQUIRE(fixture.journaled.size() == 1);
  const auto& dropped = std::get<event::NotifyFailed>(fixture.journaled[0]);
  CHECK(dropped.hook == 1);
  CHECK(dropped.notice == "run_finished");
  CHECK(dropped.reason == "not sent: gone");
  deliver_all(notifier, fixture.runner);
  CHECK_FALSE(notifier.busy());
  CHECK(fixture.types() == std::vector<std::string>{"notify_failed", "notify_sent", "notify_sent"});
  CHECK(std::get<event::NotifySent>(fixture.journaled[1]).duration_ms == 10'000);
  CHECK(fixture.runner.started().size() == 2);
}

TEST_CASE("notifier: output goes to the log - redacted - cut at its cap") {
  TempDir dir;
  Fixture fixture([](const ProcessSpec&) {
    VirtualOutcome outcome;
    outcome.out = "posted with hunter2\n" + std::string(70 * 1024, 'x') + "\nlast\n";
    outcome.err = "warn";
    return outcome;
  });
  fixture.runbook.notify = {hook_for({NotifyEvent::run_started}, "x")};
  NotifierSetup setup;
  setup.log = dir.path() / "notify.log";
  setup.secrets = {"hunter2"};
  Notifier notifier = fixture.make(std::move(setup));
  notifier.send({notice(NotifyEvent::run_started)});
  deliver_all(notifier, fixture.runner);
  const std::string log = read_text(dir.path() / "notify.log");
  CHECK(log.find(" #1 --- run_started\n") != std::string::npos);
  CHECK(log.find(" #1 out posted with ***\n") != std::string::npos);
  CHECK(log.find("hunter2") == std::string::npos);
  CHECK(log.find(" #1 --- output beyond 64 KiB is not kept\n") != std::string::npos);
  CHECK(log.find(" #1 out last") == std::string::npos);
  CHECK(log.find(" #1 --- exit code 0\n") != std::string::npos);
  CHECK(log.size() < 80 * 1024);
}

TEST_CASE("notifier: a log that cannot be written is given up - the hooks go on") {
  TempDir dir;
  FaultyFileSystem file_system;
  file_system.fail({0, Fault::no_space, Operation::append, true});
  Fixture fixture([](const ProcessSpec&) {
    VirtualOutcome outcome;
    outcome.out = "ok\n";
    return outcome;
  });
  fixture.runbook.notify = {hook_for({NotifyEvent::run_started, NotifyEvent::run_finished}, "x")};
  NotifierSetup setup;
  setup.log = dir.path() / "notify.log";
  setup.file_system = &file_system;
  Notifier notifier = fixture.make(std::move(setup));
  notifier.send({notice(NotifyEvent::run_started), notice(NotifyEvent::run_finished)});
  deliver_all(notifier, fixture.runner);
  CHECK(fixture.types() == std::vector<std::string>{"notify_sent", "notify_sent"});
  REQUIRE(fixture.shown.size() == 1);
  CHECK(fixture.shown[0].find("No space left on device; the notify hooks' output is no longer "
                              "kept") != std::string::npos);
}
