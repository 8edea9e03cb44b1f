#include "cutover/run/virtual_runner.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <vector>

using namespace cutover;
using namespace std::chrono_literals;

namespace {

ProcessSpec spec(std::string name, Duration estimate, std::optional<Duration> timeout = {}) {
  ProcessSpec spec;
  spec.name = std::move(name);
  spec.argv = {"/bin/sh", "-c", "true"};
  spec.estimate = estimate;
  spec.timeout = timeout;
  return spec;
}

template <typename T>
const T& only(const std::vector<Occurrence>& occurrences) {
  REQUIRE(occurrences.size() == 1);
  REQUIRE(std::holds_alternative<T>(occurrences.front()));
  return std::get<T>(occurrences.front());
}

}  // namespace

TEST_CASE("virtual runner: a process starts now and ends after its estimate - successfully") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.start(3, spec("copy", 5min));
  const auto first = runner.wait();
  const auto& started = only<ProcessStarted>(first);
  CHECK(started.id == 3);
  CHECK(started.pid == 10'003);
  CHECK(runner.now() == zero);
  const auto second = runner.wait();
  const auto& ended = only<ProcessEnded>(second);
  CHECK(ended.id == 3);
  CHECK(ended.succeeded());
  CHECK(ended.duration == 5min);
  CHECK(runner.now() == zero + 5min);
  CHECK(runner.wait().empty());  // nothing left: the loop would end
  REQUIRE(runner.started().size() == 1);
  CHECK(runner.started()[0].name == "copy");
}

TEST_CASE("virtual runner: a script gives the duration - output and exit code") {
  VirtualRunner runner([](const ProcessSpec& spec) {
    VirtualOutcome outcome;
    if (spec.name == "load") {
      outcome.duration = 90s;
      outcome.out = "loaded\n";
      outcome.err = "1 warning\n";
      outcome.exit_code = 3;
    }
    return outcome;
  });
  const auto zero = runner.now();
  runner.start(1, spec("load", 10min));
  CHECK(only<ProcessStarted>(runner.wait()).id == 1);
  const auto end = runner.wait();
  CHECK(runner.now() == zero + 90s);
  // Output, then the end, in that order, at the same moment.
  REQUIRE(end.size() == 3);
  const auto& out = std::get<ProcessOutput>(end[0]);
  CHECK(out.stream == Stream::out);
  CHECK(out.bytes == "loaded\n");
  const auto& err = std::get<ProcessOutput>(end[1]);
  CHECK(err.stream == Stream::err);
  CHECK(err.bytes == "1 warning\n");
  const auto& ended = std::get<ProcessEnded>(end[2]);
  CHECK_FALSE(ended.succeeded());
  CHECK(ended.exit_code == 3);
  CHECK(ended.signal == 0);
  CHECK(ended.duration == 90s);
}

TEST_CASE("virtual runner: a process outliving its timeout is ended at the timeout by SIGTERM") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.start(1, spec("slow", 5min, 1min));
  runner.wait();
  const auto occurrences = runner.wait();
  const auto& ended = only<ProcessEnded>(occurrences);
  CHECK(ended.timed_out);
  CHECK(ended.signal == SIGTERM);
  CHECK_FALSE(ended.terminated);
  CHECK(ended.duration == 1min);
  CHECK(runner.now() == zero + 1min);
}

TEST_CASE("virtual runner: a process within its timeout is not timed out") {
  VirtualRunner runner;
  runner.start(1, spec("quick", 1min, 1min));
  runner.wait();
  const auto occurrences = runner.wait();
  const auto& ended = only<ProcessEnded>(occurrences);
  CHECK_FALSE(ended.timed_out);
  CHECK(ended.succeeded());
}

TEST_CASE("virtual runner: a start error ends the process at once - it never started") {
  VirtualRunner runner([](const ProcessSpec&) {
    VirtualOutcome outcome;
    outcome.start_error = "no such workdir";
    return outcome;
  });
  const auto zero = runner.now();
  runner.start(1, spec("copy", 5min));
  const auto occurrences = runner.wait();
  const auto& ended = only<ProcessEnded>(occurrences);
  CHECK(ended.start_error == "no such workdir");
  CHECK_FALSE(ended.succeeded());
  CHECK(runner.now() == zero);
  CHECK(runner.wait().empty());
}

