#pragma once
// What wakes the real runner besides its processes: signals sent to cutover, lines typed at
// the terminal and decisions arriving in the inbox folder. Each becomes an Occurrence in the
// runner's queue, from handlers run by the runner's one io_context.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>  // before asio: its awaitable.hpp uses std::exchange without including it
#include <vector>

#include <boost/asio.hpp>

#include "cutover/run/process_runner.hpp"

namespace cutover {

// asio installs its signal handlers without SA_RESTART, so every signal it catches would make
// a blocking call elsewhere in cutover (writing to a full pipe, taking a lock) fail with EINTR.
// This sets SA_RESTART on the handler installed for `sig`, if any.
void restart_interrupted_calls(int sig);

class RunnerInputs {
 public:
  // `io` and `queue` must outlive this object.
  RunnerInputs(boost::asio::io_context& io, const RealRunnerOptions& options,
               std::vector<Occurrence>& queue);
  ~RunnerInputs();
  RunnerInputs(const RunnerInputs&) = delete;
  RunnerInputs& operator=(const RunnerInputs&) = delete;

  // Whether something is watched that may still deliver an occurrence.
  bool watching() const { return terminal_open_ || inbox_.is_open(); }

 private:
  void wait_for_signal();
  void open_terminal();
  void read_terminal();
  void deliver_line(std::string line);
  void close_terminal();
  void watch_inbox(const std::filesystem::path& inbox);
  void read_inbox_events();

  std::vector<Occurrence>& queue_;
  std::optional<boost::asio::signal_set> signals_;
  boost::asio::posix::stream_descriptor terminal_;
  std::array<char, 4096> terminal_buffer_{};
  std::string terminal_pending_;
  int terminal_flags_ = -1;
  bool terminal_open_ = false;
  boost::asio::posix::stream_descriptor inbox_;
  std::array<char, 4096> inbox_buffer_{};
};

}  // namespace cutover
