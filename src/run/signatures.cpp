#include "cutover/run/signatures.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/sha256.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/run/new_run.hpp"
#include "cutover/run/process_runner.hpp"
#include "cutover/runbook/allowed_signers.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "run/child_inputs.hpp"

namespace cutover {

namespace {

using json = nlohmann::ordered_json;

// ssh-keygen answers in milliseconds; an agent asking its owner to confirm takes longer.
constexpr Duration ssh_keygen_timeout{30'000};

struct Call {
  ProcessEnded end;
  std::string out;
  std::string err;
};

// Runs an OpenSSH tool to its end through a real runner of its own: the same child set-up as a
// task's (only fds 0-2, default signals, its own process group), and stdin from `input`.
Call call_tool(std::string program, const std::vector<std::string>& arguments,
               std::string_view input) {
  ProcessSpec spec;
  spec.name = program;
  spec.env = current_environment();
  // Never a passphrase prompt: stdin carries the text, and nobody would see the question.
  set_env(spec, "SSH_ASKPASS_REQUIRE", "never");
  spec.argv = {std::move(program)};
  spec.argv.insert(spec.argv.end(), arguments.begin(), arguments.end());
  spec.timeout = ssh_keygen_timeout;
  spec.input = std::string(input);
  spec.workdir = std::filesystem::current_path();
  RealRunnerOptions options;
  options.watch_signals = false;
  const auto runner = make_real_runner(options);
  runner->start(1, spec);
  Call call;
  while (true) {
    for (Occurrence& occurrence : runner->wait()) {
      if (auto* output = std::get_if<ProcessOutput>(&occurrence)) {
        (output->stream == Stream::out ? call.out : call.err) += output->bytes;
      } else if (auto* end = std::get_if<ProcessEnded>(&occurrence)) {
        call.end = *end;
        return call;
      }
    }
  }
}

Call call_ssh_keygen(const std::vector<std::string>& arguments, std::string_view input) {
  return call_tool(require_ssh_keygen(), arguments, input);
}

// ssh-keygen's last words (its conclusion, after any banner), for a message.
std::string reason_of(const Call& call) {
  if (call.end.start_error) return *call.end.start_error;
  if (call.end.timed_out) return "ssh-keygen did not answer in 30s";
  std::string_view text = call.err.empty() ? call.out : call.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  text = text.substr(text.find_last_of('\n') + 1);  // npos + 1 == 0: the whole text
  if (text.empty()) return fmt::format("ssh-keygen ended with {}", call.end.exit_code);
  return printable(text);
}

// A private key must open without a passphrase: nobody could type one (stdin is the text).
void check_private_key(const std::filesystem::path& key) {
  const Call call = call_ssh_keygen({"-y", "-P", "", "-f", key.string()}, {});
  if (call.end.succeeded()) return;
  const std::string reason = reason_of(call);
  if (reason.find("passphrase") != std::string::npos) {
    throw UsageError(
        fmt::format("{} is protected by a passphrase: add it to ssh-agent (`ssh-add {}`) and give "
                    "--key {}.pub",
                    key.string(), key.string(), key.string()));
  }
  if (reason.find("bad permissions") != std::string::npos) {
    throw UsageError(fmt::format(
        "{} is readable by others, so ssh-keygen will not use it (ssh-keygen: {}): `chmod 600 {}`",
        key.string(), reason, key.string()));
  }
  throw UsageError(
      fmt::format("{} is not an OpenSSH private key (ssh-keygen: {})", key.string(), reason));
}

// A private temporary folder, removed with what is in it.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/cutover-XXXXXX", base && *base ? base : "/tmp");
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw EnvironmentError(fmt::format("cannot make a temporary folder in {}", pattern));
    }
    path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_private_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw EnvironmentError(fmt::format("{}: cannot be written", path.string()));
}

// An ssh-agent key: the agent must hold it, or ssh-keygen would look for the private key and
// ask for its passphrase where nobody sees the question.
void require_agent_key(const std::filesystem::path& public_key) {
  const char* agent = std::getenv("SSH_AUTH_SOCK");
  if (!agent || !*agent) {
    throw UsageError(fmt::format(
        "--key {} is a public key, which signs through ssh-agent, but SSH_AUTH_SOCK is not "
        "set: start the agent and `ssh-add` the private key, or give the private key file",
        public_key.string()));
  }
  std::ifstream in(public_key);
  std::string type, blob;
  in >> type >> blob;
  const std::string ssh_add = detail::resolve_program("ssh-add", current_environment());
  const Call listed = call_tool(ssh_add, {"-L"}, {});
  if (blob.empty() || listed.out.find(blob) == std::string::npos) {
    throw UsageError(
        fmt::format("the ssh-agent at SSH_AUTH_SOCK does not hold the key of {}: `ssh-add` its "
                    "private key first",
                    public_key.string()));
  }
}

}  // namespace

