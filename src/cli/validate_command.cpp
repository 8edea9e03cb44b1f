#include <fmt/color.h>
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> runbooks;
  std::string format = "text";
  bool strict = false;
  std::vector<std::string> vars;
};

std::string plural(std::size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

// The runbook's verdict covers the files it includes.
std::string text_summary(const LoadResult& loaded, bool colour) {
  const Diagnostics& diagnostics = loaded.diagnostics;
  const bool valid = !diagnostics.has_errors();
  const std::string_view verdict = valid ? "ok" : "invalid";
  const auto style = fmt::emphasis::bold | fg(valid ? fmt::terminal_color::bright_green
                                                    : fmt::terminal_color::bright_red);
  std::string counted = valid ? plural(loaded.runbook.tasks.size(), "task")
                              : plural(diagnostics.error_count(), "error");
  if (!loaded.included.empty()) {
    counted += fmt::format(" in {}", plural(loaded.included.size() + 1, "file"));
  }
  return fmt::format("{}: {} ({}, {})\n", printable(diagnostics.runbook().file()),
                     colour ? fmt::format(style, "{}", verdict) : std::string(verdict), counted,
                     plural(diagnostics.warning_count(), "warning"));
}

int run_validate(const ValidateOptions& options) {
  const EnvVars vars = parse_vars(options.vars);
  const bool colour = colour_enabled(stdout);
  std::vector<FileDiagnostics> files;
  std::string text;
  bool unreadable = false;
  for (const auto& path : options.runbooks) {
    // One unreadable path must not hide what the other files say.
    if (auto reason = unreadable_reason(path)) {
      unreadable = true;
      files.emplace_back(path);
      files.back().error({}, *reason);
      if (options.format == "text") text += render_text(files.back(), {colour});
      continue;
    }
    LoadResult loaded = load_runbook(path, LoadOptions{vars});
    if (options.strict) loaded.diagnostics.promote_warnings();
    if (options.format == "text") {
      text += render_text(loaded.diagnostics, {colour});
      text += text_summary(loaded, colour);
    }
    for (auto& file : std::move(loaded.diagnostics).take_files()) files.push_back(std::move(file));
  }
  if (options.format == "text") write_output(text);
  if (options.format == "json") write_output(render_json(files));
  if (options.format == "junit") write_output(render_junit(files));
  if (options.format == "github") write_output(render_github(files));

  if (unreadable) return exit_usage;
  for (const auto& file : files) {
    if (file.has_errors()) return exit_invalid_runbook;
  }
  return exit_success;
}

}  // namespace

void add_validate(CLI::App& app, Action& action) {
  auto options = std::make_shared<ValidateOptions>();
  auto* command = app.add_subcommand(
      "validate", "Check runbooks: structure, references, the graph, and the warnings");
  command->add_option("runbooks", options->runbooks, "Runbook files to check")
      ->required()
      ->type_name("RUNBOOK...");
  command->add_option("--format", options->format, "Output: text, json, junit or github")
      ->check(CLI::IsMember({"text", "json", "junit", "github"}))
      ->capture_default_str();
  command->add_flag("--strict", options->strict, "Treat warnings as errors (exit 3)");
  add_var_option(*command, options->vars);
  command->footer(
      "Exit codes: 0 valid, 2 a path is missing or not a file, 3 a runbook is invalid.");
  command->callback([options, &action] { action = [options] { return run_validate(*options); }; });
}

}  // namespace cutover::cli
