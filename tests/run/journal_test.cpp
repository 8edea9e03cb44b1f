#include "cutover/run/journal.hpp"

#include <doctest/doctest.h>

#include "base/sha256.hpp"
#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using cutover::testing::Fault;
using cutover::testing::FaultyFileSystem;
using cutover::testing::Operation;
using cutover::testing::read_text;
using cutover::testing::TempDir;
using cutover::testing::write_text;

namespace {

// Clocks the test moves by hand.
class FakeClock final : public Clock {
 public:
  UtcTime utc = std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(17);
  std::chrono::steady_clock::time_point steady{};

  UtcTime utc_now() const override { return utc; }
  std::chrono::steady_clock::time_point steady_now() const override { return steady; }
  void advance(std::chrono::milliseconds by) {
    utc += by;
    steady += by;
  }
};

JournalHeader header() {
  JournalHeader h;
  h.run_id = "golden/20261128T170000Z";
  h.label = "rehearsal-1";
  h.runbook_sha256 = std::string(64, 'a');
  h.cutover_version = "0.1.0";
  h.host = "jumphost";
  h.user = "ops";
  h.time = std::chrono::sys_days{std::chrono::November / 28 / 2026} + std::chrono::hours(17);
  return h;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

// A journal with a header and three events.
std::filesystem::path three_events(const TempDir& dir, FakeClock& clock) {
  const auto path = dir / "journal.jsonl";
  auto writer = JournalWriter::create(path, header(), clock);
  // The writer frames any event: one this version does not know is written as it came.
  writer.append(event::Unknown{"a_later_event", {{"tasks", 3}}}, Durability::now);
  clock.advance(std::chrono::milliseconds(1500));
  writer.append(event::TaskStarted{"backup", 1, "run", {}}, Durability::now);
  clock.advance(std::chrono::milliseconds(250));
  writer.append(event::TaskFinished{"backup", {}, TaskStatus::succeeded, 1, {}, {}},
                Durability::batched);
  return path;
}

}  // namespace

TEST_CASE("the journal starts with its header line - then events chained by SHA-256") {
  TempDir dir;
  FakeClock clock;
  const auto lines = lines_of(read_text(three_events(dir, clock)));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == R"({"format":"cutover-journal","version":1,"run_id":"golden/20261128T170000Z",)"
                    R"("label":"rehearsal-1","runbook_sha256":")" +
                        std::string(64, 'a') +
                        R"(","cutover_version":"0.1.0","host":"jumphost","user":"ops",)"
                        R"("time":"2026-11-28T17:00:00.000Z"})");
  CHECK(lines[1] == R"({"seq":1,"time":"2026-11-28T17:00:00.000Z","elapsed_ms":0,)"
                    R"("event":"a_later_event","tasks":3,"prev":")" +
                        sha256_hex(lines[0]) + R"("})");
  CHECK(lines[2] == R"({"seq":2,"time":"2026-11-28T17:00:01.500Z","elapsed_ms":1500,)"
                    R"("event":"task_started","task":"backup","attempt":1,"kind":"run","prev":")" +
                        sha256_hex(lines[1]) + R"("})");
  CHECK(lines[3].find(R"("elapsed_ms":1750)") != std::string::npos);
}

TEST_CASE("read_journal gives back the header and the events with their fields") {
  TempDir dir;
  FakeClock clock;
  const Journal journal = read_journal(three_events(dir, clock));
  CHECK(journal.header.run_id == "golden/20261128T170000Z");
  CHECK(journal.header.label == "rehearsal-1");
  CHECK(journal.header.user == "ops");
  REQUIRE(journal.events.size() == 3);
  CHECK(journal.events[1].seq == 2);
  CHECK(journal.events[1].type() == "task_started");
  CHECK(journal.events[1].elapsed_ms == 1500);
  CHECK(format_utc_ms(journal.events[1].time) == "2026-11-28T17:00:01.500Z");
  REQUIRE(journal.events[1].as<event::TaskStarted>());
  CHECK(journal.events[1].as<event::TaskStarted>()->task == "backup");
  CHECK(journal.events[0].type() == "a_later_event");
  CHECK_FALSE(journal.warning);
}

