// The loader's includes (SPEC §7): workstream files merged into one runbook, each problem
// located in its own file, and the include entries that may not be followed.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "base/sha256.hpp"
#include "cutover/runbook/loader.hpp"
#include "support/loader_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// A runbook folder: files written by relative path, the runbook loaded as rb.yaml.
struct Folder {
  TempDir dir;

  void write(const std::string& path, const std::string& text) const {
    std::filesystem::create_directories((dir / path).parent_path());
    write_text(dir / path, text);
  }

  LoadResult load(const std::string& runbook) const {
    write("rb.yaml", runbook);
    return load_runbook(dir / "rb.yaml", {});
  }

  // list() of every file, with the folder left out of the names.
  std::string listed(const LoadResult& result) const {
    std::string out = list(result);
    const std::string prefix = dir.path().string() + "/";
    for (std::size_t at; (at = out.find(prefix)) != std::string::npos;)
      out.erase(at, prefix.size());
    return out;
  }
};

const std::string one_task = "tasks:\n" + task_a;

}  // namespace

TEST_CASE("includes: tasks of every file in one runbook - in include order - each file once") {
  Folder folder;
  folder.write("ws/finance.yaml",
               "include: [common.yaml]\n"
               "defaults: { owner: finance-ops, retries: 2 }\n"
               "tasks:\n"
               "  - id: reconcile\n    manual: Reconcile {{ LEDGER }}.\n    estimate: 2h\n"
               "    depends_on: [freeze]\n");
  folder.write("ws/common.yaml",
               "tasks:\n  - id: freeze\n    run: echo freeze\n    estimate: 1m\n");
  folder.write("ws/sales.yaml",
               "include: [common.yaml]\n"
               "tasks:\n  - id: orders\n    run: echo\n    estimate: 1m\n");
  const LoadResult result = folder.load(header +
                                        "vars: { LEDGER: GL }\n"
                                        "defaults: { owner: ops, timeout: 1h }\n"
                                        "include: [ws/finance.yaml, ws/sales.yaml]\n"
                                        "tasks:\n  - id: go\n    depends_on: [reconcile, orders]\n"
                                        "    estimate: 1m\n    gate: { approvals: [lead] }\n");
  CHECK(folder.listed(result) == "");
  CHECK(result.runbook.included ==
        std::vector<std::string>{"ws/finance.yaml", "ws/common.yaml", "ws/sales.yaml"});
  REQUIRE(result.included.size() == 3);
  CHECK(result.included[1].path == "ws/common.yaml");
  CHECK(result.included[1].text == read_text(folder.dir / "ws/common.yaml"));
  std::vector<std::string> order;
  for (const Task& task : result.runbook.tasks) order.push_back(task.id);
  CHECK(order == std::vector<std::string>{"go", "reconcile", "freeze", "orders"});

  const Task& reconcile = task(result, "reconcile");
  CHECK(reconcile.file == 1);
  CHECK(result.runbook.file_name(reconcile.file) == "ws/finance.yaml");
  CHECK(reconcile.location == Location{4, 9});
  // The workstream's defaults over the runbook's; vars are the runbook's.
  CHECK(reconcile.owner == "finance-ops");
  CHECK(reconcile.retries == 2);
  CHECK(reconcile.timeout == std::chrono::hours(1));
  CHECK(std::get<Manual>(reconcile.kind).instructions == "Reconcile {{ LEDGER }}.");
  // A file's tasks mean the same wherever it is included from: the runbook's defaults only.
  const Task& freeze = task(result, "freeze");
  CHECK(freeze.file == 2);
  CHECK(freeze.owner == "ops");
  CHECK(freeze.retries == 0);
  CHECK(task(result, "go").file == 0);
}

TEST_CASE("includes: a runbook may keep all its tasks in workstream files") {
  Folder folder;
  folder.write("a.yaml", one_task);
  CHECK(folder.listed(folder.load(header + "include: a.yaml\n")) == "");
  CHECK(folder.listed(folder.load(header)) == "error 1:1: the runbook has no 'tasks'\n");
}

TEST_CASE("includes: problems in an included file are located in that file") {
  Folder folder;
  folder.write("ws/a.yaml",
               "version: 1\n"
               "tasks:\n"
               "  - id: b\n    run: echo {{ NOPE }}\n    estimate: 1m\n"
               "  - id: a\n    run: echo\n    estimate: 1m\n"
               "  - id: c\n    run: echo\n    estimate: 1m\n    depends_on: [zz]\n"
               "colour: blue\n");
  folder.write("ws/bad.yaml", "tasks: [unclosed\n");
  const LoadResult result = folder.load(header + "include: [ws/a.yaml, ws/bad.yaml]\n" + one_task);
  CHECK(folder.listed(result) ==
        "ws/a.yaml error 1:1: 'version' belongs in the runbook, not in a workstream file [a "
        "workstream file holds include, defaults and tasks; the runbook's version, id, vars, "
        "secrets and phases apply to it]\n"
        "ws/a.yaml error 4:15: 'NOPE' is not a var, a secret or a --var [define it under 'vars:' "
        "or pass --var NOPE=VALUE]\n"
        "ws/a.yaml error 6:9: duplicate task id 'a' [first defined at rb.yaml:5]\n"
        "ws/a.yaml error 12:18: task 'c' depends on 'zz', which is not a task\n"
        "ws/a.yaml error 13:1: unknown key 'colour' in the workstream file [known keys: "
        "include, defaults, tasks]\n"
        "ws/bad.yaml error 1:8: this '[' is never closed [the parser reached line 2 without "
        "finding its ']': close it, or check for a missing ',']\n");
}

