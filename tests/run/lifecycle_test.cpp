#include "cutover/run/lifecycle.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "cutover/base/errors.hpp"
#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

namespace cutover {
namespace {

using testing::TempDir;

constexpr std::string_view runbook_text = R"(version: 1
id: cutover-db
tasks:
  - id: freeze
    run: "true"
  - id: switch
    point_of_no_return: true
    depends_on: freeze
    run: "true"
)";

RunStart start_in(const std::filesystem::path& dir) {
  return {std::string(runbook_text), "cutover-db", "rehearsal-1", dir, {}, {}, "jump-1", "ops"};
}

// A run started in `dir` whose journal then holds `events`; it is read back as `resume` reads it.
RecordedRun recorded(const std::filesystem::path& dir, const std::vector<EventBody>& events) {
  {
    StartedRun started = start_run(start_in(dir));
    for (const EventBody& event : events) started.journal.append(event, Durability::now);
  }
  return open_recorded_run(dir);
}

event::TaskFinished succeeded(std::string task) {
  return {std::move(task), std::nullopt, TaskStatus::succeeded, 1, {}, std::nullopt};
}

}  // namespace

TEST_CASE("start_run freezes the runbook and writes the journal's header - holding the lock") {
  TempDir temp;
  const auto dir = temp.path() / "run";
  StartedRun started = start_run(start_in(dir));
  CHECK(started.dir.dir == dir);
  CHECK(read_file(dir / frozen_runbook_name) == runbook_text);
  const Journal journal = read_journal(dir / journal_file_name);
  CHECK(journal.header.label == "rehearsal-1");
  CHECK(journal.header.host == "jump-1");
  CHECK(journal.header.runbook_sha256.size() == 64);
  CHECK(journal.events.empty());
  // While it lives, a second executor is refused by the lock.
  CHECK_THROWS_AS(start_run(start_in(dir)), EnvironmentError);
}

TEST_CASE("start_run never overwrites a run that is already there") {
  TempDir temp;
  const auto dir = temp.path() / "run";
  { StartedRun first = start_run(start_in(dir)); }
  CHECK_THROWS_AS(start_run(start_in(dir)), Error);
  CHECK(read_journal(dir / journal_file_name).events.empty());
}

TEST_CASE("a second run of a runbook with a live executor is refused - unless concurrent") {
  TempDir temp;
  const auto root = temp.path() / "runs";
  const auto in_root = [&](std::string label, std::string id = "cutover-db") {
    return RunStart{std::string(runbook_text),
                    std::move(id),
                    std::move(label),
                    {},
                    root,
                    UtcTime{std::chrono::hours(1)},
                    "jump-1",
                    "ops"};
  };
  StartedRun live = start_run(in_root("go-live"));
  try {
    start_run(in_root("rehearsal-9"));
    FAIL("a second run started");
  } catch (const EnvironmentError& error) {
    const std::string message = error.what();
    CHECK(message.starts_with("runbook 'cutover-db' already has a run in progress: " +
                              live.dir.run_id + " (executor pid "));
    CHECK(
        message.ends_with("follow it with `cutover status go-live`, or start another one "
                          "anyway with --concurrent"));
  }
  RunStart concurrent = in_root("rehearsal-9");
  concurrent.concurrent = true;
  CHECK_NOTHROW(start_run(concurrent));
  CHECK_NOTHROW(start_run(in_root("other", "payroll")));  // another runbook
}

TEST_CASE("resume takes up a run that stopped - not one that succeeded or was rolled back") {
  TempDir temp;
  const RecordedRun stopped = recorded(temp.path() / "stopped", {event::RunStarted{}});
  CHECK_NOTHROW(require_resumable(stopped));
  const RecordedRun done =
      recorded(temp.path() / "done", {event::RunStarted{}, succeeded("freeze"), succeeded("switch"),
                                      event::RunFinished{RunOutcome::succeeded, 0}});
  CHECK_THROWS_WITH_AS(require_resumable(done),
                       doctest::Contains("the run succeeded; there is nothing to resume"),
                       UsageError);
  const RecordedRun undone =
      recorded(temp.path() / "undone",
               {event::RunStarted{}, event::RunFinished{RunOutcome::rolled_back, 1}});
  CHECK_THROWS_WITH_AS(require_resumable(undone), doctest::Contains("start a new run"), UsageError);
}

TEST_CASE("rollback past a started point of no return needs force - and names the point") {
  TempDir temp;
  const RecordedRun early =
      recorded(temp.path() / "early", {event::RunStarted{}, succeeded("freeze")});
  CHECK(started_points_of_no_return(early).empty());
  CHECK(require_rollback_allowed(early, false).empty());

  const RecordedRun late = recorded(
      temp.path() / "late",
      {event::RunStarted{}, succeeded("freeze"), event::TaskStarted{"switch", 1, "run", {}}});
  CHECK(started_points_of_no_return(late) == std::vector<std::string_view>{"switch"});
  CHECK_THROWS_WITH_AS(require_rollback_allowed(late, false),
                       doctest::Contains("switch (a point of no return) has started"), UsageError);
  CHECK(require_rollback_allowed(late, true) == "switch");
}

