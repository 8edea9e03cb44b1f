// Signed decisions (signatures.cpp): the statement's canonical text, and signing and verifying
// it with the real ssh-keygen, keys made for each test.
#include "cutover/run/signatures.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cutover/base/errors.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

Statement approval() {
  return {"erp/20261128T170000Z",
          "2026-11-28T17:00:00.000Z",
          "d-0001",
          "approve",
          "go",
          "",
          "alice",
          "all checks green",
          utc_at(1234)};
}

// Every field, the time as the statement text writes it.
std::vector<std::string> fields_of(const Statement& s) {
  return {s.run_id, s.run_started, s.decision,           s.action, s.task, s.verdict,
          s.by,     s.note,        format_utc_ms(s.time)};
}

// Keys made with ssh-keygen in a folder of their own: alice's and bob's without a passphrase,
// carol's with one; `people` lists alice and bob.
struct Keys {
  TempDir dir;
  std::filesystem::path alice = dir / "alice";
  std::filesystem::path bob = dir / "bob";
  std::filesystem::path carol = dir / "carol";
  std::string people;  // the allowed_signers text

  Keys() {
    generate(alice, "");
    generate(bob, "");
    generate(carol, "secret");
    people = "alice " + public_key(alice) + "\nbob " + public_key(bob) + "\n";
  }

  static void generate(const std::filesystem::path& key, const std::string& passphrase) {
    const std::string command = "ssh-keygen -q -t ed25519 -N '" + passphrase + "' -C " +
                                key.filename().string() + " -f '" + key.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
  }

  // The .pub file's "type base64", without its comment.
  static std::string public_key(const std::filesystem::path& key) {
    std::string text = read_text(key.string() + ".pub");
    const auto type_end = text.find(' ');
    REQUIRE(type_end != std::string::npos);
    const auto key_end = text.find_first_of(" \n", type_end + 1);
    return text.substr(0, key_end);
  }
};

