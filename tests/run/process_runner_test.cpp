#include "cutover/run/process_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

using namespace cutover;
using namespace std::chrono_literals;
using cutover::testing::TempDir;
using cutover::testing::write_text;

namespace {

constexpr std::uint64_t kWatchdog = 0xdead;

RealRunnerOptions quick() {
  RealRunnerOptions options;
  options.watch_signals = false;
  options.kill_grace = 300ms;
  options.pipe_grace = 200ms;
  return options;
}

ProcessSpec shell(std::string command, std::optional<Duration> timeout = {}) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", std::move(command)};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.workdir = std::filesystem::temp_directory_path();
  spec.timeout = timeout;
  return spec;
}

struct Outcome {
  bool started = false;
  int pid = 0;
  std::string out;
  std::string err;
  std::optional<ProcessEnded> ended;
  bool in_order = true;  // started, then output, then one end, then nothing
};

// Collects occurrences until every one of `ids` has ended. A watchdog timer turns a hang
// into a failure.
std::map<ProcessId, Outcome> run_until_ended(ProcessRunner& runner, std::vector<ProcessId> ids) {
  std::map<ProcessId, Outcome> outcomes;
  for (auto id : ids) outcomes[id];
  runner.wake_at(runner.now() + 10s, kWatchdog);
  auto all_ended = [&] {
    return std::all_of(outcomes.begin(), outcomes.end(),
                       [](const auto& entry) { return entry.second.ended.has_value(); });
  };
  while (!all_ended()) {
    const auto batch = runner.wait();
    REQUIRE_FALSE(batch.empty());
    for (const auto& occurrence : batch) {
      if (const auto* started = std::get_if<ProcessStarted>(&occurrence)) {
        auto& outcome = outcomes.at(started->id);
        if (outcome.started || outcome.ended) outcome.in_order = false;
        outcome.started = true;
        outcome.pid = started->pid;
      } else if (const auto* output = std::get_if<ProcessOutput>(&occurrence)) {
        auto& outcome = outcomes.at(output->id);
        if (!outcome.started || outcome.ended) outcome.in_order = false;
        (output->stream == Stream::out ? outcome.out : outcome.err) += output->bytes;
      } else if (const auto* ended = std::get_if<ProcessEnded>(&occurrence)) {
        auto& outcome = outcomes.at(ended->id);
        if (outcome.ended) outcome.in_order = false;
        outcome.ended = *ended;
      } else if (const auto* wakeup = std::get_if<Wakeup>(&occurrence)) {
        REQUIRE_MESSAGE(wakeup->token != kWatchdog, "no end after 10 s");
      }
    }
  }
  return outcomes;
}

Outcome run_one(ProcessRunner& runner, const ProcessSpec& spec) {
  runner.start(1, spec);
  return run_until_ended(runner, {1}).at(1);
}

std::string unique_marker() {
  std::random_device random;
  return "cutover-marker-" + std::to_string(random()) + std::to_string(random());
}

// A /proc file of a process that may vanish while it is read (std::ifstream would throw).
std::string read_proc(const std::filesystem::path& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, got);
  ::close(fd);
  return text;
}

// Live processes whose command line contains `marker` (a zombie's is empty).
std::vector<int> processes_with(const std::string& marker) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator(
           "/proc", std::filesystem::directory_options::skip_permission_denied)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const auto cmdline = read_proc(entry.path() / "cmdline");
    if (cmdline.find(marker) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

// SIGKILL is delivered asynchronously: allow the victims a moment to disappear.
bool none_survive(const std::string& marker) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (processes_with(marker).empty()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Children of this test process that nobody reaped.
int zombie_children() {
  int zombies = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           "/proc", std::filesystem::directory_options::skip_permission_denied)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const auto stat = read_proc(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    int parent = 0;
    fields >> state >> parent;
    if (state == 'Z' && parent == ::getpid()) ++zombies;
  }
  return zombies;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("real process runner: output on both streams comes between started and ended") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("echo out; echo err >&2"));
  CHECK(outcome.in_order);
  CHECK(outcome.started);
  CHECK(outcome.pid > 0);
  CHECK(outcome.out == "out\n");
  CHECK(outcome.err == "err\n");
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->succeeded());
  CHECK(outcome.ended->duration >= 0ms);
  CHECK(outcome.ended->duration < 2000ms);
}

