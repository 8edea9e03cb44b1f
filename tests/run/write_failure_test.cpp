// Full disk and write errors, at every write of a run: a small runbook runs through the real
// executor (virtual processes, real files written through a FaultyFileSystem); each write or
// sync call of the run fails in turn, with each fault. Every time the run must stop with an
// EnvironmentError (exit 5) naming the file and the OS error, leave a journal that reads and
// verifies and that holds every event reported durable, and a resume (on the real file system)
// must complete the run without running again any task that had finished.

#include "run/write_failure.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "cutover/report/timing.hpp"
#include "cutover/run/executor.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/virtual_runner.hpp"
#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

using json = nlohmann::ordered_json;
const UtcTime start_utc = std::chrono::sys_days{std::chrono::November / 28 / 2026};
constexpr std::string_view run_id = "faults/20261128T000000Z";

// Wall and monotonic time from the virtual runner, so that a run is the same every time.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(const VirtualRunner& runner) : runner_(runner), start_(runner.now()) {}
  UtcTime utc_now() const override {
    return start_utc +
           std::chrono::duration_cast<std::chrono::milliseconds>(runner_.now() - start_);
  }
  std::chrono::steady_clock::time_point steady_now() const override { return runner_.now(); }

 private:
  const VirtualRunner& runner_;
  std::chrono::steady_clock::time_point start_;
};

