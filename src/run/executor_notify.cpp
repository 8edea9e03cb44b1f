// The executor's communication plan: what it journals becomes notices, and its Notifier runs
// the hooks beside the run, in the same event loop, never delaying it.

#include <fmt/format.h>

#include "run/executor_loop.hpp"

namespace cutover::detail {

void Executor::start_notifier() {
  if (runbook_.notify.empty() || options_.dry_run || setup_.run_dir.empty()) return;
  NotifierSetup setup;
  setup.hooks = prepare_hooks(runbook_, setup_.runbook_dir, setup_.environment,
                              [&](std::string_view text) { return expand(text); });
  setup.source = {runbook_.id, runbook_.title, setup_.run_id, setup_.run_dir.string()};
  setup.secrets = secret_values_;
  setup.log = notify_log_path(setup_.run_dir);
  setup.file_system = setup_.file_system;
  setup.clock = setup_.clock;
  notifier_.emplace(
      std::move(setup), runner_,
      [this](EventBody event) { record(std::move(event), Durability::batched); },
      [this](std::string_view line) { note(fmt::format("{} {}", stamp(), line)); });
  const bool overrun = notifier_->hears(NotifyEvent::overrun);
  const bool deadline = notifier_->hears(NotifyEvent::deadline);
  if (!overrun && !deadline) return;
  timed_.emplace(runbook_, graph_, overrun, deadline);
  if (setup_.history) {
    for (const JournalEvent& event : *setup_.history) timed_->remember(event.body);
  }
}

// Told late is worse than not told: what a crash kept from the hooks is journaled as not sent,
// once the run is taken up.
void Executor::journal_lost_notices() {
  if (!notifier_ || !setup_.history) return;
  for (const LostNotice& lost : lost_notices(runbook_, graph_, *setup_.history)) {
    record(
        event::NotifyFailed{lost.hook, std::string(to_string(lost.notice.event)), lost.notice.task,
                            "not sent: the executor stopped before this hook ran"},
        Durability::batched);
  }
}

// One wakeup at the earliest moment a timed notice can come due; moved earlier when the state
// brings one closer, and worked out again when it goes off.
void Executor::arm_timed_notices() {
  if (!timed_ || state_.phase == RunPhase::finished) return;
  const TimedNotices::Next next = timed_->next(state_);
  std::optional<SteadyTime> when;
  if (next.elapsed_ms) when = run_start_ + Duration{*next.elapsed_ms};
  if (next.at) {
    const SteadyTime by_clock = runner_.now() + (*next.at - now_utc());
    if (!when || by_clock < *when) when = by_clock;
  }
  if (!when || (timed_wake_ && *timed_wake_ <= *when)) return;
  timed_wake_ = std::max(*when, runner_.now());
  runner_.wake_at(*timed_wake_, timed_notices_token);
}

void Executor::send_timed_notices() {
  timed_wake_.reset();
  if (state_.phase == RunPhase::finished) return;
  const std::vector<Notice> notices = timed_->due(state_, elapsed().count(), now_utc());
  if (!notices.empty()) notifier_->send(notices);
}

void Executor::notify(const JournalEvent& recorded, const std::optional<OpenQuestion>& before) {
  std::vector<Notice> notices = notices_of(runbook_, graph_, state_, recorded, before);
  if (options_.auto_people) {
    std::erase_if(notices, [](const Notice& n) { return !told_with_auto_answers(n.event); });
  }
  if (!notices.empty()) notifier_->send(notices);
}

// A hook's start, output or end: the Notifier's, not the run's.
bool Executor::hook_occurrence(const Occurrence& occurrence) {
  if (!notifier_) return false;
  if (const auto* started = std::get_if<ProcessStarted>(&occurrence)) {
    return notifier_->owns(started->id);
  }
  if (const auto* output = std::get_if<ProcessOutput>(&occurrence)) {
    if (!notifier_->owns(output->id)) return false;
    notifier_->on(*output);
    return true;
  }
  if (const auto* ended = std::get_if<ProcessEnded>(&occurrence)) {
    if (!notifier_->owns(ended->id)) return false;
    notifier_->on(*ended);
    runner_.settled(ended->id);
    return true;
  }
  return false;
}

// The run has ended; its last notices (run_finished) may still be on their way. They get at
// most the longest hook timeout; a Ctrl-C, or that time passing, ends the hooks still
// running, and what is still queued is journaled as not sent.
void Executor::finish_notifications() {
  if (!notifier_ || !notifier_->busy()) return;
  const std::uint64_t deadline = next_token_++;
  runner_.wake_at(runner_.now() + notifier_->longest_timeout(), deadline);
  bool given_up = false;
  while (notifier_->busy()) {
    const std::vector<Occurrence> occurrences = runner_.wait();
    if (occurrences.empty()) break;
    for (const Occurrence& occurrence : occurrences) {
      if (hook_occurrence(occurrence) || given_up) continue;
      const auto* wakeup = std::get_if<Wakeup>(&occurrence);
      if ((wakeup && wakeup->token == deadline) ||
          std::holds_alternative<SignalReceived>(occurrence)) {
        given_up = true;
        notifier_->drop_queued("not sent: the run had ended and its hooks' time was up");
        runner_.terminate_all();
      }
    }
  }
}

}  // namespace cutover::detail
