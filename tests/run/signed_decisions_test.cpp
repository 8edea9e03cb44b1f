// `cutover verify` of signed decisions (signed_decisions.cpp): every decision a person made is
// checked against the run's frozen allowed_signers, with keys made by the real ssh-keygen.
#include "cutover/run/signed_decisions.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/sha256.hpp"
#include "cutover/run/signatures.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// A run directory with alice's and bob's keys (made by ssh-keygen) frozen as its
// allowed_signers, and a journal whose header names that file's SHA-256.
struct SignedRun {
  TempDir dir;
  std::filesystem::path run_dir = dir / "run";
  std::filesystem::path alice = dir / "alice";
  std::filesystem::path bob = dir / "bob";
  std::string signers_text;
  JournalBuilder builder;

  SignedRun() {
    std::filesystem::create_directory(run_dir);
    generate(alice);
    generate(bob);
    signers_text =
        "alice " + read_text(alice.string() + ".pub") + "bob " + read_text(bob.string() + ".pub");
    write_text(run_dir / frozen_signers_name, signers_text);
    builder.add(run_started());
  }

  static void generate(const std::filesystem::path& key) {
    const std::string command = "ssh-keygen -q -t ed25519 -N '' -C " + key.filename().string() +
                                " -f '" + key.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
  }

  const std::string& run_id() const { return builder.journal().header.run_id; }

  // The journal as written so far, its header naming the frozen file's SHA-256.
  Journal journal() const {
    Journal journal = builder.journal();
    journal.header.allowed_signers_sha256 = sha256_hex(signers_text);
    return journal;
  }

  // `by`'s decision, signed with `key` for this run (or the one given).
  event::Person signed_by(const std::filesystem::path& key, const std::string& by,
                          const std::string& action, const std::string& task,
                          const std::string& note = {}, const std::string& verdict = {},
                          const std::string& run = {}) const {
    event::Person who = person(by, by, "jump-1");
    who.decision = "d-" + action + "-" + task + "-" + by;
    who.note = note;
    const Statement statement{run.empty() ? run_id() : run,
                              format_utc_ms(builder.journal().header.time),
                              who.decision,
                              action,
                              task,
                              verdict,
                              by,
                              note,
                              utc_at(0)};
    who.signature = sign_statement(key, statement);
    return who;
  }
};

// "line action task verdict by" of every decision checked, for one comparison.
std::string checked_of(const SignaturesVerdict& verdict) {
  std::string out;
  for (const CheckedDecision& d : verdict.checked) {
    out += std::to_string(d.line) + " " + d.action + " " + d.task + " " + d.verdict + " " + d.by +
           "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("verify_signatures: a run without identities has nothing to check") {
  TempDir dir;
  JournalBuilder builder;
  builder.add(run_started()).add(gate_waiting("go", {"alice"})).add(approved("go", "alice"));
  const SignaturesVerdict verdict = verify_signatures(dir.path(), builder.journal());
  CHECK_FALSE(verdict.identities);
  CHECK(verdict.checked.empty());
  CHECK_FALSE(verdict.problem);
  CHECK(verdict.bad_line == 0);
}

TEST_CASE("verify_signatures: signed decisions are checked - each at its journal line") {
  SignedRun run;
  run.builder
      .add(gate_waiting("go", {"alice"}))                                                // line 3
      .add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")))  // line 4
      .add(started("load", "manual"))                                                    // line 5
      .add(marked("load", TaskStatus::succeeded,
                  run.signed_by(run.bob, "bob", "mark", "load", "rows match", "done"),
                  "rows match"))                  // line 6
      .add(finished("a"))                         // line 7: no person
      .add(run_finished(RunOutcome::succeeded));  // line 8
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.identities);
  CHECK(verdict.problem == std::nullopt);
  CHECK(verdict.bad_line == 0);
  CHECK(checked_of(verdict) == "4 approve go  alice\n6 mark load done bob\n");
}

TEST_CASE("verify_signatures: a hold - a rejection - a retry - a sign-off are decisions too") {
  SignedRun run;
  run.builder.add(gate_waiting("go", {"alice", "bob"}))
      .add(held("go", "bob", "wait for finance",
                run.signed_by(run.bob, "bob", "hold", "go",
                              "wait for finance")))                                     // line 4
      .add(rejected("go", "alice", run.signed_by(run.alice, "alice", "reject", "go")))  // line 5
      .add(reset("load", "",
                 run.signed_by(run.alice, "alice", "mark", "load", "", "retry")))  // line 6
      .add(event::SignedOff{run.signed_by(run.bob, "bob", "signoff", "", "smoke green")});
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.problem == std::nullopt);
  CHECK(checked_of(verdict) ==
        "4 hold go  bob\n5 reject go  alice\n6 mark load retry alice\n7 signoff   bob\n");
}

