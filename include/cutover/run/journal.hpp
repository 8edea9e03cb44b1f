#pragma once
// journal.jsonl: the write-ahead record of a run, one JSON object a line, each line chained to
// the one before by SHA-256. The format is in docs/journal-format.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cutover/base/clock.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/base/time.hpp"
#include "cutover/run/events.hpp"

namespace cutover {

inline constexpr std::string_view journal_format_name = "cutover-journal";
inline constexpr int journal_format_version = 1;

struct JournalHeader {
  std::string run_id;
  std::string label;
  std::string runbook_sha256;
  std::string cutover_version;
  std::string host;
  std::string user;
  UtcTime time{};
};

// A journal that cannot be read as one: a line in the middle that is not a journal line.
class JournalError : public Error {
 public:
  JournalError(const std::filesystem::path& path, std::size_t line, const std::string& problem);
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

// When an appended event must be on disk: before anything depends on it (`now`), or with
// the next `now` or `sync()` (`batched`).
enum class Durability { now, batched };

// Where an executor's events go: the journal on disk, or memory for a dry run.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual const JournalEvent& append(EventBody body, Durability durability) = 0;
  // Makes every event appended so far durable.
  virtual void sync() = 0;
};

// The only writer of a journal. Lines are written whole with O_APPEND; `now` adds fdatasync.
class JournalWriter : public EventSink {
 public:
  // Creates the file, which must not exist, and makes the header durable.
  static JournalWriter create(const std::filesystem::path& path, const JournalHeader& header,
                              const Clock& clock = system_clocks());
  // Continues an existing journal; a torn last line (an unfinished write) is cut off first.
  static JournalWriter reopen(const std::filesystem::path& path,
                              const Clock& clock = system_clocks());

  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&&) = delete;
  JournalWriter(const JournalWriter&) = delete;
  ~JournalWriter() override;

  const JournalEvent& append(EventBody body, Durability durability) override;
  void sync() override;
  const JournalEvent& last() const { return last_; }

 private:
  JournalWriter(int fd, std::filesystem::path path, const Clock& clock);
  void write_line(const std::string& line);

  int fd_ = -1;
  std::filesystem::path path_;
  const Clock* clock_;
  std::string previous_hash_;
  std::int64_t elapsed_base_ms_ = 0;  // elapsed_ms when this writer opened the journal
  std::chrono::steady_clock::time_point opened_{};
  bool unsynced_ = false;
  JournalEvent last_;
};

struct Journal {
  JournalHeader header;
  std::vector<JournalEvent> events;
  std::optional<std::string> warning;  // e.g. a torn last line that was ignored
};

// Reads a journal tolerantly: a torn last line is ignored with a warning; any other damage
// throws JournalError. The chain is not checked here (see verify_journal).
Journal read_journal(const std::filesystem::path& path);

struct ChainVerdict {
  bool intact = true;
  std::size_t lines = 0;     // complete lines read
  std::size_t bad_line = 0;  // 1-based, when not intact
  std::string problem;
  std::optional<std::string> warning;
};

// Checks the header, every line's JSON, seq and `prev`: an edited, inserted or removed line
// is found at the first line whose chain no longer holds.
ChainVerdict verify_journal(const std::filesystem::path& path);

}  // namespace cutover
