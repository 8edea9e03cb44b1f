// The real ProcessRunner: Boost.Process v1 on one asio::io_context that only runs inside
// wait(), so the executor has one place to block and needs no threads or locks. Signals, the
// terminal and the inbox are watched on the same io_context by RunnerInputs. This is the only
// translation unit that includes Boost.Process (it compiles slowly); see PITFALLS.md for why
// each workaround below exists.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>  // before asio: its awaitable.hpp uses std::exchange without including it
#include <variant>
#include <vector>

// Boost.Process compiles its vfork launcher only for old POSIX levels, although glibc still
// provides vfork with _GNU_SOURCE. See ChildSetup for why it is wanted.
#ifndef BOOST_POSIX_HAS_VFORK
#define BOOST_POSIX_HAS_VFORK 1
#endif
#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "cutover/run/process_runner.hpp"
#include "run/child_inputs.hpp"
#include "run/runner_inputs.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace cutover {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;
using SteadyClock = std::chrono::steady_clock;
using detail::InputPipe;
using detail::resolve_program;

// A pipe holds 64 KiB by default: one read can empty it.
constexpr std::size_t kReadSize = 64 * 1024;

std::string system_message(int error) {
  return std::system_category().message(error);
}

// Everything Boost.Process v1 gets wrong or leaves out around fork and exec. Passed last,
// so that its on_exec_setup runs after Boost's own (pipes, process group).
//
// The child is started with vfork (bp::posix::use_vfork): fork copies the page tables of the
// whole executor, which costs ~70 ms per task with 400 MB resident against ~5 ms for vfork.
// A vfork child shares the parent's memory until execve, so everything here that runs in the
// child makes only system calls and writes only the executor's small error fields.
struct ChildSetup : bp::extend::handler {
  char* const* argv = nullptr;
  char** envp = nullptr;
  const char* workdir = nullptr;  // nullptr: stay where the parent is
  int input = -1;                 // becomes stdin when set
  sigset_t* saved_mask = nullptr;

  template <class Executor>
  void on_setup(Executor& exec) const {
    // Keeps argv[0] as written ("bash", not "/usr/bin/bash") and replaces, rather than
    // extends, the inherited environment.
    exec.cmd_line = argv;
    exec.env = envp;
    // A signal reaching the child before execve would run the parent's asio handler in the
    // parent's memory and be reported as if cutover had received it. Blocked, it waits in
    // the child until the dispositions are back to default.
    sigset_t all;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, saved_mask);
  }

  template <class Executor>
  void on_success(Executor&) const {
    ::pthread_sigmask(SIG_SETMASK, saved_mask, nullptr);
  }

  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    ::pthread_sigmask(SIG_SETMASK, saved_mask, nullptr);
    // Boost does not reliably reap a child whose execve failed: no zombies.
    if (exec.pid > 0) {
      int status = 0;
      while (::waitpid(exec.pid, &status, 0) == -1 && errno == EINTR) {
      }
    }
  }

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    // bp::start_dir ignores a failing chdir and runs the command in the wrong folder. A
    // negative errno tells the parent that chdir failed rather than execve.
    if (workdir != nullptr && ::chdir(workdir) != 0) {
      exec.set_error(std::error_code(-errno, std::system_category()), "chdir");
      ::_exit(127);
    }
    if (input >= 0 && ::dup2(input, STDIN_FILENO) < 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "dup2");
      ::_exit(127);
    }
    // Every descriptor the parent holds (journal, lock file, other tasks' pipes) would
    // otherwise leak into the command.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      struct rlimit limit {};
      const rlim_t top = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                             ? limit.rlim_cur
                             : 65536;
      for (rlim_t fd = 3; fd < top; ++fd) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    }
    // Ignored dispositions and the signal mask survive execve, and the executor ignores
    // SIGPIPE. The signals cutover handles must go back to default before the mask opens, or
    // a pending one would run a parent's handler here; execve resets any other caught signal
    // itself. One call per signal of this list, not a scan of all 64 (measured: 73 fewer
    // system calls per task, docs/performance.md).
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigemptyset(&default_action.sa_mask);
    for (int sig :
         {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD}) {
      ::sigaction(sig, &default_action, nullptr);
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
  }
};

class RealRunner final : public ProcessRunner {
 public:
  explicit RealRunner(const RealRunnerOptions& options) : options_(options) {}

