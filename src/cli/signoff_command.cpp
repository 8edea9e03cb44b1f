// cutover signoff: a person signs off a succeeded rehearsal for the go-live rule.

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "cutover/base/clock.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/signoff.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

struct SignOffArguments {
  std::string run;
  std::string by;
  std::string note;
  std::string key;
};

int signoff(const SignOffArguments& arguments) {
  auto dir = run_argument(arguments.run);
  if (dir.filename().empty()) dir = dir.parent_path();  // "RUN/" as a shell completes it
  const SignOffResult result =
      sign_off(dir, {arguments.by, arguments.note, os_user(), host_name(), arguments.key},
               system_clocks().utc_now());
  write_output(result == SignOffResult::signed_off
                   ? fmt::format("signed off: {} by {}\n", shown_path(dir), arguments.by)
                   : fmt::format("{} signed off {} already: nothing changed\n", arguments.by,
                                 shown_path(dir)));
  return exit_success;
}

}  // namespace

void add_signoff(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<SignOffArguments>();
  auto* command = app.add_subcommand(
      "signoff", "Sign off a succeeded rehearsal, as the runbook's go-live rule asks");
  command->add_option("run", arguments->run, "A run directory, or a run's label (the newest)")
      ->required()
      ->type_name("RUN");
  command->add_option("--by", arguments->by, "Your name: one of go_live.signoffs")
      ->required()
      ->check(person_name())
      ->type_name("NAME");
  command->add_option("--note", arguments->note, "What you checked, for the journal")
      ->type_name("TEXT");
  add_key_option(*command, arguments->key);
  command->footer(
      "Appends signed_off (name, OS user, host, time, note) to the run's journal, holding its\n"
      "lock: the hash chain goes on and `cutover verify` stays green. Signing twice changes\n"
      "nothing. With identities the sign-off is signed with --key and checked first.\n"
      "Exit codes: 0 signed off (or already), 2 a run that did not succeed, a runbook\n"
      "without go_live, a name not in its signoffs, a missing or wrong signature, 5 an executor\n"
      "holds the run, or ssh-keygen is missing.");
  command->callback([arguments, &action] { action = [arguments] { return signoff(*arguments); }; });
}

}  // namespace cutover::cli
