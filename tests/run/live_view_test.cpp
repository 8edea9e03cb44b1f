#include "run/live_view.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::detail;
using namespace cutover::testing;
using namespace std::chrono_literals;

namespace {

struct Folded {
  Runbook runbook;
  RunGraph graph;
  RunState state;

  Folded(Runbook book, const std::vector<EventBody>& bodies, std::int64_t ms)
      : runbook(std::move(book)), graph(make_run_graph(runbook)) {
    std::vector<JournalEvent> events;
    for (const EventBody& body : bodies) {
      events.push_back({events.size() + 1, utc_at(ms), ms, body});
    }
    state = fold(runbook, graph, events);
  }
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the live view: done - what runs and waits on whom - forecast - window - next gate") {
  Runbook runbook = make_runbook({make_task("load", 10min), manual_task("check", 5min, {"load"}),
                                  approval_gate("go", {"lead"}, {"check"})});
  runbook.window = make_window(*parse_timestamp("2026-11-28T18:00:00+01:00"), 3h);
  const Folded run(runbook,
                   {event::TaskStarted{"load", 1, "run", {}},
                    event::TaskFinished{"load", std::nullopt, TaskStatus::succeeded, 1, {}, {}},
                    event::TaskStarted{"check", 1, "manual", {}}},
                   60'000);
  LiveView view(run.runbook, run.graph);
  const UtcTime now = utc_at(120'000);  // 17:02 UTC: 18:02 in the window's zone
  const std::string line = view.line(run.state, now, 2min, {});
  INFO(line);
  CHECK(line.starts_with("[1/3 done] running: check 1m/5m (waits for a person since 18:01:00)"));
  CHECK(contains(line, " | forecast end 18:"));
  CHECK(contains(line, ", window ends 21:00:00 | no-go at go by "));
}

TEST_CASE("the live view: a time on another day shows its date - never a negative time so far") {
  Runbook runbook = make_runbook({make_task("load", 10min)});
  runbook.window = make_window(*parse_timestamp("2026-11-28T18:00:00+01:00"), 30h);
  const Folded run(runbook, {event::TaskStarted{"load", 1, "run", {}}}, 5'000);
  LiveView view(run.runbook, run.graph);
  // The executor's clock a moment behind the journal's.
  const std::string line = view.line(run.state, utc_at(4'000), 4s, {});
  CHECK(line.starts_with("[0/1 done] running: load 0s/10m |"));
  CHECK(contains(line, ", window ends 2026-11-30 00:00:00"));
}
