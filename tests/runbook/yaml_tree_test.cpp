#include "runbook/yaml_tree.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>

using namespace cutover;
using namespace cutover::yaml;

namespace {

Tree parsed(std::string_view text, const Limits& limits = {}) {
  auto result = parse(text, limits);
  if (const auto* error = std::get_if<SyntaxError>(&result)) {
    FAIL("unexpected syntax error at " << error->location.line << ":" << error->location.column
                                       << ": " << error->message);
  }
  return std::get<Tree>(std::move(result));
}

SyntaxError refused(std::string_view text, const Limits& limits = {}) {
  auto result = parse(text, limits);
  REQUIRE(std::holds_alternative<SyntaxError>(result));
  return std::get<SyntaxError>(std::move(result));
}

std::string where(const Node& node) {
  return std::to_string(node.location.line) + ":" + std::to_string(node.location.column);
}

std::string where(const SyntaxError& error) {
  return std::to_string(error.location.line) + ":" + std::to_string(error.location.column);
}

}  // namespace

TEST_CASE("an empty text or one with only comments parses to an empty tree") {
  CHECK(parsed("").empty());
  CHECK(parsed("# only a comment\n\n").empty());
  CHECK_FALSE(parsed("a: 1\n").empty());
}

TEST_CASE("node types - and a mapping's children alternate key and value") {
  const Tree tree = parsed("a: 1\nb: [x, y]\nc: {d: e}\nf:\n");
  const Node& root = tree.node(tree.root());
  CHECK(root.type == NodeType::mapping);
  const auto children = tree.children(root);
  REQUIRE(children.size() == 8);
  CHECK(tree.scalar(tree.node(children[0])) == "a");
  CHECK(tree.node(children[1]).type == NodeType::scalar);
  CHECK(tree.scalar(tree.node(children[1])) == "1");
  CHECK(tree.scalar(tree.node(children[2])) == "b");
  CHECK(tree.node(children[3]).type == NodeType::sequence);
  CHECK(tree.children(tree.node(children[3])).size() == 2);
  CHECK(tree.scalar(tree.node(children[4])) == "c");
  const Node& inner = tree.node(children[5]);
  CHECK(inner.type == NodeType::mapping);
  const auto inner_children = tree.children(inner);
  REQUIRE(inner_children.size() == 2);
  CHECK(tree.scalar(tree.node(inner_children[0])) == "d");
  CHECK(tree.scalar(tree.node(inner_children[1])) == "e");
  CHECK(tree.scalar(tree.node(children[6])) == "f");
  CHECK(tree.node(children[7]).type == NodeType::null);
}

TEST_CASE("a sequence's children are its items in order") {
  const Tree tree = parsed("- one\n- two\n- three\n");
  const Node& root = tree.node(tree.root());
  CHECK(root.type == NodeType::sequence);
  const auto items = tree.children(root);
  REQUIRE(items.size() == 3);
  CHECK(tree.scalar(tree.node(items[0])) == "one");
  CHECK(tree.scalar(tree.node(items[1])) == "two");
  CHECK(tree.scalar(tree.node(items[2])) == "three");
}

TEST_CASE("scalars and nulls have no children - a null has no text") {
  const Tree tree = parsed("a: ~\n");
  const auto children = tree.children(tree.node(tree.root()));
  REQUIRE(children.size() == 2);
  CHECK(tree.children(tree.node(children[0])).empty());
  CHECK(tree.children(tree.node(children[1])).empty());
  CHECK(tree.scalar(tree.node(children[1])).empty());
}

TEST_CASE("plain scalars are flagged - quoted and block scalars are not") {
  const Tree tree = parsed("a: x\nb: 'y'\nc: \"z\"\nd: |\n  w\n");
  const auto children = tree.children(tree.node(tree.root()));
  REQUIRE(children.size() == 8);
  CHECK(tree.node(children[0]).plain);  // keys are scalars too
  CHECK(tree.node(children[1]).plain);
  CHECK_FALSE(tree.node(children[3]).plain);
  CHECK(tree.scalar(tree.node(children[3])) == "y");
  CHECK_FALSE(tree.node(children[5]).plain);
  CHECK(tree.scalar(tree.node(children[5])) == "z");
  CHECK_FALSE(tree.node(children[7]).plain);
  CHECK(tree.scalar(tree.node(children[7])) == "w\n");
}

TEST_CASE("plain empty - ~ and null are null nodes - quoted ones are scalars") {
  const Tree tree = parsed("a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: 'null'\ng: nul\n");
  const auto children = tree.children(tree.node(tree.root()));
  REQUIRE(children.size() == 14);
  CHECK(tree.node(children[1]).type == NodeType::null);
  CHECK(tree.node(children[3]).type == NodeType::null);
  CHECK(tree.node(children[5]).type == NodeType::null);
  CHECK(tree.node(children[7]).type == NodeType::null);
  CHECK(tree.node(children[9]).type == NodeType::scalar);
  CHECK(tree.scalar(tree.node(children[9])) == "");
  CHECK(tree.node(children[11]).type == NodeType::scalar);
  CHECK(tree.scalar(tree.node(children[11])) == "null");
  CHECK(tree.node(children[13]).type == NodeType::scalar);
}