TEST_CASE("real process runner: a last line without a newline is delivered") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("printf 'a\\nb'"));
  CHECK(outcome.out == "a\nb");
}

TEST_CASE("real process runner: exit code 3 is recorded") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("exit 3"));
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->exit_code == 3);
  CHECK(outcome.ended->signal == 0);
  CHECK_FALSE(outcome.ended->succeeded());
}

TEST_CASE("real process runner: a command killed by a signal records the signal and not 143") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("kill -TERM $$"));
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->signal == SIGTERM);
  CHECK(outcome.ended->exit_code == 0);
  CHECK_FALSE(outcome.ended->timed_out);
  CHECK_FALSE(outcome.ended->succeeded());
}

TEST_CASE("real process runner: a timeout terminates the whole process group") {
  const auto marker = unique_marker();
  auto options = quick();
  options.kill_grace = 5s;  // SIGTERM to the group must suffice: no waiting for SIGKILL
  auto runner = make_real_runner(options);
  const auto begin = std::chrono::steady_clock::now();
  const auto outcome =
      run_one(*runner, shell("sh -c 'sleep 30; : " + marker + "' & sleep 30; : " + marker, 200ms));
  const auto took = std::chrono::steady_clock::now() - begin;
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->timed_out);
  CHECK_FALSE(outcome.ended->terminated);
  CHECK(outcome.ended->signal == SIGTERM);
  CHECK(outcome.ended->duration >= 200ms);
  CHECK(took < 1500ms);
  CHECK(none_survive(marker));
}

TEST_CASE("real process runner: a timeout kills what ignores SIGTERM after closing its pipes") {
  const auto marker = unique_marker();
  auto options = quick();
  options.kill_grace = 5s;
  auto runner = make_real_runner(options);
  const auto begin = std::chrono::steady_clock::now();
  const auto outcome = run_one(*runner, shell("sh -c \"trap '' TERM; sleep 30; : " + marker +
                                                  "\" >/dev/null 2>&1 & sleep 30",
                                              200ms));
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->timed_out);
  CHECK(std::chrono::steady_clock::now() - begin < 1500ms);
  CHECK(none_survive(marker));
}

TEST_CASE("real process runner: a command that exits by itself on SIGTERM keeps its exit code") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("trap 'exit 7' TERM; sleep 30 & wait", 100ms));
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->timed_out);
  CHECK(outcome.ended->exit_code == 7);
  CHECK(outcome.ended->signal == 0);
}

TEST_CASE("real process runner: a command ignoring SIGTERM is killed after kill_grace") {
  const auto marker = unique_marker();
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("trap '' TERM; sleep 30; : " + marker, 100ms));
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->timed_out);
  CHECK(outcome.ended->signal == SIGKILL);
  CHECK(outcome.ended->duration >= 400ms);  // timeout + kill_grace
  CHECK(outcome.ended->duration < 1500ms);
  CHECK(none_survive(marker));
}

TEST_CASE(
    "real process runner: a background grandchild holding the pipes is killed after pipe_grace") {
  const auto marker = unique_marker();
  auto runner = make_real_runner(quick());
  const auto begin = std::chrono::steady_clock::now();
  const auto outcome = run_one(*runner, shell("sh -c 'sleep 30; : " + marker + "' & echo hi"));
  const auto took = std::chrono::steady_clock::now() - begin;
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->exit_code == 0);
  CHECK(outcome.ended->succeeded());
  CHECK(outcome.out == "hi\n");
  CHECK(took >= 200ms);  // pipe_grace
  CHECK(took < 1500ms);
  CHECK(none_survive(marker));
}

TEST_CASE("real process runner: a missing workdir is a start error") {
  auto runner = make_real_runner(quick());
  auto spec = shell("echo should not run");
  spec.workdir = "/no/such/dir-for-cutover";
  const auto outcome = run_one(*runner, spec);
  CHECK_FALSE(outcome.started);
  CHECK(outcome.out.empty());
  REQUIRE(outcome.ended);
  REQUIRE(outcome.ended->start_error);
  CHECK(*outcome.ended->start_error ==
        "cannot change to workdir /no/such/dir-for-cutover: No such file or directory");
  CHECK_FALSE(outcome.ended->succeeded());
  CHECK(zombie_children() == 0);
}

