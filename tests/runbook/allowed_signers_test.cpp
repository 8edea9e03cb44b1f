// identity.allowed_signers (allowed_signers.cpp): the file's lines to signers, every line that
// cutover cannot rely on refused at its line, and the file read at load with every decider
// checked for a key.
#include "cutover/runbook/allowed_signers.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cutover/runbook/loader.hpp"
#include "support/loader_support.hpp"
#include "support/test_support.hpp"

using namespace cutover;
using namespace cutover::testing;

namespace {

// Public keys made once with `ssh-keygen -t ed25519`: "type base64", as a Signer keeps them.
const std::string key1 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOpZxEmah3uyuob/APv8PO/2rmFlrWSpXShmeFSl1q1";
const std::string key2 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh6tJAxKt3ClQe9WzFY5JUsnePOhl8GPCbvvBktaQ5E";
const std::string key3 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICPv6S544DJtvwSl7YzELXMU7X1lb9yrSnAIX+MkpBLc";

const std::string line_hint =
    "one line per person: NAME KEY-TYPE BASE64 [COMMENT], as in a .pub file with the name in "
    "front";
const std::string pattern_hint =
    "patterns are not supported: name each person, as --by gives the name";
const std::string two_names_hint = "one key is one person: with two names it could approve twice";

// Every problem on its own line, "3: message [hint]", for one comparison.
std::string problems_of(const ParsedSigners& parsed) {
  std::string out;
  for (const SignersProblem& problem : parsed.problems) {
    out += std::to_string(problem.line) + ": " + problem.message;
    if (!problem.hint.empty()) out += " [" + problem.hint + "]";
    out += "\n";
  }
  return out;
}

// Every signer as "line name key", for one comparison.
std::string signers_of(const std::vector<Signer>& signers) {
  std::string out;
  for (const Signer& signer : signers) {
    out += std::to_string(signer.line) + " " + signer.name + " " + signer.key + "\n";
  }
  return out;
}

// A runbook in a folder of its own, with the allowed_signers file beside it.
struct Folder {
  TempDir dir;

  std::filesystem::path runbook_file() const { return dir / "rb.yaml"; }
  std::filesystem::path signers_file() const { return dir / "people.allowed_signers"; }

  LoadResult load(const std::string& runbook, const LoadOptions& options = {}) const {
    write_text(runbook_file(), runbook);
    return load_runbook_text(runbook, runbook_file().string(), options);
  }
};

// Lines 1-3, with `identity` on line 3 and its allowed_signers value at column 29.
const std::string identity_header =
    "version: 1\nid: rb\nidentity: {allowed_signers: people.allowed_signers}\n";

// A gate that alice and bob approve, task go on lines 8-11 after `tasks:` on line 4 and task a.
const std::string gate_tasks = "tasks:\n" + task_a +
                               "  - id: go\n    depends_on: [a]\n    estimate: 1m\n    gate: "
                               "{approvals: [alice, bob]}\n";

}  // namespace

// --- parse_allowed_signers -----------------------------------------------------------------

TEST_CASE("allowed_signers: good lines - the key without its comment - in file order") {
  const std::string text = "alice " + key1 + " alice@laptop\nbob " + key2 + "\ncarol " + key3 +
                           " carol at the jump host\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) ==
        "1 alice " + key1 + "\n2 bob " + key2 + "\n3 carol " + key3 + "\n");
}

TEST_CASE("allowed_signers: comments - blank lines - tabs - a last line without its newline") {
  const std::string text =
      "# who decides\n\n   \nalice\t" + key1 + "\n  # bob left\n\nbob   " + key2 + "   bob@jump";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) == "4 alice " + key1 + "\n7 bob " + key2 + "\n");
}

TEST_CASE("allowed_signers: CRLF line ends are not part of the key or the line count") {
  const std::string text = "# people\r\nalice " + key1 + "\r\nbob " + key2 + " bob\r\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) == "2 alice " + key1 + "\n3 bob " + key2 + "\n");
  // A malformed line is counted the same way.
  CHECK(problems_of(parse_allowed_signers("alice " + key1 + "\r\n\r\nbob\r\n")) ==
        "3: not a key line [" + line_hint + "]\n");
}

TEST_CASE("allowed_signers: an options field that allows the cutover namespace is accepted") {
  const std::string text = "alice namespaces=\"cutover\" " + key1 + " alice\nbob " +
                           "NAMESPACES=\"cutover\" " + key2 + "\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n2 bob " + key2 + "\n");
}