  RealRunner(const RealRunner&) = delete;
  RealRunner& operator=(const RealRunner&) = delete;

  ~RealRunner() override {
    // Kill first, then reap, so the groups die in parallel rather than one after another.
    for (auto& [serial, process] : running_) {
      signal_group(*process, SIGKILL);
    }
    for (auto& [serial, process] : running_) {
      if (!process->exited) {
        int status = 0;
        while (::waitpid(process->pid, &status, 0) == -1 && errno == EINTR) {
        }
      }
      process->child.detach();
    }
    running_.clear();
  }

  void start(ProcessId id, const ProcessSpec& spec) override {
    const auto started_at = SteadyClock::now();
    auto fail = [&](std::string message) {
      ProcessEnded ended;
      ended.id = id;
      ended.start_error = std::move(message);
      ended.duration = elapsed(started_at, SteadyClock::now());
      queue_.emplace_back(std::move(ended));
    };
    if (spec.argv.empty() || spec.argv.front().empty()) {
      fail("cannot start a process: no program given");
      return;
    }
    const std::string& program = spec.argv.front();
    try {
      spawn(id, spec, started_at, fail);
    } catch (const std::exception& error) {
      // pipe() or fork() out of resources, allocation failure: still a start error.
      fail("cannot start " + program + ": " + error.what());
    }
  }

  void terminate_all() override {
    for (auto& [serial, process] : running_) {
      // A timed-out process is already on its way (and stays timed_out); one whose group got
      // SIGKILL is only being drained.
      if (process->stop != Stop::none || process->kill_sent) continue;
      process->stop = Stop::terminated;
      signal_group(*process, SIGTERM);
      arm(*process, Phase::kill_grace, options_.kill_grace);
    }
  }

  void wake_at(SteadyClock::time_point when, std::uint64_t token) override {
    const auto serial = next_serial_++;
    auto [it, inserted] = wakes_.try_emplace(serial, io_, when);
    it->second.async_wait([this, serial, token](const boost::system::error_code& error) {
      if (error) return;
      wakes_.erase(serial);
      queue_.emplace_back(Wakeup{token});
    });
  }

  std::vector<Occurrence> wait() override {
    if (queue_.empty()) poll_some();
    while (queue_.empty() && busy()) {
      restart_if_stopped();
      if (io_.run_one() == 0) break;  // nothing left that could ever complete
    }
    if (!queue_.empty()) poll_some();
    return std::exchange(queue_, {});
  }

  SteadyClock::time_point now() const override { return SteadyClock::now(); }

 private:
  enum class Stop { none, timed_out, terminated };
  // What the one timer of a process is waiting for.
  enum class Phase { none, timeout, kill_grace, pipe_grace, drain };

  struct Running {
    Running(asio::io_context& io, std::uint64_t serial, ProcessId id)
        : serial(serial), id(id), out(io), err(io), timer(io) {}

    std::uint64_t serial;  // the runner's own key: callers' ids could be reused
    ProcessId id;
    int pid = 0;
    int pgid = 0;
    bp::async_pipe out;
    bp::async_pipe err;
    std::array<bool, 2> open{true, true};
    std::unique_ptr<char[]> out_buffer = std::make_unique_for_overwrite<char[]>(kReadSize);
    std::unique_ptr<char[]> err_buffer = std::make_unique_for_overwrite<char[]>(kReadSize);
    bp::child child;
    asio::steady_timer timer;
    Phase phase = Phase::none;
    std::uint64_t timer_generation = 0;  // tells a stale expiry from the current one
    Stop stop = Stop::none;
    bool kill_sent = false;
    bool exited = false;
    int status = 0;  // as waitpid reports it
    bool status_known = true;
    SteadyClock::time_point started_at;
    SteadyClock::time_point exited_at;
  };

  static Duration elapsed(SteadyClock::time_point from, SteadyClock::time_point to) {
    return std::chrono::duration_cast<Duration>(to - from);
  }

