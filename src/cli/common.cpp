#include <fmt/format.h>

#include <charconv>
#include <cstdint>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/base/file_system.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/runbook/template.hpp"
#include "terminal.hpp"

namespace cutover::cli {

EnvVars parse_vars(const std::vector<std::string>& assignments) {
  EnvVars vars;
  for (const auto& assignment : assignments) {
    const auto equals = assignment.find('=');
    const std::string name = assignment.substr(0, equals);
    if (equals == std::string::npos || !is_identifier(name)) {
      throw UsageError(
          fmt::format("--var {}: expected NAME=VALUE with NAME made of letters, "
                      "digits and '_'",
                      assignment));
    }
    vars.emplace_back(name, assignment.substr(equals + 1));
  }
  return vars;
}

void add_var_option(CLI::App& command, std::vector<std::string>& vars) {
  command.add_option("--var", vars, "Set a var: NAME=VALUE (repeatable); overrides the runbook's")
      ->type_name("NAME=VALUE");
}

std::optional<Timestamp> parse_start(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "now") {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    return Timestamp{now, 0};
  }
  if (auto start = parse_timestamp(text)) return start;
  throw UsageError(
      fmt::format("--start {}: expected an RFC 3339 time such as "
                  "2026-11-28T18:00:00+01:00, or 'now'",
                  text));
}

std::string read_runbook_bytes(const std::string& path) {
  if (const auto reason = unreadable_reason(path)) {
    throw UsageError(fmt::format("{}: {}", path, *reason));
  }
  return read_file(path);
}

CLI::Validator person_name() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        const bool blank = name.find_first_not_of(" \t") == std::string::npos;
        if (blank || name.size() > 100 || printable(name) != name) {
          return "must be a name of 1 to 100 printable characters";
        }
        return {};
      },
      "NAME");
}

void add_key_option(CLI::App& command, std::string& key) {
  command
      .add_option("--key", key,
                  "Your OpenSSH key, when the runbook's decisions are signed "
                  "(identity.allowed_signers): a private key, or a .pub held by ssh-agent")
      ->type_name("FILE");
}

void add_operator_option(CLI::App& command, std::string& by) {
  command
      .add_option("--by", by,
                  "Your name for the answers typed here (the journal records it); left out: "
                  "asked at the first answer")
      ->check(person_name())
      ->type_name("NAME");
}

CLI::Validator jobs_range() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::int64_t jobs = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), jobs);
        if (error == std::errc{} && end == value.data() + value.size() && jobs >= 1 &&
            jobs <= max_jobs) {
          return {};
        }
        return fmt::format("-j takes a whole number from 1 to {}, not '{}'", max_jobs, value);
      },
      fmt::format("1-{}", max_jobs));
}

std::string shown_path(const std::filesystem::path& path) {
  std::error_code error;
  const auto here = std::filesystem::current_path(error);
  if (error || !path.is_absolute()) return path.string();
  const auto relative = path.lexically_relative(here);
  const bool under = !relative.empty() && *relative.begin() != "..";
  return under ? relative.string() : path.string();
}

std::filesystem::path run_argument(const std::string& given) {
  return resolve_run(given.empty() ? std::nullopt : std::optional<std::string>(given));
}

std::vector<MeasuredRun> measure_run_dirs(const std::vector<std::string>& run_dirs) {
  const std::vector<std::filesystem::path> dirs(run_dirs.begin(), run_dirs.end());
  std::vector<MeasuredRun> runs;
  for (const RecordedRun& run : open_recorded_runs(dirs)) {
    runs.push_back(measure_run(run));
    runs.back().run_dir = shown_path(run.dir);
  }
  return runs;
}

Runbook load_valid_runbook(const std::string& path, const EnvVars& vars) {
  return require_valid(load_runbook(path, LoadOptions{vars}), path);
}

Runbook require_valid(LoadResult loaded, const std::string& path) {
  const auto& diagnostics = loaded.diagnostics;
  if (!diagnostics.empty()) {
    write(stderr, render_text(diagnostics, {colour_enabled(stderr)}));
  }
  if (diagnostics.has_errors()) {
    throw Error(exit_invalid_runbook,
                fmt::format("{} is not a valid runbook ({} error{})", path,
                            diagnostics.error_count(), diagnostics.error_count() == 1 ? "" : "s"));
  }
  return std::move(loaded.runbook);
}

}  // namespace cutover::cli
