#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/process_end.hpp"
#include "cutover/runbook/template.hpp"
#include "run/executor_loop.hpp"

// Questions to people: at this terminal, and as decisions from other terminals.
//
// Every question to a person is open in `questions_` until it is settled: at this terminal
// (the front question is the one asked), or by a decision from another terminal through the
// inbox. Both go through judge(), against the state of the moment, so whichever comes first
// wins and the later one is refused with the reason.

namespace cutover::detail {

namespace {

// A failure a person declared, and why when they said.
std::string marked_failed(const Decision& decision) {
  std::string reason = "marked failed by " + decision.by;
  if (!decision.note.empty()) reason += ": " + decision.note;
  return reason;
}

}  // namespace

bool Executor::asking_here() const {
  return !options_.non_interactive && !terminal_closed_;
}

void Executor::ask_person(Question question) {
  const auto open_now = open(question.task);
  if (!open_now) return;  // settled already
  if (options_.dry_run || options_.auto_people) return answer_auto(question, *open_now);
  introduce(*open_now);
  questions_.push_back(std::move(question));
  if (questions_.size() == 1) ask_front();
}

// The question as the journal has it now; nothing once it is settled.
std::optional<OpenQuestion> Executor::open(TaskIndex task) const {
  return open_question(runbook_, state_, task, ExecutorPresence::running);
}

// What a person types at another terminal to answer it.
std::vector<std::string> Executor::answer_lines(TaskIndex task) const {
  const auto question = open(task);
  if (!question) return {};
  return answer_commands(runbook_, *question, setup_.run_dir.string());
}

void Executor::show_answer_commands(TaskIndex task) {
  const std::vector<std::string> commands = answer_lines(task);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    note(fmt::format("    {} {}", i == 0 ? "answer with:" : "            ", commands[i]));
  }
}

// What the person needs to know, and, when nobody is asked here, how to answer from
// another terminal.
void Executor::introduce(const OpenQuestion& question) {
  const Task& task = runbook_.tasks[question.task];
  const std::string owner = task.owner.empty() ? "" : fmt::format(" (owner {})", task.owner);
  switch (question.waiting_for) {
    case WaitingFor::manual:
      note(fmt::format(
          "{} {} {}: {}{}{}", stamp(), state_.track ? "do    " : "manual", task.id,
          shown(task.display_name()), owner,
          task.estimate ? fmt::format(", estimate {}", format_duration(*task.estimate)) : ""));
      show_instructions(task);
      break;
    case WaitingFor::rollback_step:
      note(fmt::format("{} manual rollback {}{}:", stamp(), task.id, owner));
      if (const auto* manual = std::get_if<ManualRollback>(&*task.rollback)) {
        show_text(manual->instructions);
      } else {
        note(fmt::format("    $ {}", shown(std::get<CommandRollback>(*task.rollback).run)));
      }
      break;
    case WaitingFor::approval:
      if (state_.track) show_instructions(task);
      note(fmt::format("{} gate   {}: {} waits for approval by {}", stamp(), task.id,
                       shown(task.display_name()), fmt::join(question.waiting_on, ", ")));
      break;
    case WaitingFor::decision:
    case WaitingFor::rollback_decision:
    case WaitingFor::nothing:
      break;  // settle_doubt() said why
  }
  if (!asking_here()) show_answer_commands(question.task);
}

// A task's instructions as a person reads them: a manual task's text, a command, a gate's
// checks (track mode shows commands as instructions).
void Executor::show_instructions(const Task& task) {
  if (const auto* manual = std::get_if<Manual>(&task.kind)) return show_text(manual->instructions);
  if (const auto* command = std::get_if<Command>(&task.kind)) {
    return note(fmt::format("    $ {}", shown(command->run)));
  }
  for (const GateCheck& check : std::get<Gate>(task.kind).checks) {
    note(fmt::format("    check '{}': $ {}", check.name, shown(check.run)));
  }
}

void Executor::show_text(std::string_view text) {
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    note(fmt::format("    {}", shown(text.substr(begin, end - begin))));
    begin = end + 1;
  }
}

