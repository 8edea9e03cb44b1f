#pragma once
// YAML runbook -> model, with every problem reported at its file:line:column.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/runbook/diagnostics.hpp"
#include "cutover/runbook/load_options.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

// A workstream file a runbook includes, as read: what a run hashes and freezes beside the
// runbook.
struct IncludedFile {
  std::string path;  // relative to the runbook's folder, as Runbook::included gives it
  std::string text;  // the bytes read
};

struct LoadResult {
  Runbook runbook;  // as much as could be read; trust it only when there are no errors
  Diagnostics diagnostics;
  std::vector<IncludedFile> included;  // in Runbook::included's order
};

// The names a run's folder keeps for its own files. Each included file is frozen in the run's
// folder at its path relative to the runbook, so no include may start with one of these.
inline constexpr std::string_view run_folder_names[] = {
    "runbook.yaml", "journal.jsonl", "timing.csv", "lock", "logs", "inbox", "allowed_signers"};

// What the journal's header and the go-live rule know a runbook by: the SHA-256 of its file's
// bytes; with includes, of every file in include order, each as its path (the runbook's own
// as ""), its size and its bytes.
std::string runbook_sha256(std::string_view text, const std::vector<IncludedFile>& included);

// Limits that keep hostile input from exhausting the process.
inline constexpr std::size_t max_file_bytes = 64u << 20;
inline constexpr std::size_t max_nesting_depth = 64;
inline constexpr std::size_t max_expanded_nodes = 1'000'000;

// Loads and checks the runbook text: structure, references, the graph and the warnings. The
// files it includes are read from `file`'s folder.
LoadResult load_runbook_text(std::string text, const std::string& file, const LoadOptions& options);

// Why `path` cannot be read as a runbook file ("no such file", "is a directory", the OS's
// reason), or nothing when it can.
std::optional<std::string> unreadable_reason(const std::filesystem::path& path);

// A path with an unreadable_reason throws UsageError (exit 2).
LoadResult load_runbook(const std::filesystem::path& path, const LoadOptions& options);

}  // namespace cutover
