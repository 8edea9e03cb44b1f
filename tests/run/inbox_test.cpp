#include "cutover/run/inbox.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "cutover/base/errors.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

Decision make_decision(std::string id, std::string task = "m") {
  Decision decision;
  decision.id = std::move(id);
  decision.run_id = "payments/20261128T170000Z-go-live";
  decision.kind = DecisionKind::mark;
  decision.task = std::move(task);
  decision.verdict = Verdict::skipped;
  decision.by = "alice";
  decision.note = "done by hand on the console";
  decision.user = "ops";
  decision.host = "jump-2";
  decision.time = utc_at(123);
  return decision;
}

const Decision& decision_of(const InboxItem& item) {
  const auto* decision = std::get_if<Decision>(&item.content);
  REQUIRE_MESSAGE(decision != nullptr, std::get<std::string>(item.content));
  return *decision;
}

std::vector<std::string> file_names(const std::vector<InboxItem>& items) {
  std::vector<std::string> names;
  for (const InboxItem& item : items) names.push_back(item.file.filename().string());
  return names;
}

}  // namespace

TEST_CASE("a delivered decision reads back with every field") {
  TempDir dir;
  const Decision sent = make_decision("20261128T170000123Z-42-0000abcd");
  deliver(dir.path(), sent);
  const std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 1);
  CHECK(items[0].file == dir.path() / "inbox" / "20261128T170000123Z-42-0000abcd.json");
  const Decision& got = decision_of(items[0]);
  CHECK(got.id == sent.id);
  CHECK(got.run_id == sent.run_id);
  CHECK(got.kind == DecisionKind::mark);
  CHECK(got.task == "m");
  CHECK(got.verdict == Verdict::skipped);
  CHECK(got.by == "alice");
  CHECK(got.note == "done by hand on the console");
  CHECK(got.user == "ops");
  CHECK(got.host == "jump-2");
  CHECK(got.time == utc_at(123));
}

TEST_CASE("a decision without a note and approvals and rejections read back") {
  TempDir dir;
  Decision approval = make_decision("1-approve", "g");
  approval.kind = DecisionKind::approve;
  approval.note.clear();
  Decision rejection = make_decision("2-reject", "g");
  rejection.kind = DecisionKind::reject;
  Decision retry = make_decision("3-retry", "a");
  retry.verdict = Verdict::retry;
  retry.note.clear();
  for (const Decision& decision : {approval, rejection, retry}) deliver(dir.path(), decision);

  const std::string approval_text = read_text(dir / "inbox/1-approve.json");
  CHECK(approval_text.find("\"note\"") == std::string::npos);
  CHECK(approval_text.find("\"verdict\"") == std::string::npos);
  CHECK(approval_text.back() == '\n');

  const std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 3);
  CHECK(decision_of(items[0]).kind == DecisionKind::approve);
  CHECK(decision_of(items[0]).note.empty());
  CHECK(decision_of(items[0]).task == "g");
  CHECK(decision_of(items[1]).kind == DecisionKind::reject);
  CHECK(decision_of(items[1]).note == "done by hand on the console");
  CHECK(decision_of(items[2]).verdict == Verdict::retry);
  CHECK(decision_of(items[2]).note.empty());
}

TEST_CASE("decision_json holds what a decision file holds") {
  Decision decision = make_decision("x");
  const auto object = decision_json(decision);
  CHECK(object.dump() ==
        R"({"id":"x","run_id":"payments/20261128T170000Z-go-live","kind":"mark","task":"m",)"
        R"("verdict":"skipped","by":"alice","note":"done by hand on the console","user":"ops",)"
        R"("host":"jump-2","time":"2026-11-28T17:00:00.123Z"})");
}

