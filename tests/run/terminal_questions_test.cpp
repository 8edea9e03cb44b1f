#include "run/terminal_questions.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::detail;
using namespace cutover::testing;

namespace {

using Lines = std::vector<std::string>;

// A manual task `m` and a gate `g` (approvers lead and owner), both waiting for people.
class Waiting {
 public:
  Waiting()
      : runbook_(make_runbook({manual_task("m"), approval_gate("g", {"lead", "owner"})})),
        graph_(make_run_graph(runbook_)) {
    add(event::TaskStarted{"m", 1, "manual", {}});
    add(event::TaskStarted{"g", 1, "gate", {}});
    add(event::GateWaiting{"g", {"lead", "owner"}});
  }

  void add(EventBody body) {
    events_.push_back({events_.size() + 1, utc_at(0), 0, std::move(body)});
    state_ = fold(runbook_, graph_, events_);
  }
  void approved(const std::string& approver) {
    add(event::GateApproved{"g", {approver, "ops", "jump", {}, {}}, approver});
  }

  // What the terminal shows for the front question, remarks first.
  Lines shown(TerminalQuestions& questions) {
    const auto task = questions.front([&](TaskIndex) { return true; });
    REQUIRE(task);
    const TerminalPrompt prompt = questions.prompt(state_, open(*task));
    Lines lines = prompt.remarks;
    lines.push_back(prompt.question);
    return lines;
  }
  Typed type(TerminalQuestions& questions, std::string_view line) {
    const auto task = questions.front([&](TaskIndex) { return true; });
    REQUIRE(task);
    return questions.take(line, state_, open(*task));
  }

  const Runbook& runbook() const { return runbook_; }

 private:
  OpenQuestion open(TaskIndex task) const {
    return *open_question(runbook_, state_, task, ExecutorPresence::running);
  }

  Runbook runbook_;
  RunGraph graph_;
  std::vector<JournalEvent> events_;
  RunState state_;
};

constexpr TaskIndex m = 0, g = 1;

}  // namespace

TEST_CASE("terminal questions are asked one at a time in the order they came") {
  Waiting run;
  TerminalQuestions questions(run.runbook(), "dana");
  CHECK(questions.ask(g));
  CHECK_FALSE(questions.ask(m));
  CHECK(questions.tasks() == std::vector<TaskIndex>{g, m});
  CHECK(questions.asks(m));
  CHECK(questions.front([](TaskIndex task) { return task != g; }) == m);  // g was settled
  CHECK(questions.tasks() == std::vector<TaskIndex>{m});
  CHECK(questions.drop(m));
  CHECK(questions.empty());
  CHECK(questions.front([](TaskIndex) { return true; }) == std::nullopt);
}

TEST_CASE("a manual task: a verdict and its note - the name asked once - then kept") {
  Waiting run;
  TerminalQuestions questions(run.runbook(), "");
  questions.ask(m);
  CHECK(run.shown(questions) ==
        Lines{"    (words typed after an answer go into the journal as its note)",
              "[m] done, failed or skipped? [d/f/s]: "});
  Typed typed = run.type(questions, "yes");
  CHECK(typed.remarks == Lines{"'yes' is not an answer here: done, failed or skipped"});
  CHECK_FALSE(typed.answer);
  CHECK(run.shown(questions) == Lines{"[m] done, failed or skipped? [d/f/s]: "});  // hint once

  CHECK_FALSE(run.type(questions, "  d   checked by phone ").answer);
  CHECK(run.shown(questions) == Lines{"[m] your name (asked once): "});
  CHECK(run.type(questions, std::string(101, 'x')).remarks ==
        Lines{"a name is 1 to 100 printable characters"});
  CHECK(run.type(questions, "al\x1b[Aice").remarks ==
        Lines{"a name is 1 to 100 printable characters"});  // an arrow key's escape code
  typed = run.type(questions, "alice");
  REQUIRE(typed.answer);
  CHECK(typed.answer->task == m);
  CHECK(typed.answer->kind == DecisionKind::mark);
  CHECK(typed.answer->verdict == Verdict::done);
  CHECK(typed.answer->by == "alice");
  CHECK(typed.answer->note == "checked by phone");
  CHECK(typed.remarks == Lines{"    answers here are by alice from now on (--by NAME sets it at "
                               "the start)"});

  // Asked afresh, and the name is not asked again.
  typed = run.type(questions, "failed");
  REQUIRE(typed.answer);
  CHECK(typed.answer->verdict == Verdict::failed);
  CHECK(typed.answer->by == "alice");
  CHECK(typed.answer->note.empty());
}

