#pragma once
// What a new run needs before its first event: its directory, the frozen runbook, the
// secrets and the environment its tasks inherit.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cutover/base/file_system.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover {

using NamedValues = std::vector<std::pair<std::string, std::string>>;

struct NewRunDir {
  std::filesystem::path dir;
  std::string run_id;  // <runbook id>/<directory name>
};

// A label becomes part of a folder name: letters, digits, '.', '_' and '-' only (UsageError).
void check_label(std::string_view label);

// `.cutover/runs/<runbook-id>/<YYYYMMDDTHHMMSSZ>[-<label>]` under `root`, made unique with
// -2, -3..., created with its logs/ folder. Unwritable: EnvironmentError.
NewRunDir create_run_dir(const std::filesystem::path& root, std::string_view runbook_id,
                         UtcTime start, std::string_view label,
                         FileSystem& file_system = posix_file_system());

// --run-dir DIR, created (with logs/) if missing.
NewRunDir given_run_dir(const std::filesystem::path& dir, std::string_view runbook_id,
                        FileSystem& file_system = posix_file_system());

// Called with the lock held, so that a second executor is refused by the lock (naming its
// holder) before this check: a folder holding anything but the lock and an empty logs/ is
// refused, and a run already there is continued with `resume`, never overwritten.
void require_unused(const std::filesystem::path& dir);

// Writes `name` (runbook.yaml, the exact bytes that were loaded; allowed_signers) into the run
// directory, read-only and durably.
void freeze_file(const std::filesystem::path& run_dir, std::string_view name, std::string_view text,
                 FileSystem& file_system = posix_file_system());

// Every secret's value from the environment. A missing one is an EnvironmentError naming all
// that are missing, unless `placeholder` is given (a dry run shows secrets as *** anyway).
NamedValues read_secrets(const Runbook& runbook, std::optional<std::string> placeholder = {});

// Only the secrets named in `needed` are required (the same EnvironmentError for those that are
// missing); any other is read when it is set, so that its value is still redacted from output,
// and else stands as ***.
NamedValues read_needed_secrets(const Runbook& runbook, const std::vector<std::string>& needed);

// This process's environment, in order.
NamedValues current_environment();

std::string os_user();
std::string host_name();

}  // namespace cutover
