#pragma once
// A FileSystem for tests that does the real work through the POSIX one, numbers every call
// that writes (open, append, sync, truncate, close, mkdir, rename, remove, directory sync), and
// fails the chosen ones: with ENOSPC (a full disk), EIO (a failing disk; at a sync call, the
// fdatasync failure), or a short write (half of the bytes land, then ENOSPC). A sticky fault
// keeps failing every later call that needs space, as a disk that stays full does; cutting a
// file back and removing one still work, since they free space.

#include <array>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/file_system.hpp"

namespace cutover::testing {

enum class Operation {
  open,
  append,
  sync,
  truncate,
  close,
  create_directory,
  create_directories,
  rename,
  remove,
  sync_directory
};

inline std::string_view operation_name(Operation operation) {
  switch (operation) {
    case Operation::open:
      return "open";
    case Operation::append:
      return "append";
    case Operation::sync:
      return "sync";
    case Operation::truncate:
      return "truncate";
    case Operation::close:
      return "close";
    case Operation::create_directory:
      return "create_directory";
    case Operation::create_directories:
      return "create_directories";
    case Operation::rename:
      return "rename";
    case Operation::remove:
      return "remove";
    case Operation::sync_directory:
      return "sync_directory";
  }
  return "?";
}

enum class Fault { no_space, io_error, short_write };

inline std::string_view fault_name(Fault fault) {
  switch (fault) {
    case Fault::no_space:
      return "ENOSPC";
    case Fault::io_error:
      return "EIO";
    case Fault::short_write:
      return "short write";
  }
  return "?";
}

struct Call {
  Operation operation;
  std::filesystem::path path;
};

class FaultyFileSystem final : public FileSystem {
 public:
  // A fault at the call numbered `call` (0-based, counting from the last count_from_here()), or
  // at the n-th call of one operation when `operation` is set.
  struct Rule {
    std::size_t call = 0;
    Fault fault = Fault::no_space;
    std::optional<Operation> operation{};
    bool sticky = false;
  };

  void fail(Rule rule) { rules_.push_back(rule); }
  // Calls before this are not numbered and never fail (setting a run up).
  void count_from_here() {
    calls_.clear();
    per_operation_.fill(0);
  }

  const std::vector<Call>& calls() const { return calls_; }
  // The call that failed first, if any.
  const std::optional<Call>& failed() const { return failed_; }

  std::unique_ptr<WritableFile> open(const std::filesystem::path& path, OpenMode mode,
                                     mode_t permissions = 0644) override {
    check(Operation::open, path);
    return std::make_unique<File>(*this, real().open(path, mode, permissions));
  }
  bool create_directory(const std::filesystem::path& path) override {
    check(Operation::create_directory, path);
    return real().create_directory(path);
  }
  void create_directories(const std::filesystem::path& path) override {
    check(Operation::create_directories, path);
    real().create_directories(path);
  }
  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    check(Operation::rename, to);
    real().rename(from, to);
  }
  void remove(const std::filesystem::path& path) override {
    check(Operation::remove, path);
    real().remove(path);
  }
  void sync_directory(const std::filesystem::path& path) override {
    check(Operation::sync_directory, path);
    real().sync_directory(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultyFileSystem& owner, std::unique_ptr<WritableFile> inner)
        : owner_(owner), inner_(std::move(inner)) {}
    void append(std::string_view bytes) override {
      if (const auto fault = owner_.check(Operation::append, path(), false)) {
        if (*fault == Fault::short_write) inner_->append(bytes.substr(0, bytes.size() / 2));
        throw WriteError(path(), "cannot be written", error_number(*fault));
      }
      inner_->append(bytes);
    }
    void sync() override {
      owner_.check(Operation::sync, path());
      inner_->sync();
    }
    void truncate(std::uint64_t size) override {
      owner_.check(Operation::truncate, path());
      inner_->truncate(size);
    }
    std::uint64_t size() const override { return inner_->size(); }
    void close() override {
      owner_.check(Operation::close, path());
      inner_->close();
    }
    const std::filesystem::path& path() const override { return inner_->path(); }

   private:
    FaultyFileSystem& owner_;
    std::unique_ptr<WritableFile> inner_;
  };

  static FileSystem& real() { return posix_file_system(); }

  static int error_number(Fault fault) { return fault == Fault::io_error ? EIO : ENOSPC; }

  static std::string_view what(Operation operation) {
    switch (operation) {
      case Operation::sync:
      case Operation::sync_directory:
        return "cannot be synced to disk";
      case Operation::open:
      case Operation::create_directory:
      case Operation::create_directories:
        return "cannot be created";
      case Operation::rename:
        return "cannot be renamed";
      case Operation::remove:
        return "cannot be removed";
      case Operation::truncate:
        return "cannot be truncated";
      default:
        return "cannot be written";
    }
  }

  // Numbers the call and returns the fault that hits it, if any; with `raise`, throws it.
  std::optional<Fault> check(Operation operation, const std::filesystem::path& path,
                             bool raise = true) {
    const std::size_t number = calls_.size();
    const std::size_t nth = per_operation_[static_cast<std::size_t>(operation)]++;
    calls_.push_back({operation, path});
    std::optional<Fault> fault;
    for (const Rule& rule : rules_) {
      const std::size_t index = rule.operation ? nth : number;
      const bool this_call =
          (!rule.operation || *rule.operation == operation) && index == rule.call;
      if (this_call) fault = rule.fault;
    }
    // A disk that stays full: everything that needs space fails after the first fault.
    const bool frees_space = operation == Operation::truncate || operation == Operation::remove;
    if (!fault && sticky_ && !frees_space) fault = *sticky_;
    if (!fault) return std::nullopt;
    if (!failed_) {
      failed_ = Call{operation, path};
      for (const Rule& rule : rules_) {
        if (rule.sticky)
          sticky_ = rule.fault == Fault::io_error ? Fault::io_error : Fault::no_space;
      }
    }
    if (operation != Operation::append && *fault == Fault::short_write) fault = Fault::no_space;
    if (raise) throw WriteError(path, what(operation), error_number(*fault));
    return fault;
  }

  std::vector<Rule> rules_;
  std::vector<Call> calls_;
  std::array<std::size_t, 10> per_operation_{};
  std::optional<Call> failed_;
  std::optional<Fault> sticky_;
};

}  // namespace cutover::testing