TEST_CASE("allowed_signers: namespaces listing cutover among others is accepted") {
  const std::string text = "alice namespaces=\"cutover,file\" " + key1 + "\nbob namespaces=\"" +
                           "file,cutover\" " + key2 + "\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n2 bob " + key2 + "\n");
}

TEST_CASE("allowed_signers: namespaces without cutover - cert-authority - refused at their line") {
  const std::string text = "alice " + key1 + "\nbob namespaces=\"git\" " + key2 +
                           "\n*@example.com cert-authority " + key3 + "\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) ==
        "2: this key may only sign for namespaces=\"git\", not \"cutover\"\n"
        "3: certificate authorities are not supported: list each person's own key\n");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n");
  // Among other options too, in any case, as OpenSSH reads them.
  const std::string combined = "carol namespaces=\"cutover\",CERT-AUTHORITY " + key3 + "\n";
  CHECK(problems_of(parse_allowed_signers(combined)) ==
        "1: certificate authorities are not supported: list each person's own key\n");
}

TEST_CASE("allowed_signers: time-limited keys are refused - verify runs later") {
  const std::string text = "alice valid-after=\"20260101\" " + key1 + "\nbob " +
                           "namespaces=\"cutover\",Valid-Before=\"20270101\" " + key2 + "\n";
  CHECK(problems_of(parse_allowed_signers(text)) ==
        "1: valid-after is not supported: `cutover verify` checks signatures later, offline, "
        "when a time-limited key may have expired\n"
        "2: valid-before is not supported: `cutover verify` checks signatures later, offline, "
        "when a time-limited key may have expired\n");
}

TEST_CASE("allowed_signers: quoted principals are the names they list - one key two names") {
  const std::string text = "\"alice,bob\" " + key1 + "\n";
  CHECK(problems_of(parse_allowed_signers(text)) ==
        "1: the key of 'bob' is also 'alice''s (line 1) [one key is one person: with two names "
        "it could approve twice]\n");
}

TEST_CASE("allowed_signers: a line that is not a key line") {
  // A name alone; a name and a key type without its key; a .pub line without the name; words.
  const std::string pub_line = key1 + " alice@laptop";
  const std::string text = "alice\nbob ssh-ed25519\n" + pub_line + "\nthis is not a key\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "1: not a key line [" + line_hint +
                                   "]\n"
                                   "2: not a key line [" +
                                   line_hint +
                                   "]\n"
                                   "3: not a key line [" +
                                   line_hint +
                                   "]\n"
                                   "4: not a key line [" +
                                   line_hint + "]\n");
  CHECK(parsed.signers.empty());
}

TEST_CASE("allowed_signers: a key that is not base64 is refused at its line") {
  const std::string text = "alice " + key1 + "\nbob ssh-ed25519 AAAA-not_base64!\ncarol " + key3 +
                           "x\ndave ecdsa-sha2-nistp256 AAAAE2Vj\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  const std::string hint = " [copy the key from the person's .pub file whole]\n";
  CHECK(problems_of(parsed) == "2: the ssh-ed25519 key is not base64" + hint +
                                   "3: the ssh-ed25519 key is not base64" + hint);
  CHECK(signers_of(parsed.signers) ==
        "1 alice " + key1 + "\n4 dave ecdsa-sha2-nistp256 AAAAE2Vj\n");
}

TEST_CASE("allowed_signers: a principal that is a pattern is not a name") {
  const std::string text = "*@example.com " + key1 + "\n!x " + key2 + "\nali?e " + key3 + "\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "1: '*@example.com' is not a name [" + pattern_hint +
                                   "]\n"
                                   "2: '!x' is not a name [" +
                                   pattern_hint +
                                   "]\n"
                                   "3: 'ali?e' is not a name [" +
                                   pattern_hint + "]\n");
  CHECK(parsed.signers.empty());
  // In a list of principals, the pattern only.
  const ParsedSigners listed = parse_allowed_signers("alice,!bob " + key1 + "\n");
  CHECK(problems_of(listed) == "1: '!bob' is not a name [" + pattern_hint + "]\n");
  CHECK(signers_of(listed.signers) == "1 alice " + key1 + "\n");
}

TEST_CASE("allowed_signers: one key under two names on one line is refused") {
  const ParsedSigners parsed = parse_allowed_signers("alice,bob " + key1 + "\n");
  CHECK(problems_of(parsed) ==
        "1: the key of 'bob' is also 'alice''s (line 1) [" + two_names_hint + "]\n");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n");
}

TEST_CASE("allowed_signers: one key under two names on two lines names the other line") {
  const std::string text =
      "alice " + key1 + "\n# bob\nbob " + key2 + "\ncarol " + key1 + " copied from alice\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) ==
        "4: the key of 'carol' is also 'alice''s (line 1) [" + two_names_hint + "]\n");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n3 bob " + key2 + "\n");
}

