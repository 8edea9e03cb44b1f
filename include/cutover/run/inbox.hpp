#pragma once
// RUN_DIR/inbox/: how decisions made at other terminals reach the executor, which stays the
// only writer of the journal. Each decision is one small JSON file, written under a hidden
// temporary name, synced, then renamed into place (atomic), so the executor never reads half a
// decision and a decision that `mark` reported as delivered survives a crash. The executor
// journals each decision's effect with its id before it deletes the file: a file whose id the
// journal already holds was taken in before a crash, and is only deleted.

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "cutover/base/file_system.hpp"
#include "cutover/run/decision.hpp"

namespace cutover {

inline constexpr std::string_view inbox_dir_name = "inbox";

// RUN_DIR/inbox/, created when missing (runs made before it existed have none).
std::filesystem::path make_inbox(const std::filesystem::path& run_dir,
                                 FileSystem& file_system = posix_file_system());

// A new, unique decision id: the time, the process and randomness.
std::string new_decision_id(UtcTime now);

// Writes the decision into RUN_DIR/inbox/ durably; EnvironmentError when it cannot.
void deliver(const std::filesystem::path& run_dir, const Decision& decision,
             FileSystem& file_system = posix_file_system());

struct InboxItem {
  std::filesystem::path file;
  std::variant<Decision, std::string> content;  // the decision, or why it cannot be read
};

// The decisions waiting in RUN_DIR/inbox/, oldest first (file names sort by time).
std::vector<InboxItem> read_inbox(const std::filesystem::path& run_dir);

// Deletes a consumed decision's file, durably.
void remove_from_inbox(const InboxItem& item, FileSystem& file_system = posix_file_system());

nlohmann::ordered_json decision_json(const Decision& decision);

}  // namespace cutover