TEST_CASE("scalar values are kept as written: no number or boolean conversion") {
  const Tree tree = parsed("- 010\n- yes\n- 1e3\n- 0x10\n");
  const auto items = tree.children(tree.node(tree.root()));
  REQUIRE(items.size() == 4);
  CHECK(tree.scalar(tree.node(items[0])) == "010");
  CHECK(tree.scalar(tree.node(items[1])) == "yes");
  CHECK(tree.scalar(tree.node(items[2])) == "1e3");
  CHECK(tree.scalar(tree.node(items[3])) == "0x10");
}

TEST_CASE("locations are 1-based line:column of each node's first character") {
  const Tree tree = parsed("a: 1\nb: [x, 'y']\nc:\n  d: e\n");
  const Node& root = tree.node(tree.root());
  CHECK(where(root) == "1:1");
  const auto children = tree.children(root);
  REQUIRE(children.size() == 6);
  CHECK(where(tree.node(children[0])) == "1:1");
  CHECK(where(tree.node(children[1])) == "1:4");
  CHECK(where(tree.node(children[2])) == "2:1");
  const Node& list = tree.node(children[3]);
  CHECK(where(list) == "2:4");
  const auto items = tree.children(list);
  CHECK(where(tree.node(items[0])) == "2:5");
  CHECK(where(tree.node(items[1])) == "2:8");  // the opening quote
  const Node& nested = tree.node(children[5]);
  CHECK(where(nested) == "4:3");
  const auto nested_children = tree.children(nested);
  CHECK(where(tree.node(nested_children[0])) == "4:3");
  CHECK(where(tree.node(nested_children[1])) == "4:6");
}

TEST_CASE("an alias resolves to the node its anchor names") {
  const Tree tree = parsed("a: &x [1, 2]\nb: *x\ns: &s text\nt: *s\n");
  const auto children = tree.children(tree.node(tree.root()));
  REQUIRE(children.size() == 8);
  const NodeIndex anchored = children[1];
  const NodeIndex alias = children[3];
  CHECK(alias != anchored);
  CHECK(tree.resolve(alias) == anchored);
  CHECK(tree.resolve(anchored) == anchored);
  const Node& through_alias = tree.node(alias);
  CHECK(&through_alias == &tree.node(anchored));
  CHECK(through_alias.type == NodeType::sequence);
  CHECK(tree.children(through_alias).size() == 2);
  CHECK(where(through_alias) == "1:4");  // the anchored node's location
  CHECK(tree.resolve(children[7]) == children[5]);
  CHECK(tree.scalar(tree.node(children[7])) == "text");
}

TEST_CASE("a redefined anchor: later aliases name the latest definition") {
  const Tree tree = parsed("a: &x one\nb: &x two\nc: *x\n");
  const auto children = tree.children(tree.node(tree.root()));
  REQUIRE(children.size() == 6);
  CHECK(tree.resolve(children[5]) == children[3]);
  CHECK(tree.scalar(tree.node(children[5])) == "two");
}

TEST_CASE(
    "alias expansion counts the whole aliased node: at the limit accepted - past it refused") {
  // The list stands for 3 nodes (itself and two items); each alias of it adds 3.
  const std::string two_aliases = "a: &x [1, 2]\nb: *x\nc: *x\n";
  Limits limits;
  limits.max_alias_expansion = 6;
  CHECK(std::holds_alternative<Tree>(parse(two_aliases, limits)));
  limits.max_alias_expansion = 5;
  const auto refused = parse(two_aliases, limits);
  REQUIRE(std::holds_alternative<SyntaxError>(refused));
  CHECK(std::get<SyntaxError>(refused).location == Location{3, 4});
}

TEST_CASE("max_depth: exactly the limit is accepted - one more level is refused there") {
  Limits limits;
  limits.max_depth = 3;
  CHECK_FALSE(parsed("[[[1]]]", limits).empty());
  const SyntaxError error = refused("[[[[1]]]]", limits);
  CHECK(error.message == "nesting deeper than 3 levels");
  CHECK(where(error) == "1:4");
  CHECK(error.hint == "a runbook needs a handful of levels; this input is not one");

  const SyntaxError block = refused("a:\n  b:\n    c:\n      d: 1\n", limits);
  CHECK(block.message == "nesting deeper than 3 levels");
  CHECK(where(block) == "4:7");
}

