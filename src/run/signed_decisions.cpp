#include "cutover/run/signed_decisions.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "base/sha256.hpp"
#include "cutover/run/signatures.hpp"

namespace cutover {

namespace {

// The person behind a decision the run carried out; refusals and `cutover rollback`'s operator
// are not decisions it needed a signature for.
const event::Person* decider_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> const event::Person* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, event::DecisionRefused> ||
                      std::is_same_v<T, event::RollbackStarted>) {
          return nullptr;
        } else if constexpr (requires { e.person.has_value(); }) {
          return e.person ? &*e.person : nullptr;
        } else if constexpr (requires { e.person.by; }) {
          return &e.person;
        } else {
          return nullptr;
        }
      },
      body);
}

// The task an event is about; empty for a sign-off.
std::string task_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::string {
        if constexpr (requires { e.task; }) {
          return e.task;
        } else {
          return {};
        }
      },
      body);
}

// Whether the line records what the statement says was decided: its action, and a mark's
// verdict as the status it led to. Nothing for the header's override (no event).
bool records(const EventBody* body, const Statement& statement) {
  const std::string& action = statement.action;
  if (!body) return action == "override-go-live";
  const auto mark = [&](std::string_view verdict) {
    return action == "mark" && statement.verdict == verdict;
  };
  if (std::holds_alternative<event::GateApproved>(*body)) return action == "approve";
  if (std::holds_alternative<event::GateRejected>(*body)) return action == "reject";
  if (std::holds_alternative<event::GateHeld>(*body)) return action == "hold";
  if (std::holds_alternative<event::SignedOff>(*body)) return action == "signoff";
  if (std::holds_alternative<event::TaskReset>(*body)) return mark("retry");
  if (const auto* step = std::get_if<event::RollbackStepFinished>(body)) {
    return mark(step->ok ? "done" : "failed");
  }
  if (const auto* finished = std::get_if<event::TaskFinished>(body)) {
    switch (finished->status) {
      case TaskStatus::succeeded:
        return mark("done");
      case TaskStatus::failed:  // a no-go ends its gate as failed, by the rejecting approver
        return mark("failed") || action == "reject";
      case TaskStatus::skipped:
        return mark("skipped");
      default:
        return false;
    }
  }
  return false;
}

// The name an approval event credits: the approver, who must be the one who signed.
const std::string* approver_of(const EventBody& body) {
  if (const auto* e = std::get_if<event::GateApproved>(&body)) return &e->approver;
  if (const auto* e = std::get_if<event::GateRejected>(&body)) return &e->approver;
  if (const auto* e = std::get_if<event::GateHeld>(&body)) return &e->approver;
  return nullptr;
}

class SignatureChecker {
 public:
  SignatureChecker(std::string signers, const JournalHeader& header)
      : signers_(std::move(signers)), header_(header) {}

  // Why the decision at `line` does not hold, or nothing (and it is counted as checked).
  // `body` is the line's event; nothing for the header's override.
  std::optional<std::string> check(std::size_t line, const event::Person& person,
                                   const std::string& task, const EventBody* body) {
    const std::string& by = person.by;
    const auto& signature = person.signature;
    if (!signature) return fmt::format("{}'s decision is not signed", by);
    const auto statement = parse_statement(signature->statement);
    if (!statement) return "the signed statement cannot be read";
    if (statement->run_id != header_.run_id ||
        statement->run_started != format_utc_ms(header_.time)) {
      return fmt::format("the signature is for run {} started {}, not this one", statement->run_id,
                         statement->run_started);
    }
    const std::string* approver = body ? approver_of(*body) : nullptr;
    const bool same_decision = !body || statement->decision == person.decision;
    if (statement->by != by || statement->note != person.note || statement->task != task ||
        !same_decision || (approver && *approver != by) || !records(body, *statement)) {
      return fmt::format(
          "the signed statement ({} {}{} by {}) is not what the line records ({} by {})",
          statement->action, statement->task,
          statement->verdict.empty() ? "" : " " + statement->verdict, statement->by, task, by);
    }
    if (auto reused = reuse(statement->decision, body)) return reused;
    if (auto wrong = signature_problem(signers_, by, signature->statement, signature->sshsig)) {
      return wrong;
    }
    checked_.push_back(
        {line, statement->action, statement->task, statement->verdict, statement->by});
    return std::nullopt;
  }

  std::vector<CheckedDecision> take_checked() { return std::move(checked_); }

 private:
  // A signed decision is carried out once. Its id is on one line, or on two when a no-go
  // also ends its gate (gate_rejected, then task_finished).
  std::optional<std::string> reuse(const std::string& decision, const EventBody* body) {
    const bool rejection = body && std::holds_alternative<event::GateRejected>(*body);
    const auto [seen, fresh] = seen_.try_emplace(decision, rejection);
    if (fresh) return std::nullopt;
    const bool ends_gate =
        seen->second && body && std::holds_alternative<event::TaskFinished>(*body);
    seen->second = false;
    if (ends_gate) return std::nullopt;
    return fmt::format("decision {} is recorded again: a signature is good once", decision);
  }

  std::string signers_;
  const JournalHeader& header_;
  std::vector<CheckedDecision> checked_;
  std::map<std::string, bool> seen_;  // decision id -> a no-go whose gate may still end
};

}  // namespace

SignaturesVerdict verify_signatures(const std::filesystem::path& run_dir, const Journal& journal,
                                    bool runbook_has_identity) {
  SignaturesVerdict verdict;
  const JournalHeader& header = journal.header;
  const auto signers = run_dir / frozen_signers_name;
  std::error_code error;
  const auto frozen = std::filesystem::exists(signers, error)
                          ? std::optional<std::string>(read_file(signers))
                          : std::nullopt;
  if (!runbook_has_identity && header.allowed_signers_sha256.empty() && !frozen) return verdict;
  verdict.identities = true;
  const auto fail = [&](std::size_t line, std::string problem) {
    verdict.bad_line = line;
    verdict.problem = std::move(problem);
    return verdict;
  };
  if (!frozen) return fail(1, fmt::format("{} is missing", signers.string()));
  if (sha256_hex(*frozen) != header.allowed_signers_sha256) {
    return fail(1, fmt::format("{} is not the file the run started with (its SHA-256 differs)",
                               signers.string()));
  }
  SignatureChecker checker(*frozen, header);
  if (header.go_live && header.go_live->override_by) {
    const GoLiveOverride& override_by = *header.go_live->override_by;
    const event::Person person{override_by.by,       {}, {}, {}, override_by.reason,
                               override_by.signature};
    if (auto wrong = checker.check(1, person, "", nullptr)) {
      return fail(1, "the go-live override: " + *wrong);
    }
  }
  for (const JournalEvent& event : journal.events) {
    const event::Person* person = decider_of(event.body);
    if (!person) continue;
    const std::size_t line = event.seq + 1;
    if (auto wrong = checker.check(line, *person, task_of(event.body), &event.body)) {
      return fail(line, *wrong);
    }
  }
  verdict.checked = checker.take_checked();
  return verdict;
}

}  // namespace cutover