TEST_CASE("next_step names a command that works for the way the run ended") {
  TempDir temp;
  const auto next = [&](const std::string& name, std::vector<EventBody> events) {
    const RecordedRun run = recorded(temp.path() / name, events);
    return next_step(*run.runbook, run.state, "RUN");
  };
  const event::RunStopping stop{"task x failed", false, false, false};
  CHECK(next("running", {event::RunStarted{}}).empty());
  CHECK(next("done", {event::RunStarted{}, succeeded("freeze"), succeeded("switch"),
                      event::RunFinished{RunOutcome::succeeded, 0}})
            .empty());
  CHECK(next("failed", {event::RunStarted{}, stop, event::RunFinished{RunOutcome::failed, 1}}) ==
        "'cutover resume RUN' continues it; 'cutover rollback RUN' rolls it back");
  CHECK(next("past",
             {event::RunStarted{}, succeeded("freeze"), event::TaskStarted{"switch", 1, "run", {}},
              stop, event::RunFinished{RunOutcome::failed, 1}}) ==
        "switch (a point of no return) has started: fix forward, then 'cutover resume RUN' "
        "continues the run; 'cutover rollback --force RUN' rolls back past it only if there is "
        "no other way");
  const std::vector<EventBody> rolling = {event::RunStarted{}, succeeded("freeze"), stop,
                                          event::RollbackStarted{},
                                          event::RollbackStepStarted{"freeze", false, "undo"}};
  std::vector<EventBody> cut_off = rolling;
  cut_off.push_back(event::RunFinished{RunOutcome::interrupted, 130});
  CHECK(next("cut-off", cut_off) == "'cutover rollback RUN' continues the rollback");
  std::vector<EventBody> failed_step = rolling;
  failed_step.push_back(event::RollbackStepFinished{"freeze", std::nullopt, false, "exit 1", {}});
  failed_step.push_back(event::RunFinished{RunOutcome::rollback_failed, 4});
  CHECK(next("step-failed", failed_step) ==
        "the rollback step of freeze failed: once a person has dealt with it, 'cutover rollback "
        "RUN' runs it again (a manual step is asked again)");
  // Rolled back past a point of no return (forced): going on needs --force again.
  std::vector<EventBody> forced = {event::RunStarted{},
                                   succeeded("freeze"),
                                   succeeded("switch"),
                                   event::RunFinished{RunOutcome::failed, 1},
                                   event::RunResumed{},
                                   event::RollbackStarted{},
                                   event::RollbackStepStarted{"switch", false, "undo"}};
  std::vector<EventBody> forced_cut_off = forced;
  forced_cut_off.push_back(event::RunFinished{RunOutcome::interrupted, 130});
  CHECK(next("forced-cut-off", forced_cut_off) ==
        "'cutover rollback --force RUN' continues the rollback");
  forced.push_back(event::RollbackStepFinished{"switch", std::nullopt, false, "exit 1", {}});
  forced.push_back(event::RunFinished{RunOutcome::rollback_failed, 4});
  CHECK(next("forced-failed", forced)
            .starts_with("the rollback step of switch failed: once a person has dealt with it, "
                         "'cutover rollback --force RUN' runs it again"));
}

TEST_CASE("take_up_command names what applies queued decisions - rollback once a step failed") {
  TempDir temp;
  const auto take_up = [&](const std::string& name, std::vector<EventBody> events) {
    const RecordedRun run = recorded(temp.path() / name, events);
    return take_up_command(*run.runbook, run.state, "RUN");
  };
  const event::RunStopping stop{"task x failed", false, false, false};
  CHECK(take_up("crashed", {event::RunStarted{}, succeeded("freeze")}) == "cutover resume RUN");
  CHECK(take_up("failed", {event::RunStarted{}, stop, event::RunFinished{RunOutcome::failed, 1}}) ==
        "cutover resume RUN");
  CHECK(
      take_up("done", {event::RunStarted{}, event::RunFinished{RunOutcome::succeeded, 0}}).empty());
  const std::vector<EventBody> step_failed = {
      event::RunStarted{},
      succeeded("freeze"),
      stop,
      event::RollbackStarted{},
      event::RollbackStepStarted{"freeze", false, "undo"},
      event::RollbackStepFinished{"freeze", std::nullopt, false, "exit 1", {}},
      event::RunFinished{RunOutcome::rollback_failed, 4}};
  CHECK(take_up("step-failed", step_failed) == "cutover rollback RUN");
}

}  // namespace cutover