TEST_CASE("real process runner: a missing shell is a start error") {
  auto runner = make_real_runner(quick());
  auto spec = shell("true");
  spec.argv[0] = "/no/such/shell";
  const auto outcome = run_one(*runner, spec);
  CHECK_FALSE(outcome.started);
  REQUIRE(outcome.ended);
  REQUIRE(outcome.ended->start_error);
  CHECK(*outcome.ended->start_error == "cannot start /no/such/shell: No such file or directory");
  CHECK(zombie_children() == 0);
}

TEST_CASE("real process runner: a shell given without a path is found on the command's PATH") {
  auto runner = make_real_runner(quick());
  auto spec = shell("echo $0");
  spec.argv[0] = "sh";
  const auto outcome = run_one(*runner, spec);
  REQUIRE(outcome.ended);
  CHECK_FALSE(outcome.ended->start_error);
  CHECK(outcome.ended->succeeded());
  CHECK(outcome.out == "sh\n");
}

TEST_CASE("real process runner: the environment is exactly the given one") {
  ::setenv("CUTOVER_TEST_PARENT_ONLY", "leaked", 1);
  auto runner = make_real_runner(quick());
  auto spec = shell("env");
  spec.env.emplace_back("FOO", "bar");
  spec.env.emplace_back("EMPTY", "");
  const auto outcome = run_one(*runner, spec);
  ::unsetenv("CUTOVER_TEST_PARENT_ONLY");
  const auto lines = lines_of(outcome.out);
  const std::set<std::string> variables(lines.begin(), lines.end());
  CHECK(variables.count("FOO=bar") == 1);
  CHECK(variables.count("EMPTY=") == 1);
  CHECK(variables.count("PATH=/usr/bin:/bin") == 1);
  CHECK(outcome.out.find("CUTOVER_TEST_PARENT_ONLY") == std::string::npos);
  CHECK(outcome.out.find("HOME=") == std::string::npos);
}

TEST_CASE("real process runner: the workdir is honoured") {
  TempDir dir;
  auto runner = make_real_runner(quick());
  auto spec = shell("pwd -P");
  spec.workdir = dir.path();
  const auto outcome = run_one(*runner, spec);
  CHECK(outcome.out == std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST_CASE("real process runner: no file descriptor leaks into commands") {
  // Opened without O_CLOEXEC, as a careless library would.
  const int leaky = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaky >= 0);
  REQUIRE(::dup2(leaky, 100) == 100);
  auto runner = make_real_runner(quick());
  // Another task's pipes are open in the runner while this one starts.
  runner->start(1, shell("sleep 0.3"));
  // The glob opens the folder itself: it shows up as the lowest free descriptor, 3, unless
  // something leaked and took that number.
  runner->start(2, shell("for f in /proc/$$/fd/*; do echo ${f##*/}; done"));
  const auto outcomes = run_until_ended(*runner, {1, 2});
  ::close(100);
  ::close(leaky);
  auto fds = lines_of(outcomes.at(2).out);
  std::sort(fds.begin(), fds.end());
  CHECK(fds == std::vector<std::string>{"0", "1", "2", "3"});
}

TEST_CASE("real process runner: stdin of a command is /dev/null") {
  auto runner = make_real_runner(quick());
  const auto begin = std::chrono::steady_clock::now();
  const auto outcome = run_one(*runner, shell("cat; readlink /proc/self/fd/0"));
  CHECK(std::chrono::steady_clock::now() - begin < 1s);
  CHECK(outcome.out == "/dev/null\n");
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->succeeded());
}

