#include "cutover/run/events.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace cutover {
namespace {

using json = nlohmann::ordered_json;

event::Person alice() {
  return {"alice", "ops", "jump-1", "d-1", "fixed by hand"};
}

event::ProcessEnd killed() {
  return {1500, std::nullopt, "SIGTERM", std::nullopt, true};
}

// One of every event type, with its optional parts filled in.
std::vector<EventBody> one_of_each() {
  return {
      event::RunStarted{"erp", "/srv/rb", 3, 2, true, false, {{"env", "prod"}}, true, true},
      event::RunResumed{true, 4, false, true, 4242, "ops", "jump-1"},
      event::TaskStarted{"backup", 2, "run", "pg_dump ***"},
      event::ProcessStarted{"gate", 1, "check", 77},
      event::AttemptFailed{"backup", 1, "exit code 3", {20, {}, {}, 3, false}, 5000},
      event::CheckFinished{"gate", "rows", 2, false, "stdout does not match /ok/", killed()},
      event::GateWaiting{"gate", {"cfo", "cio"}},
      event::GateApproved{"gate", alice(), "cfo"},
      event::GateRejected{"gate", alice(), "cio"},
      event::GateHeld{"gate", alice(), "cio"},
      event::TaskFinished{"backup", alice(), TaskStatus::in_doubt, 3, "marked", killed()},
      event::SignalReceived{"SIGINT", "drain"},
      event::RunStopping{"interrupted by SIGINT", false, false, true},
      event::RollbackStarted{event::Person{"ops", "ops", "jump-1", {}, {}}, true},
      event::RollbackStepStarted{"backup", false, "restore ***"},
      event::RollbackStepFinished{"backup", alice(), false, "exit code 1", killed()},
      event::RunFinished{RunOutcome::rollback_failed, 4},
      event::TaskInDoubt{"backup", false, true, "cut off", 99, {100, 101}},
      event::TaskReset{"backup", alice(), true, "again"},
      event::DecisionRefused{{}, "run-1", "mark", "backup", "failed", alice(), "already done"},
      event::Unknown{"from_a_later_version", {{"task", "backup"}, {"n", 1}}},
  };
}

}  // namespace

TEST_CASE("every event type reads back as it was written") {
  for (const EventBody& body : one_of_each()) {
    const json written = encode_fields(body);
    const EventBody read = decode_event(event_type(body), written);
    CAPTURE(written.dump());
    CHECK(event_type(read) == event_type(body));
    CHECK(read.index() == body.index());
    CHECK(encode_fields(read) == written);
  }
}

TEST_CASE("the fields keep the order and names docs/journal-format.md shows") {
  CHECK(encode_fields(event::TaskFinished{"a", alice(), TaskStatus::failed, 2, "no", killed()})
            .dump() == R"({"task":"a","by":"alice","user":"ops","host":"jump-1","decision":"d-1",)"
                       R"("note":"fixed by hand","status":"failed","attempt":2,"reason":"no",)"
                       R"("duration_ms":1500,"signal":"SIGTERM","timed_out":true})");
  CHECK(encode_fields(event::RunStopping{"a failed", true, false, false}).dump() ==
        R"({"reason":"a failed","rollback":true,"fix_forward":false})");
  CHECK(
      encode_fields(event::DecisionRefused{"bad.json", {}, {}, {}, {}, {}, "unreadable"}).dump() ==
      R"({"file":"bad.json","reason":"unreadable"})");
  CHECK(to_string(TaskStatus::in_doubt) == "interrupted");
}

TEST_CASE("decoding is tolerant: a wrong or missing field takes its default") {
  const EventBody started =
      decode_event("task_started", json{{"task", 7}, {"attempt", "two"}, {"kind", "run"}});
  REQUIRE(std::holds_alternative<event::TaskStarted>(started));
  CHECK(std::get<event::TaskStarted>(started).task.empty());
  CHECK(std::get<event::TaskStarted>(started).attempt == 0);
  CHECK_FALSE(std::get<event::TaskStarted>(started).command);

  const EventBody waiting = decode_event("gate_waiting", json{{"task", "g"}, {"approvers", "cfo"}});
  CHECK(std::get<event::GateWaiting>(waiting).approvers.empty());

  CHECK(std::holds_alternative<event::RunResumed>(decode_event("run_resumed", json::array())));
}

TEST_CASE("an end a version cannot apply is kept as an unknown event") {
  const EventBody odd = decode_event("task_finished", json{{"task", "a"}, {"status", "paused"}});
  REQUIRE(std::holds_alternative<event::Unknown>(odd));
  CHECK(event_type(odd) == "task_finished");
  CHECK(std::holds_alternative<event::Unknown>(
      decode_event("run_finished", json{{"outcome", "exploded"}})));
  CHECK(event_type(decode_event("from_a_later_version", json::object())) == "from_a_later_version");
}

TEST_CASE("decision_of names the inbox decision an event took in") {
  CHECK(*decision_of(event::GateApproved{"g", alice(), "cfo"}) == "d-1");
  CHECK(*decision_of(event::DecisionRefused{{}, "r", "mark", "a", "done", alice(), "no"}) == "d-1");
  CHECK(*decision_of(event::TaskReset{"a", alice(), false, {}}) == "d-1");
  CHECK(decision_of(event::TaskFinished{"a", std::nullopt, TaskStatus::succeeded, 1, {}, {}}) ==
        nullptr);
  event::Person at_the_terminal = alice();
  at_the_terminal.decision.clear();
  CHECK(decision_of(event::GateRejected{"g", at_the_terminal, "cio"}) == nullptr);
  CHECK(decision_of(event::RunFinished{}) == nullptr);
}

}  // namespace cutover
