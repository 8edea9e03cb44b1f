#include "cutover/run/decision.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

namespace {

constexpr std::pair<DecisionKind, std::string_view> kind_names[] = {
    {DecisionKind::mark, "mark"},
    {DecisionKind::approve, "approve"},
    {DecisionKind::reject, "reject"},
    {DecisionKind::hold, "hold"}};
constexpr std::pair<Verdict, std::string_view> verdict_names[] = {{Verdict::done, "done"},
                                                                  {Verdict::failed, "failed"},
                                                                  {Verdict::skipped, "skipped"},
                                                                  {Verdict::retry, "retry"}};

template <typename T, std::size_t N>
std::string_view name_of(const std::pair<T, std::string_view> (&names)[N], T value) {
  for (const auto& [known, name] : names) {
    if (known == value) return name;
  }
  return names[0].second;
}

template <typename T, std::size_t N>
std::optional<T> parse_name(const std::pair<T, std::string_view> (&names)[N],
                            std::string_view text) {
  for (const auto& [known, name] : names) {
    if (name == text) return known;
  }
  return std::nullopt;
}

using effect::Refused;

class Judge {
 public:
  Judge(const Runbook& runbook, const RunGraph& graph, const RunState& state,
        const Decision& decision, ExecutorPresence executor)
      : runbook_(runbook), graph_(graph), state_(state), decision_(decision), executor_(executor) {}

  Effect judge() const {
    const auto index = graph_.find(decision_.task);
    if (!index) return unknown_task();
    if (state_.outcome == RunOutcome::succeeded || state_.outcome == RunOutcome::rolled_back) {
      return Refused{
          fmt::format("the run already finished ({})",
                      state_.outcome == RunOutcome::succeeded ? "succeeded" : "rolled back")};
    }
    const Task& task = runbook_.tasks[*index];
    const TaskState& own = state_.tasks[*index];
    if (decision_.kind == DecisionKind::mark && rollback_step_open(own)) {
      return rollback_mark(*index, task, own);
    }
    if (decision_.kind != DecisionKind::mark) return gate_decision(*index, task, own);
    return task_mark(*index, task, own);
  }

 private:
  Effect unknown_task() const { return Refused{no_such_task(runbook_, decision_.task)}; }

  bool absent() const { return executor_ == ExecutorPresence::absent; }

  // A rollback step a person can settle: a manual one waiting, one in doubt, one that failed.
  bool rollback_step_open(const TaskState& own) const {
    return own.rollback == RollbackStatus::running || own.rollback == RollbackStatus::in_doubt ||
           own.rollback == RollbackStatus::failed;
  }

  Effect rollback_mark(TaskIndex index, const Task& task, const TaskState& own) const {
    const bool manual = state_.people_undo(runbook_, index);
    if (own.rollback == RollbackStatus::running && !manual && !absent()) {
      return Refused{fmt::format("the rollback step of {} is running", task.id)};
    }
    switch (decision_.verdict) {
      case Verdict::done:
        return effect::FinishRollbackStep{true};
      case Verdict::failed:
        if (own.rollback == RollbackStatus::failed) {
          return Refused{fmt::format("the rollback step of {} already failed", task.id)};
        }
        return effect::FinishRollbackStep{false};
      case Verdict::retry:
        if (own.rollback == RollbackStatus::running && manual) {
          return Refused{fmt::format(
              "the rollback step of {} waits for a person: mark it done or failed", task.id)};
        }
        return effect::RunRollbackStepAgain{};
      case Verdict::skipped:
        break;
    }
    return Refused{fmt::format("a rollback step is marked done, failed or retry, not {}",
                               to_string(decision_.verdict))};
  }

  Effect gate_decision(TaskIndex index, const Task& task, const TaskState& own) const {
    const auto* gate = std::get_if<Gate>(&task.kind);
    if (!gate || gate->approvals.empty()) {
      return Refused{fmt::format("{} is not a gate with approvals: use cutover mark", task.id)};
    }
    const auto& names = gate->approvals;
    if (std::find(names.begin(), names.end(), decision_.by) == names.end()) {
      return Refused{fmt::format("'{}' is not an approver of {}; its approvers are: {}",
                                 decision_.by, task.id, fmt::join(names, ", "))};
    }
    // A gate cut off while it waited for its approvers (or ran its checks) takes their
    // decisions as they come: an approval counts, and once every approver is heard from the
    // gate is through.
    if (own.status != TaskStatus::waiting && !task_in_doubt(own, executor_)) {
      return not_waiting(index, "approvals");
    }
    const bool approved = std::find(own.approved_by.begin(), own.approved_by.end(), decision_.by) !=
                          own.approved_by.end();
    if (decision_.kind == DecisionKind::reject) return effect::Reject{};
    if (approved) return Refused{fmt::format("{} already approved {}", decision_.by, task.id)};
    if (decision_.kind == DecisionKind::hold) {
      if (own.status != TaskStatus::waiting) return not_waiting(index, "approvals");
      return effect::Hold{};
    }
    return effect::Approve{};
  }

