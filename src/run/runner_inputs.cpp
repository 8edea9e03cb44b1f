#include "run/runner_inputs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "cutover/base/errors.hpp"

namespace cutover {

namespace asio = boost::asio;

void restart_interrupted_calls(int sig) {
  struct sigaction action {};
  if (::sigaction(sig, nullptr, &action) != 0) return;
  if (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN) return;
  action.sa_flags |= SA_RESTART;
  ::sigaction(sig, &action, nullptr);
}

RunnerInputs::RunnerInputs(asio::io_context& io, const RealRunnerOptions& options,
                           std::vector<Occurrence>& queue)
    : queue_(queue), terminal_(io), inbox_(io) {
  if (options.watch_signals) {
    signals_.emplace(io, SIGINT, SIGTERM, SIGHUP);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) restart_interrupted_calls(sig);
    wait_for_signal();
  }
  if (options.read_terminal) open_terminal();
  if (!options.inbox.empty()) watch_inbox(options.inbox);
}

RunnerInputs::~RunnerInputs() {
  close_terminal();
  boost::system::error_code ignored;
  inbox_.close(ignored);
}

void RunnerInputs::wait_for_signal() {
  signals_->async_wait([this](const boost::system::error_code& error, int sig) {
    if (error) return;  // cancelled: the runner is going away
    queue_.emplace_back(SignalReceived{sig});
    wait_for_signal();
  });
}

void RunnerInputs::open_terminal() {
  // A duplicate, so that closing it leaves fd 0 alone.
  const int fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) {
    queue_.emplace_back(TerminalClosed{});
    return;
  }
  // asio makes the descriptor non-blocking, which changes the shared open file (the
  // user's terminal): restore it when done.
  terminal_flags_ = ::fcntl(fd, F_GETFL);
  boost::system::error_code error;
  // For a regular file or /dev/null epoll refuses the descriptor (EPERM); asio then reads
  // it directly, which never blocks for those.
  terminal_.assign(fd, error);
  if (error) {
    ::close(fd);
    queue_.emplace_back(TerminalClosed{});
    return;
  }
  terminal_open_ = true;
  read_terminal();
}

void RunnerInputs::read_terminal() {
  terminal_.async_read_some(asio::buffer(terminal_buffer_),
                            [this](const boost::system::error_code& error, std::size_t size) {
                              if (!terminal_open_) return;
                              terminal_pending_.append(terminal_buffer_.data(), size);
                              std::size_t begin = 0;
                              for (std::size_t end;
                                   (end = terminal_pending_.find('\n', begin)) != std::string::npos;
                                   begin = end + 1) {
                                deliver_line(terminal_pending_.substr(begin, end - begin));
                              }
                              terminal_pending_.erase(0, begin);
                              if (!error) {
                                read_terminal();
                                return;
                              }
                              if (!terminal_pending_.empty())
                                deliver_line(std::exchange(terminal_pending_, {}));
                              queue_.emplace_back(TerminalClosed{});
                              close_terminal();
                            });
}

void RunnerInputs::deliver_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  queue_.emplace_back(TerminalLine{std::move(line)});
}

void RunnerInputs::close_terminal() {
  if (!terminal_.is_open()) return;
  terminal_open_ = false;
  if (terminal_flags_ >= 0) ::fcntl(terminal_.native_handle(), F_SETFL, terminal_flags_);
  boost::system::error_code ignored;
  terminal_.close(ignored);
}

// inotify on the inbox folder: a decision is renamed into it (IN_MOVED_TO); a file written
// in place is taken too (IN_CLOSE_WRITE). The events themselves are only a nudge: the
// executor reads the folder.
void RunnerInputs::watch_inbox(const std::filesystem::path& inbox) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || ::inotify_add_watch(fd, inbox.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw EnvironmentError(
        fmt::format("{}: cannot be watched: {}", inbox.string(), std::strerror(error)));
  }
  inbox_.assign(fd);
  read_inbox_events();
}

void RunnerInputs::read_inbox_events() {
  inbox_.async_read_some(asio::buffer(inbox_buffer_),
                         [this](const boost::system::error_code& error, std::size_t) {
                           if (error) return;  // closed: the runner is going away
                           queue_.emplace_back(InboxChanged{});
                           read_inbox_events();
                         });
}

}  // namespace cutover
