#pragma once
// What people decide from any terminal (`cutover mark`, `approve`, `reject`, `hold`), and what
// such a decision does to a run. The judgement is pure: the command checks a decision against
// the journal before it queues it, and the executor checks it again, against the state of the
// moment, when it takes it from the inbox. Whichever of two racing decisions the executor
// takes first wins; the other is refused with the reason.

#include <optional>
#include <string>
#include <variant>

#include "cutover/run/questions.hpp"
#include "cutover/run/run_state.hpp"
#include "cutover/run/signatures.hpp"

namespace cutover {

enum class DecisionKind { mark, approve, reject, hold };
enum class Verdict { done, failed, skipped, retry };

std::string_view to_string(DecisionKind kind);
std::string_view to_string(Verdict verdict);
std::optional<DecisionKind> parse_decision_kind(std::string_view text);
std::optional<Verdict> parse_verdict(std::string_view text);

struct Decision {
  std::string id;  // unique; journaled with the decision's effect, so it is applied once
  std::string run_id;
  std::string run_started;  // the run's journal header time: its id may not be unique
  DecisionKind kind = DecisionKind::mark;
  std::string task;
  Verdict verdict = Verdict::done;  // for a mark
  std::string by;                   // the name given
  std::string note;
  std::string user;  // the OS user and host the command ran as
  std::string host;
  UtcTime time{};
  std::string signature;  // with identities: the SSHSIG of statement_of(*this); else empty
};

// What a signed decision signs.
Statement statement_of(const Decision& decision);
// The journal's record of a decision's signature; nothing for an unsigned one.
std::optional<event::Signature> signature_of(const Decision& decision);

// What a decision does.
namespace effect {
struct Refused {
  std::string reason;
};
struct FinishTask {  // a manual task marked, or a task in doubt settled by a person
  TaskStatus status;
};
struct RunAgain {};  // a task in doubt, or one that failed and stopped the run
struct FinishRollbackStep {
  bool ok;
};
struct RunRollbackStepAgain {};
struct Approve {};
struct Reject {};
struct Hold {};  // the gate goes on waiting; who and why are journaled
}  // namespace effect

using Effect =
    std::variant<effect::Refused, effect::FinishTask, effect::RunAgain, effect::FinishRollbackStep,
                 effect::RunRollbackStepAgain, effect::Approve, effect::Reject, effect::Hold>;

Effect judge(const Runbook& runbook, const RunGraph& graph, const RunState& state,
             const Decision& decision, ExecutorPresence executor);

}  // namespace cutover