namespace cutover {

TEST_CASE("take_up_run locks - checks - and opens the journal - or refuses first") {
  TempDir temp;
  const UtcTime now{std::chrono::hours(2)};
  CHECK_THROWS_AS(take_up_run(temp.path(), Start::resume, false, now), Error);  // not a run
  recorded(temp.path() / "stopped", {event::RunStarted{}, succeeded("freeze")});
  {
    TakenUpRun taken = take_up_run(temp.path() / "stopped", Start::resume, false, now);
    CHECK(taken.point_to_confirm.empty());
    CHECK(taken.run.state.tasks[0].status == TaskStatus::succeeded);
    // Held: a second executor is refused while this one has it.
    CHECK_THROWS_AS(take_up_run(temp.path() / "stopped", Start::resume, false, now),
                    EnvironmentError);
  }
  recorded(temp.path() / "past",
           {event::RunStarted{}, succeeded("freeze"), event::TaskStarted{"switch", 1, "run", {}}});
  CHECK_THROWS_AS(take_up_run(temp.path() / "past", Start::rollback, false, now), UsageError);
  CHECK(take_up_run(temp.path() / "past", Start::rollback, true, now).point_to_confirm == "switch");
}

TEST_CASE("a write error at the start of a run leaves no journal and no half runbook behind") {
  // The run directory, the frozen runbook and the journal's header: each call failed in turn.
  using namespace testing;
  const auto start = [](FileSystem& fs, const std::filesystem::path& root) {
    RunStart run{std::string(runbook_text), "cutover-db", "", {}, root, {}, "jump-1", "ops"};
    run.file_system = &fs;
    return start_run(run);
  };
  std::size_t calls = 0;
  {
    TempDir root;
    FaultyFileSystem counting;
    start(counting, root.path());
    calls = counting.calls().size();
    REQUIRE(latest_run(root.path()));
  }
  REQUIRE(calls >= 10);
  for (std::size_t call = 0; call < calls; ++call) {
    for (const Fault fault : {Fault::no_space, Fault::io_error, Fault::short_write}) {
      CAPTURE(call);
      CAPTURE(fault_name(fault));
      TempDir root;
      FaultyFileSystem fs;
      fs.fail({call, fault});
      try {
        start(fs, root.path());
        FAIL("the failed write was not reported");
      } catch (const EnvironmentError& error) {
        REQUIRE(fs.failed());
        const std::string message = error.what();
        CHECK(message.find(fs.failed()->path.string()) != std::string::npos);
        CHECK(message.ends_with("; nothing was started"));
      }
      CHECK_FALSE(latest_run(root.path()));
      std::error_code error;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root.path(), error)) {
        CAPTURE(entry.path().string());
        CHECK(entry.path().filename() != journal_file_name);
        // The frozen runbook is whole or absent.
        if (entry.path().filename() == "runbook.yaml") {
          CHECK(read_file(entry.path()) == runbook_text);
        }
      }
    }
  }
}

TEST_CASE("a rollback needs only the secrets its steps still to run use") {
  using testing::make_runbook;
  using testing::make_task;
  Task wire = make_task("wire");
  wire.rollback = CommandRollback{"unwire --token {{ API_TOKEN }}", {}};
  wire.env = {{"DB_PASS", "{{ DB_PASSWORD }}"}};
  Task undone = make_task("undone");
  undone.rollback = CommandRollback{"undo {{ SSH_KEY }}", {}};
  Task later = make_task("later");
  later.rollback = CommandRollback{"undo {{ SSH_KEY }} {{ OTHER }}", {}};
  Task by_hand = make_task("by-hand");
  by_hand.rollback = ManualRollback{"Call the bank."};
  Runbook runbook = make_runbook({wire, undone, later, by_hand});
  runbook.secrets = {"API_TOKEN", "DB_PASSWORD", "SSH_KEY", "OTHER"};
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  state.tasks[0].status = TaskStatus::succeeded;
  state.tasks[1].status = TaskStatus::succeeded;
  state.tasks[1].rollback = RollbackStatus::succeeded;  // already rolled back
  state.tasks[3].status = TaskStatus::succeeded;
  CHECK(secrets_for_rollback(runbook, state) ==
        std::vector<std::string>{"API_TOKEN", "DB_PASSWORD"});
  // The communication plan goes on while the run rolls back.
  runbook.notify.push_back({{NotifyEvent::rollback_started}, "post {{ OTHER }}", {}, {}, {}});
  CHECK(secrets_for_rollback(runbook, state) ==
        std::vector<std::string>{"API_TOKEN", "DB_PASSWORD", "OTHER"});
  runbook.notify.clear();

  ::setenv("API_TOKEN", "t0k3n", 1);
  ::setenv("DB_PASSWORD", "pw", 1);
  ::unsetenv("SSH_KEY");
  ::setenv("OTHER", "other-value", 1);
  const NamedValues read = read_needed_secrets(runbook, {"API_TOKEN", "DB_PASSWORD"});
  CHECK(read == NamedValues{{"API_TOKEN", "t0k3n"},
                            {"DB_PASSWORD", "pw"},
                            {"SSH_KEY", "***"},
                            {"OTHER", "other-value"}});
  ::unsetenv("DB_PASSWORD");
  CHECK_THROWS_WITH_AS(read_needed_secrets(runbook, {"API_TOKEN", "DB_PASSWORD"}),
                       "secret not set in the environment: DB_PASSWORD; nothing was started",
                       EnvironmentError);
  ::unsetenv("API_TOKEN");
  ::unsetenv("OTHER");
}

}  // namespace cutover
