#include "runbook/yaml_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

namespace cutover::yaml {

namespace {

constexpr std::size_t max_suggestions = 100;

}  // namespace

std::string shown(std::string_view text) {
  std::size_t cut = std::min<std::size_t>(text.size(), 60);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // not inside a UTF-8 character
  }
  std::string out(text.substr(0, cut));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return fmt::format("'{}{}'", out, cut < text.size() ? "..." : "");
}

MappingReader::MappingReader(const Tree& tree, FileDiagnostics& out)
    : tree_(tree), out_(out), mappings_read_(tree.size()) {}

std::vector<Entry> MappingReader::entries(NodeIndex index, std::string_view where) {
  std::vector<Entry> result;
  const Node& map = tree_.node(index);
  // A mapping merged or aliased in several places is read each time; its problems are
  // reported once, where they are written.
  const bool first_reading = first_visit(mappings_read_, tree_.resolve(index));
  const auto children = tree_.children(map);
  std::vector<NodeIndex> merges;
  // Runbook mappings are small; a hostile one with many keys must not go quadratic.
  std::unordered_map<std::string_view, std::size_t> large_index;
  const bool large = children.size() > 64;
  for (std::size_t i = 0; i + 1 < children.size(); i += 2) {
    const Node& key = tree_.node(children[i]);
    if (key.type != NodeType::scalar) {
      if (first_reading) {
        out_.error(key.location,
                   fmt::format("a key in {} must be a plain name, found {}", where, found(key)));
      }
      continue;
    }
    const std::string_view name = tree_.scalar(key);
    if (name == "<<" && key.plain) {
      merges.push_back(children[i + 1]);
      continue;
    }
    const Entry* first = nullptr;
    if (large) {
      const auto [at, inserted] = large_index.try_emplace(name, result.size());
      if (!inserted) first = &result[at->second];
    } else {
      first = find(result, name);
    }
    if (first) {
      if (!first_reading) continue;
      out_.error(key.location, fmt::format("duplicate key {} in {}", shown(name), where),
                 fmt::format("first given at line {}", first->key_location.line));
      continue;
    }
    result.push_back({name, key.location, children[i + 1]});
  }
  for (const NodeIndex merge : merges) apply_merge(merge, result, where);
  return result;
}

void MappingReader::apply_merge(NodeIndex value, std::vector<Entry>& result,
                                std::string_view where) {
  const Node& node = tree_.node(value);
  std::vector<NodeIndex> sources;
  if (node.type == NodeType::mapping) {
    sources.push_back(value);
  } else if (node.type == NodeType::sequence) {
    for (const NodeIndex item : tree_.children(node)) sources.push_back(item);
  }
  for (const NodeIndex source : sources) {
    if (tree_.node(source).type != NodeType::mapping) {
      out_.error(node.location,
                 fmt::format("a merge key '<<' in {} needs a mapping or a list of mappings", where),
                 "e.g. <<: *defaults, where &defaults names a mapping");
      return;
    }
  }
  if (sources.empty()) {
    out_.error(node.location,
               fmt::format("a merge key '<<' in {} needs a mapping or a list of mappings, found {}",
                           where, found(node)),
               "e.g. <<: *defaults, where &defaults names a mapping");
    return;
  }
  std::unordered_set<std::string_view> present;
  for (const Entry& entry : result) present.insert(entry.key);
  for (const NodeIndex source : sources) {
    for (const Entry& entry : entries(source, where)) {
      if (present.insert(entry.key).second) result.push_back(entry);
    }
  }
}

