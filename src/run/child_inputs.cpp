#include "run/child_inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "cutover/run/process_runner.hpp"

namespace cutover {

void set_env(ProcessSpec& spec, const std::string& name, std::string value) {
  const auto it = std::find_if(spec.env.begin(), spec.env.end(),
                               [&](const auto& entry) { return entry.first == name; });
  if (it != spec.env.end()) {
    it->second = std::move(value);
  } else {
    spec.env.emplace_back(name, std::move(value));
  }
}

namespace detail {

std::string resolve_program(const std::string& program,
                            const std::vector<std::pair<std::string, std::string>>& env) {
  if (program.find('/') != std::string::npos) return program;
  std::string path = "/bin:/usr/bin";  // glibc's default when PATH is unset
  for (const auto& [name, value] : env) {
    if (name == "PATH") path = value;
  }
  std::size_t begin = 0;
  while (begin <= path.size()) {
    auto end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(begin, end - begin);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return program;  // execve then fails with ENOENT, reported as a start error
}

InputPipe::InputPipe(std::string_view bytes) {
  if (bytes.empty()) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // the child reads /dev/null
  read_end_ = fds[0];
  const auto written = ::write(fds[1], bytes.data(), bytes.size());
  (void)written;  // a short write cuts the input; the child sees it cut, not a hang
  ::close(fds[1]);
  // The child's stdin blocks as usual.
  ::fcntl(read_end_, F_SETFL, ::fcntl(read_end_, F_GETFL) & ~O_NONBLOCK);
}

InputPipe::~InputPipe() {
  if (read_end_ >= 0) ::close(read_end_);
}

}  // namespace detail
}  // namespace cutover
