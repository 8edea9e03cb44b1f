#pragma once
// The command line as data, read from the CLI11 app itself: what `cutover completion` and the
// man page are generated from, so that neither can drift from the real options.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cutover::cli {

struct OptionModel {
  std::vector<std::string> long_names;   // without the "--"
  std::vector<std::string> short_names;  // without the "-"
  std::string value;                     // the value's name (FILE, N, TEXT); empty for a flag
  std::vector<std::string> choices;      // the values IsMember allows, if any
  std::string help;
};

struct PositionalModel {
  std::string name;  // as usage shows it: RUNBOOK, RUN, [RUN] TASK
  std::string help;
  bool required = false;
  std::vector<std::string> choices;  // the values IsMember allows, if any
};

struct CommandModel {
  std::string name;
  std::string description;
  std::string footer;
  std::vector<OptionModel> options;  // --help first, as CLI11 lists them
  std::vector<PositionalModel> positionals;
  std::vector<CommandModel> subcommands;  // `notify test`
};

// The app's commands, in the order `cutover --help` lists them; hidden ones left out.
std::vector<CommandModel> command_models(const CLI::App& app);

// The kind of thing a value or positional names, for completion: a file, a folder, a run.
enum class ValueKind { none, file, directory, run, other };
ValueKind value_kind(std::string_view value_name);

}  // namespace cutover::cli
