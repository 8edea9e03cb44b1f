#include "cutover/base/file_system.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace cutover {

WriteError::WriteError(std::filesystem::path path, std::string_view what, int error_number)
    : EnvironmentError(fmt::format("{}: {}: {}", path.string(), what, std::strerror(error_number))),
      path_(std::move(path)),
      error_number_(error_number) {}

namespace {

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::filesystem::path path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void append(std::string_view bytes) override {
    require_open();
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        throw WriteError(path_, "cannot be written", errno);
      }
      // A short write is not an error by itself: the next write says why it stopped.
      size_ += static_cast<std::uint64_t>(written);
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
  }

  void sync() override {
    require_open();
    if (::fdatasync(fd_) != 0) throw WriteError(path_, "cannot be synced to disk", errno);
  }

  void truncate(std::uint64_t size) override {
    require_open();
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      throw WriteError(path_, "cannot be truncated", errno);
    }
    size_ = size;
  }

  std::uint64_t size() const override { return size_; }

  void close() override {
    if (fd_ < 0) return;
    // close() can report a delayed write error (NFS); the descriptor is gone either way.
    if (::close(std::exchange(fd_, -1)) != 0 && errno != EINTR) {
      throw WriteError(path_, "cannot be written", errno);
    }
  }

  const std::filesystem::path& path() const override { return path_; }

 private:
  void require_open() const {
    if (fd_ < 0) throw WriteError(path_, "cannot be written", EBADF);
  }

  int fd_;
  std::filesystem::path path_;
  std::uint64_t size_;
};

class PosixFileSystem final : public FileSystem {
 public:
  std::unique_ptr<WritableFile> open(const std::filesystem::path& path, OpenMode mode,
                                     mode_t permissions) override {
    // O_CLOEXEC: a task's process must not inherit the journal or a log.
    const int flags = mode == OpenMode::create_new ? O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
                                                   : O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
    const int fd = ::open(path.c_str(), flags, permissions);
    if (fd < 0) {
      throw WriteError(
          path, mode == OpenMode::create_new ? "cannot be created" : "cannot be opened", errno);
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0) {
      const int error = errno;
      ::close(fd);
      throw WriteError(path, "cannot be opened", error);
    }
    return std::make_unique<PosixFile>(fd, path, static_cast<std::uint64_t>(status.st_size));
  }

  bool create_directory(const std::filesystem::path& path) override {
    if (::mkdir(path.c_str(), 0777) == 0) return true;
    if (errno == EEXIST) return false;
    throw WriteError(path, "cannot be created", errno);
  }

  void create_directories(const std::filesystem::path& path) override {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) throw WriteError(path, "cannot be created", error.value());
  }

  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) throw WriteError(to, "cannot be renamed", errno);
  }

  void remove(const std::filesystem::path& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw WriteError(path, "cannot be removed", errno);
    }
  }

  void sync_directory(const std::filesystem::path& path) override {
    const auto directory = path.empty() ? std::filesystem::path(".") : path;
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw WriteError(directory, "cannot be opened", errno);
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (result != 0) throw WriteError(directory, "cannot be synced to disk", error);
  }
};

}  // namespace

FileSystem& posix_file_system() {
  static PosixFileSystem file_system;
  return file_system;
}

void write_file_atomically(FileSystem& file_system, const std::filesystem::path& path,
                           std::string_view text, mode_t permissions) {
  const auto directory = path.parent_path();
  const auto temporary = directory / ("." + path.filename().string() + ".tmp");
  // A temporary file left by a crash is only ever a copy that was never renamed into place.
  file_system.remove(temporary);
  try {
    auto file = file_system.open(temporary, OpenMode::create_new, permissions);
    file->append(text);
    file->sync();
    file->close();
    file_system.rename(temporary, path);
  } catch (const WriteError&) {
    try {
      file_system.remove(temporary);
    } catch (const WriteError&) {
      // The first error is the one to report; a hidden leftover is removed by the next write.
    }
    throw;
  }
  file_system.sync_directory(directory);
}

// One read of the size the file has (a 10,000-task journal is 7 MB: a stream that grows its
// buffer copied it several times over), then on to the end in case it grew meanwhile.
std::string read_file(const std::filesystem::path& path) {
  const auto cannot_read = [&path](int error) {
    return EnvironmentError(
        fmt::format("{}: cannot be read: {}", path.string(), std::strerror(error)));
  };
  struct Descriptor {
    int fd;
    ~Descriptor() {
      if (fd >= 0) ::close(fd);
    }
  } const file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) throw cannot_read(errno);
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) throw cannot_read(errno);
  std::string text(static_cast<std::size_t>(status.st_size) + 1, '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) text.resize(text.size() * 2);
    const ssize_t got = ::read(file.fd, text.data() + used, text.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw cannot_read(errno);
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  text.resize(used);
  return text;
}

}  // namespace cutover
