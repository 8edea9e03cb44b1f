#include "cutover/run/virtual_runner.hpp"

#include <csignal>
#include <utility>
#include <variant>

namespace cutover {

VirtualRunner::VirtualRunner(Script script) : script_(std::move(script)) {
  // Any fixed point will do; a round one keeps virtual offsets readable in a debugger.
  start_ = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  now_ = start_;
}

void VirtualRunner::schedule(std::chrono::steady_clock::time_point when, Pending pending) {
  queue_.emplace(when, std::move(pending));
}

void VirtualRunner::start(ProcessId id, const ProcessSpec& spec) {
  started_.push_back(spec);
  const VirtualOutcome outcome = script_ ? script_(spec) : VirtualOutcome{};
  if (outcome.start_error) {
    ProcessEnded ended{id};
    ended.start_error = outcome.start_error;
    schedule(now_, {ended, id});
    return;
  }
  Duration duration = outcome.duration.value_or(spec.estimate);
  bool timed_out = outcome.timed_out;
  if (spec.timeout && duration > *spec.timeout) {
    duration = *spec.timeout;
    timed_out = true;
  }
  running_[id] = now_;
  schedule(now_, {ProcessStarted{id, static_cast<int>(10'000 + id)}, id});
  const auto end = now_ + duration;
  if (!outcome.out.empty()) schedule(end, {ProcessOutput{id, Stream::out, outcome.out}, id});
  if (!outcome.err.empty()) schedule(end, {ProcessOutput{id, Stream::err, outcome.err}, id});
  ProcessEnded ended{id};
  ended.exit_code = outcome.exit_code;
  ended.signal = timed_out ? SIGTERM : outcome.signal;
  ended.timed_out = timed_out;
  ended.duration = duration;
  schedule(end, {ended, id});
}

void VirtualRunner::terminate_all() {
  // What the running processes would still have done goes; a start not yet seen stays, so
  // that each process still starts before it ends.
  for (auto it = queue_.begin(); it != queue_.end();) {
    const Pending& pending = it->second;
    const bool drop = pending.process && running_.contains(*pending.process) &&
                      !std::holds_alternative<ProcessStarted>(pending.occurrence);
    it = drop ? queue_.erase(it) : std::next(it);
  }
  for (const auto& [id, started] : running_) {
    // Built in place: a ProcessEnded copied into the variant draws a false
    // -Wmaybe-uninitialized from g++ 12 at -O1.
    Pending pending{Occurrence{std::in_place_type<ProcessEnded>}, id};
    auto& ended = std::get<ProcessEnded>(pending.occurrence);
    ended.id = id;
    ended.signal = SIGTERM;
    ended.terminated = true;
    ended.duration = std::chrono::duration_cast<Duration>(now_ - started);
    schedule(now_, std::move(pending));
  }
}

void VirtualRunner::wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) {
  schedule(std::max(when, now_), {Wakeup{token}, std::nullopt});
}

void VirtualRunner::inject(Duration after, Occurrence occurrence) {
  schedule(start_ + after, {std::move(occurrence), std::nullopt});
}

std::vector<Occurrence> VirtualRunner::wait() {
  std::vector<Occurrence> ready;
  if (queue_.empty()) return ready;
  const auto when = queue_.begin()->first;
  now_ = std::max(now_, when);
  while (!queue_.empty() && queue_.begin()->first == when) {
    Pending pending = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    if (const auto* ended = std::get_if<ProcessEnded>(&pending.occurrence)) {
      running_.erase(ended->id);
    }
    ready.push_back(std::move(pending.occurrence));
  }
  return ready;
}

}  // namespace cutover