TEST_CASE("a torn last line is ignored with a warning - damage before it is an error") {
  TempDir dir;
  FakeClock clock;
  const auto path = three_events(dir, clock);
  const std::string text = read_text(path);
  write_text(path, text + R"({"seq":4,"time":"2026-11-28T17:0)");
  const Journal journal = read_journal(path);
  CHECK(journal.events.size() == 3);
  REQUIRE(journal.warning);
  CHECK(*journal.warning == "line 5 is incomplete (a write cut short by a crash) and is ignored");

  auto lines = lines_of(text);
  lines[2] = "{not json";
  std::string damaged;
  for (const auto& line : lines) damaged += line + "\n";
  write_text(path, damaged);
  CHECK_THROWS_WITH_AS(read_journal(path), (path.string() + ":3: not a JSON object").c_str(),
                       JournalError);
}

TEST_CASE("reopen cuts a torn tail and continues the sequence - chain and elapsed time") {
  TempDir dir;
  FakeClock clock;
  const auto path = three_events(dir, clock);
  write_text(path, read_text(path) + R"({"seq":4,"ti)");
  {
    FakeClock later;  // a new process: its monotonic clock starts anywhere
    later.utc = clock.utc + std::chrono::minutes(5);
    later.steady = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
    auto writer = JournalWriter::reopen(path, later);
    later.advance(std::chrono::milliseconds(40));
    const auto& event = writer.append(event::RunResumed{}, Durability::now);
    CHECK(event.seq == 4);
    CHECK(event.elapsed_ms == 1790);
  }
  const auto verdict = verify_journal(path);
  CHECK(verdict.intact);
  CHECK(verdict.lines == 5);
  CHECK_FALSE(verdict.warning);
}

TEST_CASE("create refuses an existing journal - reserved field names are refused") {
  TempDir dir;
  FakeClock clock;
  const auto path = three_events(dir, clock);
  CHECK_THROWS_AS(JournalWriter::create(path, header(), clock), EnvironmentError);
  auto writer = JournalWriter::reopen(path, clock);
  CHECK_THROWS_AS(writer.append(event::Unknown{"x", {{"seq", 9}}}, Durability::now),
                  std::logic_error);
}

TEST_CASE("verify_journal finds an edited - a removed and an inserted line") {
  TempDir dir;
  FakeClock clock;
  const auto path = three_events(dir, clock);
  const auto original = lines_of(read_text(path));
  const auto write_lines = [&](const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    write_text(path, text);
  };

  CHECK(verify_journal(path).intact);
  CHECK(read_journal(path).chain.intact);

  SUBCASE("edited") {
    auto lines = original;
    lines[2].replace(lines[2].find("backup"), 6, "bakcup");
    write_lines(lines);
    const auto verdict = verify_journal(path);
    CHECK_FALSE(verdict.intact);
    CHECK(verdict.bad_line == 4);
    CHECK(verdict.problem ==
          "its prev is not the SHA-256 of line 3: line 3 was changed, or lines were inserted or "
          "removed before line 4");
    // read_journal checks the chain in the same pass, and finds the same break.
    const ChainVerdict read = read_journal(path).chain;
    CHECK_FALSE(read.intact);
    CHECK(read.bad_line == 4);
    CHECK(read.problem == verdict.problem);
  }
  SUBCASE("removed") {
    auto lines = original;
    lines.erase(lines.begin() + 2);
    write_lines(lines);
    const auto verdict = verify_journal(path);
    CHECK_FALSE(verdict.intact);
    CHECK(verdict.bad_line == 3);
  }
  SUBCASE("inserted, with a correct prev") {
    auto lines = original;
    const std::string forged = R"({"seq":2,"time":"2026-11-28T17:00:01.000Z","elapsed_ms":1000,)"
                               R"("event":"task_finished","prev":")" +
                               sha256_hex(lines[1]) + R"("})";
    lines.insert(lines.begin() + 2, forged);
    write_lines(lines);
    const auto verdict = verify_journal(path);
    CHECK_FALSE(verdict.intact);
    CHECK(verdict.bad_line == 4);
  }
  SUBCASE("a seq out of order on the last line, which no prev covers") {
    auto lines = original;
    REQUIRE(lines.back().starts_with(R"({"seq":3,)"));
    lines.back().replace(0, 9, R"({"seq":7,)");
    write_lines(lines);
    const auto verdict = verify_journal(path);
    CHECK_FALSE(verdict.intact);
    CHECK(verdict.bad_line == 4);
    CHECK(verdict.problem == "seq is 7, expected 3");
    CHECK(read_journal(path).chain.problem == verdict.problem);
  }
  SUBCASE("a header that is not a journal's") {
    auto lines = original;
    lines[0] = R"({"format":"something-else","version":1})";
    write_lines(lines);
    const auto verdict = verify_journal(path);
    CHECK(verdict.bad_line == 1);
    CHECK(verdict.problem == R"(not a cutover journal (no "format": "cutover-journal"))");
  }
}

