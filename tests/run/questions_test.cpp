#include "cutover/run/questions.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

namespace cutover {
namespace {

using testing::approved;
using testing::gate_waiting;
using testing::in_doubt;
using testing::JournalBuilder;
using testing::make_runbook;
using testing::make_task;
using testing::manual_task;
using testing::rollback_started;
using testing::rollback_step_started;
using testing::started;
using Lines = std::vector<std::string>;

// A runbook and a journal written by hand (every event at elapsed 0); the questions the folded
// journal puts to people.
class Run : public JournalBuilder {
 public:
  explicit Run(std::vector<Task> tasks)
      : runbook_(make_runbook(std::move(tasks))), graph_(make_run_graph(runbook_)) {}

  std::optional<OpenQuestion> question(const std::string& task,
                                       ExecutorPresence executor = ExecutorPresence::running) {
    state_ = fold(runbook_, graph_, events());
    return open_question(runbook_, state_, *graph_.find(task), executor);
  }
  Lines commands(const OpenQuestion& question, std::string_view dir = "runs/r1") const {
    return answer_commands(runbook_, question, dir);
  }
  std::string prompt_for(const OpenQuestion& question) const {
    return prompt(runbook_, state_, question);
  }

 private:
  Runbook runbook_;
  RunGraph graph_;
  RunState state_;
};

Task owned(Task task, std::string owner) {
  task.owner = std::move(owner);
  return task;
}

Task with_rollback(Task task, Rollback rollback) {
  task.rollback = std::move(rollback);
  return task;
}

}  // namespace

TEST_CASE("a manual task asks done - failed or skipped of its owner") {
  Run run({owned(manual_task("call bank"), "treasury")});
  CHECK_FALSE(run.question("call bank"));
  run.add(started("call bank"));
  const auto question = run.question("call bank");
  REQUIRE(question);
  CHECK(question->waiting_for == WaitingFor::manual);
  CHECK(question->waiting_on == Lines{"treasury"});
  CHECK(run.commands(*question, "my runs/r1") ==
        Lines{"cutover mark 'my runs/r1' 'call bank' done|failed|skipped --by NAME"});
  CHECK(run.prompt_for(*question) == "[call bank] done, failed or skipped? [d/f/s]: ");
  CHECK(parse_answer(*question, "s") == "skipped");
  CHECK(parse_answer(*question, "failed") == "failed");
  CHECK_FALSE(parse_answer(*question, "r"));
  CHECK_FALSE(parse_answer(*question, "maybe"));
}

TEST_CASE("a gate waits on the approvers not yet heard from") {
  Run run({testing::approval_gate("go", {"cfo", "o'neil"})});
  run.add(started("go")).add(gate_waiting("go"));
  run.add(approved("go", "cfo"));
  const auto question = run.question("go");
  REQUIRE(question);
  CHECK(question->waiting_for == WaitingFor::approval);
  CHECK(question->waiting_on == Lines{"o'neil"});
  CHECK(run.commands(*question) == Lines{"cutover approve runs/r1 go --by 'o'\\''neil'",
                                         "cutover reject runs/r1 go --by NAME --note REASON",
                                         "cutover hold runs/r1 go --by NAME --note REASON"});
  CHECK(run.prompt_for(*question) == "[go] go, no-go or hold? [g/n/h]: ");
  CHECK(parse_answer(*question, "n") == "no-go");
}

TEST_CASE("four eyes: any two of three approvers - then nobody is waited for") {
  Task gate = testing::approval_gate("go", {"ann", "bob", "cy"});
  std::get<Gate>(gate.kind).min_approvals = 2;
  Run run({gate});
  run.add(started("go")).add(gate_waiting("go", {"ann", "bob", "cy"}));
  run.add(approved("go", "bob"));
  const auto question = run.question("go");
  REQUIRE(question);
  CHECK(question->waiting_for == WaitingFor::approval);
  CHECK(question->waiting_on == Lines{"ann", "cy"});
  run.add(approved("go", "cy"));
  CHECK_FALSE(run.question("go"));  // two of three: the gate's go
}

TEST_CASE("a command cut off by a crash: resume settles what it can - a person the rest") {
  Task idempotent = make_task("reindex");
  idempotent.idempotent = true;
  Run run({idempotent, make_task("migrate")});
  run.add(started("reindex")).add(started("migrate"));
  CHECK_FALSE(run.question("migrate"));  // running, with its executor at work
  const auto again = run.question("reindex", ExecutorPresence::absent);
  REQUIRE(again);
  CHECK(again->resume_settles);
  CHECK(run.commands(*again) == Lines{"cutover resume runs/r1"});
  const auto decide = run.question("migrate", ExecutorPresence::absent);
  REQUIRE(decide);
  CHECK(decide->waiting_for == WaitingFor::decision);
  CHECK(run.commands(*decide) == Lines{"cutover mark runs/r1 migrate done|failed|retry --by NAME"});
  CHECK(run.prompt_for(*decide) == "[migrate] in doubt: done, failed or retry? [d/f/r]: ");
}

TEST_CASE("in doubt while rolling back: done or failed - and nothing without a rollback step") {
  Run run({with_rollback(make_task("load"), CommandRollback{"unload", {}}), make_task("note")});
  run.add(started("load")).add(started("note"));
  run.add(in_doubt("load", false, "cut off"));
  run.add(in_doubt("note", false, "cut off"));
  run.add(rollback_started());
  const auto question = run.question("load");
  REQUIRE(question);
  CHECK(question->answers == std::vector<std::string_view>{"done", "failed"});
  CHECK(run.prompt_for(*question) == "[load] in doubt: did it happen? done or failed? [d/f]: ");
  CHECK_FALSE(run.question("note"));
}

TEST_CASE("a manual rollback step asks its owner - a rollback command cut off is in doubt") {
  Run run({owned(with_rollback(make_task("dns"), ManualRollback{"Point DNS back."}), "netops"),
           with_rollback(make_task("db"), CommandRollback{"restore", {}})});
  run.add(rollback_started());
  run.add(rollback_step_started("dns", true));
  run.add(rollback_step_started("db"));
  const auto step = run.question("dns");
  REQUIRE(step);
  CHECK(step->waiting_for == WaitingFor::rollback_step);
  CHECK(step->waiting_on == Lines{"netops"});
  CHECK(run.prompt_for(*step) == "[dns] rollback done or failed? [d/f]: ");
  CHECK_FALSE(run.question("db"));
  const auto cut_off = run.question("db", ExecutorPresence::absent);
  REQUIRE(cut_off);
  CHECK(cut_off->waiting_for == WaitingFor::rollback_decision);
  CHECK(run.commands(*cut_off) == Lines{"cutover mark runs/r1 db done|failed|retry --by NAME"});
}

TEST_CASE("an idempotent task's rollback command cut off: resume runs it again - as it says") {
  Task db = with_rollback(make_task("db"), CommandRollback{"restore", {}});
  db.idempotent = true;
  Run run({db});
  run.add(rollback_started());
  run.add(rollback_step_started("db"));
  const auto cut_off = run.question("db", ExecutorPresence::absent);
  REQUIRE(cut_off);
  CHECK(cut_off->waiting_for == WaitingFor::rollback_decision);
  CHECK(cut_off->resume_settles);
  CHECK(run.commands(*cut_off) == Lines{"cutover resume runs/r1"});
}

TEST_CASE("shell_word leaves plain words alone and quotes the rest") {
  CHECK(shell_word("runs/erp-1:go_live@x") == "runs/erp-1:go_live@x");
  CHECK(shell_word("a b") == "'a b'");
  CHECK(shell_word("") == "''");
  CHECK(shell_word("it's") == "'it'\\''s'");
}

}  // namespace cutover
