#include "cutover/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml.h>

#include <new>
#include <unordered_map>

namespace cutover::yaml {

const Node& Tree::node(NodeIndex index) const {
  return nodes_[resolve(index)];
}

NodeIndex Tree::resolve(NodeIndex index) const {
  // An anchor is never placed on an alias, so one step always reaches real content.
  return nodes_[index].type == NodeType::alias ? nodes_[index].first : index;
}

std::string_view Tree::scalar(const Node& node) const {
  return std::string_view(text_).substr(node.first, node.count);
}

Location Tree::next_location(NodeIndex index) const {
  // Nodes are stored in the order their events arrive, which is file order.
  const NodeIndex next = index + 1;
  return next < nodes_.size() ? nodes_[next].location : Location{};
}

std::span<const NodeIndex> Tree::children(const Node& node) const {
  if (node.type != NodeType::sequence && node.type != NodeType::mapping) return {};
  return std::span<const NodeIndex>(children_).subspan(node.first, node.count);
}

namespace {

struct Refusal {
  SyntaxError error;
};

Location location_of(const yaml_mark_t& mark) {
  return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

std::string_view text_of(const yaml_char_t* text, std::size_t length) {
  return {reinterpret_cast<const char*>(text), length};
}

std::string_view text_of(const yaml_char_t* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view{};
}

// libyaml's C objects, owned.
class Parser {
 public:
  explicit Parser(std::string_view text) {
    if (yaml_parser_initialize(&parser_) == 0) throw std::bad_alloc();  // its only failure
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_{};
};

class Event {
 public:
  Event() = default;
  ~Event() { yaml_event_delete(&event_); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  yaml_event_t* get() { return &event_; }
  const yaml_event_t& operator*() const { return event_; }

 private:
  yaml_event_t event_{};
};

// YAML 1.2 core schema: these plain scalars are null.
bool is_null(std::string_view value) {
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

SyntaxError syntax_error(const yaml_parser_t& parser) {
  const std::string problem = parser.problem ? parser.problem : "cannot be read";
  if (parser.error == YAML_READER_ERROR) {
    return {{}, fmt::format("unreadable input: {}", problem), {}};
  }
  std::string message = "YAML syntax error: " + problem;
  std::string hint;
  if (parser.context) {
    hint = fmt::format("{} that starts at line {}", parser.context, parser.context_mark.line + 1);
  }
  if (problem.find("mapping values are not allowed") != std::string::npos) {
    hint = "a ': ' inside a value: quote the value, or check the indentation";
  }
  return {location_of(parser.problem_mark), std::move(message), std::move(hint)};
}

}  // namespace

// Nodes and scalar bytes a node stands for, aliases expanded.
struct Expansion {
  std::uint32_t nodes = 1;
  std::uint32_t bytes = 0;
};

class TreeBuilder {
 public:
  // Every node takes at least two bytes of YAML; reserving that much up front avoids the
  // copies of growing, and pages that are never written cost no memory.
  TreeBuilder(const Limits& limits, std::size_t text_size) : limits_(limits) {
    const std::size_t nodes = std::min(text_size / 2, limits.max_nodes) + 16;
    tree_.nodes_.reserve(nodes);
    tree_.children_.reserve(nodes);
    tree_.text_.reserve(text_size);
    expansions_.reserve(nodes);
  }

  Tree take() { return std::move(tree_); }

  // Returns false at the end of the stream.
  bool handle(const yaml_event_t& event) {
    const Location location = location_of(event.start_mark);
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
        return false;
      case YAML_DOCUMENT_START_EVENT:
        start_document(location);
        break;
      case YAML_SCALAR_EVENT:
        scalar(event, location);
        break;
      case YAML_ALIAS_EVENT:
        alias(text_of(event.data.alias.anchor), location);
        break;
      case YAML_SEQUENCE_START_EVENT:
        open({NodeType::sequence, false, false, location},
             text_of(event.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_START_EVENT:
        open({NodeType::mapping, false, false, location}, text_of(event.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        finish_container();
        break;
      default:
        break;
    }
    return true;
  }

 private:
  void start_document(Location location) {
    if (documents_++ > 0) {
      throw Refusal{{location, "a second YAML document in one file",
                     "a runbook is a single document: remove the '---' or split the file"}};
    }
  }

  void scalar(const yaml_event_t& event, Location location) {
    const auto& data = event.data.scalar;
    const std::string_view value = text_of(data.value, data.length);
    const bool plain = data.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && is_null(value)) {
      close(add({NodeType::null, false, false, location}, text_of(data.anchor)));
      return;
    }
    Node node{NodeType::scalar, plain, false, location};
    node.first = static_cast<std::uint32_t>(tree_.text_.size());
    node.count = static_cast<std::uint32_t>(value.size());
    tree_.text_ += value;
    close(add(node, text_of(data.anchor), {1, node.count}));
  }

  void alias(std::string_view anchor, Location location) {
    const auto found = anchors_.find(std::string(anchor));
    if (found == anchors_.end()) {
      throw Refusal{
          {location, fmt::format("the alias *{} names no anchor defined before it", anchor), {}}};
    }
    const NodeIndex target = found->second;
    const Node& anchored = tree_.nodes_[target];
    if (!anchored.closed) {
      throw Refusal{{location, fmt::format("the alias *{} is inside the node it names", anchor),
                     "a recursive alias would expand forever"}};
    }
    const Expansion expansion = expansions_[target];
    expansion_ += expansion.nodes;
    expansion_bytes_ += expansion.bytes;
    if (expansion_bytes_ > limits_.max_alias_expansion_bytes) {
      throw Refusal{{location,
                     fmt::format("aliases expand this document by more than {} MiB of text",
                                 limits_.max_alias_expansion_bytes >> 20),
                     "large texts repeated through aliases; write them out or use fewer aliases"}};
    }
    if (expansion_ > limits_.max_alias_expansion) {
      throw Refusal{{location,
                     fmt::format("aliases expand this document by more than {} nodes",
                                 limits_.max_alias_expansion),
                     "this looks like an alias bomb; write the content out or use fewer aliases"}};
    }
    Node node{NodeType::alias, false, false, location};
    node.first = target;
    close(add(node, {}, expansion));
  }

  NodeIndex add(const Node& node, std::string_view anchor, Expansion expansion = {1, 0}) {
    if (tree_.nodes_.size() >= limits_.max_nodes) {
      throw Refusal{{node.location, fmt::format("more than {} YAML nodes", limits_.max_nodes),
                     "a runbook this large is not one a team can rehearse; split it"}};
    }
    const auto index = static_cast<NodeIndex>(tree_.nodes_.size());
    tree_.nodes_.push_back(node);
    expansions_.push_back(expansion);
    if (!open_.empty()) pending_[open_.size() - 1].push_back(index);
    if (!anchor.empty()) anchors_[std::string(anchor)] = index;  // a redefinition wins
    return index;
  }

  void close(NodeIndex index) { tree_.nodes_[index].closed = true; }

  void open(const Node& node, std::string_view anchor) {
    if (open_.size() >= limits_.max_depth) {
      throw Refusal{{node.location, fmt::format("nesting deeper than {} levels", limits_.max_depth),
                     "a runbook needs a handful of levels; this input is not one"}};
    }
    const NodeIndex index = add(node, anchor);
    open_.push_back(index);
    // Each depth keeps its scratch list, so siblings reuse the allocation.
    if (pending_.size() < open_.size()) pending_.emplace_back();
  }

  void finish_container() {
    const NodeIndex index = open_.back();
    auto& children = pending_[open_.size() - 1];
    Node& node = tree_.nodes_[index];
    node.first = static_cast<std::uint32_t>(tree_.children_.size());
    node.count = static_cast<std::uint32_t>(children.size());
    Expansion& expansion = expansions_[index];
    for (const NodeIndex child : children) {
      expansion.nodes += expansions_[child].nodes;
      expansion.bytes += expansions_[child].bytes;
    }
    node.closed = true;
    tree_.children_.insert(tree_.children_.end(), children.begin(), children.end());
    children.clear();
    open_.pop_back();
  }

  Limits limits_;
  Tree tree_;
  std::size_t documents_ = 0;
  std::uint64_t expansion_ = 0;
  std::uint64_t expansion_bytes_ = 0;
  // What each node stands for once aliases are expanded; only needed while parsing, so kept
  // here rather than in the tree. Bounded: literal nodes by the file size limit, the rest by
  // the alias limits.
  std::vector<Expansion, HugePageAllocator<Expansion>> expansions_;
  std::unordered_map<std::string, NodeIndex> anchors_;
  std::vector<NodeIndex> open_;
  std::vector<std::vector<NodeIndex>> pending_;
};

std::variant<Tree, SyntaxError> parse(std::string_view text, const Limits& limits) {
  Parser parser(text);
  TreeBuilder builder(limits, text.size());
  try {
    for (;;) {
      Event event;
      if (!yaml_parser_parse(parser.get(), event.get())) return syntax_error(*parser.get());
      if (!builder.handle(*event)) break;
    }
  } catch (const Refusal& refusal) {
    return refusal.error;
  }
  return builder.take();
}

}  // namespace cutover::yaml