TEST_CASE("real process runner: commands get default signal dispositions and an empty mask") {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  ::sigaction(SIGPIPE, &ignore, &previous);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR2);
  sigset_t previous_mask;
  ::sigprocmask(SIG_BLOCK, &blocked, &previous_mask);

  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("grep -E '^Sig(Ign|Blk)' /proc/self/status"));

  ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
  ::sigaction(SIGPIPE, &previous, nullptr);
  CHECK(outcome.out == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_CASE("real process runner: terminate_all ends every running process as terminated") {
  auto runner = make_real_runner(quick());
  runner->start(1, shell("sleep 30"));
  runner->start(2, shell("sleep 30; echo never"));
  runner->terminate_all();
  const auto outcomes = run_until_ended(*runner, {1, 2});
  for (const auto& [id, outcome] : outcomes) {
    CAPTURE(id);
    REQUIRE(outcome.ended);
    CHECK(outcome.ended->terminated);
    CHECK_FALSE(outcome.ended->timed_out);
    CHECK(outcome.ended->signal == SIGTERM);
    CHECK(outcome.ended->duration < 1000ms);
  }
}

TEST_CASE("real process runner: wake_at tokens come back in time order") {
  auto runner = make_real_runner(quick());
  const auto start = runner->now();
  runner->wake_at(start + 60ms, 3);
  runner->wake_at(start + 20ms, 1);
  runner->wake_at(start + 40ms, 2);
  std::vector<std::uint64_t> tokens;
  while (tokens.size() < 3) {
    const auto batch = runner->wait();
    REQUIRE_FALSE(batch.empty());
    for (const auto& occurrence : batch) {
      const auto* wakeup = std::get_if<Wakeup>(&occurrence);
      REQUIRE(wakeup);
      CHECK(runner->now() >= start + std::chrono::milliseconds(20 * wakeup->token));
      tokens.push_back(wakeup->token);
    }
  }
  CHECK(tokens == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(runner->wait().empty());
}

TEST_CASE("real process runner: wait returns nothing at once when idle") {
  auto runner = make_real_runner();  // watching signals does not count as waiting for work
  const auto begin = std::chrono::steady_clock::now();
  CHECK(runner->wait().empty());
  runner->start(1, shell("true"));
  run_until_ended(*runner, {1});
  auto fresh = make_real_runner(quick());
  fresh->start(1, shell("true"));
  std::size_t seen = 0;
  for (auto batch = fresh->wait(); !batch.empty(); batch = fresh->wait()) seen += batch.size();
  CHECK(seen == 2);  // started and ended
  CHECK(std::chrono::steady_clock::now() - begin < 1s);
}

TEST_CASE("real process runner: twenty processes in parallel all end") {
  auto runner = make_real_runner(quick());
  std::vector<ProcessId> ids;
  for (ProcessId id = 1; id <= 20; ++id) {
    runner->start(id, shell("echo " + std::to_string(id)));
    ids.push_back(id);
  }
  const auto outcomes = run_until_ended(*runner, ids);
  for (const auto& [id, outcome] : outcomes) {
    CAPTURE(id);
    CHECK(outcome.in_order);
    CHECK(outcome.out == std::to_string(id) + "\n");
    REQUIRE(outcome.ended);
    CHECK(outcome.ended->succeeded());
  }
}

TEST_CASE("real process runner: five megabytes of output arrive complete") {
  auto runner = make_real_runner(quick());
  const auto outcome = run_one(*runner, shell("head -c 5000000 /dev/zero; echo end >&2"));
  CHECK(outcome.out.size() == 5'000'000);
  CHECK(outcome.out.find_first_not_of('\0') == std::string::npos);
  CHECK(outcome.err == "end\n");
  REQUIRE(outcome.ended);
  CHECK(outcome.ended->succeeded());
}

TEST_CASE("real process runner: signals reach every runner and are released with it") {
  {
    RealRunnerOptions options = quick();
    options.watch_signals = true;
    auto first = make_real_runner(options);
    auto second = make_real_runner(options);
    // Pending timers, so that wait() blocks for the signal instead of reporting idleness.
    first->wake_at(first->now() + 5s, 1);
    second->wake_at(second->now() + 5s, 1);
    struct sigaction installed {};
    ::sigaction(SIGHUP, nullptr, &installed);
    CHECK((installed.sa_flags & SA_RESTART) != 0);
    REQUIRE(::kill(::getpid(), SIGHUP) == 0);
    for (auto* runner : {first.get(), second.get()}) {
      const auto batch = runner->wait();
      REQUIRE(batch.size() == 1);
      const auto* received = std::get_if<SignalReceived>(&batch.front());
      REQUIRE(received);
      CHECK(received->signal == SIGHUP);
    }
  }
  struct sigaction current {};
  ::sigaction(SIGHUP, nullptr, &current);
  const bool restored = current.sa_handler == SIG_DFL;
  CHECK(restored);
}

TEST_CASE("real process runner: a child's exit does not interrupt blocking calls elsewhere") {
  auto runner = make_real_runner(quick());
  run_one(*runner, shell("true"));
  struct sigaction installed {};
  ::sigaction(SIGCHLD, nullptr, &installed);
  const bool caught = installed.sa_handler != SIG_DFL && installed.sa_handler != SIG_IGN;
  CHECK(caught);
  CHECK((installed.sa_flags & SA_RESTART) != 0);
  // A blocking read that a SIGCHLD arrives during completes instead of failing with EINTR.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  runner->start(2, shell("sleep 0.05"));
  std::thread writer([&] {
    std::this_thread::sleep_for(300ms);
    REQUIRE(::write(fds[1], "x", 1) == 1);
  });
  char byte = 0;
  const auto got = ::read(fds[0], &byte, 1);
  const int read_errno = errno;
  writer.join();
  ::close(fds[0]);
  ::close(fds[1]);
  CHECK(got == 1);
  CAPTURE(read_errno);
  run_until_ended(*runner, {2});
}

namespace {

// Runs a terminal-reading runner with `source` as its stdin, collecting until it closes.
std::vector<Occurrence> read_terminal_from(int source) {
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(source, STDIN_FILENO) == STDIN_FILENO);
  RealRunnerOptions options = quick();
  options.read_terminal = true;
  auto runner = make_real_runner(options);
  ::dup2(saved, STDIN_FILENO);  // the runner reads its own duplicate
  ::close(saved);
  std::vector<Occurrence> seen;
  while (seen.empty() || !std::holds_alternative<TerminalClosed>(seen.back())) {
    auto batch = runner->wait();
    REQUIRE_FALSE(batch.empty());
    seen.insert(seen.end(), batch.begin(), batch.end());
  }
  CHECK(runner->wait().empty());  // no longer reading: nothing to wait for
  return seen;
}

std::vector<std::string> terminal_lines(const std::vector<Occurrence>& occurrences) {
  std::vector<std::string> lines;
  for (const auto& occurrence : occurrences) {
    if (const auto* line = std::get_if<TerminalLine>(&occurrence)) lines.push_back(line->text);
  }
  return lines;
}

}  // namespace

TEST_CASE("real process runner: lines from a pipe on stdin come back then the end of input") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string typed = "one\r\ntwo\n\nthree";
  REQUIRE(::write(fds[1], typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
  ::close(fds[1]);
  const auto seen = read_terminal_from(fds[0]);
  CHECK(terminal_lines(seen) == std::vector<std::string>{"one", "two", "", "three"});
  CHECK(std::holds_alternative<TerminalClosed>(seen.back()));
  // The runner made the shared open file non-blocking while reading: it must undo that.
  CHECK((::fcntl(fds[0], F_GETFL) & O_NONBLOCK) == 0);
  ::close(fds[0]);
}

TEST_CASE("real process runner: stdin from a regular file or /dev/null is read to its end") {
  TempDir dir;
  write_text(dir / "input", "x\ny\n");
  const int file = ::open((dir / "input").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(file >= 0);
  const auto from_file = read_terminal_from(file);
  ::close(file);
  CHECK(terminal_lines(from_file) == std::vector<std::string>{"x", "y"});

  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(null >= 0);
  const auto from_null = read_terminal_from(null);
  ::close(null);
  CHECK(from_null.size() == 1);
}

TEST_CASE("real runner: input given as bytes is the child's stdin - else stdin is empty") {
  auto runner = make_real_runner(quick());
  ProcessSpec spec = shell("cat; echo end");
  spec.input = "{\"event\":\"test\"}\n";
  const Outcome fed = run_one(*runner, spec);
  CHECK(fed.out == "{\"event\":\"test\"}\nend\n");
  CHECK(fed.ended->succeeded());
  // A child that does not read its input still starts and ends.
  spec = shell("exit 3");
  spec.input = std::string(1000, 'x');
  CHECK(run_one(*runner, spec).ended->exit_code == 3);
  const Outcome empty = run_one(*runner, shell("cat; echo end"));
  CHECK(empty.out == "end\n");
}
