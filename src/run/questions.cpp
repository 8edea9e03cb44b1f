#include "cutover/run/questions.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cutover {

namespace {

constexpr std::string_view done = "done", failed = "failed", skipped = "skipped", retry = "retry";

std::vector<std::string> owner_of(const Task& task) {
  if (task.owner.empty()) return {};
  return {task.owner};
}

std::optional<OpenQuestion> task_question(const Runbook& runbook, const RunState& state,
                                          TaskIndex index, ExecutorPresence executor) {
  const Task& task = runbook.tasks[index];
  const TaskState& own = state.tasks[index];
  OpenQuestion question{index, WaitingFor::nothing, {}, own.waiting_since, {}, false};
  if (task_in_doubt(own, executor)) {
    const bool backwards = state.rolling_back();
    // Rolling back, nothing runs forward: with nothing to undo, the rollback does not wait.
    if (backwards && !task.rollback) return std::nullopt;
    question.waiting_for = WaitingFor::decision;
    if (!question.since && own.status == TaskStatus::in_doubt) question.since = own.finished_at;
    // With an executor at work, what is still in doubt is what it could not settle: a person
    // decides.
    if (executor == ExecutorPresence::absent && resume_reruns(runbook, state, index, false)) {
      question.resume_settles = true;
    } else if (backwards) {
      question.answers = {done, failed};  // done: it is rolled back
    } else {
      question.answers = {done, failed, retry};
    }
    return question;
  }
  if (own.status != TaskStatus::waiting) return std::nullopt;
  if (!question.since) question.since = own.started_at;
  if (std::vector<std::string> due = missing_approvals(runbook, state, index); !due.empty()) {
    question.waiting_for = WaitingFor::approval;
    question.waiting_on = std::move(due);
    question.answers = {"go", "no-go", "hold"};
    return question;
  }
  // Every approval is in: the gate ends at once, nobody is asked anything more.
  if (task.is_gate() && !state.track) return std::nullopt;
  question.waiting_for = WaitingFor::manual;
  question.waiting_on = owner_of(task);
  question.answers = {done, failed, skipped};
  return question;
}

std::optional<OpenQuestion> rollback_question(const Runbook& runbook, const RunState& state,
                                              TaskIndex index, ExecutorPresence executor) {
  const TaskState& own = state.tasks[index];
  OpenQuestion question{index, WaitingFor::nothing, {}, own.waiting_since, {}, false};
  if (rollback_step_in_doubt(runbook, state, index, executor)) {
    question.waiting_for = WaitingFor::rollback_decision;
    if (executor == ExecutorPresence::absent && resume_reruns(runbook, state, index, true)) {
      question.resume_settles = true;
    } else {
      question.answers = {done, failed, retry};
    }
    return question;
  }
  if (own.rollback == RollbackStatus::running && state.people_undo(runbook, index)) {
    question.waiting_for = WaitingFor::rollback_step;
    question.waiting_on = owner_of(runbook.tasks[index]);
    question.answers = {done, failed};
    return question;
  }
  return std::nullopt;
}

}  // namespace

bool task_in_doubt(const TaskState& task, ExecutorPresence executor) {
  const bool crashed_running = executor == ExecutorPresence::absent &&
                               task.status == TaskStatus::running && !task.between_attempts;
  return task.status == TaskStatus::in_doubt || crashed_running;
}

bool rollback_step_in_doubt(const Runbook& runbook, const RunState& state, TaskIndex task,
                            ExecutorPresence executor) {
  const RollbackStatus step = state.tasks[task].rollback;
  return step == RollbackStatus::in_doubt ||
         (step == RollbackStatus::running && executor == ExecutorPresence::absent &&
          !state.people_undo(runbook, task));
}

bool resume_reruns(const Runbook& runbook, const RunState& state, TaskIndex task,
                   bool rollback_step) {
  const Task& own = runbook.tasks[task];
  if (rollback_step) return own.idempotent;
  if (state.rolling_back()) return false;
  return state.people_do(runbook, task) || own.is_gate() || state.tasks[task].between_attempts ||
         own.idempotent;
}