TEST_CASE("max_alias_expansion: the alias that goes over the limit is refused") {
  Limits limits;
  limits.max_alias_expansion = 5;
  CHECK_FALSE(parsed("a: &x [1, 2]\nb: *x\n", limits).empty());  // 3 nodes by aliases
  const SyntaxError error = refused("a: &x [1, 2]\nb: *x\nc: *x\n", limits);
  CHECK(error.message == "aliases expand this document by more than 5 nodes");
  CHECK(where(error) == "3:4");
  CHECK(error.hint == "this looks like an alias bomb; write the content out or use fewer aliases");
}

TEST_CASE("the default limits") {
  const Limits limits;
  CHECK(limits.max_depth == 64);
  CHECK(limits.max_alias_expansion == 1'000'000);
}

TEST_CASE("a second document is refused at its start") {
  const SyntaxError error = refused("a: 1\n---\nb: 2\n");
  CHECK(error.message == "a second YAML document in one file");
  CHECK(where(error) == "2:1");
  CHECK(error.hint == "a runbook is a single document: remove the '---' or split the file");
  // An explicit start and end of the one document is fine.
  CHECK_FALSE(parsed("---\na: 1\n...\n").empty());
}

TEST_CASE("an alias inside the node its anchor names is refused") {
  const SyntaxError error = refused("a: &x\n  b: *x\n");
  CHECK(error.message == "the alias *x is inside the node it names");
  CHECK(where(error) == "2:6");
  CHECK(error.hint == "a recursive alias would expand forever");
}

TEST_CASE("an alias to an undefined anchor is refused") {
  const SyntaxError error = refused("a: 1\nb: *nowhere\n");
  CHECK(error.message == "the alias *nowhere names no anchor defined before it");
  CHECK(where(error) == "2:4");
}

TEST_CASE("an alias before its anchor is refused") {
  const SyntaxError error = refused("a: *x\nb: &x 1\n");
  CHECK(error.message == "the alias *x names no anchor defined before it");
  CHECK(where(error) == "1:4");
}

TEST_CASE("a syntax error is located where its cause is - in words") {
  const SyntaxError error = refused("a: [1, 2\n");
  CHECK(error.message == "this '[' is never closed");
  CHECK(where(error) == "1:4");
  CHECK(error.hint ==
        "the parser reached line 2 without finding its ']': close it, or check for a missing ','");
}

TEST_CASE("a syntax error yaml-cpp gives that has no explanation keeps its message") {
  const SyntaxError error = refused("a: \"\\q\"\n");
  CHECK(error.message == "YAML syntax error: unknown escape character: q");
  CHECK(where(error) == "1:7");
}

TEST_CASE("columns count characters - not bytes as yaml-cpp's marks do not") {
  const Tree tree = parsed("\xc3\xa9t\xc3\xa9: [\xe2\x82\xac, x]\n");
  const auto children = tree.children(tree.node(tree.root()));
  const auto items = tree.children(tree.node(children[1]));
  CHECK(where(tree.node(children[1])) == "1:6");
  CHECK(where(tree.node(items[1])) == "1:10");
  CHECK(where(refused("\xc3\xa9: \"x\n")) == "1:4");
}

TEST_CASE("quoted scalars are not plain - so \"true\" and '5' stay texts") {
  const Tree tree = parsed("a: \"true\"\nb: true\nc: '5'\nd: |\n  x\n");
  const auto children = tree.children(tree.node(tree.root()));
  CHECK_FALSE(tree.node(children[1]).plain);
  CHECK(tree.node(children[3]).plain);
  CHECK_FALSE(tree.node(children[5]).plain);
  CHECK_FALSE(tree.node(children[7]).plain);
}

TEST_CASE("an empty value is located after its colon - not at the next token") {
  const Tree tree = parsed("a:\n\n# note\nb: 1\nc: # none\n");
  const auto children = tree.children(tree.node(tree.root()));
  CHECK(tree.node(children[1]).type == NodeType::null);
  CHECK(where(tree.node(children[1])) == "1:3");
  CHECK(where(tree.node(children[5])) == "5:3");
}

TEST_CASE("max_nodes: a document of more nodes is refused where the limit is crossed") {
  Limits limits;
  limits.max_nodes = 4;
  CHECK_FALSE(parsed("[1, 2, 3]\n", limits).empty());
  const SyntaxError error = refused("[1, 2, 3, 4]\n", limits);
  CHECK(error.message == "more than 4 YAML nodes");
  CHECK(where(error) == "1:11");
}

TEST_CASE("yaml-cpp's own recursion guard becomes the same located nesting error") {
  // Our limit is 64 levels; raised past yaml-cpp's 500, its DeepRecursion is what stops.
  Limits limits;
  limits.max_depth = 10'000;
  const SyntaxError error = refused("x: " + std::string(600, '[') + std::string(600, ']'), limits);
  CHECK(error.message == "nesting deeper than 499 levels");
  CHECK(error.location.line == 1);
  CHECK(error.location.column > 400);
}
