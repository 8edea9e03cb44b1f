#pragma once
// What the real runner gives a child besides its command: the program as execvp would find it,
// and its stdin. Internal to process_runner.cpp; ProcessSpec's environment is set with
// set_env (process_runner.hpp), defined here too.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cutover::detail {

// execvp's search, done in the parent with the child's own PATH (the spec's environment is
// the one the command will see), so that `shell: [bash, -c]` works.
std::string resolve_program(const std::string& program,
                            const std::vector<std::pair<std::string, std::string>>& env);

// A child's stdin given as bytes: a pipe filled and closed for writing before the child starts,
// so that nothing waits on a child that does not read. What does not fit in the pipe is cut.
class InputPipe {
 public:
  explicit InputPipe(std::string_view bytes);
  ~InputPipe();
  InputPipe(const InputPipe&) = delete;
  InputPipe& operator=(const InputPipe&) = delete;

  int read_end() const { return read_end_; }  // -1: no input, the child reads /dev/null

 private:
  int read_end_ = -1;
};

}  // namespace cutover::detail