// ----- write errors ----------------------------------------------------------------------------

namespace {

// The event types of a journal on disk.
std::vector<std::string> types_in(const std::filesystem::path& path) {
  std::vector<std::string> types;
  for (const auto& event : read_journal(path).events) types.emplace_back(event.type());
  return types;
}

}  // namespace

TEST_CASE("a short write is cut back to the last whole line - and the writer writes no more") {
  TempDir dir;
  FakeClock clock;
  FaultyFileSystem fs;
  const auto path = dir / "journal.jsonl";
  auto writer = JournalWriter::create(path, header(), clock, fs);
  writer.append(event::RunStarted{}, Durability::now);
  writer.append(event::TaskStarted{"a", 1, "run", {}}, Durability::batched);
  fs.fail({3, Fault::short_write, Operation::append});  // the header is append 0
  try {
    writer.append(event::TaskFinished{"a", {}, TaskStatus::succeeded, 1, {}, {}}, Durability::now);
    FAIL("the short write was not reported");
  } catch (const WriteError& error) {
    CHECK(error.path() == path);
    CHECK(error.error_number() == ENOSPC);
  }
  // The batched line before it was whole: it stays.
  CHECK(types_in(path) == std::vector<std::string>{"run_started", "task_started"});
  CHECK(read_text(path).back() == '\n');
  CHECK(verify_journal(path).intact);
  CHECK_FALSE(verify_journal(path).warning);
  CHECK_THROWS_AS(writer.append(event::RunFinished{}, Durability::now), WriteError);
  CHECK_THROWS_AS(writer.sync(), WriteError);
  CHECK(types_in(path) == std::vector<std::string>{"run_started", "task_started"});
}

TEST_CASE("a failed fdatasync cuts back to the events that were durable") {
  TempDir dir;
  FakeClock clock;
  FaultyFileSystem fs;
  const auto path = dir / "journal.jsonl";
  auto writer = JournalWriter::create(path, header(), clock, fs);
  writer.append(event::RunStarted{}, Durability::now);
  CHECK(writer.durable_seq() == 1);
  fs.fail({2, Fault::io_error, Operation::sync});  // header, run_started, then this one
  writer.append(event::TaskStarted{"a", 1, "run", {}}, Durability::batched);
  writer.append(event::TaskStarted{"b", 1, "run", {}}, Durability::batched);
  try {
    writer.sync();
    FAIL("the failed sync was not reported");
  } catch (const WriteError& error) {
    CHECK(error.error_number() == EIO);
    CHECK(std::string(error.what()).find("cannot be synced to disk") != std::string::npos);
  }
  CHECK(writer.durable_seq() == 1);
  CHECK(types_in(path) == std::vector<std::string>{"run_started"});
  CHECK(verify_journal(path).intact);
  CHECK_THROWS_AS(writer.append(event::Unknown{"x", {}}, Durability::batched), WriteError);
}

TEST_CASE(
    "a torn line that cannot be cut back is left for readers to ignore - and resume cuts it") {
  TempDir dir;
  FakeClock clock;
  FaultyFileSystem fs;
  const auto path = dir / "journal.jsonl";
  {
    auto writer = JournalWriter::create(path, header(), clock, fs);
    writer.append(event::RunStarted{}, Durability::now);
    fs.fail({2, Fault::short_write, Operation::append});
    fs.fail({0, Fault::io_error, Operation::truncate});
    CHECK_THROWS_AS(writer.append(event::TaskStarted{"a", 1, "run", {}}, Durability::now),
                    WriteError);
  }
  const auto verdict = verify_journal(path);
  CHECK(verdict.intact);
  CHECK(verdict.warning);
  CHECK(read_journal(path).events.size() == 1);
  auto writer = JournalWriter::reopen(path, clock);
  CHECK(writer.append(event::RunResumed{}, Durability::now).seq == 2);
  CHECK(verify_journal(path).intact);
  CHECK_FALSE(verify_journal(path).warning);
}

TEST_CASE("a journal whose header cannot be written is removed again") {
  for (const Operation operation :
       {Operation::append, Operation::sync, Operation::sync_directory}) {
    CAPTURE(cutover::testing::operation_name(operation));
    TempDir dir;
    FakeClock clock;
    FaultyFileSystem fs;
    fs.fail({0, Fault::no_space, operation});
    CHECK_THROWS_AS(JournalWriter::create(dir / "journal.jsonl", header(), clock, fs), WriteError);
    CHECK_FALSE(std::filesystem::exists(dir / "journal.jsonl"));
  }
}
