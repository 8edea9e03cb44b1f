// The go-live rule (which run labels mean the real thing, and what they need first) and
// identities (whose keys sign decisions; the file itself is read by load_identity).

#include <fmt/format.h>

#include <algorithm>

#include "runbook/runbook_reader_impl.hpp"

namespace cutover::reader {

namespace {

const MappingKeys go_live_keys = {.names = {"labels", "rehearsals", "signoffs"}};
const MappingKeys identity_keys = {.names = {"allowed_signers"}};

// More is not a rule but a typo.
constexpr int most_rehearsals = 100;

}  // namespace

std::vector<std::string> Reader::read_labels(const Entry& entry) {
  std::vector<std::string> labels;
  const auto items = text_list(entry, "a list of run labels, like [go-live]");
  if (!items) return labels;
  if (items->empty()) {
    out_.error(tree_.node(entry.value).location, "'labels' of go_live is an empty list",
               "name the labels of the real thing, or leave 'labels' out for [go-live]");
  }
  for (const auto& [label, location] : *items) {
    if (!valid_label(label)) {
      out_.error(location, fmt::format("invalid label {} in 'labels'", shown(label)),
                 "labels are letters, digits, '.', '_' and '-', as --label takes them");
    } else if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
      out_.error(location, fmt::format("{} is listed twice in 'labels'", shown(label)));
    } else {
      labels.push_back(label);
    }
  }
  return labels;
}

std::optional<GoLiveRule> Reader::read_go_live(const Entry& entry) {
  const Node& node = tree_.node(entry.value);
  if (node.type != NodeType::mapping) {
    wrong_type(entry, "a mapping of labels, rehearsals and signoffs");
    return std::nullopt;
  }
  const auto fields = entries(entry.value, "go_live");
  check_keys(fields, go_live_keys, "go_live");
  GoLiveRule rule;
  rule.location = node.location;
  for (const Entry& field : fields) {
    if (field.key == "labels") {
      rule.labels = read_labels(field);
    } else if (field.key == "rehearsals") {
      if (auto count = integer(field, 1, most_rehearsals, "a number of rehearsals from 1 to 100")) {
        rule.rehearsals = *count;
      }
    } else if (field.key == "signoffs") {
      rule.signoffs = read_names(field, "a list of the names who sign off", false);
    }
  }
  return rule;
}

std::optional<Identity> Reader::read_identity(const Entry& entry) {
  const Node& node = tree_.node(entry.value);
  if (node.type != NodeType::mapping) {
    wrong_type(entry, "a mapping with allowed_signers");
    return std::nullopt;
  }
  const auto fields = entries(entry.value, "identity");
  check_keys(fields, identity_keys, "identity");
  require(fields, {"allowed_signers"}, node.location, "identity");
  const Entry* file = find(fields, "allowed_signers");
  if (!file) return std::nullopt;
  auto path = non_empty(*file, text(*file));
  if (!path) return std::nullopt;
  Identity identity;
  identity.allowed_signers = *path;
  identity.location = where_value(*file);
  return identity;
}

}  // namespace cutover::reader
