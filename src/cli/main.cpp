// cutover: the command line. The only place that maps exceptions to exit codes.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "base/heap.hpp"
#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/terminal.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/journal.hpp"
#include "cutover/runbook/diagnostics.hpp"

namespace {

// What `cutover --version` says: the release, the commit it was built from (when built from a
// git checkout), and the journal format it writes.
std::string version_text() {
  std::string text = fmt::format("cutover {}", CUTOVER_VERSION);
  if (std::string_view(CUTOVER_COMMIT).size() > 0)
    text += fmt::format(" (commit {})", CUTOVER_COMMIT);
  return text + fmt::format("\njournal format: {} version {}", cutover::journal_format_name,
                            cutover::journal_format_version);
}

int run(int argc, char** argv) {
  using namespace cutover;
  CLI::App app("cutover: plan, run and track cutover runbooks", "cutover");
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.footer("Run 'cutover COMMAND --help' for a command's options.");

  cli::Action action;
  cli::add_validate(app, action);
  cli::add_plan(app, action);
  cli::add_graph(app, action);
  cli::add_schema(app, action);
  cli::add_import(app, action);
  cli::add_run(app, action);
  cli::add_track(app, action);
  cli::add_resume(app, action);
  cli::add_rollback(app, action);
  cli::add_mark(app, action);
  cli::add_approve_reject(app, action);
  cli::add_hold(app, action);
  cli::add_signoff(app, action);
  cli::add_verify(app, action);
  cli::add_status(app, action);
  cli::add_logs(app, action);
  cli::add_notify(app, action);
  cli::add_report(app, action);
  cli::add_estimates(app, action);
  cli::add_forecast(app, action);
  cli::add_completion(app, action);
  cli::add_manual(app, action);

  if (argc < 2) {
    cli::write(stderr, app.help());
    return exit_usage;
  }
  // CLI11 would say "A subcommand is required"; name what was typed instead.
  const std::string_view first = argv[1];
  std::string names;
  bool known = false;
  for (const auto* command : app.get_subcommands({})) {
    known = known || command->get_name() == first;
    if (command->get_group().empty()) continue;  // hidden
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  if (!first.starts_with('-') && !known) {
    throw UsageError(fmt::format("unknown command '{}'; the commands are: {}", first, names));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    // CLI11's own codes (105, 106, ...) mean nothing to scripts; the contract says 2.
    app.exit(error);
    return exit_usage;
  }
  return action();
}

}  // namespace

int main(int argc, char** argv) {
  cutover::advise_huge_pages_for_the_heap();
  // A closed pipe (cutover plan | head) must end quietly, not with SIGPIPE's exit 141.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return run(argc, argv);
  } catch (const cutover::Error& error) {
    cutover::cli::write(stderr,
                        fmt::format("cutover: {}\n", cutover::printable(error.what(), true)));
    return error.code();
  } catch (const std::bad_alloc&) {
    cutover::cli::write(stderr, "cutover: out of memory\n");
    return cutover::exit_environment;
  } catch (const std::exception& error) {
    cutover::cli::write(stderr, fmt::format("cutover: internal error: {}\n", error.what()));
    return 70;
  }
}
