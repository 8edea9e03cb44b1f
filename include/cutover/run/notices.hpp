#pragma once
// What the communication plan hears (SPEC §6): the notices a journal event gives rise to,
// worked out from the event and the folded state alone, and their JSON as a hook reads it on
// stdin. Pure: the executor's Notifier (run/notifier.hpp) delivers them.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cutover/run/events.hpp"
#include "cutover/run/questions.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

struct Notice {
  NotifyEvent event = NotifyEvent::test;
  UtcTime time{};
  std::string task;     // the task's id; empty when the event is about the run
  std::string message;  // one readable line, for a chat or a mail's subject
  // The event's own facts (outcome, reason, waiting_on...), in the JSON a hook reads.
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
};

// The notices `event`, just folded into `after`, gives rise to. `question_before` is what
// the event's task asked of people before the event (open_question), so that `waiting` is
// told once, when a question opens.
std::vector<Notice> notices_of(const Runbook& runbook, const RunGraph& graph, const RunState& after,
                               const JournalEvent& event,
                               const std::optional<OpenQuestion>& question_before);

// The question the task of `body` puts to people in `before` (the state the event is about to
// be folded into), if any: what notices_of needs as `question_before`.
std::optional<OpenQuestion> question_before(const Runbook& runbook, const RunGraph& graph,
                                            const RunState& before, const EventBody& body);

// A notice that is not told to people who answer nothing: with --auto, what would wait on a
// person is answered at once.
bool told_with_auto_answers(NotifyEvent event);

// Notices a journal gave rise to that no hook attempt followed: the executor stopped (a crash,
// kill -9) before it ran the hook. Each hook gets its notices in order, so its first
// notify_sent/notify_failed lines answer its first notices and what is left was never sent.
// `resume` journals these as not sent rather than sending them late.
struct LostNotice {
  std::size_t hook = 0;  // 1-based
  Notice notice;
};
std::vector<LostNotice> lost_notices(const Runbook& runbook, const RunGraph& graph,
                                     const std::vector<JournalEvent>& journal);

// The task an event is about, if any.
std::optional<std::string> task_of(const EventBody& body);

// The `test` event of `cutover notify test`.
Notice test_notice(const Runbook& runbook, UtcTime now);

// Which run a notice comes from, for its JSON.
struct NoticeSource {
  std::string runbook_id;
  std::string runbook_title;
  std::string run_id;
  std::string run_dir;
};

// The object a hook reads on stdin: event, time, runbook, run, task, message, then details.
nlohmann::ordered_json notice_json(const Notice& notice, const NoticeSource& source);

}  // namespace cutover