TEST_CASE("verify_signatures: an unsigned decision is the problem at its line") {
  SignedRun run;
  run.builder.add(gate_waiting("go", {"alice", "bob"}))
      .add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")))
      .add(approved("go", "bob"));  // line 5
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.identities);
  CHECK(verdict.problem == "bob's decision is not signed");
  CHECK(verdict.bad_line == 5);
}

TEST_CASE("verify_signatures: a signature made for another run does not hold here") {
  SignedRun run;
  run.builder.add(gate_waiting("go", {"alice"}))
      .add(approved("go", "alice",
                    run.signed_by(run.alice, "alice", "approve", "go", "", "",
                                  "test/20261127T170000Z")));  // line 4
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  const std::string expected = "the signature is for run test/20261127T170000Z started " +
                               format_utc_ms(run.journal().header.time) + ", not this one";
  CHECK(verdict.problem == expected);
  CHECK(verdict.bad_line == 4);
}

TEST_CASE("verify_signatures: a signature for another run of the same id does not hold here") {
  SignedRun run;
  run.builder.add(gate_waiting("go", {"alice"}))
      .add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")));
  Journal journal = run.journal();
  journal.header.time = journal.header.time + std::chrono::seconds(1);  // another start
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("the signature is for run " + run.run_id() + " started ") == 0);
  CHECK(verdict.bad_line == 4);
}

TEST_CASE("verify_signatures: a note changed after signing does not hold") {
  SignedRun run;
  event::Person alice = run.signed_by(run.alice, "alice", "approve", "go", "checks green");
  alice.note = "checks green, and finance agreed";
  run.builder.add(gate_waiting("go", {"alice"})).add(approved("go", "alice", alice));  // line 4
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("the signed statement (approve go by alice) is not what the line "
                              "records (go by alice)") == 0);
  CHECK(verdict.bad_line == 4);
}

TEST_CASE("verify_signatures: a signed statement recorded for another task or person or decision") {
  SignedRun run;
  const event::Person alice = run.signed_by(run.alice, "alice", "approve", "go");
  SUBCASE("another task") {
    run.builder.add(approved("go2", "alice", alice));
  }
  SUBCASE("another person") {
    event::Person bob = alice;
    bob.by = "bob";
    run.builder.add(approved("go", "bob", bob));
  }
  SUBCASE("another decision id") {
    event::Person copy = alice;
    copy.decision = "d-other";
    run.builder.add(approved("go", "alice", copy));
  }
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("is not what the line records") != std::string::npos);
  CHECK(verdict.bad_line == 3);
}

TEST_CASE("verify_signatures: a signature by bob recorded as one by alice does not hold") {
  SignedRun run;
  run.builder.add(gate_waiting("go", {"alice"}))
      .add(approved("go", "alice", run.signed_by(run.bob, "alice", "approve", "go")));  // line 4
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("the signature is not alice's (ssh-keygen: ") == 0);
  CHECK(verdict.bad_line == 4);
  CHECK(verdict.checked.empty());
}

TEST_CASE("verify_signatures: the frozen allowed_signers changed - missing - is line 1") {
  SignedRun run;
  run.builder.add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")));
  const auto frozen = run.run_dir / frozen_signers_name;
  SUBCASE("a key added after the run started") {
    write_text(frozen, run.signers_text + "mallory " + read_text(run.alice.string() + ".pub"));
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
    CHECK(verdict.identities);
    CHECK(verdict.problem ==
          frozen.string() + " is not the file the run started with (its SHA-256 differs)");
    CHECK(verdict.bad_line == 1);
  }
  SUBCASE("removed") {
    std::filesystem::remove(frozen);
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
    CHECK(verdict.identities);
    CHECK(verdict.problem == frozen.string() + " is missing");
    CHECK(verdict.bad_line == 1);
  }
  SUBCASE("a file in a run whose header names none") {
    Journal journal = run.journal();
    journal.header.allowed_signers_sha256.clear();
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
    CHECK(verdict.identities);
    CHECK(verdict.bad_line == 1);
    CHECK(verdict.problem);
  }
}

