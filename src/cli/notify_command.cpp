// cutover notify test: sends one `test` event to every notify hook of a runbook and says how
// each did, so that a communication plan is tried before the weekend it is needed.

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/notifier.hpp"
#include "cutover/runbook/template.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct NotifyTestArguments {
  std::string runbook;
  std::vector<std::string> vars;
  bool dry_run = false;
};

std::string events_heard(const NotifyHook& hook) {
  std::string names;
  for (const NotifyEvent event : hook.on) {
    names += (names.empty() ? "" : ", ") + std::string(to_string(event));
  }
  return names;
}

int notify_test(const NotifyTestArguments& arguments) {
  const Runbook runbook = load_valid_runbook(arguments.runbook, parse_vars(arguments.vars));
  if (runbook.notify.empty()) {
    write_output(fmt::format("{} has no notify hooks: nothing to test\n", arguments.runbook));
    return exit_success;
  }
  const NamedValues secrets = arguments.dry_run
                                  ? read_secrets(runbook, "***")
                                  : read_needed_secrets(runbook, secrets_of_hooks(runbook));
  std::vector<std::string> secret_values;
  for (const auto& [name, value] : secrets) secret_values.push_back(value);
  const auto expand = [&](std::string_view text) {
    return expand_template(text, runbook.vars, secrets);
  };
  const auto runbook_dir = std::filesystem::absolute(runbook.file).parent_path();
  std::vector<PreparedHook> hooks =
      prepare_hooks(runbook, runbook_dir, current_environment(), expand);
  for (const PreparedHook& hook : hooks) {
    write_output(fmt::format("hook #{}: {} (hears {})\n", hook.number,
                             redact(hook.spec.argv.back(), secret_values),
                             events_heard(hook.hook)));
  }
  if (arguments.dry_run) {
    write_output("dry run: nothing sent\n");
    return exit_success;
  }

  NotifierSetup setup;
  setup.hooks = std::move(hooks);
  setup.source = {runbook.id, runbook.title, {}, {}};
  setup.secrets = secret_values;
  setup.output = [](std::size_t hook, std::string_view stream, std::string_view line) {
    write_output(fmt::format("  #{} {}: {}\n", hook, stream, line));
  };
  int failed = 0;
  const auto runner = make_real_runner();
  Notifier notifier(
      std::move(setup), *runner,
      [&](EventBody event) {
        if (const auto* sent = std::get_if<event::NotifySent>(&event)) {
          write_output(fmt::format("hook #{}: sent in {}\n", sent->hook,
                                   format_took(Duration{sent->duration_ms})));
        } else if (const auto* failure = std::get_if<event::NotifyFailed>(&event)) {
          ++failed;
          write_output(fmt::format("hook #{}: FAILED: {}\n", failure->hook, failure->reason));
        }
      },
      [](std::string_view) {});  // each failure is told above
  notifier.send({test_notice(runbook, system_clocks().utc_now())});
  deliver_all(notifier, *runner);
  write_output(failed == 0
                   ? fmt::format("all {} hooks took the test event\n", runbook.notify.size())
                   : fmt::format("{} of {} hooks failed\n", failed, runbook.notify.size()));
  return failed == 0 ? exit_success : exit_run_failed;
}

}  // namespace

void add_notify(CLI::App& app, Action& action) {
  auto* notify = app.add_subcommand("notify", "The communication plan: try the notify hooks");
  notify->require_subcommand(1);
  auto arguments = std::make_shared<NotifyTestArguments>();
  auto* test = notify->add_subcommand(
      "test", "Send one `test` event to every notify hook of RUNBOOK and report how each did");
  test->add_option("runbook", arguments->runbook, "The runbook file")->required();
  add_var_option(*test, arguments->vars);
  test->add_flag("--dry-run", arguments->dry_run,
                 "Show each hook's command (secrets as ***) and what it hears; send nothing");
  test->footer(
      "Each hook runs as in a run: its shell, the runbook's folder, the event as JSON on stdin "
      "and\n"
      "CUTOVER_EVENT=test, CUTOVER_MESSAGE... in its environment, killed at its timeout. Its\n"
      "output is shown here, secrets redacted. The secrets the hooks' commands name are read\n"
      "from the environment.\n"
      "Exit codes: 0 every hook took the event, 1 a hook failed, 2 usage, 3 invalid runbook,\n"
      "5 environment (a missing secret).");
  test->callback(
      [arguments, &action] { action = [arguments] { return notify_test(*arguments); }; });
}

}  // namespace cutover::cli
