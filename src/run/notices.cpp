#include "cutover/run/notices.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <type_traits>
#include <variant>

namespace cutover {

namespace {

using nlohmann::ordered_json;

// How a message names a task: its title when it has one, and always its id.
std::string named(const Task& task) {
  if (task.title.empty()) return fmt::format("'{}'", task.id);
  return fmt::format("'{}' ({})", task.id, task.title);
}

// Every message starts with the runbook's heading: it is read in a channel of many runbooks.
Notice make_notice(const Runbook& runbook, NotifyEvent what, const JournalEvent& event,
                   std::string task, std::string_view message) {
  return {what, event.time, std::move(task), fmt::format("{}: {}", runbook.heading(), message),
          ordered_json::object()};
}

// `waiting`: a question has just opened for the event's task.
std::optional<Notice> waiting_notice(const Runbook& runbook, const RunState& after,
                                     const JournalEvent& event, TaskIndex index,
                                     const std::optional<OpenQuestion>& before) {
  auto question = open_question(runbook, after, index, ExecutorPresence::running);
  if (!question || (before && before->waiting_for == question->waiting_for)) return std::nullopt;
  const Task& task = runbook.tasks[index];
  const std::string who = question->waiting_on.empty()
                              ? std::string("a person")
                              : fmt::format("{}", fmt::join(question->waiting_on, ", "));
  const std::string answers = answer_words(*question);
  std::string text;
  switch (question->waiting_for) {
    case WaitingFor::approval:
      text = fmt::format("{} waits for approval by {} ({})", named(task), who, answers);
      break;
    case WaitingFor::decision:
      text = fmt::format("{} is in doubt: {} must say whether it happened ({})", named(task), who,
                         answers);
      break;
    case WaitingFor::rollback_decision:
      text = fmt::format(
          "the rollback step of {} is in doubt: {} must say whether it happened "
          "({})",
          named(task), who, answers);
      break;
    case WaitingFor::rollback_step:
      text = fmt::format("the rollback step of {} waits for {} ({})", named(task), who, answers);
      break;
    case WaitingFor::manual:
    case WaitingFor::nothing:
      text = fmt::format("{} waits for {} ({})", named(task), who, answers);
      break;
  }
  Notice notice = make_notice(runbook, NotifyEvent::waiting, event, task.id, text);
  notice.details["waiting_for"] = to_string(question->waiting_for);
  notice.details["waiting_on"] = question->waiting_on;
  notice.details["answers"] = question->answers;
  return notice;
}

// The notices that follow from the event's type alone.
void typed_notices(const Runbook& runbook, const RunGraph& graph, const RunState& after,
                   const JournalEvent& event, std::vector<Notice>& out) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, event::RunStarted>) {
          out.push_back(
              make_notice(runbook, NotifyEvent::run_started, event, {}, "the run started"));
        } else if constexpr (std::is_same_v<T, event::RunFinished>) {
          Notice notice = make_notice(runbook, NotifyEvent::run_finished, event, {},
                                      fmt::format("the run ended: {}", to_string(e.outcome)));
          notice.details["outcome"] = to_string(e.outcome);
          notice.details["exit_code"] = e.exit_code;
          out.push_back(std::move(notice));
        } else if constexpr (std::is_same_v<T, event::TaskFinished>) {
          if (e.status != TaskStatus::failed) return;
          const auto index = graph.find(e.task);
          if (!index) return;
          const Task& task = runbook.tasks[*index];
          Notice notice = make_notice(runbook, NotifyEvent::task_failed, event, e.task,
                                      fmt::format("{} failed: {}", named(task),
                                                  e.reason.empty() ? "no reason given" : e.reason));
          notice.details["reason"] = e.reason;
          notice.details["attempt"] = e.attempt;
          notice.details["by"] = e.person ? ordered_json(e.person->by) : ordered_json(nullptr);
          out.push_back(std::move(notice));
        } else if constexpr (std::is_same_v<T, event::GateWaiting>) {
          const auto index = graph.find(e.task);
          if (!index) return;
          Notice notice =
              make_notice(runbook, NotifyEvent::gate_waiting, event, e.task,
                          fmt::format("gate {} waits for approval by {}",
                                      named(runbook.tasks[*index]), fmt::join(e.approvers, ", ")));
          notice.details["approvers"] = e.approvers;
          out.push_back(std::move(notice));
        } else if constexpr (std::is_same_v<T, event::TaskStarted>) {
          const auto index = graph.find(e.task);
          if (!index || !runbook.tasks[*index].point_of_no_return) return;
          out.push_back(make_notice(
              runbook, NotifyEvent::point_of_no_return, event, e.task,
              fmt::format("{} started: the point of no return", named(runbook.tasks[*index]))));
        } else if constexpr (std::is_same_v<T, event::RollbackStarted>) {
          Notice notice = make_notice(
              runbook, NotifyEvent::rollback_started, event, {},
              e.person
                  ? fmt::format("rollback started by {}", e.person->by)
                  : fmt::format("rollback started: {}",
                                after.stop_reason.empty() ? "the run failed" : after.stop_reason));
          notice.details["by"] = e.person ? ordered_json(e.person->by) : ordered_json(nullptr);
          notice.details["forced"] = e.forced;
          out.push_back(std::move(notice));
        }
      },
      event.body);
}

}  // namespace