TEST_CASE("verify_signatures: a signed go-live override is checked at line 1") {
  SignedRun run;
  const event::Person alice =
      run.signed_by(run.alice, "alice", "override-go-live", "", "rehearsal lab burned down");
  GoLiveBasis basis;
  basis.override_by = GoLiveOverride{"alice", "rehearsal lab burned down", alice.signature};
  run.builder.add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")));
  Journal journal = run.journal();
  journal.header.go_live = basis;
  SUBCASE("signed") {
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
    CHECK(verdict.problem == std::nullopt);
    CHECK(checked_of(verdict) == "1 override-go-live   alice\n3 approve go  alice\n");
  }
  SUBCASE("not signed") {
    journal.header.go_live->override_by->signature.reset();
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
    CHECK(verdict.problem == "the go-live override: alice's decision is not signed");
    CHECK(verdict.bad_line == 1);
  }
  SUBCASE("its reason changed") {
    journal.header.go_live->override_by->reason = "we were in a hurry";
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
    REQUIRE(verdict.problem);
    CHECK(verdict.problem->find("the go-live override: the signed statement") == 0);
    CHECK(verdict.bad_line == 1);
  }
  SUBCASE("by another") {
    journal.header.go_live->override_by->by = "bob";
    const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
    REQUIRE(verdict.problem);
    CHECK(verdict.problem->find("the go-live override: ") == 0);
    CHECK(verdict.bad_line == 1);
  }
}

TEST_CASE("verify_signatures: a refused decision needs no signature") {
  SignedRun run;
  event::DecisionRefused refused{
      {}, run.run_id(), "approve", "go", "", person("mallory"), "the signature is not mallory's"};
  run.builder.add(gate_waiting("go", {"alice"}))
      .add(refused)                                                                       // line 4
      .add(approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go")));  // line 5
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.problem == std::nullopt);
  CHECK(checked_of(verdict) == "5 approve go  alice\n");
}

TEST_CASE("verify_signatures: a signed rejection recorded as an approval fails") {
  SignedRun run;
  run.builder.add(approved("go", "alice", run.signed_by(run.alice, "alice", "reject", "go")));
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.problem);
  CHECK(verdict.bad_line == 3);
}

TEST_CASE("verify_signatures: a mark signed failed recorded as succeeded fails") {
  SignedRun run;
  run.builder.add(marked("load", TaskStatus::succeeded,
                         run.signed_by(run.bob, "bob", "mark", "load", "", "failed")));
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.problem);
  CHECK(verdict.bad_line == 3);
}

TEST_CASE("verify_signatures: an approval credited to another approver than its signer fails") {
  SignedRun run;
  // alice's signed approval, copied as bob's: four eyes would count two.
  event::GateApproved copied =
      approved("go", "alice", run.signed_by(run.alice, "alice", "approve", "go"));
  copied.approver = "bob";
  run.builder.add(gate_waiting("go", {"alice", "bob"})).add(copied);
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("is not what the line records") != std::string::npos);
  CHECK(verdict.bad_line == 4);
}

TEST_CASE("verify_signatures: a signed decision recorded twice fails at the second") {
  SignedRun run;
  const event::Person retry = run.signed_by(run.bob, "bob", "mark", "load", "", "retry");
  run.builder.add(reset("load")).add(reset("load"));
  Journal journal = run.journal();
  std::get<event::TaskReset>(journal.events[1].body).person = retry;
  std::get<event::TaskReset>(journal.events[2].body).person = retry;
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, journal);
  REQUIRE(verdict.problem);
  CHECK(*verdict.problem ==
        "decision " + retry.decision + " is recorded again: a signature is good once");
  CHECK(verdict.bad_line == 4);
}

TEST_CASE("verify_signatures: a no-go is signed once for its gate_rejected and the gate's end") {
  SignedRun run;
  const event::Person no_go = run.signed_by(run.alice, "alice", "reject", "go", "smoke failed");
  run.builder.add(gate_waiting("go", {"alice"}))
      .add(rejected("go", "alice", no_go))
      .add(marked("go", TaskStatus::failed, no_go, "smoke failed"));
  const SignaturesVerdict verdict = verify_signatures(run.run_dir, run.journal());
  CHECK(verdict.problem == std::nullopt);
  CHECK(checked_of(verdict) == "4 reject go  alice\n5 reject go  alice\n");
}

TEST_CASE("verify_signatures: a runbook with identities whose people file and hash are gone") {
  TempDir dir;
  JournalBuilder builder;
  builder.add(run_started()).add(approved("go", "alice"));
  const SignaturesVerdict verdict = verify_signatures(dir.path(), builder.journal(), true);
  CHECK(verdict.identities);
  REQUIRE(verdict.problem);
  CHECK(verdict.problem->find("allowed_signers is missing") != std::string::npos);
  CHECK(verdict.bad_line == 1);
}