  template <class Fail>
  void spawn(ProcessId id, const ProcessSpec& spec, SteadyClock::time_point started_at,
             Fail& fail) {
    const std::string& program = spec.argv.front();
    const std::string resolved = resolve_program(program, spec.env);

    std::vector<char*> argv;
    argv.reserve(spec.argv.size() + 1);
    for (const auto& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env_entries;
    env_entries.reserve(spec.env.size());
    for (const auto& [name, value] : spec.env) env_entries.push_back(name + "=" + value);
    std::vector<char*> envp;
    envp.reserve(env_entries.size() + 1);
    for (auto& entry : env_entries) envp.push_back(entry.data());
    envp.push_back(nullptr);
    const std::string workdir = spec.workdir.string();

    const auto serial = next_serial_++;
    auto process = std::make_unique<Running>(io_, serial, id);
    bp::group group;
    std::error_code error;
    sigset_t saved_mask;
    ChildSetup setup;
    setup.saved_mask = &saved_mask;
    setup.argv = argv.data();
    setup.envp = envp.data();
    setup.workdir = workdir.empty() ? nullptr : workdir.c_str();
    const InputPipe input(spec.input);
    setup.input = input.read_end();

    process->started_at = started_at;
    process->child =
        bp::child(bp::exe = resolved, (bp::std_in < bp::null), (bp::std_out > process->out),
                  (bp::std_err > process->err), group, io_,
                  bp::on_exit([this, serial](int, const std::error_code& wait_error) {
                    on_exited(serial, wait_error);
                  }),
                  error, bp::posix::use_vfork, setup);
    // The group's destructor would SIGKILL it: this runner decides when groups die.
    group.detach();

    if (error || !process->child.valid()) {
      const int code = error ? error.value() : EINVAL;
      if (code < 0) {
        fail("cannot change to workdir " + workdir + ": " + system_message(-code));
      } else {
        fail("cannot start " + program + ": " + system_message(code));
      }
      return;
    }

    process->pid = process->child.id();
    process->pgid = group.native_handle() > 0 ? group.native_handle() : process->pid;
    queue_.emplace_back(ProcessStarted{id, process->pid});
    if (!sigchld_restarts_) {
      // Boost.Process installed its SIGCHLD handler with the first child.
      restart_interrupted_calls(SIGCHLD);
      sigchld_restarts_ = true;
    }

    Running& running = *process;
    running_.emplace(serial, std::move(process));
    read(serial, running, Stream::out);
    read(serial, running, Stream::err);
    if (spec.timeout) arm(running, Phase::timeout, *spec.timeout);
  }

  static void signal_group(const Running& process, int sig) {
    // killpg(0) would signal cutover's own group.
    if (process.pgid > 0) ::killpg(process.pgid, sig);
  }

  Running* find(std::uint64_t serial) {
    auto it = running_.find(serial);
    return it == running_.end() ? nullptr : it->second.get();
  }

  void read(std::uint64_t serial, Running& process, Stream stream) {
    auto& pipe = stream == Stream::out ? process.out : process.err;
    char* buffer = stream == Stream::out ? process.out_buffer.get() : process.err_buffer.get();
    pipe.async_read_some(
        asio::buffer(buffer, kReadSize),
        [this, serial, stream](const boost::system::error_code& error, std::size_t size) {
          on_read(serial, stream, error, size);
        });
  }

  void on_read(std::uint64_t serial, Stream stream, const boost::system::error_code& error,
               std::size_t size) {
    Running* process = find(serial);
    const auto index = static_cast<std::size_t>(stream);
    // Gone, or its pipes were closed after the drain period: late data would follow its end.
    if (process == nullptr || !process->open[index]) return;
    if (size > 0) {
      const char* buffer =
          stream == Stream::out ? process->out_buffer.get() : process->err_buffer.get();
      queue_.emplace_back(ProcessOutput{process->id, stream, std::string(buffer, size)});
    }
    if (!error) {
      read(serial, *process, stream);
      return;
    }
    // EOF, or an error that will not go away: the stream is over either way.
    process->open[index] = false;
    boost::system::error_code ignored;
    (stream == Stream::out ? process->out : process->err).close(ignored);
    try_finish(serial, *process);
  }

  void on_exited(std::uint64_t serial, const std::error_code& wait_error) {
    Running* process = find(serial);
    if (process == nullptr) return;
    process->exited = true;
    process->exited_at = SteadyClock::now();
    if (wait_error) {
      // Someone else reaped it (SIGCHLD set to SIG_IGN, a stray waitpid(-1)): the status
      // is lost.
      process->status_known = false;
    } else {
      process->status = process->child.native_exit_code();
    }
    if (process->phase == Phase::timeout) disarm(*process);
    if (try_finish(serial, *process)) return;
    // Exited, but something (a background grandchild) still holds its pipes.
    if (process->phase == Phase::none) arm(*process, Phase::pipe_grace, options_.pipe_grace);
  }

  void arm(Running& process, Phase phase, Duration after) {
    process.phase = phase;
    const auto generation = ++process.timer_generation;
    process.timer.expires_after(after);
    // The serial, not a pointer: the process may be gone when a cancelled wait completes.
    const auto serial = process.serial;
    process.timer.async_wait([this, serial, generation](const boost::system::error_code& error) {
      if (error) return;
      Running* current = find(serial);
      // An expiry that was already queued when the timer was re-armed.
      if (current == nullptr || current->timer_generation != generation) return;
      on_timer(serial, *current);
    });
  }

  void disarm(Running& process) {
    process.phase = Phase::none;
    ++process.timer_generation;
    process.timer.cancel();
  }

  void on_timer(std::uint64_t serial, Running& process) {
    switch (process.phase) {
      case Phase::none:
        return;
      case Phase::timeout:
        process.stop = Stop::timed_out;
        signal_group(process, SIGTERM);
        arm(process, Phase::kill_grace, options_.kill_grace);
        return;
      case Phase::kill_grace:
      case Phase::pipe_grace:
        process.phase = Phase::none;
        signal_group(process, SIGKILL);
        process.kill_sent = true;
        if (try_finish(serial, process)) return;
        // The pipes should reach EOF as soon as the group is dead; a holder that left the
        // group (setsid) would keep them open forever.
        arm(process, Phase::drain, options_.pipe_grace);
        return;
      case Phase::drain:
        process.phase = Phase::none;
        for (std::size_t index = 0; index < 2; ++index) {
          if (!process.open[index]) continue;
          process.open[index] = false;
          boost::system::error_code ignored;
          (index == 0 ? process.out : process.err).close(ignored);
        }
        try_finish(serial, process);  // or on_exited finishes it
        return;
    }
  }

  // Ends the process once it has exited and both pipes are at EOF. Returns whether it did.
  bool try_finish(std::uint64_t serial, Running& process) {
    if (!process.exited || process.open[0] || process.open[1]) return false;
    if (process.stop != Stop::none && !process.kill_sent) {
      // It was asked to stop: whatever in its group outlived the leader (having closed its
      // pipes, or ignoring SIGTERM) must not outlive the task.
      signal_group(process, SIGKILL);
    }
    ProcessEnded ended;
    ended.id = process.id;
    if (!process.status_known) {
      ended.exit_code = -1;
    } else if (WIFSIGNALED(process.status)) {
      ended.signal = WTERMSIG(process.status);
    } else if (WIFEXITED(process.status)) {
      ended.exit_code = WEXITSTATUS(process.status);
    }
    ended.timed_out = process.stop == Stop::timed_out;
    ended.terminated = process.stop == Stop::terminated;
    ended.duration = elapsed(process.started_at, process.exited_at);
    queue_.emplace_back(std::move(ended));
    process.child.detach();
    running_.erase(serial);
    return true;
  }

  bool busy() const { return !running_.empty() || !wakes_.empty() || inputs_.watching(); }

  void restart_if_stopped() {
    if (io_.stopped()) io_.restart();
  }

  // Collects what is ready without blocking. Bounded: a command that writes without pause
  // would otherwise keep poll() busy forever and starve the executor's loop.
  void poll_some() {
    for (int budget = 256; budget > 0; --budget) {
      restart_if_stopped();
      if (io_.poll_one() == 0) break;
    }
  }

  RealRunnerOptions options_;
  // Declared first: everything below registers with it and must be destroyed before it.
  asio::io_context io_;
  bool sigchld_restarts_ = false;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<std::uint64_t, asio::steady_timer> wakes_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Running>> running_;
  std::vector<Occurrence> queue_;
  RunnerInputs inputs_{io_, options_, queue_};
};

}  // namespace

std::unique_ptr<ProcessRunner> make_real_runner(const RealRunnerOptions& options) {
  return std::make_unique<RealRunner>(options);
}

}  // namespace cutover