TEST_CASE("read_inbox lists decisions oldest first whatever order they arrived in") {
  TempDir dir;
  const std::string late = new_decision_id(utc_at(60'000));
  const std::string early = new_decision_id(utc_at(5));
  const std::string middle = new_decision_id(utc_at(1'000));
  for (const std::string& id : {late, early, middle}) deliver(dir.path(), make_decision(id));
  const std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 3);
  CHECK(decision_of(items[0]).id == early);
  CHECK(decision_of(items[1]).id == middle);
  CHECK(decision_of(items[2]).id == late);
}

TEST_CASE("read_inbox ignores hidden temporary files and files that are not .json") {
  TempDir dir;
  const auto inbox = make_inbox(dir.path());
  CHECK(std::filesystem::is_directory(inbox));
  CHECK(inbox == dir.path() / "inbox");
  write_text(inbox / ".tmp-20261128T170000000Z-1-00000000", "{\"half\": ");
  write_text(inbox / ".hidden.json", "not even json");
  write_text(inbox / "notes.txt", "a person's notes");
  deliver(dir.path(), make_decision("real"));
  const std::vector<InboxItem> items = read_inbox(dir.path());
  CHECK(file_names(items) == std::vector<std::string>{"real.json"});
  // deliver() leaves no temporary file of its own behind.
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(inbox)) {
    names.insert(entry.path().filename().string());
  }
  CHECK(names == std::set<std::string>{".tmp-20261128T170000000Z-1-00000000", ".hidden.json",
                                       "notes.txt", "real.json"});
}

TEST_CASE("read_inbox of a run without an inbox is empty") {
  TempDir dir;
  CHECK(read_inbox(dir.path()).empty());
  CHECK(read_inbox(dir / "no-such-run").empty());
}

TEST_CASE("a file that is not a decision is reported with why") {
  TempDir dir;
  const auto inbox = make_inbox(dir.path());
  write_text(inbox / "a-torn.json", "{\"id\": \"x\", ");
  write_text(inbox / "b-array.json", "[1, 2]");
  write_text(inbox / "c-no-run.json", R"({"id": "x"})");
  write_text(inbox / "d-bad-verdict.json",
             R"({"id":"x","run_id":"r","kind":"mark","task":"m","verdict":"maybe","by":"a",)"
             R"("time":"2026-11-28T17:00:00.000Z"})");
  write_text(inbox / "e-bad-kind.json",
             R"({"id":"x","run_id":"r","kind":"veto","task":"m","by":"a",)"
             R"("time":"2026-11-28T17:00:00.000Z"})");
  write_text(inbox / "f-bad-time.json",
             R"({"id":"x","run_id":"r","kind":"approve","task":"g","by":"a","time":"soon"})");
  write_text(inbox / "g-no-by.json", R"({"id":"x","run_id":"r","kind":"approve","task":"g",)"
                                     R"("time":"2026-11-28T17:00:00.000Z"})");
  const std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 7);
  std::vector<std::string> problems;
  for (const InboxItem& item : items) {
    const auto* problem = std::get_if<std::string>(&item.content);
    REQUIRE(problem != nullptr);
    problems.push_back(*problem);
  }
  CHECK(problems[0].starts_with("a-torn.json cannot be read as a decision: "));
  CHECK(problems[1] == "b-array.json cannot be read as a decision: not a JSON object");
  CHECK(problems[2] == "c-no-run.json cannot be read as a decision: no \"run_id\" text");
  CHECK(problems[3] == "d-bad-verdict.json cannot be read as a decision: an unknown \"verdict\"");
  CHECK(problems[4] == "e-bad-kind.json cannot be read as a decision: an unknown \"kind\"");
  CHECK(problems[5] == "f-bad-time.json cannot be read as a decision: no valid \"time\"");
  CHECK(problems[6] == "g-no-by.json cannot be read as a decision: no \"by\" text");
}

TEST_CASE("an approval needs no verdict") {
  TempDir dir;
  const auto inbox = make_inbox(dir.path());
  write_text(inbox / "a.json", R"({"id":"x","run_id":"r","kind":"approve","task":"g","by":"lead",)"
                               R"("time":"2026-11-28T17:00:00.000Z"})");
  const std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 1);
  CHECK(decision_of(items[0]).kind == DecisionKind::approve);
  CHECK(decision_of(items[0]).by == "lead");
  CHECK(decision_of(items[0]).user.empty());
}

TEST_CASE("remove_from_inbox deletes a consumed decision and a second time is harmless") {
  TempDir dir;
  deliver(dir.path(), make_decision("one"));
  deliver(dir.path(), make_decision("two"));
  std::vector<InboxItem> items = read_inbox(dir.path());
  REQUIRE(items.size() == 2);
  remove_from_inbox(items[0]);
  CHECK_FALSE(std::filesystem::exists(items[0].file));
  CHECK(file_names(read_inbox(dir.path())) == std::vector<std::string>{"two.json"});
  CHECK_NOTHROW(remove_from_inbox(items[0]));
  remove_from_inbox(items[1]);
  CHECK(read_inbox(dir.path()).empty());
}

TEST_CASE("deliver into a run directory that cannot hold an inbox is an environment error") {
  TempDir dir;
  write_text(dir / "not-a-dir", "a file");
  CHECK_THROWS_AS(deliver(dir / "not-a-dir", make_decision("x")), EnvironmentError);
}

TEST_CASE("new_decision_id is unique across calls at the same time and sorts by time") {
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.insert(new_decision_id(utc_at(123)));
  CHECK(ids.size() == 200);
  for (const std::string& id : ids) {
    CHECK(id.starts_with("20261128T170000123Z-"));
    CHECK(id.find('/') == std::string::npos);
    CHECK(id.find(' ') == std::string::npos);
  }
  CHECK(new_decision_id(utc_at(999)) < new_decision_id(utc_at(1'000)));
}
