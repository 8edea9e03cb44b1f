#include "cutover/run/process_end.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <csignal>

namespace cutover {

std::string signal_name(int signal) {
  switch (signal) {
    case SIGHUP:
      return "SIGHUP";
    case SIGINT:
      return "SIGINT";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGKILL:
      return "SIGKILL";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGTERM:
      return "SIGTERM";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    default:
      return fmt::format("signal {}", signal);
  }
}

std::string describe_end(const ProcessEnded& ended, std::optional<Duration> timeout) {
  if (ended.start_error) return fmt::format("could not start: {}", *ended.start_error);
  if (ended.timed_out) {
    return fmt::format("timed out after {} ({})", format_duration(timeout.value_or(Duration{0})),
                       ended.signal ? "killed by " + signal_name(ended.signal)
                                    : fmt::format("then exited with {}", ended.exit_code));
  }
  if (ended.terminated) return "terminated: the run was interrupted";
  if (ended.signal) return fmt::format("killed by {}", signal_name(ended.signal));
  return fmt::format("exit code {}", ended.exit_code);
}

event::ProcessEnd end_of(const ProcessEnded& ended) {
  event::ProcessEnd end;
  end.duration_ms = ended.duration.count();
  if (ended.start_error) {
    end.error = *ended.start_error;
    return end;
  }
  if (ended.signal) {
    end.signal = signal_name(ended.signal);
  } else {
    end.exit_code = ended.exit_code;
  }
  end.timed_out = ended.timed_out;
  return end;
}

namespace {

std::optional<std::string> mismatch(const std::optional<std::string>& pattern,
                                    std::string_view text, std::string_view stream) {
  if (!pattern) return std::nullopt;
  const RE2 regex(*pattern, RE2::Quiet);
  if (RE2::PartialMatch(text, regex)) return std::nullopt;
  return fmt::format("{} does not match /{}/", stream, *pattern);
}

}  // namespace

std::optional<std::string> unmet_expectation(const Expect& expect, const ProcessEnded& ended,
                                             std::optional<Duration> timeout, std::string_view out,
                                             std::string_view err) {
  if (ended.start_error || ended.timed_out || ended.signal || ended.terminated) {
    return describe_end(ended, timeout);
  }
  const int expected = expect.exit_code.value_or(0);
  if (ended.exit_code != expected) {
    return fmt::format("exit code {}, expected {}", ended.exit_code, expected);
  }
  if (auto why = mismatch(expect.stdout_pattern, out, "stdout")) return why;
  return mismatch(expect.stderr_pattern, err, "stderr");
}

}  // namespace cutover
