#pragma once
// How output reaches a person: colour only on a terminal, never with NO_COLOR or TERM=dumb.

#include <cstdio>
#include <string_view>

namespace cutover::cli {

bool colour_enabled(std::FILE* stream);

// Writes all of `text`; a vanished terminal (EPIPE, EIO) is not an error worth dying for.
void write(std::FILE* stream, std::string_view text);

}  // namespace cutover::cli
