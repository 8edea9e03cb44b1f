#pragma once
// The questions put to the person at the executor's terminal, one at a time, and what a typed
// line makes of them: first a verdict ("d" or "done", "g", "n", "h"), the words after it being
// its note; then, as the question needs, who decides (an approval), why (a no-go or a hold), a
// confirmation typed in full (a no-go), the operator's name (asked once for the whole run). Pure:
// the executor draws the prompt, shows the remarks and carries out the answers, and it says
// (from the journal) which questions are still open.

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/run/decision.hpp"
#include "cutover/run/questions.hpp"

namespace cutover::detail {

// A question answered in full at the terminal: a decision, but for who and when.
struct TerminalAnswer {
  TaskIndex task = 0;
  DecisionKind kind = DecisionKind::mark;
  Verdict verdict = Verdict::done;  // for a mark
  std::string by;
  std::string note;  // a no-go's or a hold's reason, or the words after the verdict
};

// What to show for the question asked now: remarks first (each on a line of its own), then the
// question itself, waiting for a line.
struct TerminalPrompt {
  std::vector<std::string> remarks;
  std::string question;
};

// What a typed line did: remarks to show (why it was not taken, a name kept), and the answer
// once the question has been answered in full.
struct Typed {
  std::vector<std::string> remarks;
  std::optional<TerminalAnswer> answer;
};

class TerminalQuestions {
 public:
  // `operator_name`: --by, or empty to ask at the first answer that needs a name.
  TerminalQuestions(const Runbook& runbook, std::string operator_name);

  // Queued behind those asked before; true when it is the one asked now.
  bool ask(TaskIndex task);
  bool asks(TaskIndex task) const;
  // Settled elsewhere: asked no more. True when it was the one being asked.
  bool drop(TaskIndex task);
  void clear() { questions_.clear(); }
  bool empty() const { return questions_.empty(); }
  std::vector<TaskIndex> tasks() const;
  // Drops the settled questions at the front (`open` says, from the journal) and returns the
  // task asked now, if any.
  template <typename IsOpen>
  std::optional<TaskIndex> front(const IsOpen& open) {
    while (!questions_.empty() && !open(questions_.front().task)) questions_.pop_front();
    if (questions_.empty()) return std::nullopt;
    return questions_.front().task;
  }

  // The front question as it stands; `open_now` is its OpenQuestion.
  TerminalPrompt prompt(const RunState& state, const OpenQuestion& open_now);
  // A line typed for the front question.
  Typed take(std::string_view line, const RunState& state, const OpenQuestion& open_now);

 private:
  struct Question {
    TaskIndex task = 0;
    std::optional<std::string> verdict{};  // the first answer
    std::string note{};                    // the words typed after it
    std::optional<std::string> by{};       // who decides a no-go or a hold
    std::optional<std::string> reason{};   // why: a no-go is then confirmed
  };

  std::vector<std::string> deciders(const RunState& state, const Question& question) const;
  void take_verdict(Question& question, const OpenQuestion& open_now, const std::string& typed,
                    Typed& out);
  void take_decider(Question& question, const RunState& state, const std::string& typed,
                    Typed& out);
  void take_reason(Question& question, const std::string& typed, Typed& out);
  void take_operator(Question& question, const std::string& typed, Typed& out);
  void confirm_no_go(Question& question, const std::string& typed, Typed& out);
  // The question is answered in full: the answer gets its verdict and note, and the question
  // starts afresh, should it still be open (the next approver of a gate).
  void answer(Question& question, const OpenQuestion& open_now, TerminalAnswer& answer);

  const Runbook& runbook_;
  std::string operator_;
  bool notes_explained_ = false;
  std::deque<Question> questions_;
};

}  // namespace cutover::detail