std::string_view to_string(WaitingFor waiting_for) {
  switch (waiting_for) {
    case WaitingFor::nothing:
      return "nothing";
    case WaitingFor::manual:
      return "manual";
    case WaitingFor::approval:
      return "approval";
    case WaitingFor::decision:
      return "decision";
    case WaitingFor::rollback_step:
      return "rollback_step";
    case WaitingFor::rollback_decision:
      return "rollback_decision";
  }
  return "nothing";
}

std::vector<std::string> missing_approvals(const Runbook& runbook, const RunState& state,
                                           TaskIndex task) {
  std::vector<std::string> missing;
  const auto* gate = std::get_if<Gate>(&runbook.tasks[task].kind);
  if (!gate) return missing;
  const auto& approved = state.tasks[task].approved_by;
  std::size_t given = 0;
  for (const std::string& name : gate->approvals) {
    if (std::find(approved.begin(), approved.end(), name) == approved.end()) {
      missing.push_back(name);
    } else {
      ++given;
    }
  }
  // Four eyes: once enough of them approved, nobody else is waited for.
  if (given >= gate->approvals_needed()) missing.clear();
  return missing;
}

std::optional<OpenQuestion> open_question(const Runbook& runbook, const RunState& state,
                                          TaskIndex task, ExecutorPresence executor) {
  if (auto question = task_question(runbook, state, task, executor)) return question;
  return rollback_question(runbook, state, task, executor);
}

std::vector<OpenQuestion> open_questions(const Runbook& runbook, const RunState& state,
                                         ExecutorPresence executor) {
  std::vector<OpenQuestion> questions;
  for (TaskIndex task = 0; task < runbook.tasks.size(); ++task) {
    if (auto question = open_question(runbook, state, task, executor)) {
      questions.push_back(std::move(*question));
    }
  }
  return questions;
}

std::vector<std::string> answer_commands(const Runbook& runbook, const OpenQuestion& question,
                                         std::string_view run_dir) {
  const std::string dir = shell_word(run_dir);
  const std::string id = shell_word(runbook.tasks[question.task].id);
  if (question.resume_settles) return {fmt::format("cutover resume {}", dir)};
  // With identities every decision is signed with the person's own key.
  const std::string_view key = runbook.identity ? " --key KEY" : "";
  if (question.waiting_for == WaitingFor::approval) {
    std::vector<std::string> commands;
    for (const std::string& approver : question.waiting_on) {
      commands.push_back(
          fmt::format("cutover approve {} {} --by {}{}", dir, id, shell_word(approver), key));
    }
    // A no-go is as much an answer as a go, and any approver may give it.
    commands.push_back(fmt::format("cutover reject {} {} --by NAME --note REASON{}", dir, id, key));
    // Not yet: the gate goes on waiting, and the journal says who holds it and why.
    commands.push_back(fmt::format("cutover hold {} {} --by NAME --note REASON{}", dir, id, key));
    return commands;
  }
  if (question.answers.empty()) return {};
  return {fmt::format("cutover mark {} {} {} --by NAME{}", dir, id,
                      fmt::join(question.answers, "|"), key)};
}

std::string answer_words(const OpenQuestion& question) {
  std::string words;
  for (std::size_t i = 0; i < question.answers.size(); ++i) {
    if (i > 0) words += i + 1 == question.answers.size() ? " or " : ", ";
    words += question.answers[i];
  }
  return words;
}

std::string prompt(const Runbook& runbook, const RunState& state, const OpenQuestion& question) {
  std::string_view about;
  switch (question.waiting_for) {
    case WaitingFor::rollback_step:
      about = "rollback ";
      break;
    case WaitingFor::decision:
      about = state.rolling_back() ? "in doubt: did it happen? " : "in doubt: ";
      break;
    case WaitingFor::rollback_decision:
      about = "rollback in doubt: ";
      break;
    default:
      break;
  }
  std::string letters;
  for (const std::string_view answer : question.answers) {
    letters += (letters.empty() ? "" : "/") + std::string(1, answer.front());
  }
  return fmt::format("[{}] {}{}? [{}]: ", runbook.tasks[question.task].id, about,
                     answer_words(question), letters);
}

std::optional<std::string_view> parse_answer(const OpenQuestion& question, std::string_view typed) {
  for (const std::string_view answer : question.answers) {
    if (typed == answer || (typed.size() == 1 && typed.front() == answer.front())) return answer;
  }
  return std::nullopt;
}

std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:+=@%,").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace cutover