TEST_CASE("allowed_signers: one person with two keys is accepted") {
  const std::string text = "alice " + key1 + " laptop\nalice " + key2 + " jump host\n";
  const ParsedSigners parsed = parse_allowed_signers(text);
  CHECK(problems_of(parsed) == "");
  CHECK(signers_of(parsed.signers) == "1 alice " + key1 + "\n2 alice " + key2 + "\n");
}

TEST_CASE("allowed_signers: a file without keys lists no keys") {
  const std::string no_keys =
      "0: it lists no keys [one line per person: NAME KEY-TYPE BASE64 [COMMENT]]\n";
  CHECK(problems_of(parse_allowed_signers("")) == no_keys);
  CHECK(problems_of(parse_allowed_signers("# nobody yet\n\n  \n")) == no_keys);
  CHECK(problems_of(parse_allowed_signers("\r\n")) == no_keys);
  // A file whose lines are all wrong says what is wrong with them instead.
  CHECK(problems_of(parse_allowed_signers("alice\n")) == "1: not a key line [" + line_hint + "]\n");
}

// --- load_identity, through the loader -----------------------------------------------------

TEST_CASE("identity: the file is read beside the runbook into runbook.identity") {
  Folder folder;
  const std::string people = "# who decides\nalice " + key1 + " alice@laptop\nbob " + key2 + "\n";
  write_text(folder.signers_file(), people);
  const LoadResult result = folder.load(identity_header + gate_tasks);
  CHECK(list(result) == "");
  REQUIRE(result.runbook.identity);
  const Identity& identity = *result.runbook.identity;
  CHECK(identity.allowed_signers == "people.allowed_signers");
  CHECK(identity.file == folder.signers_file().string());
  CHECK(identity.text == people);
  CHECK(signers_of(identity.signers) == "2 alice " + key1 + "\n3 bob " + key2 + "\n");
  CHECK(identity.location == Location{3, 29});
  CHECK(identity.knows("alice"));
  CHECK_FALSE(identity.knows("carol"));
  // Without `identity`, no file is read.
  CHECK_FALSE(folder.load(header + gate_tasks).runbook.identity);
}

TEST_CASE("identity: a missing file is an error at allowed_signers naming the file") {
  Folder folder;
  const LoadResult result = folder.load(identity_header + "tasks:\n" + task_a);
  CHECK(list(result) == "error 3:29: " + folder.signers_file().string() +
                            ": no such file [identity.allowed_signers is read relative to the "
                            "runbook's folder]\n");
  // A folder in its place.
  std::filesystem::create_directory(folder.signers_file());
  CHECK(list(folder.load(identity_header + "tasks:\n" + task_a)) ==
        "error 3:29: " + folder.signers_file().string() +
            ": a folder, not an allowed_signers file [identity.allowed_signers is read relative "
            "to the runbook's folder]\n");
}

TEST_CASE("identity: a file over 1 MiB is not read") {
  Folder folder;
  std::string huge = "alice " + key1 + "\n";
  while (huge.size() <= (1u << 20)) huge += "# padding padding padding padding padding\n";
  write_text(folder.signers_file(), huge);
  CHECK(list(folder.load(identity_header + "tasks:\n" + task_a)) ==
        "error 3:29: " + folder.signers_file().string() +
            ": larger than 1024 KiB: not an allowed_signers file [identity.allowed_signers is "
            "read relative to the runbook's folder]\n");
}

