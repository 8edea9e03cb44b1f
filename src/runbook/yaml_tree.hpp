#pragma once
// A compact YAML document built from yaml-cpp's parser events (never its YAML::Node tree): one
// flat array of nodes with their locations. Events let us see every key, mark and anchor
// ourselves, so duplicate keys, aliases and depth are checked as they arrive.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/huge_page_allocator.hpp"
#include "cutover/runbook/model.hpp"

namespace cutover::yaml {

enum class NodeType : std::uint8_t { null, scalar, sequence, mapping, alias };

using NodeIndex = std::uint32_t;

struct Node {
  NodeType type = NodeType::null;
  bool plain = false;  // an unquoted scalar: only these can be numbers, booleans or merge keys
  bool closed = false;
  Location location;  // columns count characters, not bytes
  // scalar: offset and length in the text pool; container: range in the children array
  // (a mapping's children alternate key, value); alias: `first` is the anchored node.
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

struct Limits {
  std::size_t max_depth = 64;
  std::size_t max_nodes = 10'000'000;           // ~4x the 100,000-task benchmark; bounds memory
  std::size_t max_alias_expansion = 1'000'000;  // nodes added by aliases
  std::size_t max_alias_expansion_bytes = 64u << 20;  // text added by aliases
};

class Tree {
 public:
  bool empty() const { return nodes_.empty(); }
  std::size_t size() const { return nodes_.size(); }
  NodeIndex root() const { return 0; }
  // The node itself, or for an alias the node its anchor names.
  const Node& node(NodeIndex index) const;
  NodeIndex resolve(NodeIndex index) const;
  bool is_alias(NodeIndex index) const { return nodes_[index].type == NodeType::alias; }
  std::string_view scalar(const Node& node) const;
  std::span<const NodeIndex> children(const Node& node) const;
  // Where the node after this one (in file order) starts: a bound for where it is written.
  // Unknown ({}) for the last node.
  Location next_location(NodeIndex index) const;

 private:
  friend class TreeBuilder;
  std::vector<Node, HugePageAllocator<Node>> nodes_;
  std::vector<NodeIndex, HugePageAllocator<NodeIndex>> children_;
  std::basic_string<char, std::char_traits<char>, HugePageAllocator<char>> text_;
};

struct SyntaxError {
  Location location;
  std::string message;
  std::string hint;
};

// Parses exactly one YAML document; a second document, too deep nesting, recursive aliases
// and alias expansion over the limit are refused as SyntaxError. Plain null scalars (empty,
// ~, null) become null nodes.
std::variant<Tree, SyntaxError> parse(std::string_view text, const Limits& limits = {});

}  // namespace cutover::yaml
