#pragma once
// A ProcessRunner in virtual time: nothing is spawned, each process takes its estimate (or
// what a script says) and the clock jumps from one occurrence to the next. `--dry-run` uses
// it to simulate the timeline; the scheduler's and executor's tests script outcomes with it.

#include <functional>
#include <map>

#include "cutover/run/process_runner.hpp"

namespace cutover {

// What a virtual process does: how long it takes, its output, how it ends.
struct VirtualOutcome {
  std::optional<Duration> duration;  // unset: the spec's estimate
  std::string out;                   // written to stdout at the end, in one chunk
  std::string err;
  int exit_code = 0;
  int signal = 0;
  bool timed_out = false;
  std::optional<std::string> start_error;
};

class VirtualRunner : public ProcessRunner {
 public:
  // `script` is asked once per started process; by default everything succeeds.
  using Script = std::function<VirtualOutcome(const ProcessSpec& spec)>;
  explicit VirtualRunner(Script script = {});

  void start(ProcessId id, const ProcessSpec& spec) override;
  void terminate_all() override;
  void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) override;
  std::vector<Occurrence> wait() override;
  std::chrono::steady_clock::time_point now() const override { return now_; }

  // Delivers `occurrence` (a signal, a typed line) at `after` from the virtual start.
  void inject(Duration after, Occurrence occurrence);

  // Every process started, in order.
  const std::vector<ProcessSpec>& started() const { return started_; }

 private:
  struct Pending {
    Occurrence occurrence;
    std::optional<ProcessId> process;  // occurrences of one process, for terminate_all
  };
  void schedule(std::chrono::steady_clock::time_point when, Pending pending);

  Script script_;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point now_{};
  std::multimap<std::chrono::steady_clock::time_point, Pending> queue_;
  std::map<ProcessId, std::chrono::steady_clock::time_point> running_;  // id -> started
  std::vector<ProcessSpec> started_;
};

}  // namespace cutover
