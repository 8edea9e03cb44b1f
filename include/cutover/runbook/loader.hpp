#pragma once
// YAML runbook -> model, with every problem reported at its file:line:column.

#include <filesystem>
#include <optional>
#include <string>

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

struct LoadResult {
  Runbook runbook;  // as much as could be read; trust it only when there are no errors
  FileDiagnostics diagnostics;
};

// Limits that keep hostile input from exhausting the process.
inline constexpr std::size_t max_file_bytes = 64u << 20;
inline constexpr std::size_t max_nesting_depth = 64;
inline constexpr std::size_t max_expanded_nodes = 1'000'000;

// Loads and checks the runbook text: structure, references, the graph and the warnings.
LoadResult load_runbook_text(std::string text, const std::string& file, const LoadOptions& options);

// Why `path` cannot be read as a runbook file ("no such file", "is a directory", the OS's
// reason), or nothing when it can.
std::optional<std::string> unreadable_reason(const std::filesystem::path& path);

// A path with an unreadable_reason throws UsageError (exit 2).
LoadResult load_runbook(const std::filesystem::path& path, const LoadOptions& options);

}  // namespace cutover
