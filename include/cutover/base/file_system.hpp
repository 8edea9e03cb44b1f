#pragma once
// The filesystem seam: every file a run writes under its run directory (the journal, the task
// logs, timing.csv, the inbox, the frozen runbook, the directories themselves) is written
// through a FileSystem, as leveldb writes through its Env. The default is POSIX; tests put a
// FileSystem in its place that fails a chosen call (tests/support/faulty_file_system.hpp), so
// that a full disk or a failed fsync can be tested at every write of a run.
//
// Reading stays with the standard library: what a failed read means is already decided where
// files are read, and a full disk does not make reads fail.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cutover/base/errors.hpp"

namespace cutover {

// A write under the run directory that failed: the file, what was being done and the OS error
// (ENOSPC, EIO, EROFS...). An EnvironmentError: exit 5.
class WriteError : public EnvironmentError {
 public:
  // The message reads "PATH: cannot be written: No space left on device".
  WriteError(std::filesystem::path path, std::string_view what, int error_number);
  const std::filesystem::path& path() const { return path_; }
  int error_number() const { return error_number_; }

 private:
  std::filesystem::path path_;
  int error_number_;
};

// An open file that is written at its end. Every failure throws WriteError.
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends all of `bytes`. A failure may leave some of them written: size() says how many
  // bytes the file holds, so that the caller can cut the file back.
  virtual void append(std::string_view bytes) = 0;
  // fdatasync: what was appended is on disk when this returns.
  virtual void sync() = 0;
  // Cuts the file back to `size` bytes (a torn line written before an error).
  virtual void truncate(std::uint64_t size) = 0;
  // The file's length as this writer knows it: its size when opened plus what was appended.
  virtual std::uint64_t size() const = 0;
  // Closes the file and reports a failure; the destructor closes quietly.
  virtual void close() = 0;
  virtual const std::filesystem::path& path() const = 0;
};

enum class OpenMode {
  create_new,  // the file must not exist (O_EXCL)
  append,      // created when missing, written at its end (O_APPEND)
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual std::unique_ptr<WritableFile> open(const std::filesystem::path& path, OpenMode mode,
                                             mode_t permissions = 0644) = 0;
  // Creates one directory; false when it already exists (so mkdir can pick a unique name).
  virtual bool create_directory(const std::filesystem::path& path) = 0;
  // Creates a directory and any missing parents; existing ones are fine.
  virtual void create_directories(const std::filesystem::path& path) = 0;
  virtual void rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // Removes a file; one that is already gone is not an error.
  virtual void remove(const std::filesystem::path& path) = 0;
  // fsync of a directory: a file created, renamed or removed in it is durable only then.
  virtual void sync_directory(const std::filesystem::path& path) = 0;
};

// The real filesystem, for every run; one instance for the process.
FileSystem& posix_file_system();

// Replaces `path` whole or not at all: written to a hidden temporary file beside it, synced,
// renamed over it, and the directory synced. On failure the temporary file is removed and the
// old content (if any) stays.
// A whole file's bytes; EnvironmentError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

void write_file_atomically(FileSystem& file_system, const std::filesystem::path& path,
                           std::string_view text, mode_t permissions = 0644);

}  // namespace cutover
