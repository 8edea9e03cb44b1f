#pragma once
// Reading a YAML tree with diagnostics, whatever the document means: a mapping's entries
// (merge keys applied, duplicates reported), its keys checked against the known ones with
// suggestions, and scalars of each type. Every problem is reported at its location; the
// runbook's meaning lives in runbook_reader.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/base/time.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "runbook/yaml_tree.hpp"

namespace cutover::yaml {

using KeyList = std::vector<std::string_view>;

// The keys a mapping may hold, and what to say about a key that is not one of them.
struct MappingKeys {
  KeyList names;
  bool extensions = false;         // `x-` keys are ignored (the top level: a home for anchors)
  KeyList belong_under_gate = {};  // keys written one level too high
};

struct Entry {
  std::string_view key;
  Location key_location;
  NodeIndex value;
};

// Values quoted back in messages stay short and on one line.
std::string shown(std::string_view text);

class MappingReader {
 public:
  MappingReader(const Tree& tree, FileDiagnostics& out);

  // The mapping's entries with merge keys (<<) applied; duplicate keys are reported.
  std::vector<Entry> entries(NodeIndex index, std::string_view where);
  static const Entry* find(const std::vector<Entry>& entries, std::string_view key);
  void check_keys(const std::vector<Entry>& entries, const MappingKeys& known,
                  std::string_view where);
  void require(const std::vector<Entry>& entries, const KeyList& keys, Location location,
               std::string_view where);

  // What a node is, for a message: "nothing", "'text'", "the quoted text 'x'", "a list"...
  std::string found(const Node& node) const;
  // An empty value carries the next token's location; the key's is where the fix goes.
  Location where_value(const Entry& entry) const;
  void wrong_type(const Entry& entry, std::string_view expected, std::string hint = {});

  std::optional<std::string> text(const Entry& entry);
  std::optional<bool> boolean(const Entry& entry);
  std::optional<int> integer(const Entry& entry, int low, int high, std::string_view expected);
  // At most `longest`; longer is reported as too long rather than as not a duration.
  std::optional<Duration> duration(const Entry& entry, Duration longest);
  std::optional<Timestamp> timestamp(const Entry& entry);

  // closest_match, within a budget: a file with thousands of unknown names gets suggestions
  // for the first ones only.
  std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates);

  // Whether the node is read for the first time (it may be reached again through an alias
  // or a merge key); `visited` holds one flag per node.
  static bool first_visit(std::vector<bool>& visited, NodeIndex index);

 protected:
  const Tree& tree_;
  FileDiagnostics& out_;

 private:
  // YAML 1.1 merge keys: the merged mappings add the keys the mapping does not give itself.
  void apply_merge(NodeIndex value, std::vector<Entry>& result, std::string_view where);
  std::string unknown_key_hint(std::string_view key, const MappingKeys& known);

  std::size_t suggestions_made_ = 0;
  std::vector<bool> mappings_read_;   // by node index: problems of a mapping are told once
  std::set<Location> reported_keys_;  // unknown keys reported, once each
};

}  // namespace cutover::yaml