bool told_with_auto_answers(NotifyEvent event) {
  return event != NotifyEvent::waiting && event != NotifyEvent::gate_waiting;
}

std::vector<LostNotice> lost_notices(const Runbook& runbook, const RunGraph& graph,
                                     const std::vector<JournalEvent>& journal) {
  if (runbook.notify.empty()) return {};
  // Per hook: the notices it was due, and how many of them an attempt answered.
  std::vector<std::vector<Notice>> due(runbook.notify.size());
  std::vector<std::size_t> answered(runbook.notify.size(), 0);
  RunState state = initial_state(runbook, graph);
  bool auto_answers = false;
  for (const JournalEvent& event : journal) {
    if (const auto* started = std::get_if<event::RunStarted>(&event.body)) {
      // A dry run's journal is never taken up; its notices were never due.
      auto_answers = started->auto_people;
    } else if (const auto* resumed = std::get_if<event::RunResumed>(&event.body)) {
      auto_answers = resumed->auto_people;
    }
    std::size_t hook = 0;
    if (const auto* sent = std::get_if<event::NotifySent>(&event.body)) hook = sent->hook;
    if (const auto* failed = std::get_if<event::NotifyFailed>(&event.body)) hook = failed->hook;
    if (hook > 0 && hook <= answered.size()) ++answered[hook - 1];

    const auto before = question_before(runbook, graph, state, event.body);
    apply(state, runbook, graph, event);
    for (const Notice& notice : notices_of(runbook, graph, state, event, before)) {
      if (auto_answers && !told_with_auto_answers(notice.event)) continue;
      for (std::size_t i = 0; i < runbook.notify.size(); ++i) {
        if (runbook.notify[i].hears(notice.event)) due[i].push_back(notice);
      }
    }
  }
  std::vector<LostNotice> lost;
  for (std::size_t i = 0; i < due.size(); ++i) {
    for (std::size_t n = answered[i]; n < due[i].size(); ++n) lost.push_back({i + 1, due[i][n]});
  }
  return lost;
}

std::optional<std::string> task_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::optional<std::string> {
        if constexpr (requires { e.task; }) {
          if constexpr (std::is_convertible_v<decltype(e.task), std::string>) {
            if (!e.task.empty()) return e.task;
          }
        }
        return std::nullopt;
      },
      body);
}

std::optional<OpenQuestion> question_before(const Runbook& runbook, const RunGraph& graph,
                                            const RunState& before, const EventBody& body) {
  const auto id = task_of(body);
  if (!id) return std::nullopt;
  const auto task = graph.find(*id);
  if (!task) return std::nullopt;
  return open_question(runbook, before, *task, ExecutorPresence::running);
}

std::vector<Notice> notices_of(const Runbook& runbook, const RunGraph& graph, const RunState& after,
                               const JournalEvent& event,
                               const std::optional<OpenQuestion>& question_before) {
  std::vector<Notice> notices;
  typed_notices(runbook, graph, after, event, notices);
  if (const auto id = task_of(event.body)) {
    if (const auto index = graph.find(*id)) {
      if (auto waiting = waiting_notice(runbook, after, event, *index, question_before)) {
        notices.push_back(std::move(*waiting));
      }
    }
  }
  return notices;
}

Notice test_notice(const Runbook& runbook, UtcTime now) {
  return {
      NotifyEvent::test,
      now,
      {},
      fmt::format("{}: a test of the communication plan (cutover notify test)", runbook.heading()),
      ordered_json::object()};
}

ordered_json notice_json(const Notice& notice, const NoticeSource& source) {
  ordered_json json;
  json["event"] = to_string(notice.event);
  json["time"] = format_utc_ms(notice.time);
  json["runbook"] = source.runbook_id;
  json["title"] = source.runbook_title;
  json["run_id"] = source.run_id.empty() ? ordered_json(nullptr) : ordered_json(source.run_id);
  json["run_dir"] = source.run_dir.empty() ? ordered_json(nullptr) : ordered_json(source.run_dir);
  json["task"] = notice.task.empty() ? ordered_json(nullptr) : ordered_json(notice.task);
  json["message"] = notice.message;
  for (const auto& [key, value] : notice.details.items()) json[key] = value;
  return json;
}

}  // namespace cutover