const Entry* MappingReader::find(const std::vector<Entry>& entries, std::string_view key) {
  for (const auto& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

void MappingReader::check_keys(const std::vector<Entry>& entries, const MappingKeys& known,
                               std::string_view where) {
  for (const auto& entry : entries) {
    if (std::find(known.names.begin(), known.names.end(), entry.key) != known.names.end()) {
      continue;
    }
    // Extension fields, as in Docker Compose: a home for anchors, ignored otherwise.
    if (known.extensions && entry.key.starts_with("x-")) continue;
    if (!reported_keys_.insert(entry.key_location).second) continue;  // merged elsewhere too
    out_.error(entry.key_location, fmt::format("unknown key {} in {}", shown(entry.key), where),
               unknown_key_hint(entry.key, known));
  }
}

std::string MappingReader::unknown_key_hint(std::string_view key, const MappingKeys& known) {
  const std::string suggestion = closest_match(key, known.names);
  if (!suggestion.empty()) return fmt::format("did you mean '{}'?", suggestion);
  const auto& misplaced = known.belong_under_gate;
  if (std::find(misplaced.begin(), misplaced.end(), key) != misplaced.end()) {
    return fmt::format("'{}' belongs under 'gate:'", key);
  }
  return fmt::format("known keys: {}", fmt::join(known.names, ", "));
}

void MappingReader::require(const std::vector<Entry>& entries, const KeyList& keys,
                            Location location, std::string_view where) {
  for (const auto key : keys) {
    if (!find(entries, key)) out_.error(location, fmt::format("{} has no '{}'", where, key));
  }
}

std::string MappingReader::found(const Node& node) const {
  switch (node.type) {
    case NodeType::null:
      return "nothing";
    case NodeType::scalar:
      return node.plain ? shown(tree_.scalar(node))
                        : fmt::format("the quoted text {}", shown(tree_.scalar(node)));
    case NodeType::sequence:
      return tree_.children(node).empty() ? "an empty list" : "a list";
    case NodeType::mapping:
      return tree_.children(node).empty() ? "an empty mapping" : "a mapping";
    case NodeType::alias:
      break;
  }
  return "an alias";
}

Location MappingReader::where_value(const Entry& entry) const {
  const Node& node = tree_.node(entry.value);
  return node.type == NodeType::null ? entry.key_location : node.location;
}

void MappingReader::wrong_type(const Entry& entry, std::string_view expected, std::string hint) {
  out_.error(
      where_value(entry),
      fmt::format("'{}' must be {}, found {}", entry.key, expected, found(tree_.node(entry.value))),
      std::move(hint));
}

std::optional<std::string> MappingReader::text(const Entry& entry) {
  const Node& node = tree_.node(entry.value);
  if (node.type != NodeType::scalar) {
    wrong_type(entry, "a text");
    return std::nullopt;
  }
  return std::string(tree_.scalar(node));
}

std::optional<bool> MappingReader::boolean(const Entry& entry) {
  const Node& node = tree_.node(entry.value);
  if (node.type == NodeType::scalar && node.plain) {
    const std::string_view value = tree_.scalar(node);
    if (value == "true" || value == "True" || value == "TRUE") return true;
    if (value == "false" || value == "False" || value == "FALSE") return false;
  }
  wrong_type(entry, "true or false",
             node.type != NodeType::scalar ? std::string{}
             : node.plain                  ? "YAML 1.2 booleans are written true or false"
                                           : "write it without quotes");
  return std::nullopt;
}

std::optional<int> MappingReader::integer(const Entry& entry, int low, int high,
                                          std::string_view expected) {
  const Node& node = tree_.node(entry.value);
  if (node.type == NodeType::scalar && node.plain) {
    const std::string_view value = tree_.scalar(node);
    int number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error == std::errc{} && end == value.data() + value.size() && number >= low &&
        number <= high) {
      return number;
    }
  }
  const bool quoted = node.type == NodeType::scalar && !node.plain;
  wrong_type(entry, expected, quoted ? "write it without quotes" : "");
  return std::nullopt;
}

std::optional<Duration> MappingReader::duration(const Entry& entry, Duration longest) {
  const Node& node = tree_.node(entry.value);
  if (node.type == NodeType::scalar) {
    const std::string_view text = tree_.scalar(node);
    if (is_duration_longer_than(text, longest)) {
      out_.error(node.location,
                 fmt::format("'{}' is too long: a duration is at most {} days", entry.key,
                             std::chrono::floor<std::chrono::days>(longest).count()),
                 "check the units: d, h, m, s");
      return std::nullopt;
    }
    if (auto parsed = parse_duration(text)) return parsed;
  }
  wrong_type(entry, "a duration",
             "whole numbers with units d, h, m, s in that order: 45s, 15m, 1h30m, 2d");
  return std::nullopt;
}

std::optional<Timestamp> MappingReader::timestamp(const Entry& entry) {
  const Node& node = tree_.node(entry.value);
  if (node.type == NodeType::scalar) {
    if (auto parsed = parse_timestamp(tree_.scalar(node))) return parsed;
  }
  wrong_type(entry, "an RFC 3339 timestamp", "e.g. 2026-11-28T18:00:00+01:00");
  return std::nullopt;
}

std::string MappingReader::suggest(std::string_view word,
                                   const std::vector<std::string_view>& candidates) {
  if (suggestions_made_++ >= max_suggestions) return {};
  return closest_match(word, candidates);
}

bool MappingReader::first_visit(std::vector<bool>& visited, NodeIndex index) {
  if (visited[index]) return false;
  visited[index] = true;
  return true;
}

}  // namespace cutover::yaml