TEST_CASE("identity: a malformed line is an error at allowed_signers with the line in the file") {
  Folder folder;
  write_text(folder.signers_file(), "alice " + key1 + "\nbob ssh-ed25519\n");
  const LoadResult result = folder.load(identity_header + gate_tasks);
  const std::string listed = list(result);
  CHECK(listed == "error 3:29: " + folder.signers_file().string() + ":2: not a key line [" +
                      line_hint + "]\n");
  CHECK(listed.find("people.allowed_signers:2: ") != std::string::npos);
  // With the file wrong, bob is not also reported as a gate approver without a key.
  CHECK(listed.find("approves") == std::string::npos);

  write_text(folder.signers_file(), "alice " + key1 + "\nbob " + key1 + "\n");
  CHECK(list(folder.load(identity_header + gate_tasks)) ==
        "error 3:29: " + folder.signers_file().string() +
            ":2: the key of 'bob' is also 'alice''s (line 1) [" + two_names_hint + "]\n");

  write_text(folder.signers_file(), "\n# nobody\n");
  CHECK(list(folder.load(identity_header + gate_tasks)) ==
        "error 3:29: " + folder.signers_file().string() +
            ": it lists no keys [one line per person: NAME KEY-TYPE BASE64 [COMMENT]]\n");
}

TEST_CASE("identity: a gate approver without a key is an error at the gate naming them") {
  Folder folder;
  write_text(folder.signers_file(), "alice " + key1 + "\ncarol " + key3 + "\n");
  const LoadResult result = folder.load(identity_header + gate_tasks);
  CHECK(list(result) ==
        "error 8:9: 'bob' approves go but has no key in people.allowed_signers [add a line for "
        "them: NAME followed by their .pub key]\n");
}

TEST_CASE("identity: a go_live sign-off name without a key is an error at go_live") {
  Folder folder;
  write_text(folder.signers_file(), "alice " + key1 + "\nbob " + key2 + "\n");
  const std::string rule = "go_live:\n  signoffs: [alice, dave]\n";
  const LoadResult result = folder.load(identity_header + gate_tasks + rule);
  CHECK(list(result) ==
        "error 13:3: 'dave' signs off rehearsals but has no key in people.allowed_signers [add "
        "a line for them: NAME followed by their .pub key]\n");
  // With dave's key, nothing.
  write_text(folder.signers_file(),
             "alice " + key1 + "\nbob " + key2 + "\ndave " + key3 + " dave\n");
  CHECK(list(folder.load(identity_header + gate_tasks + rule)) == "");
}

TEST_CASE("identity: LoadOptions allowed_signers is read instead of the file the runbook names") {
  Folder folder;
  // The runbook's own file lacks bob and would be refused; the frozen copy has him.
  write_text(folder.signers_file(), "alice " + key1 + "\n");
  TempDir run;
  const auto frozen = run / "allowed_signers";
  const std::string copy = "alice " + key1 + "\nbob " + key2 + "\n";
  write_text(frozen, copy);
  LoadOptions options;
  options.allowed_signers = frozen;
  const LoadResult result = folder.load(identity_header + gate_tasks, options);
  CHECK(list(result) == "");
  REQUIRE(result.runbook.identity);
  CHECK(result.runbook.identity->file == frozen.string());
  CHECK(result.runbook.identity->text == copy);
  CHECK(signers_of(result.runbook.identity->signers) ==
        "1 alice " + key1 + "\n2 bob " + key2 + "\n");
  // The runbook's own file is not read as a fallback when the copy is missing.
  write_text(folder.signers_file(), copy);
  options.allowed_signers = run / "missing";
  CHECK(list(folder.load(identity_header + gate_tasks, options)) ==
        "error 3:29: " + (run / "missing").string() +
            ": no such file [identity.allowed_signers is read relative to the runbook's "
            "folder]\n");
}

TEST_CASE("identity: an unknown key - no allowed_signers - the wrong shape") {
  Folder folder;
  write_text(folder.signers_file(), "alice " + key1 + "\n");
  const std::string tasks = "tasks:\n" + task_a;
  const LoadResult unknown = folder.load(
      header + "identity: {allowed_signers: people.allowed_signers, signers: x}\n" + tasks);
  CHECK(list(unknown).find("error 3:53: unknown key 'signers' in identity") == 0);
  CHECK(unknown.diagnostics.error_count() == 1);

  const LoadResult missing = folder.load(header + "identity: {}\n" + tasks);
  CHECK(missing.diagnostics.error_count() == 1);
  CHECK(list(missing).find("allowed_signers") != std::string::npos);
  CHECK(list(missing).find("error 3:") == 0);
  CHECK_FALSE(missing.runbook.identity);

  const LoadResult list_of = folder.load(header + "identity: [people.allowed_signers]\n" + tasks);
  CHECK(list_of.diagnostics.error_count() == 1);
  CHECK(list(list_of).find("error 3:11: 'identity' must be a mapping with allowed_signers") == 0);
}