// A terminal in memory.
class Terminal {
 public:
  Terminal() : out_(open_memstream(&buffer_, &size_)) { REQUIRE(out_ != nullptr); }
  ~Terminal() {
    std::fclose(out_);
    std::free(buffer_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  std::FILE* file() { return out_; }
  std::string text() {
    std::fflush(out_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* out_;
};

// Every event the executor appended, and how many of them it was told are on disk.
class RecordingSink final : public EventSink {
 public:
  explicit RecordingSink(EventSink& inner) : inner_(inner) {}
  const JournalEvent& append(EventBody body, Durability durability) override {
    const JournalEvent& event = inner_.append(std::move(body), durability);
    appended.push_back(event);
    if (durability == Durability::now) durable = appended.size();
    return event;
  }
  void sync() override {
    inner_.sync();
    durable = appended.size();
  }
  std::vector<JournalEvent> appended;
  std::size_t durable = 0;

 private:
  EventSink& inner_;
};

// Writes a decision into the inbox when the virtual clock reaches its time, as `cutover mark`
// from another terminal would (through the real file system: it is another process).
class DeliveringRunner final : public ProcessRunner {
 public:
  DeliveringRunner(VirtualRunner& inner, std::filesystem::path run_dir,
                   std::vector<std::pair<Duration, Decision>> deliveries)
      : inner_(inner),
        start_(inner.now()),
        run_dir_(std::move(run_dir)),
        deliveries_(std::move(deliveries)) {
    for (const auto& [after, decision] : deliveries_) inner_.inject(after, InboxChanged{});
  }
  void start(ProcessId id, const ProcessSpec& spec) override { inner_.start(id, spec); }
  void terminate_all() override { inner_.terminate_all(); }
  void wake_at(std::chrono::steady_clock::time_point when, std::uint64_t token) override {
    inner_.wake_at(when, token);
  }
  std::vector<Occurrence> wait() override {
    std::vector<Occurrence> occurrences = inner_.wait();
    std::erase_if(deliveries_, [&](const auto& delivery) {
      if (start_ + delivery.first > inner_.now()) return false;
      deliver(run_dir_, delivery.second);
      return true;
    });
    return occurrences;
  }
  std::chrono::steady_clock::time_point now() const override { return inner_.now(); }

 private:
  VirtualRunner& inner_;
  std::chrono::steady_clock::time_point start_;
  std::filesystem::path run_dir_;
  std::vector<std::pair<Duration, Decision>> deliveries_;
};

Decision decision(std::string id, DecisionKind kind, std::string task) {
  Decision made;
  made.id = std::move(id);
  made.run_id = std::string(run_id);
  made.kind = kind;
  made.task = std::move(task);
  made.by = "lead";
  made.user = "lead-u";
  made.host = "laptop";
  made.time = start_utc;
  return made;
}

// a -> b (fails once, then succeeds on its retry) -> g (a check, then lead's approval) -> c,
// and m, a manual task, before g. Output on both streams; the decisions arrive in the inbox.
Runbook campaign_runbook() {
  Task a = make_task("a", minutes(1));
  Task b = make_task("b", minutes(1), {"a"});
  b.retries = 1;
  Task m = manual_task("m", minutes(1), {"a"});
  Task g = make_task("g", {}, {"b", "m"});
  GateCheck check;
  check.name = "ready";
  check.run = "./ready.sh";
  g.kind = Gate{{check}, {"lead"}};
  Task c = make_task("c", minutes(1), {"g"});
  for (Task* task : {&a, &b, &c}) task->idempotent = true;
  Runbook runbook = make_runbook({a, b, m, g, c});
  runbook.id = "faults";
  return runbook;
}

VirtualOutcome says(std::string out, std::string err = {}, int exit_code = 0) {
  VirtualOutcome outcome;
  outcome.out = std::move(out);
  outcome.err = std::move(err);
  outcome.exit_code = exit_code;
  return outcome;
}

// The task a process was started for: "g: ready" and "a (rollback)" belong to g and a.
std::string task_of(const ProcessSpec& spec) {
  return spec.name.substr(0, std::min(spec.name.find(':'), spec.name.find(' ')));
}

std::string attempt_of(const ProcessSpec& spec) {
  for (const auto& [name, value] : spec.env) {
    if (name == "CUTOVER_ATTEMPT") return value;
  }
  return {};
}

// What one run left behind.
struct Outcome {
  std::optional<Error> error;
  std::vector<JournalEvent> appended;
  std::size_t durable = 0;
  std::vector<ProcessSpec> started;
  std::vector<Call> calls;
  std::optional<Call> failed;
  std::string terminal;
};

class Campaign {
 public:
  Campaign() : runbook_(campaign_runbook()), graph_(make_run_graph(runbook_)) {}

  std::filesystem::path run_dir() const { return scratch_.path() / "run"; }
  std::filesystem::path absolute(const std::filesystem::path& relative) const {
    return scratch_.path() / relative;
  }
  std::filesystem::path journal_path() const { return run_dir() / journal_file_name; }

  // The run, from its first event to timing.csv, with `rules` as faults.
  Outcome run(const std::vector<FaultyFileSystem::Rule>& rules) {
    std::filesystem::create_directories(run_dir() / "logs");
    make_inbox(run_dir());
    VirtualRunner virtual_runner([&](const ProcessSpec& spec) {
      const std::size_t n = starts_[spec.name]++;
      if (spec.name == "a") return says("a is done\n");
      if (spec.name == "b") return n == 0 ? says("", "b: not yet\n", 1) : says("b ok\n");
      if (spec.name == "c") return says("c line 1\nc line 2\n", "c warns\n");
      return VirtualOutcome{};
    });
    VirtualClock clock(virtual_runner);
    DeliveringRunner runner(virtual_runner, run_dir(),
                            {{std::chrono::seconds(90), decision("d1", DecisionKind::mark, "m")},
                             {minutes(4), decision("d2", DecisionKind::approve, "g")}});
    FaultyFileSystem fs;
    JournalHeader header{
        std::string(run_id), "", std::string(64, 'a'), "test", "host", "ops", start_utc};
    JournalWriter journal = JournalWriter::create(journal_path(), header, clock, fs);
    fs.count_from_here();
    for (const auto& rule : rules) fs.fail(rule);
    RecordingSink sink(journal);
    Terminal terminal;
    Outcome outcome;
    {
      Console console(terminal.file(), {});
      ExecutorSetup setup{runbook_, {}, run_dir(), std::string(run_id), {}, {}, "ops", "host"};
      setup.clock = &clock;
      setup.file_system = &fs;
      setup.leftovers = [](TaskIndex, int) { return std::vector<int>{}; };
      ExecutorOptions options;
      options.jobs = 2;
      options.non_interactive = true;
      try {
        const ExecutorResult result = execute(setup, graph_, runner, sink, console, options);
        write_timing_csv(run_dir(), runbook_, graph_, result.state, fs);
      } catch (const Error& error) {
        outcome.error = error;
      }
    }
    outcome.appended = sink.appended;
    outcome.durable = sink.durable;
    outcome.started = virtual_runner.started();
    // Relative to the campaign's folder, so that the calls of two campaigns compare.
    for (Call call : fs.calls()) {
      call.path = call.path.lexically_relative(scratch_.path());
      outcome.calls.push_back(std::move(call));
    }
    if (fs.failed()) {
      outcome.failed =
          Call{fs.failed()->operation, fs.failed()->path.lexically_relative(scratch_.path())};
    }
    outcome.terminal = terminal.text();
    return outcome;
  }

  // `cutover resume --auto` on the real file system, processes all succeeding.
  Outcome resume() {
    const Journal journal = read_journal(journal_path());
    VirtualRunner virtual_runner;
    VirtualClock clock(virtual_runner);
    JournalWriter writer = JournalWriter::reopen(journal_path(), clock);
    Terminal terminal;
    Outcome outcome;
    {
      Console console(terminal.file(), {});
      ExecutorSetup setup{runbook_, {}, run_dir(), std::string(run_id), {}, {}, "ops", "host"};
      setup.clock = &clock;
      setup.history = &journal.events;
      setup.leftovers = [](TaskIndex, int) { return std::vector<int>{}; };
      ExecutorOptions options;
      options.jobs = 2;
      options.start = Start::resume;
      options.auto_people = true;
      options.non_interactive = true;
      const ExecutorResult result =
          execute(setup, graph_, virtual_runner, writer, console, options);
      CHECK(result.outcome == RunOutcome::succeeded);
      write_timing_csv(run_dir(), runbook_, graph_, result.state);
    }
    outcome.started = virtual_runner.started();
    outcome.terminal = terminal.text();
    return outcome;
  }

  const Runbook& runbook() const { return runbook_; }
  const RunGraph& graph() const { return graph_; }

 private:
  TempDir scratch_{TempDir::on_ram_disk};
  Runbook runbook_;
  RunGraph graph_;
  std::map<std::string, std::size_t> starts_;
};

// The journal ends with the run's success.
bool succeeded(const Journal& journal) {
  if (journal.events.empty()) return false;
  const auto* finished = journal.events.back().as<event::RunFinished>();
  return finished && finished->outcome == RunOutcome::succeeded;
}

bool same_event(const JournalEvent& a, const JournalEvent& b) {
  return a.seq == b.seq && a.type() == b.type() && encode_fields(a.body) == encode_fields(b.body) &&
         a.elapsed_ms == b.elapsed_ms;
}

// The calls of a run without faults: what the campaign fails one at a time.
const std::vector<Call>& clean_calls() {
  static const std::vector<Call> calls = [] {
    Campaign campaign;
    const Outcome outcome = campaign.run({});
    REQUIRE_FALSE(outcome.error);
    const Journal journal = read_journal(campaign.journal_path());
    REQUIRE(succeeded(journal));
    return outcome.calls;
  }();
  return calls;
}

// One fault at one call: everything the contract promises, checked.
void check_fault(std::size_t call, Fault fault, bool sticky) {
  const Call& target = clean_calls().at(call);
  CAPTURE(call);
  CAPTURE(fault_name(fault));
  CAPTURE(sticky);
  CAPTURE(operation_name(target.operation));
  CAPTURE(target.path.filename().string());
  Campaign campaign;
  const Outcome outcome = campaign.run({{call, fault, {}, sticky}});

  // The run stopped with exit 5, naming the file and the OS error.
  REQUIRE(outcome.failed);
  CHECK(outcome.failed->path == target.path);
  REQUIRE(outcome.error);
  CHECK(outcome.error->code() == exit_environment);
  const std::string message = outcome.error->what();
  CHECK(message.find(campaign.absolute(target.path).string()) != std::string::npos);
  CHECK(message.find(std::strerror(fault == Fault::io_error ? EIO : ENOSPC)) != std::string::npos);

  // The journal reads and verifies, keeps every event reported durable, and holds nothing
  // that was not appended.
  const auto verdict = verify_journal(campaign.journal_path());
  CHECK(verdict.intact);
  const Journal journal = read_journal(campaign.journal_path());
  CHECK(journal.events.size() >= outcome.durable);
  REQUIRE(journal.events.size() <= outcome.appended.size());
  for (std::size_t i = 0; i < journal.events.size(); ++i) {
    CHECK(same_event(journal.events[i], outcome.appended[i]));
  }

  // Journal first: every process of a task started after its task_started was on disk.
  std::set<std::pair<std::string, std::string>> journaled_starts;
  for (const JournalEvent& event : journal.events) {
    if (const auto* started = event.as<event::TaskStarted>()) {
      journaled_starts.emplace(started->task, std::to_string(started->attempt));
    }
  }
  for (const ProcessSpec& spec : outcome.started) {
    if (spec.name != task_of(spec)) continue;  // checks have no task_started of their own
    CHECK(journaled_starts.contains({spec.name, attempt_of(spec)}));
  }

  const bool finished = !journal.events.empty() && journal.events.back().type() == "run_finished";
  if (finished) {
    // Only timing.csv was left to write (its last call syncs the run directory): the run
    // itself is complete.
    std::size_t first_timing_call = 0;
    while (clean_calls().at(first_timing_call).path.filename().string().find("timing.csv") ==
           std::string::npos) {
      ++first_timing_call;
    }
    CHECK(call >= first_timing_call);
    return;
  }
  CHECK(message.find("cutover resume " + campaign.run_dir().string()) != std::string::npos);

  // Resumed once the disk is fine again: no finished task runs again, and the run completes.
  const RunState before = fold(campaign.runbook(), campaign.graph(), journal.events);
  const Outcome resumed = campaign.resume();
  for (const ProcessSpec& spec : resumed.started) {
    const auto task = campaign.graph().find(task_of(spec));
    REQUIRE(task);
    CAPTURE(spec.name);
    CHECK_FALSE(before.tasks[*task].finished());
  }
  CHECK(verify_journal(campaign.journal_path()).intact);
  CHECK_FALSE(verify_journal(campaign.journal_path()).warning);
  const Journal after = read_journal(campaign.journal_path());
  CHECK(succeeded(after));
}

// Every call of the run, failed in turn with `fault`.
void campaign(Fault fault, bool sticky) {
  const std::vector<Call>& calls = clean_calls();
  REQUIRE(calls.size() > 30);  // the journal, four logs, the inbox and timing.csv
  std::size_t tried = 0;
  for (std::size_t call = 0; call < calls.size(); ++call) {
    if (fault == Fault::short_write && calls[call].operation != Operation::append) continue;
    check_fault(call, fault, sticky);
    ++tried;
  }
  CHECK(tried > 0);
}

}  // namespace

TEST_CASE("write faults: the campaign's run writes the journal - logs - inbox and timing.csv") {
  std::set<std::string> files;
  std::set<Operation> operations;
  for (const Call& call : clean_calls()) {
    files.insert(call.path.filename().string());
    operations.insert(call.operation);
  }
  for (const char* file : {"journal.jsonl", "a.log", "b.log", "c.log", "g.log", "inbox",
                           ".timing.csv.tmp", "timing.csv"}) {
    CAPTURE(file);
    CHECK(files.contains(file));
  }
  CHECK(files.contains("d1.json"));
  for (const Operation operation :
       {Operation::open, Operation::append, Operation::sync, Operation::close, Operation::rename,
        Operation::remove, Operation::sync_directory}) {
    CAPTURE(operation_name(operation));
    CHECK(operations.contains(operation));
  }
}

TEST_CASE(
    "write faults: ENOSPC at every write call of a run stops it safely and resume completes it") {
  campaign(Fault::no_space, false);
}

TEST_CASE(
    "write faults: EIO at every write and fsync of a run stops it safely and resume completes it") {
  campaign(Fault::io_error, false);
}

TEST_CASE("write faults: a short write at every append of a run leaves whole lines only") {
  campaign(Fault::short_write, false);
}

TEST_CASE("write faults: a disk that stays full from any call of a run on") {
  campaign(Fault::no_space, true);
}

TEST_CASE("write faults: a process running at the failure is seen to its end and not journaled") {
  // c's first output fails its log: c itself is left to end, shown, and named in doubt.
  const std::vector<Call>& calls = clean_calls();
  std::size_t c_log = calls.size();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].operation == Operation::append && calls[i].path.filename() == "c.log") {
      c_log = i;
      break;
    }
  }
  REQUIRE(c_log < calls.size());
  Campaign campaign;
  const Outcome outcome = campaign.run({{c_log, Fault::no_space}});
  REQUIRE(outcome.error);
  const std::string message = outcome.error->what();
  CHECK(message.find("c.log: cannot be written: ") != std::string::npos);
  CHECK(message.find("the run stopped safely: nothing new was started") != std::string::npos);
  CHECK(message.find("in doubt") != std::string::npos);
  const Journal journal = read_journal(campaign.journal_path());
  std::vector<std::string> finished;
  for (const JournalEvent& event : journal.events) {
    if (const auto* ended = event.as<event::TaskFinished>()) finished.push_back(ended->task);
  }
  CHECK(std::find(finished.begin(), finished.end(), "c") == finished.end());
  // Nothing was started after the failure: c was the last process.
  REQUIRE_FALSE(outcome.started.empty());
  CHECK(outcome.started.back().name == "c");
}

