#include "run/terminal_questions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cutover/runbook/diagnostics.hpp"

namespace cutover::detail {

namespace {

constexpr std::size_t max_name_length = 100;

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

TerminalQuestions::TerminalQuestions(const Runbook& runbook, std::string operator_name)
    : runbook_(runbook), operator_(std::move(operator_name)) {}

bool TerminalQuestions::ask(TaskIndex task) {
  questions_.push_back(Question{task});
  return questions_.size() == 1;
}

bool TerminalQuestions::asks(TaskIndex task) const {
  return std::any_of(questions_.begin(), questions_.end(),
                     [&](const Question& question) { return question.task == task; });
}

bool TerminalQuestions::drop(TaskIndex task) {
  const bool asked_now = !questions_.empty() && questions_.front().task == task;
  std::erase_if(questions_, [&](const Question& question) { return question.task == task; });
  return asked_now;
}

std::vector<TaskIndex> TerminalQuestions::tasks() const {
  std::vector<TaskIndex> tasks;
  for (const Question& question : questions_) tasks.push_back(question.task);
  return tasks;
}

// Who may answer an approval question: the approvers still missing for a go or a hold, any
// of them for a no-go.
std::vector<std::string> TerminalQuestions::deciders(const RunState& state,
                                                     const Question& question) const {
  if (question.verdict != "no-go") return missing_approvals(runbook_, state, question.task);
  return std::get<Gate>(runbook_.tasks[question.task].kind).approvals;
}

TerminalPrompt TerminalQuestions::prompt(const RunState& state, const OpenQuestion& open_now) {
  const Question& question = questions_.front();
  const std::string& id = runbook_.tasks[question.task].id;
  TerminalPrompt out;
  if (!question.verdict) {
    if (!notes_explained_) {
      notes_explained_ = true;
      out.remarks.emplace_back("    (words typed after an answer go into the journal as its note)");
    }
    out.question = cutover::prompt(runbook_, state, open_now);
  } else if (question.reason) {
    out.question = fmt::format(
        "[{}] a no-go fails the gate and its on_failure applies (by default, the run rolls "
        "back). Type no-go to confirm: ",
        id);
  } else if (question.by) {
    out.question = fmt::format("[{}] why {}? ", id, *question.verdict);
  } else if (open_now.waiting_for == WaitingFor::approval) {
    out.question =
        fmt::format("[{}] who decides? ({}): ", id, fmt::join(deciders(state, question), ", "));
  } else {
    out.question = fmt::format("[{}] your name (asked once): ", id);
  }
  return out;
}

Typed TerminalQuestions::take(std::string_view line, const RunState& state,
                              const OpenQuestion& open_now) {
  Typed out;
  Question& question = questions_.front();
  const std::string typed = trim(line);
  if (!question.verdict) {
    take_verdict(question, open_now, typed, out);
  } else if (question.reason) {
    confirm_no_go(question, typed, out);
  } else if (question.by) {
    take_reason(question, typed, out);
  } else if (typed.empty()) {
    // asked again
  } else if (open_now.waiting_for == WaitingFor::approval) {
    take_decider(question, state, typed, out);
  } else {
    take_operator(question, typed, out);
  }
  if (out.answer) answer(question, open_now, *out.answer);
  return out;
}

void TerminalQuestions::take_verdict(Question& question, const OpenQuestion& open_now,
                                     const std::string& typed, Typed& out) {
  const std::size_t space = typed.find_first_of(" \t");
  const auto verdict = parse_answer(open_now, typed.substr(0, space));
  if (!verdict) {
    if (!typed.empty()) {
      out.remarks.push_back(
          fmt::format("'{}' is not an answer here: {}", typed, answer_words(open_now)));
    }
    return;
  }
  question.verdict = std::string(*verdict);
  if (space != std::string::npos) question.note = trim(typed.substr(space));
  if (open_now.waiting_for != WaitingFor::approval && !operator_.empty()) {
    out.answer = TerminalAnswer{question.task, DecisionKind::mark, {}, operator_, {}};
  }
}

void TerminalQuestions::take_decider(Question& question, const RunState& state,
                                     const std::string& typed, Typed& out) {
  const auto names = deciders(state, question);
  if (std::find(names.begin(), names.end(), typed) == names.end()) {
    out.remarks.push_back(fmt::format("'{}' is not one of: {}", typed, fmt::join(names, ", ")));
    return;
  }
  if (question.verdict == "go") {
    out.answer = TerminalAnswer{question.task, DecisionKind::approve, {}, typed, {}};
    return;
  }
  question.by = typed;
  if (!question.note.empty()) take_reason(question, question.note, out);
}

// Why a no-go (which is then confirmed) or a hold (which is then taken).
void TerminalQuestions::take_reason(Question& question, const std::string& typed, Typed& out) {
  if (typed.empty()) {
    out.remarks.push_back(
        fmt::format("a {} needs its reason, for the journal and the report", *question.verdict));
    return;
  }
  question.reason = typed;
  if (question.verdict == "hold") {
    out.answer = TerminalAnswer{question.task, DecisionKind::hold, {}, *question.by, {}};
  }
}

// The operator's name, asked at the first answer that needs one and kept for the rest of the
// run (`--by` gives it up front).
void TerminalQuestions::take_operator(Question& question, const std::string& typed, Typed& out) {
  if (typed.size() > max_name_length || printable(typed) != typed) {
    out.remarks.emplace_back("a name is 1 to 100 printable characters");
    return;
  }
  operator_ = typed;
  out.remarks.push_back(fmt::format(
      "    answers here are by {} from now on (--by NAME sets it at the start)", operator_));
  out.answer = TerminalAnswer{question.task, DecisionKind::mark, {}, operator_, {}};
}

// The last step of a no-go at the prompt: "no-go" confirms it; anything else takes it back,
// and the gate goes on waiting.
void TerminalQuestions::confirm_no_go(Question& question, const std::string& typed, Typed& out) {
  if (typed != "no-go") {
    out.remarks.push_back(
        fmt::format("not confirmed: {} goes on waiting", runbook_.tasks[question.task].id));
    question = Question{question.task};
    return;
  }
  out.answer = TerminalAnswer{question.task, DecisionKind::reject, {}, *question.by, {}};
}

void TerminalQuestions::answer(Question& question, const OpenQuestion& open_now,
                               TerminalAnswer& answer) {
  answer.note = question.reason.value_or(question.note);
  if (open_now.waiting_for != WaitingFor::approval) {
    answer.kind = DecisionKind::mark;
    answer.verdict = *parse_verdict(*question.verdict);
  }
  question = Question{question.task};
}

}  // namespace cutover::detail
