// cutover manpage (hidden): cutover(1) in roff, generated at build time from the CLI11 app (every
// command, option and footer) plus the short overview written here, so that the manual can never
// drift from the real options.

#include <fmt/format.h>

#include "cli_model.hpp"
#include "commands.hpp"
#include "cutover/run/journal.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

constexpr const char* overview = R"(.SH DESCRIPTION
A cutover moves a business from a legacy system to a new one: an ERP go-live weekend, a
database major-version upgrade, a data-centre or DNS switch. It is rehearsed several times, then
run once for real inside a fixed window.
.PP
.B cutover
reads a YAML runbook, builds the dependency graph of its tasks (automated commands, manual
steps, go/no-go gates, rollback steps), checks it
.RB ( validate ),
plans it against the window with its critical path
.RB ( plan ),
runs or tracks the tasks in order
.RB ( run ,
.BR track ),
timestamps every step in an append-only, hash-chained journal, and turns rehearsals into
timing reports, learned estimates and a forecast
.RB ( report ,
.BR estimates ,
.BR forecast ).
Several operators answer from their own terminals
.RB ( mark ,
.BR approve ,
.BR reject ,
.BR hold ),
an interrupted run continues from its journal
.RB ( resume ),
and a failed one rolls back
.RB ( rollback ).
.PP
The runbook format, the journal format and the night of a go-live are described in
.IR /usr/share/doc/cutover/ .
)";

constexpr const char* closing = R"(.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
the run failed (stopped or rolled back), or a check found a problem
.TP
.B 2
usage error, or a decision refused
.TP
.B 3
invalid runbook
.TP
.B 4
a rollback step failed
.TP
.B 5
environment: a locked run, a missing secret or tool, a write that failed
.TP
.B 130
interrupted
.SH FILES
.TP
.I .cutover/runs/RUNBOOK-ID/TIME[-LABEL]/
a run directory: the frozen runbook.yaml, journal.jsonl, timing.csv, logs/ and inbox/
.SH ENVIRONMENT
.TP
.B NO_COLOR
no colour, whatever the terminal
.TP
.B SSH_AUTH_SOCK
the ssh-agent that signs decisions when
.B \-\-key
names a public key
.SH SEE ALSO
.BR ssh-keygen (1),
.I /usr/share/doc/cutover/README.md
)";

// Text as roff reads it: backslashes escaped, and a line starting with '.' or '\'' kept as text.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string option_entry(const OptionModel& option) {
  std::vector<std::string> names;
  for (const auto& name : option.short_names) names.push_back("\\fB\\-" + roff(name) + "\\fR");
  for (const auto& name : option.long_names) names.push_back("\\fB\\-\\-" + roff(name) + "\\fR");
  std::string entry = fmt::format(".TP\n{}", fmt::join(names, ", "));
  if (!option.value.empty()) entry += " \\fI" + roff(option.value) + "\\fR";
  entry += "\n" + roff(option.help);
  if (!option.choices.empty()) {
    entry += fmt::format(" (one of: {})", roff(fmt::format("{}", fmt::join(option.choices, ", "))));
  }
  return entry + "\n";
}

std::string command_section(const CommandModel& command, const std::string& prefix) {
  const std::string name = prefix + command.name;
  std::vector<std::string> positionals;
  for (const PositionalModel& positional : command.positionals) {
    positionals.push_back(positional.required ? positional.name : "[" + positional.name + "]");
  }
  std::string text = fmt::format(
      ".SS \"cutover {} [OPTIONS]{}{}\"\n{}\n", roff(name), positionals.empty() ? "" : " ",
      roff(fmt::format("{}", fmt::join(positionals, " "))), roff(command.description));
  for (const PositionalModel& positional : command.positionals) {
    text += fmt::format(".TP\n\\fI{}\\fR\n{}\n", roff(positional.name), roff(positional.help));
  }
  for (const OptionModel& option : command.options) {
    if (option.long_names != std::vector<std::string>{"help"}) text += option_entry(option);
  }
  if (!command.footer.empty()) text += fmt::format(".PP\n.nf\n{}\n.fi\n", roff(command.footer));
  for (const CommandModel& sub : command.subcommands) text += command_section(sub, name + " ");
  return text;
}

int print_manual(const CLI::App& app) {
  std::string text = fmt::format(
      ".TH CUTOVER 1 \"\" \"cutover {}\" \"User Commands\"\n"
      ".SH NAME\ncutover \\- plan, run and track cutover runbooks\n"
      ".SH SYNOPSIS\n.B cutover\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n.br\n"
      ".B cutover \\-\\-version\n",
      CUTOVER_VERSION);
  text += overview;
  text += ".SH COMMANDS\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n";
  for (const CommandModel& command : command_models(app)) text += command_section(command, "");
  text += closing;
  write_output(text);
  return exit_success;
}

}  // namespace

void add_manual(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("manpage", "Print the manual page cutover(1) in roff");
  command->group("");  // hidden: the build runs it; people read `man cutover`
  command->callback([&app, &action] { action = [&app] { return print_manual(app); }; });
}

}  // namespace cutover::cli