TEST_CASE("write faults: the drain waits for running processes - shows their output and end") {
  // The journal's process_started of a (its first append after a.log was opened, which is
  // after a's process started): a keeps running, its output and end are shown.
  const std::vector<Call>& calls = clean_calls();
  std::size_t a_log = 0;
  while (a_log < calls.size() && calls[a_log].path.filename() != "a.log") ++a_log;
  std::size_t started = a_log;
  while (started < calls.size() && (calls[started].operation != Operation::append ||
                                    calls[started].path.filename() != journal_file_name)) {
    ++started;
  }
  REQUIRE(started < calls.size());
  REQUIRE(calls[started].path.filename() == journal_file_name);
  Campaign campaign;
  const Outcome outcome = campaign.run({{started, Fault::io_error}});
  REQUIRE(outcome.error);
  CHECK(outcome.terminal.find("waiting for what is running to end (a)") != std::string::npos);
  CHECK(outcome.terminal.find("[a] a is done") != std::string::npos);
  CHECK(outcome.terminal.find("ended  a: succeeded (not journaled: it is in doubt)") !=
        std::string::npos);
  CHECK(std::string(outcome.error->what()).find("(running when it stopped: a)") !=
        std::string::npos);
  std::vector<std::string> names;
  for (const ProcessSpec& spec : outcome.started) names.push_back(spec.name);
  CHECK(names == std::vector<std::string>{"a"});
}

TEST_CASE("write faults: a process whose end fails to be written is shown ended and in doubt") {
  // The last append to a.log is its end marker, written as the executor takes up a's end: a
  // has ended, but its end never reaches the journal.
  const std::vector<Call>& calls = clean_calls();
  std::size_t a_end = calls.size();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].operation == Operation::append && calls[i].path.filename() == "a.log") a_end = i;
  }
  REQUIRE(a_end < calls.size());
  Campaign campaign;
  const Outcome outcome = campaign.run({{a_end, Fault::no_space}});
  REQUIRE(outcome.error);
  CHECK(outcome.terminal.find("ended  a: succeeded (not journaled: it is in doubt)") !=
        std::string::npos);
  CHECK(outcome.terminal.find("waiting for what is running to end") == std::string::npos);
  CHECK(std::string(outcome.error->what()).find("(running when it stopped: a)") !=
        std::string::npos);
  const Journal journal = read_journal(campaign.journal_path());
  for (const JournalEvent& event : journal.events) {
    if (const auto* ended = event.as<event::TaskFinished>()) CHECK(ended->task != "a");
  }
}
