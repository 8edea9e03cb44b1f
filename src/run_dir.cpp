#include "cutover/run_dir.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cutover/errors.hpp"

namespace cutover {

namespace {

// The header's time: RFC 3339 UTC with milliseconds, so it sorts as text.
std::string start_time(const std::filesystem::path& journal) {
  std::ifstream in(journal);
  std::string header;
  if (!std::getline(in, header)) return {};
  const auto json = nlohmann::json::parse(header, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("time") ||
      !json["time"].is_string()) {
    return {};
  }
  return json["time"].get<std::string>();
}

}  // namespace

std::filesystem::path runs_root() {
  return std::filesystem::path(".cutover") / "runs";
}

std::optional<std::filesystem::path> latest_run(const std::filesystem::path& root) {
  std::error_code error;
  std::optional<std::filesystem::path> latest;
  std::string latest_time;
  for (const auto& runbook : std::filesystem::directory_iterator(root, error)) {
    if (!runbook.is_directory(error)) continue;
    for (const auto& run : std::filesystem::directory_iterator(runbook.path(), error)) {
      const auto journal = run.path() / journal_file_name;
      if (!std::filesystem::is_regular_file(journal, error)) continue;
      const std::string time = start_time(journal);
      if (!latest || time > latest_time || (time == latest_time && run.path() > *latest)) {
        latest = run.path();
        latest_time = time;
      }
    }
  }
  return latest;
}

std::filesystem::path resolve_run_dir(const std::optional<std::filesystem::path>& given) {
  if (!given) {
    if (auto latest = latest_run(runs_root())) return *latest;
    throw UsageError(
        fmt::format("no runs under {} in this folder; give RUN_DIR", runs_root().string()));
  }
  std::error_code error;
  if (!std::filesystem::is_directory(*given, error)) {
    throw UsageError(fmt::format("{}: not a run directory", given->string()));
  }
  if (!std::filesystem::is_regular_file(*given / journal_file_name, error)) {
    throw UsageError(
        fmt::format("{}: no {} in it; not a run directory", given->string(), journal_file_name));
  }
  return *given;
}

}  // namespace cutover
