#include "cutover/base/file_system.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstring>
#include <set>
#include <string>

#include "support/faulty_file_system.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

std::set<std::string> names_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

}  // namespace

TEST_CASE("a WriteError names the file - what failed and the OS error") {
  const WriteError error("/runs/x/journal.jsonl", "cannot be written", ENOSPC);
  CHECK(std::string(error.what()) ==
        "/runs/x/journal.jsonl: cannot be written: " + std::string(std::strerror(ENOSPC)));
  CHECK(error.code() == exit_environment);
  CHECK(error.path() == "/runs/x/journal.jsonl");
  CHECK(error.error_number() == ENOSPC);
}

TEST_CASE("posix files: create_new refuses an existing file and append keeps what is there") {
  TempDir dir;
  FileSystem& fs = posix_file_system();
  const auto path = dir / "log";
  {
    auto file = fs.open(path, OpenMode::create_new);
    CHECK(file->size() == 0);
    file->append("one\n");
    file->sync();
    CHECK(file->size() == 4);
    file->close();
  }
  try {
    fs.open(path, OpenMode::create_new);
    FAIL("create_new opened an existing file");
  } catch (const WriteError& error) {
    CHECK(error.error_number() == EEXIST);
    CHECK(error.path() == path);
  }
  auto file = fs.open(path, OpenMode::append);
  CHECK(file->size() == 4);
  file->append("two\nthr");
  CHECK(file->size() == 11);
  file->truncate(8);
  CHECK(file->size() == 8);
  file->append("three\n");
  file->close();
  CHECK(read_text(path) == "one\ntwo\nthree\n");
}

TEST_CASE("posix files: permissions are given at creation") {
  TempDir dir;
  posix_file_system().open(dir / "frozen", OpenMode::create_new, 0444)->close();
  struct stat status {};
  REQUIRE(::stat((dir / "frozen").c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0444);
}

TEST_CASE(
    "posix directories: create_directory says whether it made one - remove of nothing is fine") {
  TempDir dir;
  FileSystem& fs = posix_file_system();
  CHECK(fs.create_directory(dir / "a"));
  CHECK_FALSE(fs.create_directory(dir / "a"));
  CHECK_THROWS_AS(fs.create_directory(dir / "missing" / "b"), WriteError);
  fs.create_directories(dir / "x" / "y");
  CHECK(std::filesystem::is_directory(dir / "x" / "y"));
  write_text(dir / "file", "text");
  CHECK_THROWS_AS(fs.create_directories(dir / "file" / "below"), WriteError);
  CHECK_NOTHROW(fs.remove(dir / "nothing-here"));
  fs.remove(dir / "file");
  CHECK_FALSE(std::filesystem::exists(dir / "file"));
  CHECK_NOTHROW(fs.sync_directory(dir.path()));
  CHECK_THROWS_AS(fs.sync_directory(dir / "missing"), WriteError);
  fs.rename(dir / "a", dir / "b");
  CHECK(std::filesystem::is_directory(dir / "b"));
  CHECK_THROWS_AS(fs.rename(dir / "a", dir / "c"), WriteError);
}

TEST_CASE("write_file_atomically replaces the file and leaves no temporary file") {
  TempDir dir;
  write_text(dir / "timing.csv", "old\n");
  write_text(dir / ".timing.csv.tmp", "left by a crash");
  write_file_atomically(posix_file_system(), dir / "timing.csv", "new\n");
  CHECK(read_text(dir / "timing.csv") == "new\n");
  CHECK(names_in(dir.path()) == std::set<std::string>{"timing.csv"});
}

TEST_CASE("write_file_atomically keeps the old file whole when any of its calls fails") {
  // Count the calls of one write, then fail each in turn with each fault.
  std::size_t calls = 0;
  {
    TempDir dir;
    FaultyFileSystem counting;
    write_file_atomically(counting, dir / "timing.csv", "new\n");
    calls = counting.calls().size();
  }
  REQUIRE(calls == 7);  // remove, open, append, sync, close, rename, sync_directory
  for (std::size_t call = 0; call < calls; ++call) {
    for (const Fault fault : {Fault::no_space, Fault::io_error, Fault::short_write}) {
      CAPTURE(call);
      CAPTURE(fault_name(fault));
      TempDir dir;
      write_text(dir / "timing.csv", "old\n");
      FaultyFileSystem fs;
      fs.fail({call, fault});
      CHECK_THROWS_AS(write_file_atomically(fs, dir / "timing.csv", "new table\n"), WriteError);
      REQUIRE(fs.failed());
      const auto failed = fs.failed()->operation;
      if (failed == Operation::sync_directory) {
        // Renamed already: the new table is in place, only its name may not be durable yet.
        CHECK(read_text(dir / "timing.csv") == "new table\n");
      } else {
        CHECK(read_text(dir / "timing.csv") == "old\n");
      }
      CHECK(names_in(dir.path()) == std::set<std::string>{"timing.csv"});
    }
  }
}

TEST_CASE("the faulty file system fails the chosen call - and a sticky fault every later one") {
  TempDir dir;
  FaultyFileSystem fs;
  fs.fail({1, Fault::short_write, Operation::append, true});
  auto file = fs.open(dir / "f", OpenMode::create_new);
  file->append("1234");
  try {
    file->append("abcd");
    FAIL("the second append did not fail");
  } catch (const WriteError& error) {
    CHECK(error.error_number() == ENOSPC);
  }
  CHECK(file->size() == 6);  // half of the second append landed
  CHECK_THROWS_AS(file->sync(), WriteError);
  CHECK_THROWS_AS(fs.create_directories(dir / "d"), WriteError);
  CHECK_NOTHROW(file->truncate(4));  // frees space: still works
  CHECK(read_text(dir / "f") == "1234");
  REQUIRE(fs.failed());
  CHECK(fs.failed()->operation == Operation::append);
  CHECK(fs.calls().size() == 6);
}

TEST_CASE("read_file reads a whole file - empty or larger than one read") {
  TempDir dir;
  write_text(dir / "empty", "");
  CHECK(read_file(dir / "empty").empty());
  std::string big(3 * 1024 * 1024 + 17, 'x');
  big.back() = '\n';
  write_text(dir / "big", big);
  CHECK(read_file(dir / "big") == big);
}

TEST_CASE("read_file of a missing file or a folder is an EnvironmentError naming it") {
  TempDir dir;
  for (const auto& path : {dir / "missing", dir.path()}) {
    CAPTURE(path);
    try {
      (void)read_file(path);
      FAIL("no error");
    } catch (const EnvironmentError& error) {
      const std::string message = error.what();
      CHECK(message.starts_with(path.string() + ": cannot be read: "));
    }
  }
}