void Executor::answer_auto(const Question& question, const OpenQuestion& open_now) {
  switch (open_now.waiting_for) {
    case WaitingFor::manual:
      return finish_task(question.task, TaskStatus::succeeded, {}, nullptr, "auto");
    case WaitingFor::rollback_step:
      return finish_rollback(question.task, true, {}, "auto", nullptr);
    case WaitingFor::approval:
      for (const std::string& name : open_now.waiting_on) approve(question.task, name, "auto");
      return;
    case WaitingFor::decision:
    case WaitingFor::rollback_decision:
    case WaitingFor::nothing:
      // `auto` answers for people in rehearsals; whether a cut-off command finished is not
      // something it can know. The question waits for a person.
      questions_.push_back(question);
      return show_answer_commands(question.task);
  }
}

void Executor::ask_front() {
  while (!questions_.empty() && !open(questions_.front().task)) questions_.pop_front();
  if (questions_.empty() || !asking_here()) return;
  const Question& question = questions_.front();
  const OpenQuestion open_now = *open(question.task);
  const std::string& id = runbook_.tasks[question.task].id;
  if (!question.verdict) {
    if (!notes_explained_) {
      notes_explained_ = true;
      note("    (words typed after an answer go into the journal as its note)");
    }
    return console_.ask(prompt(runbook_, state_, open_now));
  }
  if (question.reason) {
    return console_.ask(fmt::format(
        "[{}] a no-go fails the gate and its on_failure applies (by default, the run rolls "
        "back). Type no-go to confirm: ",
        id));
  }
  if (question.by) return console_.ask(fmt::format("[{}] why {}? ", id, *question.verdict));
  if (open_now.waiting_for == WaitingFor::approval) {
    return console_.ask(
        fmt::format("[{}] who decides? ({}): ", id, fmt::join(deciders(question), ", ")));
  }
  console_.ask(fmt::format("[{}] your name (asked once): ", id));
}

// Who may answer an approval question: the approvers still missing for a go, any of them
// for a no-go or a hold.
std::vector<std::string> Executor::deciders(const Question& question) const {
  if (question.verdict == "go") return missing_approvals(runbook_, state_, question.task);
  return std::get<Gate>(runbook_.tasks[question.task].kind).approvals;
}

// A line typed at the prompt answers what the front question asks now: a verdict, then (for
// approvals) who decides, then (for a no-go or a hold) why, then (for a no-go) a confirmation;
// a person's verdict needs the operator's name, once.
void Executor::on(const TerminalLine& line) {
  if (questions_.empty() || !asking_here()) return;
  console_.answered();
  Question& question = questions_.front();
  const OpenQuestion open_now = *open(question.task);
  const std::string answer = trim(line.text);
  if (!question.verdict) return take_verdict(question, open_now, answer);
  if (question.reason) return confirm_no_go(question, open_now, answer);
  if (question.by) return take_reason(question, open_now, answer);
  if (answer.empty()) return ask_front();
  if (open_now.waiting_for == WaitingFor::approval) {
    return take_decider(question, open_now, answer);
  }
  take_operator(question, open_now, answer);
}

void Executor::take_verdict(Question& question, const OpenQuestion& open_now,
                            const std::string& answer) {
  const std::size_t space = answer.find_first_of(" \t");
  const auto verdict = parse_answer(open_now, answer.substr(0, space));
  if (!verdict) {
    if (!answer.empty()) {
      note(fmt::format("'{}' is not an answer here: {}", answer, answer_words(open_now)));
    }
    return ask_front();
  }
  question.verdict = std::string(*verdict);
  if (space != std::string::npos) question.note = trim(answer.substr(space));
  if (open_now.waiting_for != WaitingFor::approval && !operator_.empty()) {
    return decide_at_terminal(question, open_now, operator_);
  }
  ask_front();
}

void Executor::take_decider(Question& question, const OpenQuestion& open_now,
                            const std::string& answer) {
  const auto names = deciders(question);
  if (std::find(names.begin(), names.end(), answer) == names.end()) {
    note(fmt::format("'{}' is not one of: {}", answer, fmt::join(names, ", ")));
    return ask_front();
  }
  if (question.verdict == "go") return decide_at_terminal(question, open_now, answer);
  question.by = answer;
  if (!question.note.empty()) return take_reason(question, open_now, question.note);
  ask_front();
}

