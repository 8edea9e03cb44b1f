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
#include "cutover/base/file_system.hpp"
#include "cutover/base/time.hpp"
#include "cutover/run/events.hpp"

namespace cutover {

inline constexpr std::string_view journal_format_name = "cutover-journal";
inline constexpr int journal_format_version = 1;

// Who ran a go-live run although the go-live rule did not hold, and why.
struct GoLiveOverride {
  std::string by;
  std::string reason;
  std::optional<event::Signature> signature{};  // with identities
};

// What a go-live run relied on: the rehearsals that counted and who signed off which (name ->
// run id), or the override it started under.
struct GoLiveBasis {
  std::vector<std::string> rehearsals;
  std::vector<std::pair<std::string, std::string>> signoffs;
  std::optional<GoLiveOverride> override_by{};
};

struct JournalHeader {
  std::string run_id;
  std::string label;
  std::string runbook_sha256;
  std::string cutover_version;
  std::string host;
  std::string user;
  UtcTime time{};
  std::optional<GoLiveBasis> go_live{};  // a run with a go-live label only
  // With identities: the SHA-256 of the run's frozen allowed_signers; else empty.
  std::string allowed_signers_sha256{};
};

// The header alone (the journal's first line), for listing runs; nothing when the file is not
// a journal.
std::optional<JournalHeader> read_journal_header(const std::filesystem::path& path);

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
//
// A write that fails (a full disk, EIO) throws WriteError, and the journal is left as complete
// lines: a line written only in part is cut off, and after a failed fdatasync the lines since
// the last one that succeeded are cut off too (the kernel may have dropped them, and nothing
// depended on them yet). From then on the writer refuses to write: the executor stops, and
// `resume` continues from what is on disk.
class JournalWriter : public EventSink {
 public:
  // Creates the file, which must not exist, and makes the header durable. When that fails, the
  // file is removed again: a journal without its header is no run.
  static JournalWriter create(const std::filesystem::path& path, const JournalHeader& header,
                              const Clock& clock = system_clocks(),
                              FileSystem& file_system = posix_file_system());
  // Continues an existing journal; a torn last line (an unfinished write) is cut off first.
  static JournalWriter reopen(const std::filesystem::path& path,
                              const Clock& clock = system_clocks(),
                              FileSystem& file_system = posix_file_system());

  JournalWriter(JournalWriter&& other) noexcept = default;
  JournalWriter& operator=(JournalWriter&&) = delete;
  JournalWriter(const JournalWriter&) = delete;
  ~JournalWriter() override;

  const JournalEvent& append(EventBody body, Durability durability) override;
  void sync() override;
  const JournalEvent& last() const { return last_; }
  // The seq of the last event known to be on disk (0: only the header).
  std::uint64_t durable_seq() const { return durable_seq_; }

 private:
  JournalWriter(std::unique_ptr<WritableFile> file, const Clock& clock);
  void write_line(const std::string& line);
  // After a failed write: back to complete lines (or to the durable ones), then no more writes.
  [[noreturn]] void fail(const WriteError& error, std::uint64_t keep);
  void refuse_if_failed() const;

  std::unique_ptr<WritableFile> file_;
  const Clock* clock_;
  std::string previous_hash_;
  std::int64_t elapsed_base_ms_ = 0;  // elapsed_ms when this writer opened the journal
  std::chrono::steady_clock::time_point opened_{};
  bool unsynced_ = false;
  std::uint64_t durable_size_ = 0;  // bytes on disk as of the last successful sync
  std::uint64_t durable_seq_ = 0;
  std::optional<int> failed_;  // the errno that stopped the writer
  JournalEvent last_;
};

// The run_started event only (the line after the header), without reading further: enough to
// load the frozen runbook (its vars) while the rest of the journal is read. Nothing when it is
// not there or does not read; read_journal then says why.
std::optional<event::RunStarted> read_run_started(const std::filesystem::path& path);

struct ChainVerdict {
  bool intact = true;
  std::size_t lines = 0;     // complete lines read
  std::size_t bad_line = 0;  // 1-based, when not intact
  std::string problem;
  std::optional<std::string> warning;
};

struct Journal {
  JournalHeader header;
  std::vector<JournalEvent> events;
  std::optional<std::string> warning;  // e.g. a torn last line that was ignored
  // The hash chain, checked in the same pass: readers that show it (report) need not read the
  // file twice.
  ChainVerdict chain;
};

// Reads a journal tolerantly: a torn last line is ignored with a warning; any other damage
// throws JournalError. A broken chain does not throw: `chain` says where it breaks.
Journal read_journal(const std::filesystem::path& path);

// Checks the header, every line's JSON, seq and `prev`: an edited, inserted or removed line
// is found at the first line whose chain no longer holds.
ChainVerdict verify_journal(const std::filesystem::path& path);

}  // namespace cutover