// Unsets an environment variable for the life of the guard, then restores it as it was.
class Unset {
 public:
  explicit Unset(const char* name) : name_(name) {
    if (const char* value = std::getenv(name)) saved_ = value;
    ::unsetenv(name);
  }
  ~Unset() {
    if (saved_) {
      ::setenv(name_, saved_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  Unset(const Unset&) = delete;
  Unset& operator=(const Unset&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

}  // namespace

// --- the statement ------------------------------------------------------------------------

TEST_CASE("statement_text: the same bytes for the same statement - one line") {
  const std::string text = statement_text(approval());
  CHECK(text == statement_text(approval()));
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  CHECK(text.find('\n') == text.size() - 1);
  // A note with a line break of its own stays on the statement's one line.
  Statement multiline = approval();
  multiline.note = "first\nsecond\r\n";
  const std::string escaped = statement_text(multiline);
  CHECK(escaped.find('\n') == escaped.size() - 1);
  CHECK(escaped.find('\r') == std::string::npos);
}

TEST_CASE("statement_text: differs when any one field differs") {
  const std::string base = statement_text(approval());
  std::vector<Statement> changed(9, approval());
  changed[0].run_id = "erp/20261128T170001Z";
  changed[1].decision = "d-0002";
  changed[2].action = "reject";
  changed[3].task = "go2";
  changed[4].verdict = "succeeded";
  changed[5].by = "bob";
  changed[6].note = "all checks green.";
  changed[7].time = utc_at(1235);
  changed[8].run_started = "2026-11-28T17:00:00.001Z";
  for (std::size_t i = 0; i < changed.size(); ++i) {
    CAPTURE(i);
    CHECK(statement_text(changed[i]) != base);
  }
  // Text moved from one field into the next is another statement too.
  Statement moved = approval();
  moved.task = "";
  moved.verdict = "go";
  CHECK(statement_text(moved) != base);
}

TEST_CASE("parse_statement: reads back every field of statement_text") {
  Statement mark = approval();
  mark.action = "mark";
  mark.task = "load-data";
  mark.verdict = "succeeded";
  mark.note = "rows \"match\"\nsee ticket 7 \xC3\xA9";
  for (const Statement& statement : {approval(), mark}) {
    const auto parsed = parse_statement(statement_text(statement));
    REQUIRE(parsed);
    CHECK(fields_of(*parsed) == fields_of(statement));
    CHECK(parsed->time == statement.time);
    CHECK(statement_text(*parsed) == statement_text(statement));
  }
}

TEST_CASE("parse_statement: refuses text that is not a statement") {
  const std::string good = statement_text(approval());
  CHECK_FALSE(parse_statement(""));
  CHECK_FALSE(parse_statement("not json"));
  CHECK_FALSE(parse_statement(good.substr(0, good.size() / 2)));
  CHECK_FALSE(parse_statement("[1, 2]"));
  const std::string other_kind =
      R"({"cutover":"run","run":"r","action":"approve","time":"2026-11-28T17:00:01.234Z"})";
  CHECK_FALSE(parse_statement(other_kind));
  const std::string no_time = R"({"cutover":"decision","run":"r","action":"approve"})";
  CHECK_FALSE(parse_statement(no_time));
  const std::string bad_time =
      R"({"cutover":"decision","run":"r","action":"approve","time":"yesterday"})";
  CHECK_FALSE(parse_statement(bad_time));
  const std::string time_not_text =
      R"({"cutover":"decision","run":"r","action":"approve","time":1234})";
  CHECK_FALSE(parse_statement(time_not_text));
}

// --- signing and verifying with ssh-keygen -------------------------------------------------

TEST_CASE("signatures: a statement signed with the key of alice is hers") {
  Keys keys;
  const event::Signature signature = sign_statement(keys.alice, approval());
  CHECK(signature.statement == statement_text(approval()));
  CHECK(signature.sshsig.find("-----BEGIN SSH SIGNATURE-----") == 0);
  CHECK(signature_problem(keys.people, "alice", signature.statement, signature.sshsig) ==
        std::nullopt);
  // sign_text signs any text the same way.
  const std::string text = "any text\n";
  CHECK(signature_problem(keys.people, "bob", text, sign_text(keys.bob, text)) == std::nullopt);
}

TEST_CASE("signatures: a signature by alice is not one by bob - nor by anybody not listed") {
  Keys keys;
  const event::Signature signature = sign_statement(keys.alice, approval());
  const auto as_bob = signature_problem(keys.people, "bob", signature.statement, signature.sshsig);
  REQUIRE(as_bob);
  CHECK(as_bob->find("the signature is not bob's (ssh-keygen: ") == 0);
  const auto as_mallory =
      signature_problem(keys.people, "mallory", signature.statement, signature.sshsig);
  REQUIRE(as_mallory);
  CHECK(as_mallory->find("the signature is not mallory's") == 0);
}

TEST_CASE("signatures: a signature does not hold for a text changed after signing") {
  Keys keys;
  const event::Signature signature = sign_statement(keys.alice, approval());
  Statement changed = approval();
  changed.action = "reject";
  const auto problem =
      signature_problem(keys.people, "alice", statement_text(changed), signature.sshsig);
  REQUIRE(problem);
  CHECK(problem->find("the signature is not alice's") == 0);
  // One byte more is enough.
  CHECK(signature_problem(keys.people, "alice", signature.statement + " ", signature.sshsig));
  // The statement without its line end too.
  const std::string cut = signature.statement.substr(0, signature.statement.size() - 1);
  CHECK(signature_problem(keys.people, "alice", cut, signature.sshsig));
}

TEST_CASE("signatures: an empty signature is not signed - garbage is no signature") {
  Keys keys;
  const std::string text = statement_text(approval());
  CHECK(signature_problem(keys.people, "alice", text, "") == "it is not signed");
  const auto garbage = signature_problem(keys.people, "alice", text, "not a signature\n");
  REQUIRE(garbage);
  CHECK(garbage->find("the signature is not alice's") == 0);
}

TEST_CASE("signatures: a signature made for another namespace than cutover does not hold") {
  Keys keys;
  const std::string text = statement_text(approval());
  const auto file = keys.dir / "statement";
  write_text(file, text);
  const std::string command = "ssh-keygen -q -Y sign -f '" + keys.alice.string() + "' -n git '" +
                              file.string() + "' 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string sshsig = read_text(file.string() + ".sig");
  REQUIRE(sshsig.find("BEGIN SSH SIGNATURE") != std::string::npos);
  CHECK(signature_problem(keys.people, "alice", text, sshsig));
  // The same text signed by cutover holds.
  CHECK(signature_problem(keys.people, "alice", text, sign_text(keys.alice, text)) == std::nullopt);
}

TEST_CASE("sign_text: a missing key file is a usage error") {
  TempDir dir;
  const auto missing = dir / "nobody";
  CHECK_THROWS_WITH_AS(
      sign_text(missing, "text\n"),
      doctest::Contains(("--key " + missing.string() + ": no such key file").c_str()), UsageError);
  // A folder is not a key file either.
  CHECK_THROWS_WITH_AS(sign_text(dir.path(), "text\n"), doctest::Contains("no such key file"),
                       UsageError);
}

TEST_CASE("sign_text: a file that is not a private key is a usage error") {
  TempDir dir;
  const auto file = dir / "notes.txt";
  write_text(file, "these are not the keys you are looking for\n");
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  CHECK_THROWS_WITH_AS(
      sign_text(file, "text\n"),
      doctest::Contains((file.string() + " is not an OpenSSH private key").c_str()), UsageError);
}

TEST_CASE("sign_text: a private key open to others is refused with the reason ssh-keygen gives") {
  Keys keys;
  std::filesystem::permissions(
      keys.alice, std::filesystem::perms::group_read | std::filesystem::perms::others_read,
      std::filesystem::perm_options::add);
  const std::string expected = keys.alice.string() +
                               " is readable by others, so ssh-keygen will "
                               "not use it";
  CHECK_THROWS_WITH_AS(sign_text(keys.alice, "text\n"), doctest::Contains(expected.c_str()),
                       UsageError);
  CHECK_THROWS_WITH_AS(sign_text(keys.alice, "text\n"), doctest::Contains("bad permissions"),
                       UsageError);
}

TEST_CASE("sign_text: a key with a passphrase is refused - it names ssh-agent") {
  Keys keys;
  CHECK_THROWS_WITH_AS(
      sign_text(keys.carol, "text\n"),
      doctest::Contains((keys.carol.string() + " is protected by a passphrase").c_str()),
      UsageError);
  CHECK_THROWS_WITH_AS(sign_text(keys.carol, "text\n"), doctest::Contains("ssh-add"), UsageError);
}

TEST_CASE("sign_text: a public key without SSH_AUTH_SOCK is refused - it names ssh-agent") {
  Keys keys;
  const auto pub = keys.alice.string() + ".pub";
  const Unset no_agent("SSH_AUTH_SOCK");
  REQUIRE(std::getenv("SSH_AUTH_SOCK") == nullptr);
  CHECK_THROWS_WITH_AS(sign_text(pub, "text\n"), doctest::Contains("ssh-agent"), UsageError);
  CHECK_THROWS_WITH_AS(sign_text(pub, "text\n"), doctest::Contains("SSH_AUTH_SOCK is not set"),
                       UsageError);
  // Set but empty is no agent either.
  ::setenv("SSH_AUTH_SOCK", "", 1);
  CHECK_THROWS_WITH_AS(sign_text(pub, "text\n"), doctest::Contains("ssh-agent"), UsageError);
}