  Effect task_mark(TaskIndex index, const Task& task, const TaskState& own) const {
    const auto* gate = std::get_if<Gate>(&task.kind);
    const bool decided_by_approvals = gate && !gate->approvals.empty();
    if (decided_by_approvals && own.status != TaskStatus::in_doubt) {
      return Refused{fmt::format("{} is a gate: approve or reject it", task.id)};
    }
    const bool in_doubt =
        own.status == TaskStatus::in_doubt || (own.status == TaskStatus::running && absent());
    if (in_doubt && decision_.verdict == Verdict::retry && state_.rolling_back()) {
      return Refused{fmt::format(
          "the run is rolling back, so {} does not run again: mark it done (it is rolled back) "
          "or failed",
          task.id)};
    }
    if (in_doubt) return settle();
    if (own.status == TaskStatus::waiting && state_.people_do(runbook_, index)) {
      const auto question = open_question(runbook_, state_, index, executor_);
      const auto& answers = question->answers;
      if (std::find(answers.begin(), answers.end(), to_string(decision_.verdict)) ==
          answers.end()) {
        return Refused{
            fmt::format("{} waits for a person: mark it {}", task.id, answer_words(*question))};
      }
      return settle();
    }
    if (own.status == TaskStatus::failed) return failed_mark(task);
    return not_waiting(index, "a decision");
  }

  Effect settle() const {
    switch (decision_.verdict) {
      case Verdict::done:
        return effect::FinishTask{TaskStatus::succeeded};
      case Verdict::failed:
        return effect::FinishTask{TaskStatus::failed};
      case Verdict::skipped:
        return effect::FinishTask{TaskStatus::skipped};
      case Verdict::retry:
        return effect::RunAgain{};
    }
    return effect::RunAgain{};
  }

  // A failure that stopped the run can be settled by hand, or run again, before `resume`.
  Effect failed_mark(const Task& task) const {
    if (task.on_failure == OnFailure::continue_) {
      return Refused{fmt::format(
          "{} failed with on_failure: continue, and its dependents went ahead", task.id)};
    }
    if (!absent() && state_.phase != RunPhase::finished) {
      return Refused{fmt::format(
          "{} failed and the run is stopping; mark it once the executor has stopped, then resume",
          task.id)};
    }
    if (decision_.verdict == Verdict::failed) {
      return Refused{fmt::format("{} already failed", task.id)};
    }
    return settle();
  }

  Effect not_waiting(TaskIndex index, std::string_view what) const {
    const Task& task = runbook_.tasks[index];
    const TaskState& own = state_.tasks[index];
    switch (own.status) {
      case TaskStatus::pending:
        return Refused{fmt::format("{} has not started yet{}", task.id, waiting_for(index))};
      case TaskStatus::running:
      case TaskStatus::in_doubt:
        if (task_in_doubt(own, executor_)) {
          return Refused{fmt::format(
              "{} is in doubt (cut off before it finished), not waiting for {}", task.id, what)};
        }
        return Refused{fmt::format("{} is running, not waiting for {}", task.id, what)};
      default:
        return Refused{fmt::format("{} already finished: {}{}", task.id, to_string(own.status),
                                   own.by.empty() ? "" : fmt::format(" (by {})", own.by))};
    }
  }

  std::string waiting_for(TaskIndex index) const {
    std::vector<std::string_view> unfinished;
    for (const TaskIndex dependency : graph_.dag.dependencies[index]) {
      if (!state_.tasks[dependency].finished()) unfinished.push_back(runbook_.tasks[dependency].id);
    }
    if (unfinished.empty()) return "";
    return fmt::format(" (it waits for {})", fmt::join(unfinished, ", "));
  }

  const Runbook& runbook_;
  const RunGraph& graph_;
  const RunState& state_;
  const Decision& decision_;
  ExecutorPresence executor_;
};

}  // namespace

std::string_view to_string(DecisionKind kind) {
  return name_of(kind_names, kind);
}
std::string_view to_string(Verdict verdict) {
  return name_of(verdict_names, verdict);
}
std::optional<DecisionKind> parse_decision_kind(std::string_view text) {
  return parse_name(kind_names, text);
}
std::optional<Verdict> parse_verdict(std::string_view text) {
  return parse_name(verdict_names, text);
}

Statement statement_of(const Decision& decision) {
  return {decision.run_id,
          decision.run_started,
          decision.id,
          std::string(to_string(decision.kind)),
          decision.task,
          decision.kind == DecisionKind::mark ? std::string(to_string(decision.verdict)) : "",
          decision.by,
          decision.note,
          decision.time};
}

std::optional<event::Signature> signature_of(const Decision& decision) {
  if (decision.signature.empty()) return std::nullopt;
  return event::Signature{statement_text(statement_of(decision)), decision.signature};
}

Effect judge(const Runbook& runbook, const RunGraph& graph, const RunState& state,
             const Decision& decision, ExecutorPresence executor) {
  return Judge(runbook, graph, state, decision, executor).judge();
}

}  // namespace cutover
