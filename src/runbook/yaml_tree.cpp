#include "runbook/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <streambuf>

#include "runbook/yaml_syntax.hpp"

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

// yaml-cpp reads a std::istream; this one reads the text in place instead of copying it.
class TextStreamBuf : public std::streambuf {
 public:
  explicit TextStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }
};

// yaml-cpp's tag for a scalar without one: "?" when plain, "!" when quoted or a block.
constexpr std::string_view plain_tag = "?";

// Nodes and scalar bytes a node stands for, aliases expanded.
struct Expansion {
  std::uint32_t nodes = 1;
  std::uint32_t bytes = 0;
};

}  // namespace

class TreeBuilder final : public YAML::EventHandler {
 public:
  // Every node takes at least two bytes of YAML; reserving that much up front avoids the
  // copies of growing, and pages that are never written cost no memory.
  TreeBuilder(const SourceText& source, const Limits& limits) : source_(source), limits_(limits) {
    const std::string_view text = source.text();
    const std::size_t nodes = std::min(text.size() / 2, limits.max_nodes) + 16;
    tree_.nodes_.reserve(nodes);
    tree_.children_.reserve(nodes);
    tree_.text_.reserve(text.size());
    expansions_.reserve(nodes);
  }

  Tree take() { return std::move(tree_); }

