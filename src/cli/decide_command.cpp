// cutover mark, approve, reject and hold: a person's decision, from any terminal, delivered to
// the run's inbox for the executor (the journal's only writer) to take in.

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/inbox.hpp"
#include "cutover/run/lifecycle.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/recorded_run.hpp"
#include "cutover/run/run_dir.hpp"
#include "cutover/run/signatures.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "terminal.hpp"

namespace cutover::cli {

namespace {

// How long a command waits for a running executor to take its decision in before it leaves
// it queued in the inbox.
constexpr auto answer_wait = std::chrono::seconds(10);
constexpr auto poll_interval = std::chrono::milliseconds(50);

struct DecideArguments {
  std::vector<std::string> words;  // [RUN] TASK, and VERDICT for mark
  std::string run;                 // empty: resolve_run's choice
  std::string task;
  std::string verdict;
  std::string by;
  std::string note;
  std::string key;  // with identities: the key that signs the decision

  // The words in their places: RUN only when one more than `needed` was given.
  void place(std::size_t needed) {
    std::size_t next = 0;
    if (words.size() > needed) run = words[next++];
    task = words[next++];
    if (next < words.size()) verdict = words[next];
  }
};

Decision make_decision(const DecideArguments& arguments, DecisionKind kind,
                       const RecordedRun& run) {
  Decision decision;
  decision.time = system_clocks().utc_now();
  decision.id = new_decision_id(decision.time);
  decision.run_id = run.journal.header.run_id;
  decision.run_started = format_utc_ms(run.journal.header.time);
  decision.kind = kind;
  decision.task = arguments.task;
  if (kind == DecisionKind::mark) {
    const auto verdict = parse_verdict(arguments.verdict);
    if (!verdict) {
      throw UsageError(
          fmt::format("'{}' is not a verdict: done, failed, skipped or retry", arguments.verdict));
    }
    decision.verdict = *verdict;
  }
  decision.by = arguments.by;
  decision.note = arguments.note;
  decision.user = os_user();
  decision.host = host_name();
  return decision;
}

std::string describe(const Decision& decision) {
  switch (decision.kind) {
    case DecisionKind::mark:
      return fmt::format("{} {} by {}", decision.task, to_string(decision.verdict), decision.by);
    case DecisionKind::approve:
      return fmt::format("{} approved by {}", decision.task, decision.by);
    case DecisionKind::reject:
      return fmt::format("{} rejected by {}", decision.task, decision.by);
    case DecisionKind::hold:
      return fmt::format("{} held by {}", decision.task, decision.by);
  }
  return decision.task;
}

const JournalEvent* find_decision(const Journal& journal, const std::string& id) {
  for (auto it = journal.events.rbegin(); it != journal.events.rend(); ++it) {
    if (const std::string* decision = decision_of(it->body); decision && *decision == id) {
      return &*it;
    }
  }
  return nullptr;
}

// With identities the decision is signed with the person's key and checked here, as the
// executor will check it, against the run's frozen allowed_signers: a wrong key is refused now
// and nothing reaches the inbox.
void sign(const RecordedRun& run, const std::string& key, Decision& decision) {
  const auto& identity = run.runbook->identity;
  require_frozen_signers(identity, run.journal.header.allowed_signers_sha256, run.dir);
  if (auto signature = sign_decision(identity, key, statement_of(decision))) {
    decision.signature = std::move(signature->sshsig);
  }
}

// Waits for the running executor's verdict on the decision: applied, refused (exit 2), or not
// taken in yet (it stays queued).
int await_executor(const std::filesystem::path& dir, const Decision& decision) {
  const auto deadline = std::chrono::steady_clock::now() + answer_wait;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(poll_interval);
    const Journal journal = read_journal(dir / journal_file_name);
    if (const JournalEvent* event = find_decision(journal, decision.id)) {
      if (const auto* refused = event->as<event::DecisionRefused>()) {
        throw UsageError(fmt::format("refused: {}", refused->reason));
      }
      write_output(
          fmt::format("recorded: {} (journal line {})\n", describe(decision), event->seq + 1));
      return exit_success;
    }
    if (!lock_holder(dir)) break;
  }
  write_output(fmt::format(
      "queued: {}; the executor has not taken it in yet. It stays in {} until it does (or the "
      "next `cutover resume`).\n",
      describe(decision), (dir / inbox_dir_name).string()));
  return exit_success;
}

int decide(const DecideArguments& arguments, DecisionKind kind) {
  const bool no_note = arguments.note.find_first_not_of(" \t") == std::string::npos;
  if (kind == DecisionKind::reject && no_note) {
    throw UsageError(
        "a no-go needs its reason: --note REASON (it goes into the journal and the report)");
  }
  if (kind == DecisionKind::hold && no_note) {
    throw UsageError(
        "a hold needs its reason: --note REASON (it goes into the journal and the report)");
  }
  const auto dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(run_argument(arguments.run)));
  const RecordedRun run = open_recorded_run(dir);
  const auto executor = lock_holder(dir);
  Decision decision = make_decision(arguments, kind, run);
  sign(run, arguments.key, decision);
  const Effect effect = judge(*run.runbook, run.graph, run.state, decision,
                              executor ? ExecutorPresence::running : ExecutorPresence::absent);
  if (const auto* refused = std::get_if<effect::Refused>(&effect)) {
    throw UsageError(refused->reason);
  }
  deliver(dir, decision);
  if (executor) return await_executor(dir, decision);
  const std::string where = shell_word(dir.string());
  write_output(fmt::format(
      "queued: {}; no executor runs: `{}` applies it (should it refuse it, `cutover status {}` "
      "says why)\n",
      describe(decision), take_up_command(*run.runbook, run.state, where), where));
  return exit_success;
}

