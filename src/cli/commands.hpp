#pragma once
// One function per command: each adds its subcommand to the app and, when chosen, leaves the
// action to run in `action`. Actions return the exit code; errors are thrown as cutover::Error.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cutover/report/estimates.hpp"
#include "cutover/runbook/loader.hpp"

namespace cutover::cli {

using Action = std::function<int()>;

void add_validate(CLI::App& app, Action& action);
void add_plan(CLI::App& app, Action& action);
void add_graph(CLI::App& app, Action& action);
void add_schema(CLI::App& app, Action& action);
void add_verify(CLI::App& app, Action& action);
void add_run(CLI::App& app, Action& action);
void add_status(CLI::App& app, Action& action);
void add_report(CLI::App& app, Action& action);
void add_forecast(CLI::App& app, Action& action);
void add_import(CLI::App& app, Action& action);
void add_completion(CLI::App& app, Action& action);
void add_manual(CLI::App& app, Action& action);  // hidden: `cutover manpage`, run by the build
void add_estimates(CLI::App& app, Action& action);
void add_track(CLI::App& app, Action& action);
void add_resume(CLI::App& app, Action& action);
void add_rollback(CLI::App& app, Action& action);
void add_mark(CLI::App& app, Action& action);
void add_approve_reject(CLI::App& app, Action& action);
void add_hold(CLI::App& app, Action& action);
void add_logs(CLI::App& app, Action& action);
void add_notify(CLI::App& app, Action& action);
void add_signoff(CLI::App& app, Action& action);

// Shared by the commands that read a runbook.

// "K=V" pairs from --var; a malformed one is a usage error.
EnvVars parse_vars(const std::vector<std::string>& assignments);

// -j: automated tasks at once. More than this is a typo, not a machine.
inline constexpr std::int64_t max_jobs = 1024;
// Refuses -j values that are not a number from 1 to max_jobs (CLI11 would wrap -3 around).
CLI::Validator jobs_range();

void add_var_option(CLI::App& command, std::vector<std::string>& vars);

// --by NAME: a person's name as the journal records it, 1 to 100 printable characters.
CLI::Validator person_name();

// --key FILE: with identities, the OpenSSH key that signs a decision (a private key, or a .pub
// whose private half ssh-agent holds).
void add_key_option(CLI::App& command, std::string& key);

// --by on the commands that run an executor: who answers at its prompts.
void add_operator_option(CLI::App& command, std::string& by);

// --start TIME|now (plan, forecast): nothing for "", else an RFC 3339 time or the present;
// anything else is a usage error.
std::optional<Timestamp> parse_start(const std::string& text);

// Loads a runbook for a command that needs a valid one: diagnostics go to stderr, and an
// invalid runbook throws (exit 3).
Runbook load_valid_runbook(const std::string& path, const EnvVars& vars);
Runbook require_valid(LoadResult loaded, const std::string& path);
// A runbook file's bytes as they are (to freeze, or to edit in place): a path that cannot be
// read as a runbook is a UsageError, a failed read an EnvironmentError.
std::string read_runbook_bytes(const std::string& path);

// RUN as a command gets it (resolve_run): a run directory or a label; "" for the newest run
// whose executor is alive, else the newest run.
std::filesystem::path run_argument(const std::string& given);
inline constexpr const char* run_help =
    "A run directory, or a run's label (the newest run with it); left out: the newest run whose "
    "executor is alive, else the newest run";

// The rehearsals in RUN_DIRs (estimates, forecast --runs), measured task by task and named as
// shown_path shows them; read side by side (open_recorded_runs).
std::vector<MeasuredRun> measure_run_dirs(const std::vector<std::string>& run_dirs);

// A path as a person wants to read it: relative to the current folder when it is under it
// (".cutover/runs/..."), otherwise as given.
std::string shown_path(const std::filesystem::path& path);

}  // namespace cutover::cli
