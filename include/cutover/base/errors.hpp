#pragma once
// Exceptions that map to the exit codes of the contract; caught once, in main.

#include <stdexcept>

namespace cutover {

enum ExitCode : int {
  exit_success = 0,
  exit_run_failed = 1,
  exit_usage = 2,
  exit_invalid_runbook = 3,
  exit_rollback_failed = 4,
  exit_environment = 5,
  exit_interrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

struct UsageError : Error {
  explicit UsageError(const std::string& message) : Error(exit_usage, message) {}
};

struct EnvironmentError : Error {
  explicit EnvironmentError(const std::string& message) : Error(exit_environment, message) {}
};

}  // namespace cutover