// `words`: what follows the optional RUN, e.g. "TASK VERDICT".
CLI::App* add_decision(CLI::App& app, const std::string& name, const std::string& description,
                       DecideArguments& arguments, const std::string& words,
                       std::size_t word_count) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("run_and_words", arguments.words, std::string(run_help) + "; then " + words)
      ->required()
      ->expected(static_cast<int>(word_count), static_cast<int>(word_count) + 1)
      ->type_name("[RUN] " + words);
  return command;
}

void add_person(CLI::App& command, DecideArguments& arguments) {
  command.add_option("--by", arguments.by, "Your name, as the journal records it")
      ->required()
      ->check(person_name())
      ->type_name("NAME");
  command.add_option("--note", arguments.note, "Why, for the journal and the report")
      ->type_name("TEXT");
  add_key_option(command, arguments.key);
}

constexpr const char* decision_footer =
    "The decision goes to RUN/inbox/ and the executor, the journal's only writer, takes it\n"
    "in: with an executor running this waits (up to 10 s) for its verdict; without one the\n"
    "decision waits for `cutover resume`. At the executor's terminal the same question may be\n"
    "answered at the prompt: whichever comes first wins, and the other is refused.\n"
    "With identities (identity.allowed_signers) the decision is signed with --key and checked\n"
    "against the run's frozen copy of that file, here and again by the executor.\n"
    "Exit codes: 0 recorded or queued, 2 refused (an unknown task, a task not waiting for this\n"
    "decision, a name not among the approvers, a finished run, a missing or wrong signature),\n"
    "5 the run cannot be read, or ssh-keygen is missing.";

}  // namespace

void add_mark(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<DecideArguments>();
  auto* command = add_decision(
      app, "mark", "Say how a manual task, a manual rollback step or a task in doubt ended",
      *arguments, "TASK done|failed|skipped|retry", 2);
  add_person(*command, *arguments);
  command->footer(
      std::string("done: it happened; failed: it did not (the task's on_failure applies);\n"
                  "skipped: not needed (its dependents go ahead, nothing to roll back);\n"
                  "retry: run it again (a task in doubt, or one that failed and stopped the "
                  "run).\n") +
      decision_footer);
  command->callback([arguments, &action] {
    arguments->place(2);
    action = [arguments] { return decide(*arguments, DecisionKind::mark); };
  });
}

void add_approve_reject(CLI::App& app, Action& action) {
  for (const DecisionKind kind : {DecisionKind::approve, DecisionKind::reject}) {
    auto arguments = std::make_shared<DecideArguments>();
    const bool approve = kind == DecisionKind::approve;
    auto* command = add_decision(app, std::string(to_string(kind)),
                                 approve ? "Approve a gate (go): every approver it names must"
                                         : "Reject a gate (no-go): its on_failure applies",
                                 *arguments, "GATE", 1);
    add_person(*command, *arguments);
    command->footer(std::string("--by must be one of the gate's approvers") +
                    (approve ? ".\n" : "; --note REASON is required: a no-go says why.\n") +
                    decision_footer);
    command->callback([arguments, kind, &action] {
      arguments->place(1);
      action = [arguments, kind] { return decide(*arguments, kind); };
    });
  }
}

void add_hold(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<DecideArguments>();
  auto* command =
      add_decision(app, "hold", "Keep a gate waiting (neither go nor no-go yet), saying why",
                   *arguments, "GATE", 1);
  add_person(*command, *arguments);
  command->footer(std::string("--by must be one of the gate's approvers; --note REASON is "
                              "required. The gate goes on\nwaiting for its approvals; `status` "
                              "shows who holds it and why until that approver's go.\n") +
                  decision_footer);
  command->callback([arguments, &action] {
    arguments->place(1);
    action = [arguments] { return decide(*arguments, DecisionKind::hold); };
  });
}

}  // namespace cutover::cli
