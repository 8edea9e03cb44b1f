#include <fmt/format.h>

#include "cutover/run/inbox.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
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

// With identities, every answer must be signed, which a prompt cannot do: questions are shown
// with the commands that answer them instead.
bool Executor::asking_here() const {
  return !options_.non_interactive && !terminal_closed_ && !runbook_.identity;
}

void Executor::ask_person(TaskIndex task) {
  const auto open_now = open(task);
  if (!open_now) return;  // settled already
  if (options_.dry_run || options_.auto_people) return answer_auto(task, *open_now);
  introduce(*open_now);
  if (questions_.ask(task)) ask_front();
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

void Executor::answer_auto(TaskIndex task, const OpenQuestion& open_now) {
  switch (open_now.waiting_for) {
    case WaitingFor::manual:
      return finish_task(task, TaskStatus::succeeded, {}, nullptr, "auto");
    case WaitingFor::rollback_step:
      return finish_rollback(task, true, {}, "auto", nullptr);
    case WaitingFor::approval:
      for (const std::string& name : open_now.waiting_on) approve(task, name, "auto");
      return;
    case WaitingFor::decision:
    case WaitingFor::rollback_decision:
    case WaitingFor::nothing:
      // `auto` answers for people in rehearsals; whether a cut-off command finished is not
      // something it can know. The question waits for a person.
      questions_.ask(task);
      return show_answer_commands(task);
  }
}

void Executor::ask_front() {
  const auto task = questions_.front([&](TaskIndex asked) { return open(asked).has_value(); });
  if (!task || !asking_here()) return;
  const TerminalPrompt prompt = questions_.prompt(state_, *open(*task));
  for (const std::string& remark : prompt.remarks) note(remark);
  console_.ask(prompt.question);
}

void Executor::on(const TerminalLine& line) {
  const auto task = questions_.front([&](TaskIndex asked) { return open(asked).has_value(); });
  if (task && runbook_.identity && line.text.find_first_not_of(" \t") != std::string::npos) {
    note(
        fmt::format("{} not taken: decisions in this run are signed ({}); answer from a terminal "
                    "with your key:",
                    stamp(), runbook_.identity->allowed_signers));
    return show_answer_commands(*task);
  }
  if (!task || !asking_here()) return;
  console_.answered();
  const Typed typed = questions_.take(line.text, state_, *open(*task));
  for (const std::string& remark : typed.remarks) note(remark);
  if (typed.answer) decide_at_terminal(*typed.answer);
  ask_front();
}

// An answer typed here is judged like one from another terminal, against the state of the
// moment, and carried out the same way.
void Executor::decide_at_terminal(const TerminalAnswer& answer) {
  Decision decision;
  decision.run_id = setup_.run_id;
  decision.kind = answer.kind;
  decision.task = runbook_.tasks[answer.task].id;
  decision.verdict = answer.verdict;
  decision.by = answer.by;
  decision.note = answer.note;
  decision.user = setup_.user;
  decision.host = setup_.host;
  decision.time = now_utc();
  terminal_note_ = decision.note;
  settle(answer.task, decision,
         judge(runbook_, graph_, state_, decision, ExecutorPresence::running), false);
  terminal_note_.clear();
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

// With identities: why a decision's signature does not make it this person's, for this run.
std::optional<std::string> Executor::unsigned_reason(const Decision& decision) const {
  if (decision.signature.empty()) return "it is not signed";
  if (header_time() != decision.run_started) {
    return fmt::format("it was meant for another run of the same id (started {})",
                       decision.run_started);
  }
  return signature_problem(runbook_.identity->text, decision.by,
                           statement_text(statement_of(decision)), decision.signature);
}

// Read once: the header never changes while the run lives.
const std::string& Executor::header_time() const {
  if (!header_time_) {
    const auto header = read_journal_header(setup_.run_dir / journal_file_name);
    header_time_ = header ? format_utc_ms(header->time) : std::string();
  }
  return *header_time_;
}

void Executor::take(const Decision& decision, ExecutorPresence executor) {
  if (state_.decisions.contains(decision.id)) {
    // Taken in before a crash, or a copy of a decision carried out (or refused) already: it
    // is good once.
    note(fmt::format("{} decision {} was taken in already: its file is removed", stamp(),
                     decision.id));
    return;
  }
  const auto signature_wrong = runbook_.identity && decision.run_id == setup_.run_id
                                   ? unsigned_reason(decision)
                                   : std::nullopt;
  Effect effect = decision.run_id != setup_.run_id
                      ? effect::Refused{fmt::format("it was meant for run {}", decision.run_id)}
                  : signature_wrong ? effect::Refused{*signature_wrong}
                                    : judge(runbook_, graph_, state_, decision, executor);
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
  const bool asked_here = questions_.drop(task);
  // A terminal answer asks the next question itself, once it is carried out.
  if (!asked_here || !deciding_ || !asking_here()) return;
  console_.withdraw();
  note(fmt::format("{} [{}] answered at another terminal by {} ({}@{})", stamp(),
                   runbook_.tasks[task].id, decision.by, decision.user, decision.host));
  ask_front();
}

void Executor::on(const TerminalClosed&) {
  // Nobody is left to answer here: open questions wait for mark / approve from elsewhere.
  if (terminal_closed_) return;
  terminal_closed_ = true;
  console_.answered();
  if (questions_.empty() || options_.non_interactive) return;
  note(fmt::format("{} the terminal's input closed: answer from another terminal", stamp()));
  for (const TaskIndex task : questions_.tasks()) {
    for (const std::string& command : answer_lines(task)) {
      note(fmt::format("    {}", command));
    }
  }
}

}  // namespace cutover::detail
