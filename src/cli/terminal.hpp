#pragma once
// How output reaches a person: colour only on a terminal, never with NO_COLOR or TERM=dumb.

#include <cstdio>
#include <string_view>

namespace cutover::cli {

bool colour_enabled(std::FILE* stream);

// Best effort, for messages on stderr: nothing useful can be done when they cannot be written.
void write(std::FILE* stream, std::string_view text);

// What a command produces, on stdout: a full disk or a closed file is an environment error
// (exit 5), so that CI never takes an empty report for a clean one. A reader that went away
// (EPIPE: `cutover plan | head`) is not an error.
void write_output(std::string_view text);

}  // namespace cutover::cli
