#include "runbook/yaml_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <variant>

using namespace cutover;
using namespace cutover::yaml;
using namespace std::chrono_literals;

namespace {

// A tree and a reader over it, with the diagnostics it reports.
struct Read {
  explicit Read(std::string_view text) : tree(std::get<Tree>(parse(text))), reader(tree, out) {}

  std::vector<Entry> top() { return reader.entries(tree.root(), "the test"); }

  std::string problems() const {
    std::string list;
    for (const auto& item : out.items()) {
      list += std::to_string(item.location.line) + ":" + std::to_string(item.location.column) +
              " " + item.message + (item.hint.empty() ? "" : " [" + item.hint + "]") + "\n";
    }
    return list;
  }

  Tree tree;
  FileDiagnostics out;
  MappingReader reader;
};

}  // namespace

TEST_CASE("entries: keys in order with their locations") {
  Read read("b: 1\na: 2\n");
  const auto entries = read.top();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].key == "b");
  CHECK(entries[1].key == "a");
  CHECK(entries[1].key_location == Location{2, 1});
  CHECK(read.problems() == "");
}

TEST_CASE("entries: a duplicate key is reported where it repeats") {
  Read read("a: 1\nb: 2\na: 3\n");
  CHECK(read.top().size() == 2);
  CHECK(read.problems() == "3:1 duplicate key 'a' in the test [first given at line 1]\n");
}

TEST_CASE("entries: merge keys add what the mapping does not give itself") {
  Read read("x: &base {a: 1, b: 2}\ny:\n  <<: *base\n  b: 3\n");
  const auto top = read.top();
  const auto entries = read.reader.entries(top[1].value, "y");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].key == "b");
  CHECK(read.tree.scalar(read.tree.node(entries[0].value)) == "3");
  CHECK(entries[1].key == "a");
  CHECK(read.problems() == "");
}

TEST_CASE("entries: a quoted '<<' is an ordinary key - and a merge of a text is refused") {
  Read quoted("\"<<\": 1\n");
  CHECK(quoted.top()[0].key == "<<");
  Read text("<<: 5\n");
  (void)text.top();
  CHECK(text.problems() ==
        "1:5 a merge key '<<' in the test needs a mapping or a list of mappings, found '5' "
        "[e.g. <<: *defaults, where &defaults names a mapping]\n");
}

TEST_CASE("check_keys and require: unknown keys with suggestions - missing keys") {
  Read read("nmae: x\n");
  MappingKeys known;
  known.names = {"name", "run"};
  const auto entries = read.top();
  read.reader.check_keys(entries, known, "the test");
  read.reader.require(entries, {"run"}, {1, 1}, "the test");
  CHECK(read.problems() ==
        "1:1 unknown key 'nmae' in the test [did you mean 'name'?]\n"
        "1:1 the test has no 'run'\n");
}

TEST_CASE("scalars: booleans and integers only when plain") {
  Read read("a: true\nb: \"true\"\nc: 7\nd: '7'\ne: 70\n");
  const auto entries = read.top();
  CHECK(read.reader.boolean(entries[0]) == true);
  CHECK_FALSE(read.reader.boolean(entries[1]).has_value());
  CHECK(read.reader.integer(entries[2], 0, 10, "a number") == 7);
  CHECK_FALSE(read.reader.integer(entries[3], 0, 10, "a number").has_value());
  CHECK_FALSE(read.reader.integer(entries[4], 0, 10, "a number").has_value());
  CHECK(read.problems() ==
        "2:4 'b' must be true or false, found the quoted text 'true' [write it without quotes]\n"
        "4:4 'd' must be a number, found the quoted text '7' [write it without quotes]\n"
        "5:4 'e' must be a number, found '70'\n");
}

TEST_CASE("scalars: a duration over the limit is too long - not malformed") {
  Read read("a: 90m\nb: 3d\nc: 1 h\n");
  const auto entries = read.top();
  CHECK(read.reader.duration(entries[0], 48h) == 90min);
  CHECK_FALSE(read.reader.duration(entries[1], 48h).has_value());
  CHECK_FALSE(read.reader.duration(entries[2], 48h).has_value());
  CHECK(read.problems() ==
        "2:4 'b' is too long: a duration is at most 2 days [check the units: d, h, m, s]\n"
        "3:4 'c' must be a duration, found '1 h' [whole numbers with units d, h, m, s in that "
        "order: 45s, 15m, 1h30m, 2d]\n");
}

TEST_CASE("where_value: a missing value is reported at its key") {
  Read read("a:\nb: 1\n");
  const auto entries = read.top();
  CHECK(read.reader.where_value(entries[0]) == Location{1, 1});
  CHECK(read.reader.where_value(entries[1]) == Location{2, 4});
  CHECK(read.reader.found(read.tree.node(entries[0].value)) == "nothing");
}
