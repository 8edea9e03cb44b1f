#pragma once
// Who waits for what: the one answer, from the folded journal. The executor's prompts and its
// "answer with" lines, `status`, the live view and judge() all ask here, so a question offers
// the same answers and the same command wherever a person meets it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/run/run_state.hpp"

namespace cutover {

// Whether an executor is working on the run right now. Without one, a task that was running
// is in doubt (its executor crashed), and a failed task may be settled before `resume`.
enum class ExecutorPresence { running, absent };

// What a task (or its rollback step) waits for from a person.
enum class WaitingFor {
  nothing,
  manual,             // a manual task (every task in track mode): done, failed or skipped
  approval,           // a gate whose checks held: the approvers not yet heard from
  decision,           // in doubt: did it happen?
  rollback_step,      // a manual rollback step: done or failed
  rollback_decision,  // a rollback step in doubt
};

std::string_view to_string(WaitingFor waiting_for);

struct OpenQuestion {
  TaskIndex task = 0;
  WaitingFor waiting_for = WaitingFor::nothing;
  // Whom it waits on: the approvers still due, the owner of a manual task or rollback step;
  // empty: anyone.
  std::vector<std::string> waiting_on;
  std::optional<UtcTime> since;  // when the waiting began, when the journal says
  // The verdicts a person may give: done, failed, skipped, retry; go, no-go and hold for
  // approvals.
  std::vector<std::string_view> answers;
  // In doubt while no executor works on the run, but `resume` settles it by itself
  // (resume_reruns).
  bool resume_settles = false;
};

// A task started and nobody knows how it ended: cut off (in doubt), or running while no
// executor works on the run (it crashed). A command between two attempts had no process.
bool task_in_doubt(const TaskState& task, ExecutorPresence executor);

// The same for a task's rollback step: cut off, or an automated one running while no
// executor works on the run.
bool rollback_step_in_doubt(const Runbook& runbook, const RunState& state, TaskIndex task,
                            ExecutorPresence executor);

// What `resume` runs (or asks) again by itself when it finds it in doubt, unless a process of
// it is still alive (only `resume` can see that): going forward, a person's task, a gate (its
// checks), a command between two attempts or an idempotent one; while rolling back, the
// rollback step of an idempotent task. Anything else a person decides.
bool resume_reruns(const Runbook& runbook, const RunState& state, TaskIndex task,
                   bool rollback_step);

// The approvers of a gate not yet heard from, in the runbook's order; none once enough have
// approved (every name, or `min` of them).
std::vector<std::string> missing_approvals(const Runbook& runbook, const RunState& state,
                                           TaskIndex task);

// The question a task (or its rollback step) puts to people now, if any.
std::optional<OpenQuestion> open_question(const Runbook& runbook, const RunState& state,
                                          TaskIndex task, ExecutorPresence executor);

// Every open question, in file order.
std::vector<OpenQuestion> open_questions(const Runbook& runbook, const RunState& state,
                                         ExecutorPresence executor);

// What a person types at another terminal to answer it, one command a line; `run_dir` as
// the person should type it (it is shell-quoted here).
std::vector<std::string> answer_commands(const Runbook& runbook, const OpenQuestion& question,
                                         std::string_view run_dir);

// Its answers as a sentence says them: "done, failed or skipped".
std::string answer_words(const OpenQuestion& question);

// The question as a terminal asks it: "[load] done, failed or skipped? [d/f/s]: ".
std::string prompt(const Runbook& runbook, const RunState& state, const OpenQuestion& question);

// A typed answer ("d" or "done") as one of the question's answers, or nothing.
std::optional<std::string_view> parse_answer(const OpenQuestion& question, std::string_view typed);

// A word a shell takes as it is; anything else in single quotes.
std::string shell_word(std::string_view word);

}  // namespace cutover
