#pragma once
// Where runs live: .cutover/runs/<runbook-id>/<UTC timestamp>[-<label>]/ in the current folder.

#include <filesystem>
#include <optional>

namespace cutover {

inline constexpr std::string_view journal_file_name = "journal.jsonl";

// The default root of run directories, relative to the current folder.
std::filesystem::path runs_root();

// The most recently started run under `root` (by its journal header's time; across runbooks),
// if there is any.
std::optional<std::filesystem::path> latest_run(const std::filesystem::path& root);

// RUN_DIR as given on a command line, or the latest run when it is left out; throws
// UsageError when there is no such run.
std::filesystem::path resolve_run_dir(const std::optional<std::filesystem::path>& given);

}  // namespace cutover
