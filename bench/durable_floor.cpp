// The floor under `cutover run`: the least a durable executor can do per task. It runs the
// DAG of bench/run_vs_ninja.sh (wide, chain or layered) with JOBS slots, each task as
// `/bin/sh -c true` through posix_spawn, and keeps a journal the way cutover promises to: a
// line per start, made durable by one fdatasync per round before that round's processes
// exist, and a line per end. No JSON, no hashes, no logs, no terminal. What cutover takes
// beyond this is its own cost; what this takes beyond ninja is the disk's.
//   ninja -C build durable_floor && build/durable_floor SHAPE TASKS [JOBS] [JOURNAL]
// (JOURNAL defaults to durable_floor.journal in the temporary folder; it is overwritten.)

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

extern char** environ;

namespace {

struct Dag {
  std::vector<std::vector<std::size_t>> dependents;
  std::vector<int> waiting_on;  // dependencies not yet finished
};

void depend(Dag& dag, std::size_t task, std::size_t on) {
  dag.dependents[on].push_back(task);
  ++dag.waiting_on[task];
}

// The shapes of bench/run_vs_ninja.sh: layered = layers of 100, each task depending on two
// of the layer before.
Dag make_dag(std::string_view shape, std::size_t count) {
  if (shape != "wide" && shape != "chain" && shape != "layered") {
    throw std::runtime_error(fmt::format("unknown shape '{}': wide, chain or layered", shape));
  }
  Dag dag{std::vector<std::vector<std::size_t>>(count), std::vector<int>(count, 0)};
  for (std::size_t i = 0; i < count; ++i) {
    if (shape == "chain" && i > 0) depend(dag, i, i - 1);
    if (shape == "layered" && i >= 100) {
      const std::size_t first = i - 100 - i % 100;
      depend(dag, i, first + i % 100);
      depend(dag, i, first + (i % 100 + 1) % 100);
    }
  }
  return dag;
}

void check(bool ok, const char* what) {
  if (!ok) throw std::system_error(errno, std::generic_category(), what);
}

class Journal {
 public:
  explicit Journal(const char* path)
      : fd_(::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644)) {
    check(fd_ >= 0, "open journal");
  }
  ~Journal() { ::close(fd_); }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void line(std::string_view event, std::size_t task) {
    const std::string text = fmt::format("{} t{:06}\n", event, task);
    check(::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "write");
  }
  void sync() { check(::fdatasync(fd_) == 0, "fdatasync"); }

 private:
  int fd_;
};

pid_t spawn_true() {
  static char sh[] = "/bin/sh", dash_c[] = "-c", command[] = "true";
  char* argv[] = {sh, dash_c, command, nullptr};
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, sh, nullptr, nullptr, argv, environ);
  if (error != 0) throw std::system_error(error, std::generic_category(), "posix_spawn");
  return pid;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    fmt::print(stderr, "usage: {} wide|chain|layered TASKS [JOBS] [JOURNAL]\n", argv[0]);
    return 2;
  }
  const std::size_t count = std::strtoul(argv[2], nullptr, 10);
  const std::size_t jobs = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 2;
  if (count == 0 || jobs == 0) throw std::runtime_error("TASKS and JOBS must be positive numbers");
  Dag dag = make_dag(argv[1], count);
  const std::filesystem::path path =
      argc > 4 ? argv[4] : std::filesystem::temp_directory_path() / "durable_floor.journal";
  Journal journal(path.c_str());

  const auto begin = std::chrono::steady_clock::now();
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < count; ++i) {
    if (dag.waiting_on[i] == 0) ready.push_back(i);
  }
  std::unordered_map<pid_t, std::size_t> running;
  std::size_t finished = 0, syncs = 0;
  std::vector<std::size_t> round;
  while (finished < count) {
    round.clear();
    while (running.size() + round.size() < jobs && !ready.empty()) {
      journal.line("start", ready.front());
      round.push_back(ready.front());
      ready.pop_front();
    }
    if (!round.empty()) {
      journal.sync();
      ++syncs;
      for (const std::size_t task : round) running.emplace(spawn_true(), task);
    }
    // Every process that has ended by now, so that one round starts all the free slots.
    int status = 0;
    for (pid_t pid = ::waitpid(-1, &status, 0); pid > 0; pid = ::waitpid(-1, &status, WNOHANG)) {
      const std::size_t task = running.at(pid);
      running.erase(pid);
      journal.line("end", task);
      ++finished;
      for (const std::size_t dependent : dag.dependents[task]) {
        if (--dag.waiting_on[dependent] == 0) ready.push_back(dependent);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  fmt::print("{} {} tasks, -j{}: {:.3f} s, {:.0f} µs a task, {} fdatasync ({:.2f} a task)\n",
             argv[1], count, jobs, seconds, seconds * 1e6 / static_cast<double>(count), syncs,
             static_cast<double>(syncs) / static_cast<double>(count));
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "durable_floor: {}\n", error.what());
  return 1;
}