std::string statement_text(const Statement& statement) {
  json object = {{"cutover", "decision"},
                 {"run", statement.run_id},
                 {"run_started", statement.run_started},
                 {"decision", statement.decision},
                 {"action", statement.action},
                 {"task", statement.task},
                 {"verdict", statement.verdict},
                 {"by", statement.by},
                 {"note", statement.note},
                 {"time", format_utc_ms(statement.time)}};
  // Invalid UTF-8 in a note is replaced, as the journal replaces it: the text stays signable.
  return object.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<Statement> parse_statement(std::string_view text) {
  const json object = json::parse(text, nullptr, false);
  if (!object.is_object() || object.value("cutover", "") != "decision") return std::nullopt;
  const auto field = [&](const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto time = parse_timestamp(field("time"));
  if (!time) return std::nullopt;
  return Statement{field("run"),    field("run_started"), field("decision"),
                   field("action"), field("task"),        field("verdict"),
                   field("by"),     field("note"),        time->utc};
}

std::string require_ssh_keygen() {
  const std::string path = detail::resolve_program("ssh-keygen", current_environment());
  if (path.find('/') == std::string::npos) {
    throw EnvironmentError(
        "ssh-keygen is not installed, and this runbook's decisions are signed "
        "(identity.allowed_signers): install openssh-client");
  }
  return path;
}

std::string sign_text(const std::filesystem::path& key, std::string_view text) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(key, error)) {
    throw UsageError(fmt::format("--key {}: no such key file", key.string()));
  }
  if (key.extension() == ".pub") {
    require_agent_key(key);
  } else {
    check_private_key(key);
  }
  const Call call = call_ssh_keygen(
      {"-Y", "sign", "-f", key.string(), "-n", std::string(signature_namespace)}, text);
  if (!call.end.succeeded() || call.out.find("BEGIN SSH SIGNATURE") == std::string::npos) {
    throw UsageError(fmt::format("cannot sign with {}: {}", key.string(), reason_of(call)));
  }
  return call.out;
}

std::optional<std::string> signature_problem(std::string_view allowed_signers,
                                             std::string_view name, std::string_view text,
                                             std::string_view signature) {
  if (signature.empty()) return "it is not signed";
  try {
    const TemporaryFolder folder;
    const auto signers_file = folder.path() / "allowed_signers";
    const auto signature_file = folder.path() / "decision.sig";
    write_private_file(signers_file, allowed_signers);
    write_private_file(signature_file, signature);
    const Call call =
        call_ssh_keygen({"-Y", "verify", "-f", signers_file.string(), "-I", std::string(name), "-n",
                         std::string(signature_namespace), "-s", signature_file.string()},
                        text);
    if (call.end.succeeded()) return std::nullopt;
    if (call.end.start_error || call.end.timed_out) {
      return fmt::format("its signature could not be checked: {}", reason_of(call));
    }
    return fmt::format("the signature is not {}'s (ssh-keygen: {})", name, reason_of(call));
  } catch (const std::exception& error) {
    // The executor checks in its loop: a check that cannot run refuses the decision (its
    // sender tries again) rather than stopping a live run.
    return fmt::format("its signature could not be checked: {}", error.what());
  }
}

event::Signature sign_statement(const std::filesystem::path& key, const Statement& statement) {
  std::string text = statement_text(statement);
  std::string sshsig = sign_text(key, text);
  return {std::move(text), std::move(sshsig)};
}

std::optional<event::Signature> sign_decision(const std::optional<Identity>& identity,
                                              const std::filesystem::path& key,
                                              const Statement& statement) {
  if (!identity) {
    if (key.empty()) return std::nullopt;
    throw UsageError(
        "--key: decisions in this run are not signed (its runbook has no "
        "identity.allowed_signers)");
  }
  if (key.empty()) {
    throw UsageError(fmt::format(
        "decisions in this run are signed ({}): give --key FILE, your OpenSSH key listed there "
        "under '{}'",
        identity->allowed_signers, statement.by));
  }
  event::Signature signature = sign_statement(key, statement);
  if (auto wrong =
          signature_problem(identity->text, statement.by, signature.statement, signature.sshsig)) {
    throw UsageError(fmt::format("refused: {}", *wrong));
  }
  return signature;
}

void refuse_auto_answers(const std::optional<Identity>& identity) {
  if (!identity) return;
  throw UsageError(fmt::format(
      "--auto: decisions in this runbook are signed ({}), and 'auto' has no key; rehearse with "
      "people answering, or with --dry-run",
      identity->allowed_signers));
}

void require_frozen_signers(const std::optional<Identity>& identity,
                            const std::string& header_sha256,
                            const std::filesystem::path& run_dir) {
  if (identity && sha256_hex(identity->text) != header_sha256) {
    throw EnvironmentError(fmt::format(
        "{}: the run's allowed_signers is not the file it started with (its SHA-256 differs); "
        "restore it from where the run started",
        (run_dir / frozen_signers_name).string()));
  }
}

}  // namespace cutover
