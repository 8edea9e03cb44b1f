#pragma once
// The notices that come due with time rather than with a journal event (SPEC §6):
// - `overrun`: a task (or a person's step, or a gate's wait) active 50% past its estimate,
//   once per task;
// - `deadline`: 15 minutes before the next gate's no-go deadline, and when it passes, once
//   each per gate.
// Pure: the executor asks what is due when it wakes, and when to wake next. What a journal
// says was told already (notify_sent, notify_failed, before a resume) is not told again.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cutover/plan/deadline.hpp"
#include "cutover/run/notices.hpp"

namespace cutover {

// How long before a gate's no-go deadline it is announced.
inline constexpr Duration deadline_warning = std::chrono::minutes{15};

class TimedNotices {
 public:
  // Only what `hears` is worked out: a run whose hooks hear neither costs nothing.
  TimedNotices(const Runbook& runbook, const RunGraph& graph, bool overrun, bool deadline);

  // An event of the journal so far (resume, rollback): what it says was told.
  void remember(const EventBody& body);

  // What is due now: `now_ms` is the run's elapsed time (what task durations are measured
  // by), `now` the clock (what the window's deadlines are in). Each is told once.
  std::vector<Notice> due(const RunState& state, std::int64_t now_ms, UtcTime now);

  // When the next notice would come due, if the state stays as it is.
  struct Next {
    std::optional<std::int64_t> elapsed_ms;
    std::optional<UtcTime> at;
  };
  Next next(const RunState& state) const;

 private:
  std::optional<std::int64_t> overrun_at(const RunState& state, TaskIndex task) const;

  const Runbook& runbook_;
  const RunGraph& graph_;
  bool overrun_ = false;
  std::vector<GateDeadline> gates_;                     // empty unless deadlines are heard
  std::vector<bool> overrun_told_;                      // per task
  std::set<std::pair<TaskIndex, bool>> deadline_told_;  // (gate, passed)
};

}  // namespace cutover