TEST_CASE("a go names one of the approvers still missing") {
  Waiting run;
  run.approved("lead");
  TerminalQuestions questions(run.runbook(), "dana");  // the operator is not the approver
  questions.ask(g);
  CHECK(run.shown(questions).back() == "[g] go, no-go or hold? [g/n/h]: ");
  CHECK_FALSE(run.type(questions, "g all green").answer);
  CHECK(run.shown(questions) == Lines{"[g] who decides? (owner): "});
  CHECK(run.type(questions, "lead").remarks == Lines{"'lead' is not one of: owner"});
  const Typed typed = run.type(questions, "owner");
  REQUIRE(typed.answer);
  CHECK(typed.answer->kind == DecisionKind::approve);
  CHECK(typed.answer->by == "owner");
  CHECK(typed.answer->note == "all green");
}

TEST_CASE("a no-go needs who - why - and no-go typed in full") {
  Waiting run;
  TerminalQuestions questions(run.runbook(), "dana");
  questions.ask(g);
  run.type(questions, "n");
  CHECK(run.shown(questions) == Lines{"[g] who decides? (lead, owner): "});
  run.type(questions, "owner");
  CHECK(run.shown(questions) == Lines{"[g] why no-go? "});
  CHECK(run.type(questions, "").remarks ==
        Lines{"a no-go needs its reason, for the journal and the report"});
  run.type(questions, "recon is off");
  CHECK(run.shown(questions).back().ends_with("Type no-go to confirm: "));
  CHECK(run.type(questions, "n").remarks == Lines{"not confirmed: g goes on waiting"});
  CHECK(run.shown(questions).back() == "[g] go, no-go or hold? [g/n/h]: ");

  // The reason may come with the verdict.
  run.type(questions, "no-go recon is off");
  run.type(questions, "lead");
  CHECK(run.shown(questions).back().ends_with("Type no-go to confirm: "));
  const Typed typed = run.type(questions, "no-go");
  REQUIRE(typed.answer);
  CHECK(typed.answer->kind == DecisionKind::reject);
  CHECK(typed.answer->by == "lead");
  CHECK(typed.answer->note == "recon is off");
}

TEST_CASE("a hold needs who and why - and is taken without a confirmation") {
  Waiting run;
  TerminalQuestions questions(run.runbook(), "dana");
  questions.ask(g);
  run.type(questions, "h");
  run.type(questions, "owner");
  CHECK(run.shown(questions) == Lines{"[g] why hold? "});
  CHECK(run.type(questions, " ").remarks ==
        Lines{"a hold needs its reason, for the journal and the report"});
  const Typed typed = run.type(questions, "the bank has not confirmed");
  REQUIRE(typed.answer);
  CHECK(typed.answer->kind == DecisionKind::hold);
  CHECK(typed.answer->by == "owner");
  CHECK(typed.answer->note == "the bank has not confirmed");
  CHECK(run.shown(questions).back() == "[g] go, no-go or hold? [g/n/h]: ");  // still waiting
}

TEST_CASE("a hold is for the approvers not yet heard from") {
  Waiting run;
  run.approved("lead");
  TerminalQuestions questions(run.runbook(), "dana");
  questions.ask(g);
  run.type(questions, "h");
  CHECK(run.shown(questions) == Lines{"[g] who decides? (owner): "});
  run.type(questions, "n");  // not a name here: asked again
  CHECK(run.type(questions, "lead").remarks == Lines{"'lead' is not one of: owner"});
}
