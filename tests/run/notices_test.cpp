// What the communication plan hears (notices.cpp): the notices each journal event gives rise
// to, from the event and the folded state alone, and the JSON a hook reads.
#include "cutover/run/notices.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// Folds the events one by one, as the executor records them, and keeps every notice.
std::vector<Notice> replay(const Runbook& runbook, const std::vector<EventBody>& events) {
  const RunGraph graph = make_run_graph(runbook);
  RunState state = initial_state(runbook, graph);
  std::vector<Notice> notices;
  std::int64_t ms = 0;
  std::uint64_t seq = 0;
  for (const EventBody& body : events) {
    ms += 1000;
    const JournalEvent event{++seq, utc_at(ms), ms, body};
    const auto before = question_before(runbook, graph, state, event.body);
    apply(state, runbook, graph, event);
    for (Notice& notice : notices_of(runbook, graph, state, event, before)) {
      notices.push_back(std::move(notice));
    }
  }
  return notices;
}

std::vector<std::string> kinds(const std::vector<Notice>& notices) {
  std::vector<std::string> names;
  for (const Notice& notice : notices) {
    names.push_back(std::string(to_string(notice.event)) +
                    (notice.task.empty() ? "" : " " + notice.task));
  }
  return names;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("notices: a run that fails and rolls back") {
  Task a = with_rollback(make_task("a"));
  Task b = make_task("b", {}, {"a"});
  b.point_of_no_return = true;
  b.title = "Switch DNS";
  const Runbook runbook = make_runbook({a, b});
  const std::vector<Notice> notices =
      replay(runbook, {run_started(), started("a"), finished("a"), started("b"),
                       finished("b", TaskStatus::failed, "exit code 1"), rollback_started(),
                       rollback_step_started("a"), rollback_step_finished("a"),
                       run_finished(RunOutcome::rolled_back)});
  CHECK(kinds(notices) == Names{"run_started", "point_of_no_return b", "task_failed b",
                                "rollback_started", "run_finished"});
  CHECK(notices[0].message == "test: the run started");
  CHECK(notices[1].message == "test: 'b' (Switch DNS) started: the point of no return");
  CHECK(notices[2].message == "test: 'b' (Switch DNS) failed: exit code 1");
  CHECK(notices[2].details["reason"] == "exit code 1");
  CHECK(notices[3].message == "test: rollback started: the run failed");
  CHECK(notices[4].message == "test: the run ended: rolled_back");
  CHECK(notices[4].details["outcome"] == "rolled_back");
  CHECK(notices[4].details["exit_code"] == exit_code_of(RunOutcome::rolled_back));
  CHECK(notices[4].time == utc_at(9000));
}

TEST_CASE("notices: waiting when a question opens - not again while it stays open") {
  const Runbook runbook =
      make_runbook({approval_gate("go", {"ann", "bob"}), manual_task("m", {}, {"go"})});
  const std::vector<Notice> notices =
      replay(runbook, {run_started(), started("go", "gate"), gate_waiting("go", {"ann", "bob"}),
                       approved("go", "ann"), held("go", "bob", "not yet"), approved("go", "bob"),
                       finished("go"), started("m", "manual"), in_doubt("m")});
  CHECK(kinds(notices) ==
        Names{"run_started", "gate_waiting go", "waiting go", "waiting m", "waiting m"});
  CHECK(notices[1].message == "test: gate 'go' waits for approval by ann, bob");
  CHECK(notices[3].message == "test: 'm' waits for a person (done, failed or skipped)");
  CHECK(notices[3].details["waiting_for"] == "manual");
  // In doubt is a new question: did it happen?
  CHECK(notices[4].message ==
        "test: 'm' is in doubt: a person must say whether it happened (done, "
        "failed or retry)");
}

TEST_CASE("notices: a rejected gate fails - a manual rollback step waits on a person") {
  const Runbook runbook =
      make_runbook({with_manual_rollback(make_task("a")), approval_gate("go", {"ann"}, {"a"})});
  const std::vector<Notice> notices =
      replay(runbook, {run_started(), started("a"), finished("a"), started("go", "gate"),
                       gate_waiting("go", {"ann"}), rejected("go", "ann"),
                       finished("go", TaskStatus::failed, "no-go by ann"), rollback_started(),
                       rollback_step_started("a", true)});
  CHECK(kinds(notices) == Names{"run_started", "gate_waiting go", "waiting go", "task_failed go",
                                "rollback_started", "waiting a"});
  CHECK(notices[5].details["waiting_for"] == "rollback_step");
  CHECK(notices[5].message == "test: the rollback step of 'a' waits for a person (done or failed)");
}

TEST_CASE("notices: the JSON a hook reads - the run's facts first - then the event's") {
  Notice notice;
  notice.event = NotifyEvent::task_failed;
  notice.time = utc_at(61'500);
  notice.task = "load";
  notice.message = "erp: 'load' failed: exit code 2";
  notice.details["reason"] = "exit code 2";
  const NoticeSource source{"erp", "ERP go-live", "erp/20261128T170000Z", "/srv/runs/x"};
  CHECK(notice_json(notice, source).dump() ==
        R"({"event":"task_failed","time":"2026-11-28T17:01:01.500Z","runbook":"erp",)"
        R"("title":"ERP go-live","run_id":"erp/20261128T170000Z","run_dir":"/srv/runs/x",)"
        R"("task":"load","message":"erp: 'load' failed: exit code 2","reason":"exit code 2"})");
  const nlohmann::ordered_json test =
      notice_json(test_notice(make_runbook({make_task("a")}), utc_at(0)), {"test", "", "", ""});
  CHECK(test["event"] == "test");
  CHECK(test["task"] == nullptr);
  CHECK(test["run_id"] == nullptr);
  CHECK(test["message"] == "test: a test of the communication plan (cutover notify test)");
}
