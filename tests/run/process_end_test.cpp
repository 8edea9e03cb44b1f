#include "cutover/run/process_end.hpp"

#include <doctest/doctest.h>

#include <csignal>

namespace cutover {
namespace {

using namespace std::chrono_literals;

ProcessEnded exited(int code) {
  ProcessEnded ended{1};
  ended.exit_code = code;
  ended.duration = 1500ms;
  return ended;
}

ProcessEnded killed(int signal, bool timed_out = false) {
  ProcessEnded ended = exited(0);
  ended.signal = signal;
  ended.timed_out = timed_out;
  return ended;
}

TEST_CASE("describe_end tells exit codes signals timeouts and start errors apart") {
  CHECK(describe_end(exited(3), {}) == "exit code 3");
  CHECK(describe_end(exited(143), {}) == "exit code 143");
  CHECK(describe_end(killed(SIGTERM), {}) == "killed by SIGTERM");
  CHECK(describe_end(killed(SIGKILL, true), 10min) == "timed out after 10m (killed by SIGKILL)");
  ProcessEnded polite = exited(0);
  polite.timed_out = true;
  CHECK(describe_end(polite, 5s) == "timed out after 5s (then exited with 0)");
  ProcessEnded never;
  never.start_error = "no such workdir";
  CHECK(describe_end(never, {}) == "could not start: no such workdir");
  ProcessEnded interrupted = killed(SIGTERM);
  interrupted.terminated = true;
  CHECK(describe_end(interrupted, {}) == "terminated: the run was interrupted");
  CHECK(signal_name(42) == "signal 42");
}

// The end's fields as the journal records them with an attempt.
std::string journaled_end(const ProcessEnded& ended) {
  nlohmann::ordered_json fields =
      encode_fields(event::AttemptFailed{"a", 1, "r", end_of(ended), 0});
  for (const char* own : {"task", "attempt", "reason", "retry_in_ms"}) fields.erase(own);
  return fields.dump();
}

TEST_CASE("end_of records a signal or an exit code and never both") {
  CHECK(journaled_end(exited(143)) == R"({"duration_ms":1500,"exit_code":143})");
  CHECK(journaled_end(killed(SIGTERM, true)) ==
        R"({"duration_ms":1500,"signal":"SIGTERM","timed_out":true})");
  ProcessEnded never;
  never.start_error = "cannot start /bin/nope";
  CHECK(journaled_end(never) == R"({"duration_ms":0,"error":"cannot start /bin/nope"})");
}

TEST_CASE("unmet_expectation checks the exit code then stdout then stderr") {
  Expect expect;
  CHECK_FALSE(unmet_expectation(expect, exited(0), {}, "", ""));
  CHECK(unmet_expectation(expect, exited(1), {}, "", "") == "exit code 1, expected 0");
  expect.exit_code = 2;
  CHECK_FALSE(unmet_expectation(expect, exited(2), {}, "", ""));
  expect.stdout_pattern = "^RECONCILED";
  CHECK(unmet_expectation(expect, exited(2), {}, "lag\nRECONCILED\n", "") ==
        "stdout does not match /^RECONCILED/");
  expect.stdout_pattern = "(?m)^RECONCILED$";
  CHECK_FALSE(unmet_expectation(expect, exited(2), {}, "lag\nRECONCILED\n", ""));
  expect.stderr_pattern = "^$";
  CHECK(unmet_expectation(expect, exited(2), {}, "RECONCILED\n", "warning\n") ==
        "stderr does not match /^$/");
  CHECK(unmet_expectation(expect, killed(SIGKILL, true), 1min, "RECONCILED\n", "") ==
        "timed out after 1m (killed by SIGKILL)");
}

}  // namespace
}  // namespace cutover
