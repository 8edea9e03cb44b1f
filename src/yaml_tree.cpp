#include "cutover/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <streambuf>

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

std::span<const NodeIndex> Tree::children(const Node& node) const {
  if (node.type != NodeType::sequence && node.type != NodeType::mapping) return {};
  return std::span<const NodeIndex>(children_).subspan(node.first, node.count);
}

namespace {

// yaml-cpp wants an istream; this one reads the text in place instead of copying it.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }
};

struct Refusal {
  SyntaxError error;
};

Location location_of(const YAML::Mark& mark) {
  return {mark.line + 1, mark.column + 1};
}

}  // namespace

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(const Limits& limits) : limits_(limits) {}

  Tree take() { return std::move(tree_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) {
      throw Refusal{{location_of(mark), "a second YAML document in one file",
                     "a runbook is a single document: remove the '---' or split the file"}};
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    close(add({NodeType::null, false, false, location_of(mark)}, anchor));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node node{NodeType::scalar, tag == "?", false, location_of(mark)};
    node.first = static_cast<std::uint32_t>(tree_.text_.size());
    node.count = static_cast<std::uint32_t>(value.size());
    tree_.text_ += value;
    close(add(node, anchor));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor == 0 || anchor >= anchors_.size()) {
      throw Refusal{{location_of(mark), "an alias names no anchor defined before it", {}}};
    }
    const NodeIndex target = anchors_[anchor];
    const Node& anchored = tree_.nodes_[target];
    if (!anchored.closed) {
      throw Refusal{{location_of(mark), "an alias inside the node its anchor names",
                     "a recursive alias would expand forever"}};
    }
    expansion_ += anchored.expanded_size;
    if (expansion_ > limits_.max_alias_expansion) {
      throw Refusal{{location_of(mark),
                     fmt::format("aliases expand this document by more than {} nodes",
                                 limits_.max_alias_expansion),
                     "this looks like an alias bomb; write the content out or use fewer aliases"}};
    }
    Node node{NodeType::alias, false, false, location_of(mark)};
    node.first = target;
    node.expanded_size = anchored.expanded_size;
    close(add(node, 0));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node{NodeType::sequence, false, false, location_of(mark)}, anchor);
  }
  void OnSequenceEnd() override { finish_container(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node{NodeType::mapping, false, false, location_of(mark)}, anchor);
  }
  void OnMapEnd() override { finish_container(); }

 private:
  NodeIndex add(const Node& node, YAML::anchor_t anchor) {
    const auto index = static_cast<NodeIndex>(tree_.nodes_.size());
    tree_.nodes_.push_back(node);
    if (!open_.empty()) pending_[open_.size() - 1].push_back(index);
    if (anchor != 0) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, 0);
      anchors_[anchor] = index;
    }
    return index;
  }

  void close(NodeIndex index) { tree_.nodes_[index].closed = true; }

  void open(const Node& node, YAML::anchor_t anchor) {
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
    std::uint64_t size = 1;
    for (const NodeIndex child : children) size += tree_.nodes_[child].expanded_size;
    node.expanded_size = size;
    node.closed = true;
    tree_.children_.insert(tree_.children_.end(), children.begin(), children.end());
    children.clear();
    open_.pop_back();
  }

  Limits limits_;
  Tree tree_;
  std::size_t documents_ = 0;
  std::uint64_t expansion_ = 0;
  std::vector<NodeIndex> anchors_;
  std::vector<NodeIndex> open_;
  std::vector<std::vector<NodeIndex>> pending_;
};

namespace {

// yaml-cpp's messages are terse; say what usually causes them.
std::string syntax_hint(const std::string& message) {
  if (message.find("illegal map value") != std::string::npos) {
    return "a 'key: value' where none can be: check the indentation, and quote values that "
           "contain ': '";
  }
  if (message.find("end of map not found") != std::string::npos ||
      message.find("end of sequence not found") != std::string::npos) {
    return "a bracket or brace is not closed";
  }
  if (message.find("anchor not found") != std::string::npos) {
    return "an alias (*name) must come after its anchor (&name)";
  }
  return {};
}

}  // namespace

std::variant<Tree, SyntaxError> parse(std::string_view text, const Limits& limits) {
  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  TreeBuilder builder(limits);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Refusal& refusal) {
    return refusal.error;
  } catch (const YAML::Exception& error) {
    const Location location = error.mark.is_null() ? Location{} : location_of(error.mark);
    return SyntaxError{location, "YAML syntax error: " + error.msg, syntax_hint(error.msg)};
  }
  return builder.take();
}

}  // namespace cutover::yaml