// Why a no-go (which is then confirmed) or a hold (which is then taken).
void Executor::take_reason(Question& question, const OpenQuestion& open_now,
                           const std::string& answer) {
  if (answer.empty()) {
    note(fmt::format("a {} needs its reason, for the journal and the report", *question.verdict));
    return ask_front();
  }
  question.reason = answer;
  if (question.verdict == "hold") return decide_at_terminal(question, open_now, *question.by);
  ask_front();
}

// The operator's name, asked at the first answer that needs one and kept for the rest of the
// run (`--by` gives it up front).
void Executor::take_operator(Question& question, const OpenQuestion& open_now,
                             const std::string& answer) {
  if (answer.size() > 100) {
    note("a name is at most 100 characters");
    return ask_front();
  }
  operator_ = answer;
  note(fmt::format("    answers here are by {} from now on (--by NAME sets it at the start)",
                   operator_));
  decide_at_terminal(question, open_now, operator_);
}

// The last step of a no-go at the prompt: "no-go" confirms it; anything else takes it back,
// and the gate goes on waiting.
void Executor::confirm_no_go(Question& question, const OpenQuestion& open_now,
                             const std::string& answer) {
  if (answer != "no-go") {
    note(fmt::format("not confirmed: {} goes on waiting", runbook_.tasks[question.task].id));
    question = Question{question.task};
    return ask_front();
  }
  decide_at_terminal(question, open_now, *question.by);
}

void Executor::decide_at_terminal(Question& question, const OpenQuestion& open_now,
                                  const std::string& by) {
  const TaskIndex task = question.task;
  const Decision decision = decision_at_terminal(question, open_now, by);
  // Unless the decision settles the question (withdrawing it), it is asked again afresh:
  // the next approver of a gate.
  question = Question{task};
  terminal_note_ = decision.note;
  settle(task, decision, judge(runbook_, graph_, state_, decision, ExecutorPresence::running),
         false);
  terminal_note_.clear();
  ask_front();
}

Decision Executor::decision_at_terminal(const Question& question, const OpenQuestion& open_now,
                                        const std::string& by) const {
  Decision decision;
  decision.run_id = setup_.run_id;
  decision.task = runbook_.tasks[question.task].id;
  decision.by = by;
  decision.user = setup_.user;
  decision.host = setup_.host;
  decision.time = now_utc();
  decision.note = question.reason.value_or(question.note);
  if (open_now.waiting_for != WaitingFor::approval) {
    decision.verdict = *parse_verdict(*question.verdict);
  } else if (question.verdict == "go") {
    decision.kind = DecisionKind::approve;
  } else {
    decision.kind = question.verdict == "hold" ? DecisionKind::hold : DecisionKind::reject;
  }
  return decision;
}

void Executor::on(const InboxChanged&) {
  take_inbox(ExecutorPresence::running);
}

void Executor::take_inbox(ExecutorPresence executor) {
  if (setup_.run_dir.empty() || options_.dry_run) return;
  for (const InboxItem& item : read_inbox(setup_.run_dir)) {
    if (const auto* decision = std::get_if<Decision>(&item.content)) {
      take(*decision, executor);
    } else {
      event::DecisionRefused refused;
      refused.file = item.file.filename().string();
      refused.reason = std::get<std::string>(item.content);
      record(std::move(refused), Durability::now);
      console_.alert(fmt::format("{} refused {}", stamp(), std::get<std::string>(item.content)));
    }
    remove_from_inbox(item, *setup_.file_system);
  }
}

void Executor::take(const Decision& decision, ExecutorPresence executor) {
  if (state_.decisions.contains(decision.id)) return;  // taken in before a crash
  Effect effect = decision.run_id == setup_.run_id
                      ? judge(runbook_, graph_, state_, decision, executor)
                      : effect::Refused{fmt::format("it was meant for run {}", decision.run_id)};
  settle(graph_.find(decision.task).value_or(0), decision, effect, true);
}

// Carries out a decision judged against the state of the moment.
void Executor::settle(TaskIndex task, const Decision& decision, const Effect& effect,
                      bool from_inbox) {
  deciding_ = from_inbox ? &decision : nullptr;
  std::visit([&](const auto& e) { carry_out(task, decision, e); }, effect);
  deciding_ = nullptr;
}