TEST_CASE("virtual runner: the clock jumps to the next occurrence of several processes") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.start(1, spec("long", 10min));
  runner.start(2, spec("short", 2min));
  const auto starts = runner.wait();
  REQUIRE(starts.size() == 2);
  CHECK(std::get<ProcessStarted>(starts[0]).id == 1);
  CHECK(std::get<ProcessStarted>(starts[1]).id == 2);
  CHECK(only<ProcessEnded>(runner.wait()).id == 2);
  CHECK(runner.now() == zero + 2min);
  // A process started later runs from the virtual now.
  runner.start(3, spec("next", 3min));
  CHECK(only<ProcessStarted>(runner.wait()).id == 3);
  CHECK(only<ProcessEnded>(runner.wait()).id == 3);
  CHECK(runner.now() == zero + 5min);
  CHECK(only<ProcessEnded>(runner.wait()).id == 1);
  CHECK(runner.now() == zero + 10min);
  REQUIRE(runner.started().size() == 3);
  CHECK(runner.started()[2].name == "next");
}

TEST_CASE("virtual runner: timers go off at their time - one in the past at once") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.wake_at(zero + 30s, 7);
  runner.wake_at(zero + 10s, 8);
  CHECK(only<Wakeup>(runner.wait()).token == 8);
  CHECK(runner.now() == zero + 10s);
  runner.wake_at(zero, 9);  // already past: now, never back in time
  CHECK(only<Wakeup>(runner.wait()).token == 9);
  CHECK(runner.now() == zero + 10s);
  CHECK(only<Wakeup>(runner.wait()).token == 7);
  CHECK(runner.now() == zero + 30s);
}

TEST_CASE("virtual runner: an injected signal or typed line arrives at its offset from the start") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.inject(45s, SignalReceived{SIGINT});
  runner.inject(20s, TerminalLine{"g"});
  runner.start(1, spec("copy", 1min));
  runner.wait();
  CHECK(only<TerminalLine>(runner.wait()).text == "g");
  CHECK(runner.now() == zero + 20s);
  CHECK(only<SignalReceived>(runner.wait()).signal == SIGINT);
  CHECK(runner.now() == zero + 45s);
  CHECK(only<ProcessEnded>(runner.wait()).id == 1);
}

TEST_CASE("virtual runner: terminate_all ends the running processes now - their output dropped") {
  VirtualRunner runner([](const ProcessSpec&) {
    VirtualOutcome outcome;
    outcome.out = "never seen";
    return outcome;
  });
  const auto zero = runner.now();
  runner.start(1, spec("a", 10min));
  runner.start(2, spec("b", 1min));
  runner.wait();
  runner.wait();  // b's output and end
  runner.wake_at(zero + 4min, 1);
  CHECK(only<Wakeup>(runner.wait()).token == 1);
  runner.terminate_all();
  const auto occurrences = runner.wait();
  const auto& ended = only<ProcessEnded>(occurrences);
  CHECK(ended.id == 1);
  CHECK(ended.terminated);
  CHECK(ended.signal == SIGTERM);
  CHECK(ended.duration == 4min);
  CHECK(runner.now() == zero + 4min);
  CHECK(runner.wait().empty());  // nothing of the 10 minutes is left
}

TEST_CASE("virtual runner: terminate_all keeps timers and injected occurrences") {
  VirtualRunner runner;
  const auto zero = runner.now();
  runner.start(1, spec("a", 10min));
  runner.wake_at(zero + 1min, 5);
  runner.inject(2min, TerminalClosed{});
  runner.wait();
  runner.terminate_all();
  CHECK(only<ProcessEnded>(runner.wait()).terminated);
  CHECK(only<Wakeup>(runner.wait()).token == 5);
  CHECK(std::holds_alternative<TerminalClosed>(runner.wait().at(0)));
}

TEST_CASE("virtual runner: a process terminated before its start was seen still starts first") {
  // As ProcessRunner promises: start, output and end, in that order, for each process.
  VirtualRunner runner;
  runner.start(1, spec("a", 10min));
  runner.terminate_all();
  const auto occurrences = runner.wait();
  REQUIRE(occurrences.size() == 2);
  CHECK(std::get<ProcessStarted>(occurrences[0]).id == 1);
  const auto& ended = std::get<ProcessEnded>(occurrences[1]);
  CHECK(ended.terminated);
  CHECK(ended.duration == 0s);
}
