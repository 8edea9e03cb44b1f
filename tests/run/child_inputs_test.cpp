// What the real runner gives a child besides its command (child_inputs.cpp): the program as
// execvp finds it, one environment variable set in place, and stdin from bytes.
#include "run/child_inputs.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "cutover/run/process_runner.hpp"

using namespace cutover;
using namespace cutover::detail;

TEST_CASE("child inputs: a program is found on the child's own PATH") {
  CHECK(resolve_program("sh", {{"PATH", "/nonexistent:/bin"}}) == "/bin/sh");
  CHECK(resolve_program("sh", {}) == "/bin/sh");  // glibc's default PATH
  CHECK(resolve_program("./local.sh", {{"PATH", "/bin"}}) == "./local.sh");
  CHECK(resolve_program("no-such-program-here", {{"PATH", "/bin"}}) == "no-such-program-here");
}

TEST_CASE("child inputs: set_env replaces a variable in place - or adds it") {
  ProcessSpec spec;
  spec.env = {{"PATH", "/bin"}, {"HOME", "/root"}};
  set_env(spec, "PATH", "/usr/bin");
  set_env(spec, "CUTOVER_EVENT", "test");
  CHECK(spec.env == std::vector<std::pair<std::string, std::string>>{
                        {"PATH", "/usr/bin"}, {"HOME", "/root"}, {"CUTOVER_EVENT", "test"}});
}

TEST_CASE("child inputs: stdin from bytes reads them and then ends - none without bytes") {
  const InputPipe input("{\"event\":\"test\"}\n");
  REQUIRE(input.read_end() >= 0);
  std::string read;
  char buffer[64];
  for (ssize_t got; (got = ::read(input.read_end(), buffer, sizeof buffer)) > 0;) {
    read.append(buffer, static_cast<std::size_t>(got));
  }
  CHECK(read == "{\"event\":\"test\"}\n");
  CHECK(InputPipe("").read_end() == -1);
}