void Executor::carry_out(TaskIndex, const Decision& decision, const effect::Refused& refused) {
  record(
      event::DecisionRefused{
          {},
          decision.run_id,
          std::string(to_string(decision.kind)),
          decision.task,
          decision.kind == DecisionKind::mark ? std::string(to_string(decision.verdict))
                                              : std::string(),
          {decision.by, decision.user, decision.host, decision.id, decision.note},
          refused.reason},
      Durability::now);
  console_.alert(fmt::format(
      "{} refused: {} {}{} by {} ({}@{}): {}", stamp(), to_string(decision.kind), decision.task,
      decision.kind == DecisionKind::mark ? fmt::format(" {}", to_string(decision.verdict)) : "",
      decision.by, decision.user, decision.host, refused.reason));
}

void Executor::carry_out(TaskIndex task, const Decision& decision,
                         const effect::FinishTask& finish) {
  withdraw(task, decision);
  finish_task(task, finish.status,
              finish.status == TaskStatus::failed ? marked_failed(decision) : "", nullptr,
              decision.by);
}

void Executor::carry_out(TaskIndex task, const Decision& decision, const effect::RunAgain&) {
  // Never two of the same task at once: what is left of its last attempt must end first.
  if (!state_.people_do(runbook_, task)) {
    const auto alive = leftover_processes(task, state_.tasks[task].pid);
    if (!alive.empty()) {
      return carry_out(task, decision,
                       effect::Refused{fmt::format(
                           "processes of {} from before are still running (pid {}): retry "
                           "once they have ended",
                           runbook_.tasks[task].id, fmt::join(alive, ", "))});
    }
  }
  withdraw(task, decision);
  record(event::TaskReset{id_of(task), person(decision.by), false, {}}, Durability::now);
  note(fmt::format("{} again  {}: runs again (by {})", stamp(), runbook_.tasks[task].id,
                   decision.by));
}

void Executor::carry_out(TaskIndex task, const Decision& decision,
                         const effect::FinishRollbackStep& finish) {
  withdraw(task, decision);
  finish_rollback(task, finish.ok, marked_failed(decision), decision.by, nullptr);
}

void Executor::carry_out(TaskIndex task, const Decision& decision,
                         const effect::RunRollbackStepAgain&) {
  withdraw(task, decision);
  record(event::TaskReset{id_of(task), person(decision.by), true, {}}, Durability::now);
  note(fmt::format("{} again  {}: its rollback step runs again (by {})", stamp(),
                   runbook_.tasks[task].id, decision.by));
}

void Executor::carry_out(TaskIndex task, const Decision& decision, const effect::Approve&) {
  approve(task, decision.by, decision.by);
  if (state_.tasks[task].finished()) withdraw(task, decision);
}

void Executor::carry_out(TaskIndex task, const Decision& decision, const effect::Reject&) {
  withdraw(task, decision);
  reject(task, decision.by);
}

void Executor::carry_out(TaskIndex task, const Decision& decision, const effect::Hold&) {
  hold(task, decision.by);
}

// The task's open questions are settled: the one being asked here is taken back, saying by
// whom, when the decision came from elsewhere.
void Executor::withdraw(TaskIndex task, const Decision& decision) {
  const bool asked_here = !questions_.empty() && questions_.front().task == task;
  std::erase_if(questions_, [&](const Question& question) { return question.task == task; });
  // A terminal answer asks the next question itself, once it is carried out.
  if (!asked_here || !deciding_ || !asking_here()) return;
  console_.withdraw();
  note(fmt::format("{} [{}] answered at another terminal by {} ({}@{})", stamp(),
                   runbook_.tasks[task].id, decision.by, decision.user, decision.host));
  ask_front();
}

std::string Executor::trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

void Executor::on(const TerminalClosed&) {
  // Nobody is left to answer here: open questions wait for mark / approve from elsewhere.
  if (terminal_closed_) return;
  terminal_closed_ = true;
  console_.answered();
  if (questions_.empty() || options_.non_interactive) return;
  note(fmt::format("{} the terminal's input closed: answer from another terminal", stamp()));
  for (const Question& question : questions_) {
    for (const std::string& command : answer_lines(question.task)) {
      note(fmt::format("    {}", command));
    }
  }
}

}  // namespace cutover::detail