TEST_CASE("includes: entries that cannot be followed are errors at the entry") {
  Folder folder;
  folder.write("ws/a.yaml", "include: [../rb.yaml]\n" + one_task);
  folder.write("logs/x.yaml", one_task);
  std::filesystem::create_directories(folder.dir / "folder.yaml");
  const std::string outside = folder.dir.path().parent_path().string() + "/x.yaml";
  const LoadResult result =
      folder.load(header + "include: [ws/a.yaml, missing.yaml, ../x.yaml, " + outside +
                  ", logs/x.yaml, folder.yaml, '', ws/a.yaml]\n" + one_task);
  const std::string listed = folder.listed(result);
  CHECK(listed.find("error 3:22: cannot include 'missing.yaml': no such file\n") !=
        std::string::npos);
  CHECK(listed.find("error 3:36: cannot include '../x.yaml': it is outside the runbook's folder") !=
        std::string::npos);
  CHECK(listed.find("': the path is absolute [write it relative to this file]") !=
        std::string::npos);
  CHECK(listed.find("cannot include 'logs/x.yaml': a run's folder keeps the name 'logs' for its "
                    "own files") != std::string::npos);
  CHECK(listed.find("cannot include 'folder.yaml': is a directory") != std::string::npos);
  CHECK(listed.find("an empty path in 'include'") != std::string::npos);
  CHECK(listed.find("'ws/a.yaml' is listed twice in 'include'") != std::string::npos);
  CHECK(listed.find("ws/a.yaml error 1:11: include cycle: rb.yaml -> ws/a.yaml -> rb.yaml [a file "
                    "cannot include a file that includes it]\n") != std::string::npos);
  CHECK(result.diagnostics.error_count() == 9);
}

TEST_CASE("includes: a symbolic link out of the runbook's folder is refused") {
  Folder folder;
  TempDir elsewhere;
  write_text(elsewhere / "x.yaml", one_task);
  std::filesystem::create_symlink(elsewhere.path(), folder.dir / "shared");
  CHECK(folder.listed(folder.load(header + "include: [shared/x.yaml]\n" + one_task)) ==
        "error 3:11: cannot include 'shared/x.yaml': a symbolic link leads outside the runbook's "
        "folder [copy the file into the runbook's folder]\n");
}

TEST_CASE("includes: nesting has a limit") {
  Folder folder;
  for (int i = 0; i < 70; ++i) {
    folder.write("f" + std::to_string(i) + ".yaml",
                 "include: [f" + std::to_string(i + 1) + ".yaml]\ntasks:\n  - id: t" +
                     std::to_string(i) + "\n    run: echo\n    estimate: 1m\n");
  }
  folder.write("f70.yaml", one_task);
  const LoadResult result = folder.load(header + "include: [f0.yaml]\n" + one_task);
  CHECK(folder.listed(result) ==
        "f63.yaml error 1:11: includes are nested more than 64 deep [include the files from the "
        "runbook instead]\n");
}

TEST_CASE("includes: the runbook's hash covers every file - its path and its bytes") {
  const std::string text = header + one_task;
  CHECK(runbook_sha256(text, {}) == sha256_hex(text));
  const std::string with = runbook_sha256(text, {{"ws/a.yaml", "tasks: []\n"}});
  CHECK(with != sha256_hex(text));
  CHECK(runbook_sha256(text, {{"ws/a.yaml", "tasks: [ ]\n"}}) != with);
  CHECK(runbook_sha256(text, {{"ws/b.yaml", "tasks: []\n"}}) != with);
  CHECK(runbook_sha256(text + " ", {{"ws/a.yaml", "tasks: []\n"}}) != with);
  // Bytes cannot move from one file to the next unseen.
  CHECK(runbook_sha256(text, {{"a", "xy"}, {"b", "z"}}) !=
        runbook_sha256(text, {{"a", "x"}, {"b", "yz"}}));
  CHECK(runbook_sha256(text, {{"ws/a.yaml", "tasks: []\n"}}) == with);
}

TEST_CASE("includes: the runbook's files together have the one file's size limit") {
  Folder folder;
  // Two files of 40 MiB each: under the limit alone, over it together.
  const std::string padding = "# " + std::string(40u << 20, 'x') + "\n";
  folder.write("a.yaml", padding + one_task);
  folder.write("b.yaml", padding + "tasks:\n  - id: b\n    run: echo\n    estimate: 1m\n");
  const LoadResult result = folder.load(header + "include: [a.yaml, b.yaml]\n");
  CHECK(folder.listed(result) ==
        "error 3:19: cannot include 'b.yaml': the runbook's files together are over the limit of "
        "64 MiB [a runbook is text; this is too large to be one]\n");
}