  // What an explanation of a syntax error may need: the innermost '[' or '{' still open,
  // and the last quoted value.
  ParseContext context() const {
    ParseContext context{std::nullopt, last_quoted_};
    for (std::size_t depth = open_.size(); depth-- > 0;) {
      if (flow_[depth] >= 0) {
        context.open_flow =
            OpenFlow{static_cast<std::size_t>(flow_[depth]), tree_.nodes_[open_[depth]].location};
        break;
      }
    }
    return context;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) throw second_document(source_, mark);
  }
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark&, const std::string&) override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (is_key_without_colon(mark)) {
      throw SyntaxError{source_.locate(mark),
                        fmt::format("'{}' has no ':' after it", tree_.scalar(tree_.nodes_.back())),
                        "a key is followed by ': ', a colon and a space"};
    }
    close(add({NodeType::null, false, false, null_location(mark)}, anchor));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const Location location = source_.locate(mark);
    if (tag != plain_tag) {
      if (auto quoted = source_.quoted_span(mark)) last_quoted_ = quoted;
    }
    last_scalar_pos_ = mark.pos;
    Node node{NodeType::scalar, tag == plain_tag, false, location};
    node.first = static_cast<std::uint32_t>(tree_.text_.size());
    node.count = static_cast<std::uint32_t>(value.size());
    tree_.text_ += value;
    close(add(node, anchor, {1, node.count}));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const Location location = source_.locate(mark);
    if (anchor >= anchored_.size()) {  // yaml-cpp refuses unknown anchors first; never trust it
      throw SyntaxError{
          location,
          fmt::format("the alias *{} names no anchor defined before it", source_.alias_name(mark)),
          {}};
    }
    const NodeIndex target = anchored_[anchor];
    if (!tree_.nodes_[target].closed) {
      throw SyntaxError{
          location,
          fmt::format("the alias *{} is inside the node it names", source_.alias_name(mark)),
          "a recursive alias would expand forever"};
    }
    count_expansion(expansions_[target], location);
    Node node{NodeType::alias, false, false, location};
    node.first = target;
    close(add(node, YAML::NullAnchor, expansions_[target]));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open({NodeType::sequence, false, false, source_.locate(mark)}, anchor,
         flow_offset(mark, style));
  }
  void OnSequenceEnd() override { finish_container(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open({NodeType::mapping, false, false, source_.locate(mark)}, anchor, flow_offset(mark, style));
  }
  void OnMapEnd() override { finish_container(); }

 private:
  // yaml-cpp 0.7 reads a lone word on a line of a block mapping ("c" under "a: b") as a key
  // with no value, and gives that value the key's own mark.
  bool is_key_without_colon(const YAML::Mark& mark) const {
    if (open_.empty() || flow_.back() != block ||
        tree_.nodes_[open_.back()].type != NodeType::mapping) {
      return false;
    }
    const bool value_position = pending_[open_.size() - 1].size() % 2 == 1;
    return value_position && mark.pos == last_scalar_pos_;
  }

  // yaml-cpp marks an empty value where the next token starts, which may be lines below;
  // a reader wants it where the value is missing: after the ':' or '-' that announced it.
  Location null_location(const YAML::Mark& mark) const {
    if (open_.empty() || source_.is_null_word_at(mark)) return source_.locate(mark);
    return source_.after_previous_indicator(mark);
  }

  void count_expansion(const Expansion& expansion, Location location) {
    expansion_ += expansion.nodes;
    expansion_bytes_ += expansion.bytes;
    if (expansion_bytes_ > limits_.max_alias_expansion_bytes) {
      throw SyntaxError{
          location,
          fmt::format("aliases expand this document by more than {} MiB of text",
                      limits_.max_alias_expansion_bytes >> 20),
          "large texts repeated through aliases; write them out or use fewer aliases"};
    }
    if (expansion_ > limits_.max_alias_expansion) {
      throw SyntaxError{
          location,
          fmt::format("aliases expand this document by more than {} nodes",
                      limits_.max_alias_expansion),
          "this looks like an alias bomb; write the content out or use fewer aliases"};
    }
  }

  NodeIndex add(const Node& node, YAML::anchor_t anchor, Expansion expansion = {1, 0}) {
    if (tree_.nodes_.size() >= limits_.max_nodes) {
      throw SyntaxError{node.location, fmt::format("more than {} YAML nodes", limits_.max_nodes),
                        "a runbook this large is not one a team can rehearse; split it"};
    }
    const auto index = static_cast<NodeIndex>(tree_.nodes_.size());
    tree_.nodes_.push_back(node);
    expansions_.push_back(expansion);
    if (!open_.empty()) pending_[open_.size() - 1].push_back(index);
    // yaml-cpp numbers anchors 1, 2, ... in order; a redefined name gets a new number.
    if (anchor != YAML::NullAnchor) {
      if (anchored_.size() <= anchor) anchored_.resize(anchor + 1);
      anchored_[anchor] = index;
    }
    return index;
  }

  void close(NodeIndex index) { tree_.nodes_[index].closed = true; }

  static constexpr int block = -1;
  static constexpr int flow_without_bracket = -2;  // `[a: 1]` holds a mapping with no '{'

  // Where a flow collection's bracket is, or what it is without one.
  int flow_offset(const YAML::Mark& mark, YAML::EmitterStyle::value style) const {
    if (style != YAML::EmitterStyle::Flow) return block;
    const auto bracket = source_.bracket_at(mark);
    return bracket ? static_cast<int>(*bracket) : flow_without_bracket;
  }

  void open(const Node& node, YAML::anchor_t anchor, int flow_offset) {
    if (open_.size() >= limits_.max_depth) {
      throw SyntaxError{node.location,
                        fmt::format("nesting deeper than {} levels", limits_.max_depth),
                        "a runbook needs a handful of levels; this input is not one"};
    }
    const NodeIndex index = add(node, anchor);
    open_.push_back(index);
    flow_.push_back(flow_offset);
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
    flow_.pop_back();
  }

  const SourceText& source_;
  Limits limits_;
  Tree tree_;
  std::size_t documents_ = 0;
  int last_scalar_pos_ = -1;
  std::optional<QuotedSpan> last_quoted_;
  std::uint64_t expansion_ = 0;
  std::uint64_t expansion_bytes_ = 0;
  // What each node stands for once aliases are expanded; only needed while parsing, so kept
  // here rather than in the tree. Bounded: literal nodes by the file size limit, the rest by
  // the alias limits.
  std::vector<Expansion, HugePageAllocator<Expansion>> expansions_;
  std::vector<NodeIndex> anchored_;  // by yaml-cpp's anchor number
  std::vector<NodeIndex> open_;
  std::vector<int> flow_;  // beside open_: a flow collection's bracket offset, or see above
  std::vector<std::vector<NodeIndex>> pending_;
};

std::variant<Tree, SyntaxError> parse(std::string_view text, const Limits& limits) {
  TextStreamBuf buffer(text);
  std::istream in(&buffer);
  const SourceText source(text);
  TreeBuilder builder(source, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const SyntaxError& error) {
    return error;
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp counts its own recursion, which may stop short of our limit.
    const auto levels = std::min(limits.max_depth, static_cast<std::size_t>(error.depth()) - 1);
    return SyntaxError{source.locate(error.mark),
                       fmt::format("nesting deeper than {} levels", levels),
                       "a runbook needs a handful of levels; this input is not one"};
  } catch (const YAML::ParserException& error) {
    return explain(source, error.mark, error.msg, builder.context());
  }
  return builder.take();
}

}  // namespace cutover::yaml
