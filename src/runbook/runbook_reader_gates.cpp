// The reader's gates: checks with their expectations, and approvals.
#include <fmt/format.h>
#include <re2/re2.h>

#include "runbook/runbook_reader_impl.hpp"

namespace cutover::reader {

namespace {

const MappingKeys gate_keys = {.names = {"checks", "approvals"}};
const MappingKeys gate_check_keys = {
    .names = {"name", "run", "expect", "retries", "retry_delay", "timeout"}};
const MappingKeys expect_keys = {.names = {"exit_code", "stdout", "stderr"}};
const MappingKeys approvals_keys = {.names = {"by", "min"}};

}  // namespace

std::optional<Gate> Reader::read_gate(const Entry& field, const std::string& where) {
  const Node& node = tree_.node(field.value);
  if (node.type != NodeType::mapping) {
    wrong_type(field, "a mapping with checks and/or approvals");
    return std::nullopt;
  }
  const std::string context = "the gate of " + where;
  const auto fields = entries(field.value, context);
  check_keys(fields, gate_keys, context);
  Gate gate;
  if (const Entry* checks = find(fields, "checks")) gate.checks = read_checks(*checks, context);
  if (const Entry* approvals = find(fields, "approvals")) read_approvals(*approvals, gate, context);
  if (!find(fields, "checks") && !find(fields, "approvals")) {
    out_.error(node.location, fmt::format("{} has neither checks nor approvals", context),
               "a gate needs checks to run, approvers to ask, or both");
  }
  return gate;
}

// A list (every name approves) or four eyes, `{ by: [alice, bob, carol], min: 2 }`.
void Reader::read_approvals(const Entry& entry, Gate& gate, const std::string& context) {
  const Node& node = tree_.node(entry.value);
  const Entry* names = &entry;
  std::vector<Entry> fields;
  if (node.type == NodeType::mapping) {
    const std::string where = "the approvals of " + context;
    fields = entries(entry.value, where);
    check_keys(fields, approvals_keys, where);
    require(fields, {"by"}, node.location, where);
    names = find(fields, "by");
    if (!names) return;
  }
  gate.approvals = read_names(*names, "a list of approver names, or { by: [...], min: N }", false);
  const Node& list = tree_.node(names->value);
  if (list.type == NodeType::sequence && tree_.children(list).empty()) {
    out_.error(list.location, fmt::format("'{}' of {} is an empty list", names->key, context),
               "name who must approve, or leave 'approvals' out");
  }
  if (const Entry* min = find(fields, "min"); min && !gate.approvals.empty()) {
    const int most = static_cast<int>(gate.approvals.size());
    if (auto count =
            integer(*min, 1, most,
                    fmt::format("a number of approvals from 1 to {} (the names in 'by')", most))) {
      gate.min_approvals = static_cast<std::size_t>(*count);
    }
  }
}

std::vector<GateCheck> Reader::read_checks(const Entry& field, const std::string& context) {
  std::vector<GateCheck> checks;
  const Node& node = tree_.node(field.value);
  if (node.type != NodeType::sequence || tree_.children(node).empty()) {
    wrong_type(field, "a non-empty list of checks");
    return checks;
  }
  const auto items = tree_.children(node);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Node& item = tree_.node(items[i]);
    const std::string where = fmt::format("check {} of {}", i + 1, context);
    if (item.type != NodeType::mapping) {
      out_.error(item.location, fmt::format("{} must be a mapping with name and run, found {}",
                                            where, found(item)));
      continue;
    }
    if (auto check = read_check(items[i], where)) checks.push_back(std::move(*check));
  }
  return checks;
}

std::optional<GateCheck> Reader::read_check(NodeIndex index, const std::string& where) {
  const Node& node = tree_.node(index);
  const auto fields = entries(index, where);
  check_keys(fields, gate_check_keys, where);
  require(fields, {"name", "run"}, node.location, where);
  GateCheck check;
  check.location = node.location;
  for (const Entry& field : fields) {
    if (field.key == "name") {
      if (auto name = non_empty(field, template_text(field))) check.name = *name;
    } else if (field.key == "run") {
      if (auto run = non_empty(field, template_text(field))) check.run = *run;
    } else if (field.key == "expect") {
      read_expect(field, check.expect, where);
    } else if (field.key == "retries") {
      if (auto retries = read_retries(field)) check.retries = *retries;
    } else if (field.key == "retry_delay") {
      if (auto delay = duration(field, max_duration)) check.retry_delay = *delay;
    } else if (field.key == "timeout") {
      check.timeout = positive_duration(field);
    }
  }
  return check;
}

void Reader::read_expect(const Entry& field, Expect& expect, const std::string& where) {
  if (tree_.node(field.value).type != NodeType::mapping) {
    wrong_type(field, "a mapping of exit_code, stdout and stderr");
    return;
  }
  const std::string context = "the expectations of " + where;
  const auto fields = entries(field.value, context);
  check_keys(fields, expect_keys, context);
  for (const Entry& item : fields) {
    if (item.key == "exit_code") {
      expect.exit_code = integer(item, 0, 255, "an exit code from 0 to 255");
    } else if (item.key == "stdout") {
      expect.stdout_pattern = pattern(item);
    } else if (item.key == "stderr") {
      expect.stderr_pattern = pattern(item);
    }
  }
}

std::optional<std::string> Reader::pattern(const Entry& entry) {
  auto value = text(entry);
  if (!value) return std::nullopt;
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 compiled(*value, options);
  if (!compiled.ok()) {
    out_.error(tree_.node(entry.value).location,
               fmt::format("invalid regular expression {}: {}", shown(*value), compiled.error()),
               "patterns use RE2 syntax (like Perl's, without backreferences)");
    return std::nullopt;
  }
  return value;
}
}  // namespace cutover::reader
