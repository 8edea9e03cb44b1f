#include "cutover/plan/graph.hpp"

#include <doctest/doctest.h>

#include "support/test_support.hpp"

#include <string>
#include <vector>

using namespace cutover;
using namespace cutover::testing;

namespace {

using Indices = std::vector<TaskIndex>;

}  // namespace

TEST_CASE("build_dag links dependencies and dependents by index") {
  const auto dag = build_dag(make_runbook({
      make_task("a"),
      make_task("b", {}, {"a"}),
      make_task("c", {}, {"a", "b"}),
  }));
  CHECK(dag.dependencies == std::vector<Indices>{{}, {0}, {0, 1}});
  CHECK(dag.dependents == std::vector<Indices>{{1, 2}, {2}, {}});
  CHECK(dag.acyclic());
}

TEST_CASE("build_dag skips unknown ids and collapses duplicate edges") {
  const auto dag = build_dag(make_runbook({
      make_task("a"),
      make_task("b", {}, {"a", "missing", "a", "a"}),
  }));
  CHECK(dag.dependencies == std::vector<Indices>{{}, {0}});
  CHECK(dag.dependents == std::vector<Indices>{{1}, {}});
  CHECK(dag.order == Indices{0, 1});
}

TEST_CASE("dependents are listed in file order whatever the order of depends_on") {
  const auto dag = build_dag(make_runbook({
      make_task("z", {}, {"a"}),
      make_task("a"),
      make_task("y", {}, {"a"}),
  }));
  CHECK(dag.dependents[1] == Indices{0, 2});
}

TEST_CASE("topological order takes the earliest task in file order among ready ones") {
  SUBCASE("a dependency later in the file") {
    const auto dag = build_dag(make_runbook({
        make_task("x", {}, {"z"}),
        make_task("y"),
        make_task("z"),
    }));
    CHECK(dag.order == Indices{1, 2, 0});
  }
  SUBCASE("a task that becomes ready does not jump ahead of an earlier ready one") {
    const auto dag = build_dag(make_runbook({
        make_task("a"),
        make_task("c", {}, {"a"}),
        make_task("b"),
    }));
    CHECK(dag.order == Indices{0, 1, 2});
  }
  SUBCASE("a later-ready task earlier in the file goes first once ready") {
    const auto dag = build_dag(make_runbook({
        make_task("d", {}, {"c"}),
        make_task("c"),
        make_task("e"),
    }));
    CHECK(dag.order == Indices{1, 0, 2});
  }
}

TEST_CASE("levels are 1 + the deepest dependency") {
  const auto dag = build_dag(make_runbook({
      make_task("a"),
      make_task("b", {}, {"a"}),
      make_task("c", {}, {"a"}),
      make_task("d", {}, {"b", "c"}),
      make_task("e", {}, {"d", "a"}),
      make_task("f"),
  }));
  CHECK(dag.level == std::vector<int>{0, 1, 1, 2, 3, 0});
}

TEST_CASE("a 3-cycle is reported as its path following depends_on") {
  const auto dag = build_dag(make_runbook({
      make_task("a", {}, {"b"}),
      make_task("b", {}, {"c"}),
      make_task("c", {}, {"a"}),
  }));
  REQUIRE(dag.cycles.size() == 1);
  CHECK(dag.cycles[0] == Indices{0, 1, 2});
  CHECK_FALSE(dag.acyclic());
  CHECK(dag.order.empty());
}

TEST_CASE("a cycle starts at its component's earliest task in file order") {
  const auto dag = build_dag(make_runbook({
      make_task("c", {}, {"a"}),
      make_task("b", {}, {"c"}),
      make_task("a", {}, {"b"}),
  }));
  REQUIRE(dag.cycles.size() == 1);
  CHECK(dag.cycles[0] == Indices{0, 2, 1});  // c -> a -> b -> c
}

TEST_CASE("a self-dependency is a cycle of one") {
  const auto dag = build_dag(make_runbook({
      make_task("a", {}, {"a"}),
      make_task("b"),
  }));
  REQUIRE(dag.cycles.size() == 1);
  CHECK(dag.cycles[0] == Indices{0});
  CHECK(dag.order == Indices{1});
}

TEST_CASE("two separate cycles are reported once each - in file order") {
  const auto dag = build_dag(make_runbook({
      make_task("a", {}, {"b"}),
      make_task("b", {}, {"a"}),
      make_task("c"),
      make_task("d", {}, {"e"}),
      make_task("e", {}, {"d"}),
  }));
  CHECK(dag.cycles == std::vector<Indices>{{0, 1}, {3, 4}});
  CHECK(dag.order == Indices{2});
}

TEST_CASE("a cycle beside an acyclic part orders only what can be ordered") {
  const auto dag = build_dag(make_runbook({
      make_task("start"),
      make_task("a", {}, {"start", "b"}),
      make_task("b", {}, {"a"}),
      make_task("after", {}, {"a"}),
      make_task("other", {}, {"start"}),
  }));
  CHECK(dag.cycles == std::vector<Indices>{{1, 2}});
  CHECK(dag.order == Indices{0, 4});
  CHECK(dag.level[0] == 0);
  CHECK(dag.level[4] == 1);
  CHECK(dag.level[1] == -1);
  CHECK(dag.level[3] == -1);
}

TEST_CASE("a component with several cycles reports the shortest through its first task") {
  const auto dag = build_dag(make_runbook({
      make_task("a", {}, {"b", "d"}),
      make_task("b", {}, {"c"}),
      make_task("c", {}, {"a"}),
      make_task("d", {}, {"a"}),
  }));
  CHECK(dag.cycles == std::vector<Indices>{{0, 3}});
}

TEST_CASE("a self-dependency inside a larger component is reported as the shortest cycle") {
  const auto dag = build_dag(make_runbook({
      make_task("a", {}, {"b", "a"}),
      make_task("b", {}, {"a"}),
  }));
  CHECK(dag.cycles == std::vector<Indices>{{0}});
}

TEST_CASE("a 100 -000-task chain builds without deep recursion") {
  constexpr std::size_t n = 100'000;
  std::vector<Task> tasks;
  tasks.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(i == 0 ? make_task("t0")
                           : make_task("t" + std::to_string(i), {}, {"t" + std::to_string(i - 1)}));
  }
  SUBCASE("acyclic") {
    const auto dag = build_dag(make_runbook(std::move(tasks)));
    CHECK(dag.acyclic());
    REQUIRE(dag.order.size() == n);
    CHECK(dag.order.front() == 0);
    CHECK(dag.order.back() == n - 1);
    CHECK(dag.level.back() == static_cast<int>(n - 1));
  }
  SUBCASE("closed into one long cycle") {
    tasks[0].depends_on.push_back({"t" + std::to_string(n - 1), {}});
    const auto dag = build_dag(make_runbook(std::move(tasks)));
    REQUIRE(dag.cycles.size() == 1);
    const auto& cycle = dag.cycles[0];
    REQUIRE(cycle.size() == n);
    CHECK(cycle[0] == 0);
    CHECK(cycle[1] == n - 1);  // t0 depends on the last task
    CHECK(cycle.back() == 1);
    CHECK(dag.order.empty());
  }
}

TEST_CASE("an empty runbook has an empty graph") {
  const auto dag = build_dag(make_runbook({}));
  CHECK(dag.order.empty());
  CHECK(dag.cycles.empty());
  CHECK(dag.level.empty());
}
