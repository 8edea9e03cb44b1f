#include "cutover/run/new_run.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <system_error>

#include "cutover/base/errors.hpp"
#include "cutover/run/run_dir.hpp"

extern char** environ;

namespace cutover {

namespace {

std::string compact_utc(UtcTime time) {
  // 2026-11-28T17:00:00.123Z -> 20261128T170000Z
  std::string out;
  for (const char c : format_utc_ms(time).substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

void create_logs(const std::filesystem::path& dir, FileSystem& file_system) {
  file_system.create_directories(dir / "logs");
}

}  // namespace

void check_label(std::string_view label) {
  if (!valid_label(label)) {
    throw UsageError(fmt::format(
        "--label '{}': use letters, digits, '.', '_' and '-' (it becomes part of a folder name)",
        label));
  }
}

NewRunDir create_run_dir(const std::filesystem::path& root, std::string_view runbook_id,
                         UtcTime start, std::string_view label, FileSystem& file_system) {
  const std::filesystem::path parent = root / runbook_id;
  file_system.create_directories(parent);
  std::string base = compact_utc(start);
  if (!label.empty()) base += fmt::format("-{}", label);
  for (int n = 1;; ++n) {
    const std::string name = n == 1 ? base : fmt::format("{}-{}", base, n);
    const std::filesystem::path dir = parent / name;
    // mkdir is atomic: two runs started in the same second get different folders.
    if (file_system.create_directory(dir)) {
      create_logs(dir, file_system);
      return {dir, fmt::format("{}/{}", runbook_id, name)};
    }
  }
}

NewRunDir given_run_dir(const std::filesystem::path& dir, std::string_view runbook_id,
                        FileSystem& file_system) {
  create_logs(dir, file_system);
  const std::string name = std::filesystem::absolute(dir).lexically_normal().filename().string();
  return {dir, fmt::format("{}/{}", runbook_id, name)};
}

void require_unused(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir / journal_file_name, error)) {
    throw UsageError(fmt::format(
        "{} already holds a run; continue it with `cutover resume {}`, or choose a new folder",
        dir.string(), dir.string()));
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const bool expected = name == lock_file_name ||
                          (name == "logs" && std::filesystem::is_empty(entry.path(), error));
    if (!expected) {
      throw UsageError(
          fmt::format("--run-dir {}: the folder is not empty ({} is there)", dir.string(), name));
    }
  }
}

void freeze_file(const std::filesystem::path& run_dir, std::string_view name, std::string_view text,
                 FileSystem& file_system) {
  const std::filesystem::path path = run_dir / name;
  // Read-only, so that nobody edits what ran by mistake.
  auto file = file_system.open(path, OpenMode::create_new, 0444);
  try {
    file->append(text);
    file->sync();
    file->close();
  } catch (const WriteError&) {
    // Half a file would make the folder look used (require_unused) for nothing.
    try {
      file_system.remove(path);
    } catch (const WriteError&) {
    }
    throw;
  }
}

namespace {

// Every secret's value from the environment: one that `required` names and is not set is an
// EnvironmentError (naming all such), any other that is not set stands as `placeholder`.
NamedValues secret_values(const Runbook& runbook,
                          const std::function<bool(const std::string&)>& required,
                          const std::string& placeholder) {
  NamedValues values;
  std::vector<std::string> missing;
  for (const std::string& name : runbook.secrets) {
    if (const char* value = std::getenv(name.c_str())) {
      values.emplace_back(name, value);
    } else if (!required(name)) {
      values.emplace_back(name, placeholder);
    } else {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    throw EnvironmentError(
        fmt::format("secret{} not set in the environment: {}; nothing was started",
                    missing.size() == 1 ? "" : "s", fmt::join(missing, ", ")));
  }
  return values;
}

}  // namespace

NamedValues read_secrets(const Runbook& runbook, std::optional<std::string> placeholder) {
  return secret_values(
      runbook, [&](const std::string&) { return !placeholder; }, placeholder.value_or(""));
}

NamedValues read_needed_secrets(const Runbook& runbook, const std::vector<std::string>& needed) {
  return secret_values(
      runbook,
      [&](const std::string& name) {
        return std::find(needed.begin(), needed.end(), name) != needed.end();
      },
      "***");
}

NamedValues current_environment() {
  NamedValues values;
  for (char** entry = environ; *entry; ++entry) {
    const std::string_view text = *entry;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    values.emplace_back(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return values;
}

std::string os_user() {
  if (const passwd* entry = ::getpwuid(::getuid())) return entry->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return std::to_string(::getuid());
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace cutover
