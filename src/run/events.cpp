#include "cutover/run/events.hpp"

#include <array>

namespace cutover {

using json = nlohmann::ordered_json;

namespace {

constexpr std::pair<TaskStatus, std::string_view> status_names[] = {
    {TaskStatus::pending, "pending"},      {TaskStatus::running, "running"},
    {TaskStatus::waiting, "waiting"},      {TaskStatus::succeeded, "succeeded"},
    {TaskStatus::failed, "failed"},        {TaskStatus::skipped, "skipped"},
    {TaskStatus::in_doubt, "interrupted"},
};

constexpr std::pair<RunOutcome, std::string_view> outcome_names[] = {
    {RunOutcome::succeeded, "succeeded"},     {RunOutcome::failed, "failed"},
    {RunOutcome::rolled_back, "rolled_back"}, {RunOutcome::rollback_failed, "rollback_failed"},
    {RunOutcome::interrupted, "interrupted"},
};

std::optional<TaskStatus> parse_task_status(std::string_view text) {
  for (const auto& [value, name] : status_names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TaskStatus status) {
  for (const auto& [value, name] : status_names) {
    if (value == status) return name;
  }
  return "pending";
}

std::string_view to_string(RunOutcome outcome) {
  for (const auto& [value, name] : outcome_names) {
    if (value == outcome) return name;
  }
  return "failed";
}

std::optional<RunOutcome> parse_run_outcome(std::string_view text) {
  for (const auto& [value, name] : outcome_names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

namespace {

// ----- names ---------------------------------------------------------------------------------

template <typename T>
struct Name;
#define CUTOVER_EVENT_NAME(type, name)              \
  template <>                                       \
  struct Name<event::type> {                        \
    static constexpr std::string_view value = name; \
  };
CUTOVER_EVENT_NAME(RunStarted, "run_started")
CUTOVER_EVENT_NAME(RunResumed, "run_resumed")
CUTOVER_EVENT_NAME(TaskStarted, "task_started")
CUTOVER_EVENT_NAME(ProcessStarted, "process_started")
CUTOVER_EVENT_NAME(AttemptFailed, "attempt_failed")
CUTOVER_EVENT_NAME(CheckFinished, "check_finished")
CUTOVER_EVENT_NAME(GateWaiting, "gate_waiting")
CUTOVER_EVENT_NAME(GateApproved, "gate_approved")
CUTOVER_EVENT_NAME(GateRejected, "gate_rejected")
CUTOVER_EVENT_NAME(GateHeld, "gate_held")
CUTOVER_EVENT_NAME(TaskFinished, "task_finished")
CUTOVER_EVENT_NAME(SignalReceived, "signal_received")
CUTOVER_EVENT_NAME(RunStopping, "run_stopping")
CUTOVER_EVENT_NAME(RollbackStarted, "rollback_started")
CUTOVER_EVENT_NAME(RollbackStepStarted, "rollback_step_started")
CUTOVER_EVENT_NAME(RollbackStepFinished, "rollback_step_finished")
CUTOVER_EVENT_NAME(RunFinished, "run_finished")
CUTOVER_EVENT_NAME(TaskInDoubt, "task_in_doubt")
CUTOVER_EVENT_NAME(TaskReset, "task_reset")
CUTOVER_EVENT_NAME(DecisionRefused, "decision_refused")
CUTOVER_EVENT_NAME(NotifySent, "notify_sent")
CUTOVER_EVENT_NAME(NotifyFailed, "notify_failed")
CUTOVER_EVENT_NAME(SignedOff, "signed_off")
#undef CUTOVER_EVENT_NAME

// ----- encoding: the field order is the one docs/journal-format.md shows ----------------------

void put_end(json& fields, const event::ProcessEnd& end) {
  fields["duration_ms"] = end.duration_ms;
  if (end.error) {
    fields["error"] = *end.error;
    return;
  }
  if (end.signal) {
    fields["signal"] = *end.signal;
  } else {
    fields["exit_code"] = end.exit_code.value_or(0);
  }
  if (end.timed_out) fields["timed_out"] = true;
}

void put_signature(json& fields, const std::optional<event::Signature>& signature) {
  if (signature) fields["signature"] = encode_signature(*signature);
}

void put_person(json& fields, const event::Person& person) {
  fields["by"] = person.by;
  fields["user"] = person.user;
  fields["host"] = person.host;
  if (!person.decision.empty()) fields["decision"] = person.decision;
  if (!person.note.empty()) fields["note"] = person.note;
  put_signature(fields, person.signature);
}

json with_task(const std::string& task, const std::optional<event::Person>& person) {
  json fields = {{"task", task}};
  if (person) put_person(fields, *person);
  return fields;
}

json encode(const event::RunStarted& e) {
  json vars = json::object();
  for (const auto& [name, value] : e.vars) vars[name] = value;
  json fields = {{"runbook_id", e.runbook_id}, {"runbook_dir", e.runbook_dir},
                 {"tasks", e.tasks},           {"jobs", e.jobs},
                 {"auto", e.auto_people},      {"dry_run", e.dry_run},
                 {"vars", std::move(vars)}};
  if (e.non_interactive) fields["non_interactive"] = true;
  if (e.track) fields["track"] = true;
  return fields;
}

json encode(const event::RunResumed& e) {
  return {{"mode", e.rollback ? "rollback" : "resume"},
          {"jobs", e.jobs},
          {"auto", e.auto_people},
          {"non_interactive", e.non_interactive},
          {"pid", e.pid},
          {"user", e.user},
          {"host", e.host}};
}

json encode(const event::TaskStarted& e) {
  json fields = {{"task", e.task}, {"attempt", e.attempt}, {"kind", e.kind}};
  if (e.command) fields["command"] = *e.command;
  return fields;
}

json encode(const event::ProcessStarted& e) {
  json fields = {{"task", e.task}, {"attempt", e.attempt}};
  if (!e.purpose.empty()) fields["purpose"] = e.purpose;
  fields["pid"] = e.pid;
  return fields;
}

json encode(const event::AttemptFailed& e) {
  json fields = {{"task", e.task}, {"attempt", e.attempt}, {"reason", e.reason}};
  put_end(fields, e.end);
  fields["retry_in_ms"] = e.retry_in_ms;
  return fields;
}

json encode(const event::CheckFinished& e) {
  json fields = {
      {"task", e.task}, {"check", e.check}, {"attempt", e.attempt}, {"passed", e.passed}};
  if (e.reason) fields["reason"] = *e.reason;
  put_end(fields, e.end);
  return fields;
}

json encode(const event::GateWaiting& e) {
  return {{"task", e.task}, {"approvers", e.approvers}};
}

json encode(const event::GateApproved& e) {
  json fields = with_task(e.task, e.person);
  fields["approver"] = e.approver;
  return fields;
}

json encode(const event::GateRejected& e) {
  json fields = with_task(e.task, e.person);
  fields["approver"] = e.approver;
  return fields;
}

json encode(const event::GateHeld& e) {
  json fields = with_task(e.task, e.person);
  fields["approver"] = e.approver;
  return fields;
}

json encode(const event::TaskFinished& e) {
  json fields = with_task(e.task, e.person);
  fields["status"] = to_string(e.status);
  fields["attempt"] = e.attempt;
  if (!e.reason.empty()) fields["reason"] = e.reason;
  if (e.end) put_end(fields, *e.end);
  return fields;
}

json encode(const event::SignalReceived& e) {
  return {{"signal", e.signal}, {"action", e.action}};
}

json encode(const event::RunStopping& e) {
  json fields = {{"reason", e.reason}, {"rollback", e.rollback}};
  if (e.interrupt) {
    fields["interrupt"] = true;
  } else {
    fields["fix_forward"] = e.fix_forward;
  }
  return fields;
}

json encode(const event::RollbackStarted& e) {
  json fields = json::object();
  if (e.person) {
    fields["by"] = e.person->by;
    fields["user"] = e.person->user;
    fields["host"] = e.person->host;
  }
  if (e.forced) fields["forced"] = true;
  return fields;
}

json encode(const event::RollbackStepStarted& e) {
  json fields = {{"task", e.task}, {"kind", e.manual ? "manual" : "run"}};
  if (e.command) fields["command"] = *e.command;
  return fields;
}

json encode(const event::RollbackStepFinished& e) {
  json fields = with_task(e.task, e.person);
  fields["status"] = e.ok ? "succeeded" : "failed";
  if (!e.ok) fields["reason"] = e.reason;
  if (e.end) put_end(fields, *e.end);
  return fields;
}

json encode(const event::RunFinished& e) {
  return {{"outcome", to_string(e.outcome)}, {"exit_code", e.exit_code}};
}

json encode(const event::TaskInDoubt& e) {
  json fields = {{"task", e.task}, {"action", e.rerun ? "rerun" : "wait"}};
  if (e.rollback) fields["rollback"] = true;
  fields["reason"] = e.reason;
  if (e.pid) fields["pid"] = *e.pid;
  if (!e.alive.empty()) fields["alive"] = e.alive;
  return fields;
}

json encode(const event::TaskReset& e) {
  json fields = with_task(e.task, e.person);
  if (e.rollback) fields["rollback"] = true;
  if (!e.reason.empty()) fields["reason"] = e.reason;
  return fields;
}

json encode(const event::DecisionRefused& e) {
  if (!e.file.empty()) return {{"file", e.file}, {"reason", e.reason}};
  json fields = {{"run_id", e.run_id}, {"kind", e.kind}, {"task", e.task}};
  if (!e.verdict.empty()) fields["verdict"] = e.verdict;
  fields["by"] = e.person.by;
  if (!e.person.note.empty()) fields["note"] = e.person.note;
  fields["user"] = e.person.user;
  fields["host"] = e.person.host;
  fields["decision"] = e.person.decision;
  fields["reason"] = e.reason;
  return fields;
}

json encode(const event::NotifySent& e) {
  json fields = {{"hook", e.hook}, {"notice", e.notice}};
  if (!e.task.empty()) fields["task"] = e.task;
  fields["duration_ms"] = e.duration_ms;
  return fields;
}

json encode(const event::NotifyFailed& e) {
  json fields = {{"hook", e.hook}, {"notice", e.notice}};
  if (!e.task.empty()) fields["task"] = e.task;
  fields["reason"] = e.reason;
  return fields;
}

json encode(const event::SignedOff& e) {
  json fields = {{"by", e.person.by}, {"user", e.person.user}, {"host", e.person.host}};
  if (!e.person.decision.empty()) fields["decision"] = e.person.decision;
  if (!e.person.note.empty()) fields["note"] = e.person.note;
  put_signature(fields, e.person.signature);
  return fields;
}

json encode(const event::Unknown& e) {
  return e.fields;
}

// ----- decoding: tolerant, field by field ----------------------------------------------------

class Fields {
 public:
  explicit Fields(const json& fields) : fields_(fields) {}

  std::string text(const char* name) const {
    const json* value = find(name);
    return value && value->is_string() ? value->get<std::string>() : std::string{};
  }
  std::optional<std::string> optional_text(const char* name) const {
    const json* value = find(name);
    if (!value || !value->is_string()) return std::nullopt;
    return value->get<std::string>();
  }
  bool flag(const char* name) const {
    const json* value = find(name);
    return value && value->is_boolean() && value->get<bool>();
  }
  template <typename T>
  std::optional<T> number(const char* name) const {
    const json* value = find(name);
    if (!value || !value->is_number_integer()) return std::nullopt;
    return value->get<T>();
  }
  template <typename T>
  std::vector<T> list(const char* name) const {
    std::vector<T> items;
    const json* value = find(name);
    if (!value || !value->is_array()) return items;
    for (const json& item : *value) {
      if constexpr (std::is_same_v<T, std::string>) {
        if (item.is_string()) items.push_back(item.get<std::string>());
      } else {
        if (item.is_number_integer()) items.push_back(item.get<T>());
      }
    }
    return items;
  }
  bool has(const char* name) const { return find(name) != nullptr; }

  event::Person person() const {
    return {text("by"), text("user"), text("host"), text("decision"), text("note"), signature()};
  }
  std::optional<event::Signature> signature() const { return decode_signature(find("signature")); }
  std::optional<event::Person> person_if_any() const {
    if (!has("by")) return std::nullopt;
    return person();
  }
  std::optional<event::ProcessEnd> end_if_any() const {
    if (!has("duration_ms")) return std::nullopt;
    return end();
  }
  event::ProcessEnd end() const {
    return {number<std::int64_t>("duration_ms").value_or(0), optional_text("error"),
            optional_text("signal"), number<int>("exit_code"), flag("timed_out")};
  }

 private:
  const json* find(const char* name) const {
    if (!fields_.is_object()) return nullptr;
    const auto it = fields_.find(name);
    return it == fields_.end() || it->is_null() ? nullptr : &*it;
  }
  const json& fields_;
};

EventBody decode_known(std::string_view type, const Fields& f, const json& raw) {
  using namespace event;
  const auto attempt = [&] { return f.number<int>("attempt").value_or(1); };
  if (type == Name<RunStarted>::value) {
    RunStarted e{f.text("runbook_id"),
                 f.text("runbook_dir"),
                 f.number<std::size_t>("tasks").value_or(0),
                 f.number<std::size_t>("jobs").value_or(1),
                 f.flag("auto"),
                 f.flag("dry_run"),
                 {},
                 f.flag("non_interactive"),
                 f.flag("track")};
    if (const auto vars = raw.find("vars"); vars != raw.end() && vars->is_object()) {
      for (const auto& [name, value] : vars->items()) {
        if (value.is_string()) e.vars.emplace_back(name, value.get<std::string>());
      }
    }
    return e;
  }
  if (type == Name<RunResumed>::value) {
    return RunResumed{f.text("mode") == "rollback",
                      f.number<std::size_t>("jobs").value_or(1),
                      f.flag("auto"),
                      f.flag("non_interactive"),
                      f.number<int>("pid").value_or(0),
                      f.text("user"),
                      f.text("host")};
  }
  if (type == Name<TaskStarted>::value) {
    return TaskStarted{f.text("task"), f.number<int>("attempt").value_or(0), f.text("kind"),
                       f.optional_text("command")};
  }
  if (type == Name<ProcessStarted>::value) {
    return ProcessStarted{f.text("task"), attempt(), f.text("purpose"),
                          f.number<int>("pid").value_or(0)};
  }
  if (type == Name<AttemptFailed>::value) {
    return AttemptFailed{f.text("task"), attempt(), f.text("reason"), f.end(),
                         f.number<std::int64_t>("retry_in_ms").value_or(0)};
  }
  if (type == Name<CheckFinished>::value) {
    return CheckFinished{f.text("task"),   f.text("check"),           attempt(),
                         f.flag("passed"), f.optional_text("reason"), f.end()};
  }
  if (type == Name<GateWaiting>::value) {
    return GateWaiting{f.text("task"), f.list<std::string>("approvers")};
  }
  if (type == Name<GateApproved>::value) {
    return GateApproved{f.text("task"), f.person(), f.text("approver")};
  }
  if (type == Name<GateRejected>::value) {
    return GateRejected{f.text("task"), f.person(), f.text("approver")};
  }
  if (type == Name<GateHeld>::value) {
    return GateHeld{f.text("task"), f.person(), f.text("approver")};
  }
  if (type == Name<TaskFinished>::value) {
    const auto status = parse_task_status(f.text("status"));
    // A status this version cannot apply (a typo, a later version's) is not a finish.
    if (!status) return Unknown{std::string(type), raw};
    return TaskFinished{f.text("task"), f.person_if_any(), *status,
                        attempt(),      f.text("reason"),  f.end_if_any()};
  }
  if (type == Name<SignalReceived>::value) {
    return SignalReceived{f.text("signal"), f.text("action")};
  }
  if (type == Name<RunStopping>::value) {
    return RunStopping{f.text("reason"), f.flag("rollback"), f.flag("fix_forward"),
                       f.flag("interrupt")};
  }
  if (type == Name<RollbackStarted>::value) {
    return RollbackStarted{f.person_if_any(), f.flag("forced")};
  }
  if (type == Name<RollbackStepStarted>::value) {
    return RollbackStepStarted{f.text("task"), f.text("kind") == "manual",
                               f.optional_text("command")};
  }
  if (type == Name<RollbackStepFinished>::value) {
    return RollbackStepFinished{f.text("task"), f.person_if_any(), f.text("status") == "succeeded",
                                f.text("reason"), f.end_if_any()};
  }
  if (type == Name<RunFinished>::value) {
    const auto outcome = parse_run_outcome(f.text("outcome"));
    if (!outcome) return Unknown{std::string(type), raw};
    return RunFinished{*outcome, f.number<int>("exit_code").value_or(1)};
  }
  if (type == Name<TaskInDoubt>::value) {
    return TaskInDoubt{f.text("task"),   f.text("action") == "rerun", f.flag("rollback"),
                       f.text("reason"), f.number<int>("pid"),        f.list<int>("alive")};
  }
  if (type == Name<TaskReset>::value) {
    return TaskReset{f.text("task"), f.person_if_any(), f.flag("rollback"), f.text("reason")};
  }
  if (type == Name<DecisionRefused>::value) {
    return DecisionRefused{f.text("file"),    f.text("run_id"), f.text("kind"),  f.text("task"),
                           f.text("verdict"), f.person(),       f.text("reason")};
  }
  if (type == Name<NotifySent>::value) {
    return NotifySent{f.number<std::size_t>("hook").value_or(0), f.text("notice"), f.text("task"),
                      f.number<std::int64_t>("duration_ms").value_or(0)};
  }
  if (type == Name<NotifyFailed>::value) {
    return NotifyFailed{f.number<std::size_t>("hook").value_or(0), f.text("notice"), f.text("task"),
                        f.text("reason")};
  }
  if (type == Name<SignedOff>::value) return SignedOff{f.person()};
  return Unknown{std::string(type), raw};
}

}  // namespace

std::string_view event_type(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::string_view {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, event::Unknown>) {
          return e.type;
        } else {
          return Name<T>::value;
        }
      },
      body);
}

std::string_view JournalEvent::type() const {
  return event_type(body);
}

json encode_fields(const EventBody& body) {
  return std::visit([](const auto& e) { return encode(e); }, body);
}

EventBody decode_event(std::string_view type, const json& fields) {
  return decode_known(type, Fields(fields), fields);
}

const std::string* decision_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> const std::string* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, event::DecisionRefused>) {
          return e.person.decision.empty() ? nullptr : &e.person.decision;
        } else if constexpr (std::is_same_v<T, event::GateApproved> ||
                             std::is_same_v<T, event::GateRejected> ||
                             std::is_same_v<T, event::GateHeld>) {
          return e.person.decision.empty() ? nullptr : &e.person.decision;
        } else if constexpr (std::is_same_v<T, event::TaskFinished> ||
                             std::is_same_v<T, event::RollbackStepFinished> ||
                             std::is_same_v<T, event::TaskReset>) {
          return e.person && !e.person->decision.empty() ? &e.person->decision : nullptr;
        } else {
          return nullptr;
        }
      },
      body);
}

json encode_signature(const event::Signature& signature) {
  return {{"statement", signature.statement}, {"sshsig", signature.sshsig}};
}

std::optional<event::Signature> decode_signature(const json* value) {
  if (!value || !value->is_object()) return std::nullopt;
  const Fields fields(*value);
  return event::Signature{fields.text("statement"), fields.text("sshsig")};
}

}  // namespace cutover
